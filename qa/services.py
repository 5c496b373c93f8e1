"""Writes of the qa app: templates and versions, reviews and their answers, release, disputes, sampling."""

import random
import secrets
from collections.abc import Iterable, Mapping
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Max, Q
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core import roles, security
from core.models import Agent, Channel, Contact, Team, User
from core.services.rollup_marks import rollup_enqueue, rollup_mark
from qa.models import (
    ALREADY_REVIEWED,
    Criterion,
    Review,
    ReviewAnswer,
    ReviewSkillScore,
    SamplingRun,
    ScorecardSection,
    ScorecardTemplate,
    ScorecardVersion,
)
from qa.scoring import RawAnswer, score_answers, value_is_valid


class ReviewConflict(ValidationError):
    """Someone saved the review after this form was loaded; nothing was written."""


SAMPLING_ATTEMPTS = 3


def has_review(contact_ids: Iterable[int]) -> bool:
    """Whether any of the contacts has a (non-calibration) review: the one_review_per_contact rule."""
    return Review.objects.filter(contact_id__in=list(contact_ids), is_calibration=False).exists()


# Templates and versions -------------------------------------------------------------------------------------------


@transaction.atomic
def template_create(*, name: str, description: str = "", created_by: User | None = None) -> ScorecardTemplate:
    """A new template with an empty draft version 1."""
    if ScorecardTemplate.objects.filter(name__iexact=name.strip()).exists():
        raise ValidationError({"name": "A template with this name exists."})
    template = ScorecardTemplate.objects.create(name=name.strip(), description=description)
    ScorecardVersion.objects.create(template=template, number=1, created_by=created_by, notes="First version")
    return template


def version_is_frozen(*, version: ScorecardVersion) -> bool:
    """A version is frozen once any review was scored with it, or once retired: its content never changes."""
    return version.status == ScorecardVersion.Status.RETIRED or version.reviews.exists()


@transaction.atomic
def version_for_editing(*, version: ScorecardVersion, user: User | None) -> ScorecardVersion:
    """The version an edit of `version` goes to: itself while it has no reviews, else the template's draft
    (created as a copy of `version` when there is none). Reviews keep the version they were scored with."""
    if not version_is_frozen(version=version):
        return version
    draft = version.template.versions.filter(status=ScorecardVersion.Status.DRAFT).first()
    if draft is not None:
        return draft
    return version_copy(version=version, user=user)


@transaction.atomic
def version_copy(*, version: ScorecardVersion, user: User | None, notes: str = "") -> ScorecardVersion:
    """A new draft version with the same sections and criteria (criterion keys kept, so answers can be matched)."""
    template = ScorecardTemplate.objects.select_for_update().get(pk=version.template_id)
    if template.versions.filter(status=ScorecardVersion.Status.DRAFT).exists():
        raise ValidationError("This template already has a draft version; edit that one.")
    number = (template.versions.aggregate(m=Max("number"))["m"] or 0) + 1
    copy = ScorecardVersion.objects.create(
        template=template, number=number, created_by=user, notes=notes or f"Edited from v{version.number}"
    )
    for section in version.sections.prefetch_related("criteria"):
        new_section = ScorecardSection.objects.create(version=copy, title=section.title, position=section.position)
        Criterion.objects.bulk_create(
            Criterion(
                version=copy,
                section=new_section,
                key=c.key,
                skill_id=c.skill_id,
                text=c.text,
                guidance=c.guidance,
                weight=c.weight,
                scale=c.scale,
                scale_min=c.scale_min,
                scale_max=c.scale_max,
                point_labels=c.point_labels,
                critical=c.critical,
                allow_na=c.allow_na,
                channels=c.channels,
                position=c.position,
            )
            for c in section.criteria.all()
        )
    return copy


def _check_editable(version: ScorecardVersion) -> None:
    if version_is_frozen(version=version):
        raise ValidationError("This version has reviews or is retired; edits go to a new version.")


@transaction.atomic
def version_publish(*, version: ScorecardVersion, user: User | None = None) -> ScorecardVersion:
    """Make a draft the version new reviews use; the previously published one is retired (its reviews keep it)."""
    if version.status != ScorecardVersion.Status.DRAFT:
        raise ValidationError("Only a draft version can be published.")
    if not version.criteria.exists():
        raise ValidationError("Add at least one criterion before publishing.")
    version.template.versions.filter(status=ScorecardVersion.Status.PUBLISHED).update(
        status=ScorecardVersion.Status.RETIRED
    )
    version.status = ScorecardVersion.Status.PUBLISHED
    version.published_at = timezone.now()
    version.save(update_fields=["status", "published_at"])
    return version


@transaction.atomic
def section_save(
    *, version: ScorecardVersion, title: str, section: ScorecardSection | None = None, position: int | None = None
) -> ScorecardSection:
    _check_editable(version)
    if not title.strip():
        raise ValidationError({"title": "A section needs a title."})
    if section is None:
        if position is None:
            position = (version.sections.aggregate(m=Max("position"))["m"] or 0) + 1
        return ScorecardSection.objects.create(version=version, title=title.strip(), position=position)
    section.title = title.strip()
    if position is not None:
        section.position = position
    section.save()
    return section


@transaction.atomic
def section_delete(*, section: ScorecardSection) -> None:
    _check_editable(section.version)
    section.delete()


def _clean_criterion(data: dict) -> dict:
    errors: dict[str, str] = {}
    scale = data.get("scale", Criterion.Scale.YES_NO)
    if scale == Criterion.Scale.POINTS:
        low, high = data.get("scale_min", 1), data.get("scale_max", 5)
        if high <= low:
            errors["scale_max"] = "The maximum must be above the minimum."
        elif high - low > 10:
            errors["scale_max"] = "At most 11 points."
        labels = [label.strip() for label in data.get("point_labels") or []]
        if not errors and (len(labels) != high - low + 1 or not all(labels)):
            errors["point_labels"] = f"Describe each of the {high - low + 1} points, one per line, lowest first."
        data["point_labels"] = labels
    else:
        data["scale_min"], data["scale_max"], data["point_labels"] = 0, 1, []
    channels = list(dict.fromkeys(data.get("channels") or []))
    if any(channel not in Channel.values for channel in channels):
        errors["channels"] = "Unknown channel."
    data["channels"] = channels
    if data.get("weight") is None or data["weight"] <= 0:
        errors["weight"] = "The weight must be above 0."
    if not (data.get("text") or "").strip():
        errors["text"] = "Describe the behaviour."
    if errors:
        raise ValidationError(errors)
    return data


@transaction.atomic
def criterion_save(*, section: ScorecardSection, criterion: Criterion | None = None, **fields) -> Criterion:
    """Create or change a criterion of a version that has no reviews yet."""
    version = section.version
    _check_editable(version)
    data = _clean_criterion(fields)
    if criterion is None:
        key = data.pop("key", "") or _unique_key(version=version, text=data["text"])
        if version.criteria.filter(key=key).exists():
            raise ValidationError({"key": "Another criterion of this version has this key."})
        position = data.pop("position", None)
        if position is None:
            position = (section.criteria.aggregate(m=Max("position"))["m"] or 0) + 1
        return Criterion.objects.create(version=version, section=section, key=key, position=position, **data)
    data.pop("key", None)
    for name, value in data.items():
        setattr(criterion, name, value)
    criterion.section = section
    criterion.save()
    return criterion


def _unique_key(*, version: ScorecardVersion, text: str) -> str:
    from django.utils.text import slugify

    base = slugify(text)[:60] or "criterion"
    taken = set(version.criteria.values_list("key", flat=True))
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    return key


@transaction.atomic
def criterion_delete(*, criterion: Criterion) -> None:
    _check_editable(criterion.version)
    criterion.delete()


def default_version() -> ScorecardVersion | None:
    """The published version of the default template (else of any template): what new reviews are scored with."""
    published = ScorecardVersion.objects.filter(status=ScorecardVersion.Status.PUBLISHED).select_related("template")
    return published.order_by("-template__is_default", "template__name").first()


# Reviews ----------------------------------------------------------------------------------------------------------


def contact_day(contact: Contact) -> date:
    """The local day the contact counts on (Contact.day, as the KPI rollups use)."""
    return contact.day


def _mark(review: Review) -> None:
    if not review.is_calibration:
        rollup_mark(agent_days=[(review.agent_id, contact_day(review.contact))])
        rollup_enqueue()


@transaction.atomic
def review_create(
    *,
    contact: Contact,
    reviewer: User | None,
    version: ScorecardVersion | None = None,
    due_date: date | None = None,
    sampling_run: SamplingRun | None = None,
    is_calibration: bool = False,
) -> Review:
    """A draft review of `contact`, pinned to `version` (default: the published default). A reviewer never reviews
    their own work; a contact has at most one (non-calibration) review."""
    version = version or default_version()
    if version is None:
        raise ValidationError({"version": "No published scorecard version to review with."})
    if version.status == ScorecardVersion.Status.RETIRED:
        raise ValidationError({"version": "This version is retired; use the published one."})
    if version.status != ScorecardVersion.Status.PUBLISHED:
        # A review freezes its version: a draft with a review could be neither edited nor replaced.
        raise ValidationError({"version": "This version is a draft; publish it first or use the published one."})
    if reviewer is not None and reviewer.pk == contact.agent.user_id:
        raise ValidationError({"reviewer": "A reviewer cannot review their own work."})
    if not is_calibration and has_review([contact.pk]):
        raise ValidationError({"contact": ALREADY_REVIEWED})
    review = Review(
        contact=contact,
        agent_id=contact.agent_id,
        team_id=contact.team_id,
        reviewer=reviewer,
        version=version,
        due_date=due_date,
        sampling_run=sampling_run,
        is_calibration=is_calibration,
    )
    review._history_user = reviewer
    try:
        with transaction.atomic():  # a savepoint: only this insert is undone when it loses a race
            review.save()
    except IntegrityError:
        # Another request created a review of the contact after the check above (one_review_per_contact).
        if not is_calibration and has_review([contact.pk]):
            raise ValidationError({"contact": ALREADY_REVIEWED}) from None
        raise
    return review


def review_is_editable(review: Review) -> bool:
    return review.status == Review.Status.DRAFT and review.submitted_at is None


def _conflict(review: Review) -> ReviewConflict:
    current = Review.objects.select_related("reviewer").get(pk=review.pk)
    last = current.history.select_related("history_user").first()
    who = str(last.history_user) if last is not None and last.history_user else "someone else"
    when = timezone.localtime(current.updated_at).strftime("%H:%M:%S")
    return ReviewConflict(
        f"{who} saved this review at {when}, after you opened it. Your changes were not saved; "
        "reload the review to see theirs, then make your changes again."
    )


def _claim(review: Review, *, lock_version: int | None) -> None:
    """Optimistic lock: bump lock_version only if nobody saved since the form was loaded."""
    if lock_version is None:
        raise ValidationError({"lock_version": "Send the lock_version you loaded."})
    updated = Review.objects.filter(pk=review.pk, lock_version=lock_version).update(lock_version=F("lock_version") + 1)
    if not updated:
        raise _conflict(review)
    review.lock_version = lock_version + 1


def _unchanged(
    review: Review, stored: Mapping[int, RawAnswer], answers: Mapping[int, RawAnswer], comment: str | None
) -> bool:
    same_answers = all(stored.get(criterion_id) == raw for criterion_id, raw in answers.items())
    return same_answers and (comment is None or comment == review.comment)


def _validate_answers(review: Review, answers: Mapping[int, RawAnswer], *, complete: bool) -> None:
    criteria = {c.pk: c for c in review.version.criteria.all()}
    errors: dict[str, list[str]] = {}
    for criterion_id, answer in answers.items():
        criterion = criteria.get(criterion_id)
        if criterion is None:
            errors.setdefault("answers", []).append(f"Criterion {criterion_id} is not on this scorecard.")
            continue
        if answer.is_na and not criterion.allow_na:
            errors.setdefault(f"criterion_{criterion_id}", []).append("N/A is not allowed here.")
        elif not answer.is_na and answer.value is not None and not value_is_valid(criterion, answer.value):
            errors.setdefault(f"criterion_{criterion_id}", []).append("Not a value of this scale.")
    if errors:
        raise ValidationError(errors)
    result = score_answers(criteria=criteria.values(), answers=answers, channel=review.contact.channel)
    if complete:
        for criterion_id in result.missing:
            errors.setdefault(f"criterion_{criterion_id}", []).append("Answer this criterion (or mark it N/A).")
        for criterion_id in result.failed_critical:
            if not answers[criterion_id].comment.strip():
                errors.setdefault(f"criterion_{criterion_id}", []).append(
                    "A critical fail needs a reason in the comment."
                )
        if errors:
            raise ValidationError(errors)


ANSWER_FIELDS = ["value", "is_na", "comment"]


def _write_answers(review: Review, answers: Mapping[int, RawAnswer], *, actor: User | None, reason: str) -> list[int]:
    """Store the raw answers; each new or changed answer gets a history record (who, when, why). Returns the ids of
    the criteria whose answers were written (new or changed), in order.

    A constant number of queries whatever the scorecard's size: new answers are bulk-created and changed ones
    bulk-updated, each with its history record; an unchanged answer is not written again."""
    existing = {a.criterion_id: a for a in review.answers.all()}
    new: list[ReviewAnswer] = []
    changed: list[ReviewAnswer] = []
    for criterion_id, raw in answers.items():
        value = None if raw.is_na else raw.value
        answer = existing.get(criterion_id)
        if answer is None:
            new.append(
                ReviewAnswer(
                    review=review, criterion_id=criterion_id, value=value, is_na=raw.is_na, comment=raw.comment
                )
            )
        elif (answer.value, answer.is_na, answer.comment) != (value, raw.is_na, raw.comment):
            answer.value, answer.is_na, answer.comment = value, raw.is_na, raw.comment
            changed.append(answer)
    if new:
        bulk_create_with_history(new, ReviewAnswer, default_user=actor, default_change_reason=reason)
    if changed:
        bulk_update_with_history(changed, ReviewAnswer, ANSWER_FIELDS, default_user=actor, default_change_reason=reason)
    return sorted(answer.criterion_id for answer in (*new, *changed))


def review_raw_answers(review: Review) -> dict[int, RawAnswer]:
    return {a.criterion_id: RawAnswer(value=a.value, is_na=a.is_na, comment=a.comment) for a in review.answers.all()}


def _rescore(review: Review) -> None:
    """Score from the stored raw answers and the pinned version; write score, auto-fail and skill rows."""
    criteria = list(review.version.criteria.all())
    result = score_answers(criteria=criteria, answers=review_raw_answers(review), channel=review.contact.channel)
    review.score = result.score
    review.auto_failed = result.auto_failed
    review.auto_fail_reason = result.auto_fail_reason
    ReviewSkillScore.objects.filter(review=review).delete()
    ReviewSkillScore.objects.bulk_create(
        ReviewSkillScore(review=review, skill_id=skill_id, score=score)
        for skill_id, score in result.skill_scores.items()
    )


def _save_review(review: Review, *, actor: User | None, reason: str, fields: list[str]) -> None:
    review._history_user = actor
    review._change_reason = reason
    review.save(update_fields=[*fields, "lock_version", "updated_at"])


@transaction.atomic
def review_save(
    *,
    review: Review,
    actor: User,
    answers: Mapping[int, RawAnswer],
    lock_version: int | None,
    comment: str | None = None,
    submit: bool = False,
    autosave: bool = False,
) -> Review:
    """Save a draft's answers (and submit it: release to the agent, or lock a calibration review).

    Refuses a stale save (ReviewConflict): a second reviewer never silently overwrites the first. An autosave
    (saved as the reviewer types) that changes nothing writes nothing, and stays out of the review's history."""
    review = Review.objects.select_related("contact", "version").get(pk=review.pk)
    if not review_is_editable(review):
        raise ValidationError("This review was already submitted; changes go through a dispute.")
    # Any reviewer in scope may work on a draft (a colleague covering); the lock stops silent overwrites.
    if actor.pk == review.agent.user_id:
        raise ValidationError("A reviewer cannot review their own work.")
    stored = review_raw_answers(review)
    _validate_answers(review, {**stored, **answers}, complete=submit)
    autosave = autosave and not submit
    if autosave and lock_version is not None and _unchanged(review, stored, answers, comment):
        if lock_version != review.lock_version:
            raise _conflict(review)
        return review
    _claim(review, lock_version=lock_version)
    reason = "Submitted" if submit else (Review.AUTOSAVE_REASON if autosave else "Draft saved")
    _write_answers(review, answers, actor=actor, reason=reason)
    _rescore(review)
    fields = ["score", "auto_failed", "auto_fail_reason"]
    if review.reviewer_id is None or (submit and review.reviewer_id != actor.pk):
        review.reviewer = actor  # whoever submits is the reviewer of record (a dispute goes to someone else)
        fields.append("reviewer")
    if comment is not None:
        review.comment = comment
        fields.append("comment")
    if submit:
        review.submitted_at = timezone.now()
        fields.append("submitted_at")
        if not review.is_calibration:
            review.status = Review.Status.RELEASED
            fields.append("status")
    _save_review(review, actor=actor, reason=reason, fields=fields)
    if submit:
        _mark(review)
        security.log_event(
            "review_submitted", user=actor, review=review.pk, score=str(review.score), calibration=review.is_calibration
        )
    return review


@transaction.atomic
def review_acknowledge(*, review: Review, user: User) -> Review:
    """The agent accepts a released review."""
    review = (
        Review.objects.select_for_update(of=("self",)).select_related("agent", "contact").get(pk=review.pk)
    )  # one click wins
    if review.agent.user_id != user.pk:
        raise ValidationError("Only the reviewed agent can acknowledge this review.")
    if review.status != Review.Status.RELEASED:
        raise ValidationError("Only a released review can be acknowledged.")
    review.status = Review.Status.ACKNOWLEDGED
    review.acknowledged_at = timezone.now()
    review.lock_version += 1
    _save_review(review, actor=user, reason="Acknowledged by the agent", fields=["status", "acknowledged_at"])
    _mark(review)
    return review


@transaction.atomic
def review_dispute(*, review: Review, user: User, reason: str) -> Review:
    """The agent disputes a released review with a reason; it goes to the dispute queue."""
    review = Review.objects.select_for_update(of=("self",)).select_related("agent", "contact").get(pk=review.pk)
    if review.agent.user_id != user.pk:
        raise ValidationError("Only the reviewed agent can dispute this review.")
    if review.status != Review.Status.RELEASED:
        raise ValidationError("Only a released review (not yet acknowledged) can be disputed.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why you dispute this review."})
    review.status = Review.Status.DISPUTED
    review.dispute_reason = reason.strip()
    review.disputed_at = timezone.now()
    review.lock_version += 1
    _save_review(review, actor=user, reason="Disputed by the agent", fields=["status", "dispute_reason", "disputed_at"])
    _mark(review)
    security.log_event("review_disputed", user=user, review=review.pk, score=str(review.score))
    return review


@transaction.atomic
def review_resolve(
    *,
    review: Review,
    resolver: User,
    note: str,
    lock_version: int | None,
    answers: Mapping[int, RawAnswer] | None = None,
) -> Review:
    """Another reviewer settles a dispute, optionally changing answers; the review is re-scored and history kept."""
    review = (
        Review.objects.select_for_update(of=("self",)).select_related("contact", "version", "agent").get(pk=review.pk)
    )
    if review.status != Review.Status.DISPUTED:
        raise ValidationError("Only a disputed review can be resolved.")
    if resolver.pk == review.reviewer_id:
        raise ValidationError("A dispute is resolved by a reviewer other than the one who scored it.")
    if resolver.pk == review.agent.user_id:
        raise ValidationError("An agent cannot resolve their own dispute.")
    if not note.strip():
        raise ValidationError({"note": "Explain the decision to the agent."})
    if "\x00" in note:  # posted raw, not through a form field; the database would fail on it
        raise ValidationError({"note": "The note contains a NUL character."})
    answers = answers or {}
    merged = {**review_raw_answers(review), **answers}
    _validate_answers(review, merged, complete=True)
    _claim(review, lock_version=lock_version)
    previous_score = review.score
    reason = "Dispute resolved"
    written = _write_answers(review, answers, actor=resolver, reason=reason)
    _rescore(review)
    review.status = Review.Status.RESOLVED
    review.resolved_by = resolver
    review.resolved_at = timezone.now()
    review.resolution_note = note.strip()
    _save_review(
        review,
        actor=resolver,
        reason=reason,
        fields=["score", "auto_failed", "auto_fail_reason", "status", "resolved_by", "resolved_at", "resolution_note"],
    )
    _mark(review)
    security.log_event(
        "review_dispute_resolved",
        user=resolver,
        review=review.pk,
        previous_score=str(previous_score),
        score=str(review.score),
        answers_changed=written,
    )
    return review


# Sampling and assignment ------------------------------------------------------------------------------------------


def reviewers_for_team(*, team: Team) -> "list[User]":
    """Active QA reviewers whose scope covers `team` (they lead it, or it or its vendor is in their scope)."""
    return list(
        User.objects.filter(is_active=True, groups__name=roles.QA_REVIEWER)
        .filter(Q(led_teams=team) | Q(scope__teams=team) | Q(scope__vendors=team.vendor_id))
        .distinct()
        .order_by("pk")
    )


def sample_contacts(*, run: SamplingRun, agents: Iterable[Agent]) -> dict[int, list[int]]:
    """agent id → contact ids drawn for `run`: the same seed and data always give the same draw."""
    tz = timezone.get_current_timezone()
    from datetime import datetime, time

    start = datetime.combine(run.period_start, time.min, tzinfo=tz)
    end = datetime.combine(run.period_end + timedelta(days=1), time.min, tzinfo=tz)
    agent_ids = sorted(a.pk for a in agents)
    contacts = Contact.objects.filter(
        agent_id__in=agent_ids, started_at__gte=start, started_at__lt=end, team__in=run.teams.all()
    )
    if run.channel:
        contacts = contacts.filter(channel=run.channel)
    if run.max_csat is not None:
        contacts = contacts.filter(csat__isnull=False, csat__lte=run.max_csat)
    if run.min_handle_seconds is not None:
        contacts = contacts.filter(handle_seconds__gte=run.min_handle_seconds)
    by_agent: dict[int, list[int]] = {agent_id: [] for agent_id in agent_ids}
    for agent_id, contact_id in contacts.order_by("agent_id", "pk").values_list("agent_id", "pk"):
        by_agent[agent_id].append(contact_id)
    picks: dict[int, list[int]] = {}
    for agent_id in agent_ids:
        pool = by_agent[agent_id]
        rng = random.Random(f"{run.seed}:{agent_id}")
        picks[agent_id] = sorted(rng.sample(pool, min(run.per_agent, len(pool))))
    return picks


def assign_by_load(*, items: list[tuple[int, int]], eligible: Mapping[int, list[int]], load: dict[int, int]) -> dict:
    """(contact id, agent user id) → reviewer id: each to the eligible reviewer with the least open work (ties to the
    lowest id), never the agent themself. `eligible` maps agent user id → reviewer ids; `load` is updated."""
    assignment: dict[int, int | None] = {}
    for contact_id, agent_user_id in items:
        candidates = [r for r in eligible.get(agent_user_id, []) if r != agent_user_id]
        if not candidates:
            assignment[contact_id] = None
            continue
        chosen = min(candidates, key=lambda r: (load.get(r, 0), r))
        load[chosen] = load.get(chosen, 0) + 1
        assignment[contact_id] = chosen
    return assignment


def open_load(reviewer_ids: Iterable[int]) -> dict[int, int]:
    rows = (
        Review.objects.filter(reviewer_id__in=list(reviewer_ids), status=Review.Status.DRAFT, submitted_at__isnull=True)
        .values("reviewer_id")
        .annotate(n=Count("pk"))
    )
    return {row["reviewer_id"]: row["n"] for row in rows}


@transaction.atomic
def sampling_run_create(
    *,
    teams: Iterable[Team],
    period_start: date,
    period_end: date,
    per_agent: int = 5,
    seed: int | None = None,
    channel: str = "",
    max_csat: int | None = None,
    min_handle_seconds: int | None = None,
    version: ScorecardVersion | None = None,
    due_in_days: int = 7,
    created_by: User | None = None,
) -> SamplingRun:
    teams = list(teams)
    if not teams:
        raise ValidationError({"teams": "Choose at least one team."})
    if period_end < period_start:
        raise ValidationError({"period_end": "The period ends before it starts."})
    if not 1 <= per_agent <= 50:
        raise ValidationError({"per_agent": "Between 1 and 50 per agent."})
    version = version or default_version()
    if version is None or version.status != ScorecardVersion.Status.PUBLISHED:
        raise ValidationError({"version": "Publish a scorecard version first."})
    run = SamplingRun.objects.create(
        period_start=period_start,
        period_end=period_end,
        per_agent=per_agent,
        seed=seed if seed is not None else secrets.randbelow(2**31),
        channel=channel,
        max_csat=max_csat,
        min_handle_seconds=min_handle_seconds,
        version=version,
        due_date=timezone.localdate() + timedelta(days=due_in_days),
        created_by=created_by,
    )
    run.teams.set(teams)
    return run


def _sampled_reviews(run: SamplingRun) -> list[Review]:
    """The run's drawn contacts that have no review yet, as unsaved draft reviews assigned by reviewer load."""
    teams = list(run.teams.select_related("vendor"))
    agents = list(Agent.objects.filter(team__in=teams, is_active=True).select_related("user"))
    picks = sample_contacts(run=run, agents=agents)
    wanted = [cid for ids in picks.values() for cid in ids]
    reviewed = set(
        Review.objects.filter(contact_id__in=wanted, is_calibration=False).values_list("contact_id", flat=True)
    )
    contacts = {
        c.pk: c for c in Contact.objects.filter(pk__in=[c for c in wanted if c not in reviewed]).select_related("agent")
    }
    eligible_by_team = {team.pk: [u.pk for u in reviewers_for_team(team=team)] for team in teams}
    items, eligible = [], {}
    for contact_id in sorted(contacts):
        contact = contacts[contact_id]
        items.append((contact_id, contact.agent.user_id))
        eligible.setdefault(contact.agent.user_id, eligible_by_team.get(contact.team_id, []))
    all_reviewers = {r for ids in eligible_by_team.values() for r in ids}
    assignment = assign_by_load(items=items, eligible=eligible, load=open_load(all_reviewers))
    return [
        Review(
            contact_id=contact_id,
            agent_id=contacts[contact_id].agent_id,
            team_id=contacts[contact_id].team_id,
            reviewer_id=reviewer_id,
            version_id=run.version_id,
            due_date=run.due_date,
            sampling_run=run,
        )
        for contact_id, reviewer_id in assignment.items()
    ]


@transaction.atomic
def sampling_run_execute(*, run: SamplingRun) -> int:
    """Draw the run's contacts and create an assigned draft review for each that has none. Safe to run twice, and
    beside another run over the same conversations: what the other run reviewed first is skipped."""
    for attempt in range(1, SAMPLING_ATTEMPTS + 1):
        reviews = _sampled_reviews(run)
        if not reviews:
            break
        try:
            with transaction.atomic():  # one insert for the reviews, one for their history, whatever the size
                bulk_create_with_history(
                    reviews, Review, default_user=run.created_by, default_change_reason=f"Sampled (seed {run.seed})"
                )
            break
        except IntegrityError:
            # A concurrent run (or request) reviewed one of these contacts after the draw read them: it has committed
            # by now, so drawing again skips those contacts.
            if not has_review(r.contact_id for r in reviews):
                raise
            if attempt == SAMPLING_ATTEMPTS:
                raise ValidationError(
                    "Other reviews of these conversations were being created at the same time; nothing was sampled. "
                    "Run the sampling again: conversations that have a review are skipped."
                ) from None
    SamplingRun.objects.filter(pk=run.pk).update(executed_at=timezone.now(), picked=F("picked") + len(reviews))
    return len(reviews)


def last_week(today: date | None = None) -> tuple[date, date]:
    """Monday to Sunday of the week before `today`'s."""
    today = today or timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    return monday - timedelta(days=7), monday - timedelta(days=1)
