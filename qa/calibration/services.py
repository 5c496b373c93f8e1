"""Writes of calibration: sessions, opening results, answers revised afterwards, discussions, gold sets."""

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from core import roles, security
from core.models import Contact, User, Vendor
from core.selectors.scope import agents_for_user, vendors_for_user
from qa.calibration import notifications
from qa.calibration.models import (
    CalibrationAssignment,
    CalibrationDiscussion,
    CalibrationItem,
    CalibrationParticipant,
    CalibrationRevision,
    CalibrationSession,
    GoldAnswer,
    GoldSet,
    GoldSetItem,
)
from qa.calibration.selectors import eligible_participants, session_results
from qa.reviews.models import ReviewAnswer
from qa.reviews.services import review_create
from qa.rules import is_qa_lead
from qa.scorecards.models import Criterion, ScorecardVersion
from qa.scoring import answer_label, value_is_valid


def reviewer_vendor(*, user: User, within: Iterable[int] | None = None) -> Vendor | None:
    """The vendor a reviewer reviews for: the first vendor of their own scope (inside `within` when given)."""
    vendors = Vendor.objects.filter(Q(scopes__user=user) | Q(teams__scopes__user=user)).distinct().order_by("pk")
    if within is not None:
        vendors = vendors.filter(pk__in=list(within))
    return vendors.first()


def _check_lead(user: User) -> None:
    if not is_qa_lead(user):
        raise ValidationError("Only a QA lead can run calibration sessions.")


@transaction.atomic
def session_create(
    *,
    owner: User,
    title: str,
    deadline: datetime,
    participants: Iterable[User],
    version: ScorecardVersion | None = None,
    contacts: Iterable[Contact] = (),
    calibrator: User | None = None,
    gold_set: GoldSet | None = None,
) -> CalibrationSession:
    """A session with one calibration review per participant and conversation (the calibrator scores too)."""
    _check_lead(owner)
    errors: dict[str, list[str]] = {}
    if gold_set is not None:
        version = gold_set.version
        contacts = [item.contact for item in gold_set.items.select_related("contact__agent")]
    contacts = list(contacts)
    people = {user.pk: user for user in participants}
    if calibrator is not None:
        people.setdefault(calibrator.pk, calibrator)
    if not title.strip():
        errors.setdefault("title", []).append("Give the session a title.")
    if version is None:
        errors.setdefault("version", []).append("Choose a scorecard version.")
    elif version.status == ScorecardVersion.Status.DRAFT:
        errors.setdefault("version", []).append("Calibrate on a published version, not a draft.")
    if not contacts:
        errors.setdefault("contacts", []).append("Choose at least one conversation.")
    in_scope = set(
        agents_for_user(user=owner).filter(pk__in=[c.agent_id for c in contacts]).values_list("pk", flat=True)
    )
    if any(c.agent_id not in in_scope for c in contacts):
        errors.setdefault("contacts", []).append("Some conversations are outside your scope.")
    if calibrator is None and gold_set is None:
        errors.setdefault("calibrator", []).append("Choose a calibrator, or run a gold set.")
    if len(people) < (1 if gold_set is not None else 2):
        errors.setdefault("participants", []).append("A calibration needs at least two scorers.")
    eligible = set(eligible_participants(lead=owner).filter(pk__in=list(people)).values_list("pk", flat=True))
    if set(people) - eligible:
        errors.setdefault("participants", []).append("Participants must be QA reviewers of a vendor in your scope.")
    agent_users = {c.agent.user_id for c in contacts}
    if agent_users & set(people):
        errors.setdefault("participants", []).append("A reviewer cannot score their own conversation.")
    if deadline <= timezone.now():
        errors.setdefault("deadline", []).append("The deadline must be in the future.")
    if errors:
        raise ValidationError(errors)
    session = CalibrationSession.objects.create(
        title=title.strip(), version=version, owner=owner, calibrator=calibrator, gold_set=gold_set, deadline=deadline
    )
    lead_vendors = list(vendors_for_user(user=owner).values_list("pk", flat=True))
    items = [CalibrationItem.objects.create(session=session, contact=c, position=i) for i, c in enumerate(contacts)]
    for user in people.values():
        participant = CalibrationParticipant.objects.create(
            session=session,
            user=user,
            vendor=reviewer_vendor(user=user, within=lead_vendors),
            is_calibrator=calibrator is not None and user.pk == calibrator.pk,
        )
        for item in items:
            review = review_create(
                contact=item.contact,
                reviewer=user,
                version=version,
                due_date=timezone.localdate(deadline),
                is_calibration=True,
            )
            CalibrationAssignment.objects.create(item=item, participant=participant, review=review)
    notifications.calibration_invited(session=session, user_ids=list(people), items=len(items), actor=owner)
    return session


def _all_submitted(session: CalibrationSession) -> bool:
    return not CalibrationAssignment.objects.filter(
        participant__session=session, review__submitted_at__isnull=True
    ).exists()


@transaction.atomic
def session_open_results(*, session: CalibrationSession, closed_by: str, actor: User | None = None) -> bool:
    """Open the results once (a conditional update) and snapshot the participants' figures; tell the participants
    who may read them (those who submitted everything) and the session's lead. False if already open."""
    now = timezone.now()
    updated = CalibrationSession.objects.filter(pk=session.pk, status=CalibrationSession.Status.OPEN).update(
        status=CalibrationSession.Status.CLOSED, closed_by=closed_by, results_opened_at=now
    )
    if not updated:
        return False
    session.refresh_from_db()
    results = session_results(session=session, with_interval=True)
    session.alpha = results.alpha
    session.alpha_low = results.interval.low if results.interval else None
    session.alpha_high = results.interval.high if results.interval else None
    session.save(update_fields=["alpha", "alpha_low", "alpha_high"])
    rows = []
    for row in results.participants:
        participant = row.participant
        participant.distance = row.distance
        participant.abs_distance = None if row.distance is None else abs(row.distance)
        participant.agreement_pct = row.agreement_pct
        participant.scored = row.scored
        rows.append(participant)
    CalibrationParticipant.objects.bulk_update(rows, ["distance", "abs_distance", "agreement_pct", "scored"])
    submitted_all = (
        CalibrationParticipant.objects.filter(session=session)
        .annotate(missing=Count("assignments", filter=Q(assignments__review__submitted_at__isnull=True)))
        .filter(missing=0)
        .values_list("user_id", flat=True)
    )
    notifications.calibration_results(session=session, user_ids=[session.owner_id, *submitted_all], actor=actor)
    return True


def session_sync(*, session: CalibrationSession) -> CalibrationSession:
    """Open the results if everyone has submitted or the deadline has passed (safe to call on every read)."""
    if session.status == CalibrationSession.Status.OPEN:
        if _all_submitted(session):
            session_open_results(session=session, closed_by=CalibrationSession.ClosedBy.ALL_SUBMITTED)
        elif session.deadline <= timezone.now():
            session_open_results(session=session, closed_by=CalibrationSession.ClosedBy.DEADLINE)
        session.refresh_from_db()
    return session


# Participants who have not submitted are reminded this long before the deadline (once per session).
REMIND_BEFORE = timedelta(hours=24)


def sessions_remind_due(*, now: datetime | None = None) -> int:
    """Remind the participants of open sessions closing within REMIND_BEFORE who have a conversation left to score
    (once per session and person). A session created that close to its deadline is not reminded of: its invitation
    said when it closes. Returns the notices created."""
    now = now or timezone.now()
    sessions = {
        s.pk: s
        for s in CalibrationSession.objects.filter(
            status=CalibrationSession.Status.OPEN, deadline__gt=now, deadline__lte=now + REMIND_BEFORE
        )
        if s.deadline - s.created_at > REMIND_BEFORE
    }
    missing: dict[int, set[int]] = {}
    for session_id, user_id in CalibrationAssignment.objects.filter(
        participant__session_id__in=list(sessions), review__submitted_at__isnull=True
    ).values_list("participant__session_id", "participant__user_id"):
        missing.setdefault(session_id, set()).add(user_id)
    return sum(
        notifications.calibration_due(session=sessions[pk], user_ids=users) for pk, users in sorted(missing.items())
    )


def sessions_sync_due() -> int:
    """Open every session whose deadline passed or whose participants all submitted, and remind those who have
    not submitted a day before the deadline; the count opened."""
    sessions_remind_due()
    opened = 0
    for session in CalibrationSession.objects.filter(status=CalibrationSession.Status.OPEN):
        before = session.status
        if session_sync(session=session).status != before:
            opened += 1
    return opened


def session_close(*, session: CalibrationSession, user: User) -> CalibrationSession:
    """The lead opens the results early."""
    if user.pk != session.owner_id and not is_qa_lead(user):
        raise ValidationError("Only the session's lead can close it.")
    if session.status != CalibrationSession.Status.OPEN:
        raise ValidationError("The results are already open.")
    session_open_results(session=session, closed_by=CalibrationSession.ClosedBy.LEAD, actor=user)
    session.refresh_from_db()
    return session


@transaction.atomic
def answer_revise(
    *, assignment: CalibrationAssignment, criterion: Criterion, user: User, value: int | None, is_na: bool = False
) -> CalibrationRevision | None:
    """Change an answer after the results opened: kept apart from the blind answer, which never changes.

    Changing back to the blind answer removes the revision. Returns the revision (None when removed)."""
    session = assignment.participant.session
    if assignment.participant.user_id != user.pk:
        raise ValidationError("You can only revise your own answers.")
    if session.status != CalibrationSession.Status.CLOSED:
        raise ValidationError("Answers can be revised once the results are open.")
    review = assignment.review
    if review.submitted_at is None or review.submitted_at > session.results_opened_at:
        raise ValidationError("Only answers submitted before the results opened can be revised.")
    if criterion.version_id != review.version_id:
        raise ValidationError({"criterion": "This criterion is not on the session's scorecard."})
    if is_na and not criterion.allow_na:
        raise ValidationError({"value": "N/A is not allowed on this criterion."})
    if not is_na and not value_is_valid(criterion, value):
        raise ValidationError({"value": "Not a value of this scale."})
    # One revision of an assignment at a time: a double-click or two tabs wait here and then see the first's row,
    # instead of both creating it (the unique constraint would answer the second with an error).
    CalibrationAssignment.objects.select_for_update().only("pk").get(pk=assignment.pk)
    blind = ReviewAnswer.objects.filter(review=review, criterion=criterion).first()
    before_value, before_na = (blind.value, blind.is_na) if blind else (None, False)
    new_value = None if is_na else value
    revision = CalibrationRevision.objects.filter(assignment=assignment, criterion=criterion).first()
    shown_value, shown_na = (revision.value, revision.is_na) if revision else (before_value, before_na)
    back_to_blind = (new_value, is_na) == (before_value, before_na)
    if back_to_blind and revision is None:
        return None
    # Each change is kept in the revision's history (who, when, old → new), also when it goes back to blind.
    revision = revision or CalibrationRevision(
        assignment=assignment, criterion=criterion, before_value=before_value, before_na=before_na
    )
    revision._history_user = user
    if back_to_blind:
        revision._change_reason = "Back to the blind answer"
        revision.delete()
    else:
        revision.value, revision.is_na = new_value, is_na
        revision.save()
    security.log_event(
        "calibration_answer_revised",
        user=user,
        session=session.pk,
        assignment=assignment.pk,
        criterion=criterion.pk,
        before=answer_label(criterion, shown_value, is_na=shown_na, points="described"),
        after=answer_label(criterion, new_value, is_na=is_na, points="described"),
    )
    return None if back_to_blind else revision


def _check_owner(session: CalibrationSession, user: User) -> None:
    if user.pk != session.owner_id and not roles.is_admin(user):
        raise ValidationError("Only the session's lead can do this.")


@transaction.atomic
def discussion_save(
    *,
    session: CalibrationSession,
    criterion: Criterion,
    user: User,
    note: str,
    agreed_value: int | None = None,
    agreed_na: bool = False,
) -> CalibrationDiscussion:
    """The lead's note on a criterion and the answer the group agreed on."""
    _check_owner(session, user)
    if session.status != CalibrationSession.Status.CLOSED:
        raise ValidationError("Discuss a criterion once the results are open.")
    if criterion.version_id != session.version_id:
        raise ValidationError({"criterion": "This criterion is not on the session's scorecard."})
    if agreed_na and not criterion.allow_na:
        raise ValidationError({"agreed_value": "N/A is not allowed on this criterion."})
    if agreed_value is not None and not agreed_na and not value_is_valid(criterion, agreed_value):
        raise ValidationError({"agreed_value": "Not a value of this scale."})
    # One save of a session's discussion at a time (a double-click waits, then updates the first's row).
    CalibrationSession.objects.select_for_update().only("pk").get(pk=session.pk)
    discussion = CalibrationDiscussion.objects.filter(session=session, criterion=criterion).first()
    if discussion is None:
        discussion = CalibrationDiscussion(session=session, criterion=criterion)
    before = answer_label(criterion, discussion.agreed_value, is_na=discussion.agreed_na, points="described")
    discussion.note = note.strip()
    discussion.agreed_value = None if agreed_na else agreed_value
    discussion.agreed_na = agreed_na
    discussion.updated_by = user
    discussion._history_user = user
    discussion.save()
    security.log_event(
        "calibration_agreed_answer",
        user=user,
        session=session.pk,
        criterion=criterion.pk,
        before=before,
        after=answer_label(criterion, discussion.agreed_value, is_na=discussion.agreed_na, points="described"),
    )
    return discussion


@transaction.atomic
def discussion_promote(*, discussion: CalibrationDiscussion, user: User) -> Criterion:
    """Add the agreed answer to the criterion's guidance (and to the same criterion in the template's newer versions).

    Guidance is advice to reviewers, not part of the scoring rule, so no review is re-scored by this."""
    session = discussion.session
    _check_owner(session, user)
    if discussion.promoted_at is not None:
        raise ValidationError("This agreed answer is already in the guidance.")
    if discussion.agreed_value is None and not discussion.agreed_na:
        raise ValidationError("Record the agreed answer first.")
    criterion = discussion.criterion
    agreed = answer_label(criterion, discussion.agreed_value, is_na=discussion.agreed_na, points="described")
    line = (
        f"Calibration “{session.title}” ({timezone.localdate(session.results_opened_at or timezone.now()):%d %b %Y}): "
        f"agreed answer {agreed}."
    )
    if discussion.note:
        line += f" {discussion.note}"
    targets = Criterion.objects.filter(
        version__template_id=criterion.version.template_id,
        version__number__gte=criterion.version.number,
        key=criterion.key,
    ).exclude(version__status=ScorecardVersion.Status.RETIRED)
    for target in targets:
        target.guidance = f"{target.guidance.rstrip()}\n\n{line}".strip()
        target.save(update_fields=["guidance"])
    discussion.promoted_at = timezone.now()
    discussion._history_user = user
    discussion._change_reason = "Added to the guidance"
    discussion.save(update_fields=["promoted_at"])
    criterion.refresh_from_db()
    return criterion


@transaction.atomic
def gold_set_create(
    *, owner: User, name: str, version: ScorecardVersion, contacts: Iterable[Contact], description: str = ""
) -> GoldSet:
    _check_lead(owner)
    contacts = list(contacts)
    errors: dict[str, list[str]] = {}
    if not name.strip():
        errors.setdefault("name", []).append("Give the gold set a name.")
    elif GoldSet.objects.filter(name=name.strip()).exists():
        errors.setdefault("name", []).append("A gold set with this name exists.")
    if not contacts:
        errors.setdefault("contacts", []).append("Choose at least one conversation.")
    in_scope = set(agents_for_user(user=owner).values_list("pk", flat=True))
    if any(c.agent_id not in in_scope for c in contacts):
        errors.setdefault("contacts", []).append("Some conversations are outside your scope.")
    if version.status == ScorecardVersion.Status.DRAFT:
        errors.setdefault("version", []).append("Use a published version.")
    if errors:
        raise ValidationError(errors)
    gold_set = GoldSet.objects.create(name=name.strip(), description=description, version=version, owner=owner)
    GoldSetItem.objects.bulk_create(
        GoldSetItem(gold_set=gold_set, contact=c, position=i) for i, c in enumerate(contacts)
    )
    return gold_set


@transaction.atomic
def gold_answer_set(
    *, item: GoldSetItem, criterion: Criterion, user: User, value: int | None, is_na: bool = False, note: str = ""
) -> GoldAnswer:
    """Record the agreed answer of one criterion on one gold-set conversation."""
    if user.pk != item.gold_set.owner_id and not is_qa_lead(user):
        raise ValidationError("Only a QA lead can set gold answers.")
    if criterion.version_id != item.gold_set.version_id:
        raise ValidationError({"criterion": "This criterion is not on the gold set's scorecard."})
    if is_na and not criterion.allow_na:
        raise ValidationError({"value": "N/A is not allowed on this criterion."})
    if not is_na and not value_is_valid(criterion, value):
        raise ValidationError({"value": "Not a value of this scale."})
    if "\x00" in note:  # posted raw, not through a form field; the database would fail on it
        raise ValidationError({"note": "The note contains a NUL character."})
    answer, _ = GoldAnswer.objects.update_or_create(
        item=item,
        criterion=criterion,
        defaults={"value": None if is_na else value, "is_na": is_na, "note": note.strip()},
    )
    return answer
