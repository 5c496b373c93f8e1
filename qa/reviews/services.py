"""Writes of reviews: create, save (autosave and submit, with an optimistic lock), acknowledge.

The answer helpers (validate_answers, claim, write_answers, rescore, save_review, mark_for_rollup) are shared with
qa.disputes, whose resolution re-scores a review the same way."""

from collections.abc import Callable, Iterable, Mapping
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Model, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core import security
from core.models import Contact, User
from core.services.rollup_marks import rollup_enqueue, rollup_mark
from qa.reviews import notifications
from qa.reviews.models import (
    ALREADY_REVIEWED,
    COUNTED_STATUSES,
    Review,
    ReviewAnswer,
    ReviewerPreference,
    ReviewSkillScore,
)
from qa.scorecards.models import ScorecardVersion
from qa.scorecards.services import version_for_contact
from qa.scoring import RawAnswer, score_answers, value_is_valid

# AutoQA's suggestions shown on the review page, recorded on each answer saved: AutoQA builds on reviews, so it
# registers its reader here (qa.apps): (review=, criterion_ids=) -> {criterion id: (value, is_na)}.
SUGGESTIONS: list[Callable[..., Mapping[int, tuple[int | None, bool]]]] = []


def register_suggestions(reader: Callable[..., Mapping[int, tuple[int | None, bool]]]) -> None:
    SUGGESTIONS[:] = [reader]


class ReviewConflict(ValidationError):
    """Someone saved the review after this form was loaded; nothing was written."""


def has_review(contact_ids: Iterable[int]) -> bool:
    """Whether any of the contacts has a (non-calibration) review: the one_review_per_contact rule."""
    return (
        Review.objects.filter(contact_id__in=list(contact_ids), is_calibration=False)
        .exclude(origin=Review.Origin.SELF)
        .exists()
    )


def contact_day(contact: Contact) -> date:
    """The local day the contact counts on (Contact.day, as the KPI rollups use)."""
    return contact.day


def mark_for_rollup(review: Review) -> None:
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
    sampling_run: Model | None = None,  # a qa.sampling SamplingRun (reviews do not import sampling)
    is_calibration: bool = False,
    origin: str = Review.Origin.SAMPLED,  # conversation browser: ad hoc, complaint or escalation
) -> Review:
    """A draft review of `contact`, pinned to `version` (default: the one its scorecard rule picks, else the published
    default). A reviewer never reviews their own work; a contact has at most one (non-calibration) review."""
    version = version or version_for_contact(contact)
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
        origin=origin,
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


def claim(review: Review, *, lock_version: int | None) -> None:
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


def validate_answers(review: Review, answers: Mapping[int, RawAnswer], *, complete: bool) -> None:
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
SUGGESTION_FIELDS = ["suggested_value", "suggested_na"]


def write_answers(
    review: Review,
    answers: Mapping[int, RawAnswer],
    *,
    actor: User | None,
    reason: str,
    suggestions: Mapping[int, tuple[int | None, bool]] | None = None,
) -> list[int]:
    """Store the raw answers; each new or changed answer gets a history record (who, when, why). Returns the ids of
    the criteria whose answers were written (new or changed), in order.

    A constant number of queries whatever the scorecard's size: new answers are bulk-created and changed ones
    bulk-updated, each with its history record; an unchanged answer is not written again. `suggestions`
    (criterion id -> AutoQA's (value, is_na) shown to the reviewer) is recorded on each answer written."""
    suggestions = suggestions or {}
    existing = {a.criterion_id: a for a in review.answers.all()}
    new: list[ReviewAnswer] = []
    changed: list[ReviewAnswer] = []
    for criterion_id, raw in answers.items():
        value = None if raw.is_na else raw.value
        answer = existing.get(criterion_id)
        if answer is None:
            suggested_value, suggested_na = suggestions.get(criterion_id, (None, False))
            new.append(
                ReviewAnswer(
                    review=review,
                    criterion_id=criterion_id,
                    value=value,
                    is_na=raw.is_na,
                    comment=raw.comment,
                    suggested_value=suggested_value,
                    suggested_na=suggested_na,
                )
            )
        elif (answer.value, answer.is_na, answer.comment) != (value, raw.is_na, raw.comment):
            answer.value, answer.is_na, answer.comment = value, raw.is_na, raw.comment
            if criterion_id in suggestions:
                answer.suggested_value, answer.suggested_na = suggestions[criterion_id]
            changed.append(answer)
    if new:
        bulk_create_with_history(new, ReviewAnswer, default_user=actor, default_change_reason=reason)
    if changed:
        fields = [*ANSWER_FIELDS, *SUGGESTION_FIELDS] if suggestions else ANSWER_FIELDS
        bulk_update_with_history(changed, ReviewAnswer, fields, default_user=actor, default_change_reason=reason)
    return sorted(answer.criterion_id for answer in (*new, *changed))


def review_raw_answers(review: Review) -> dict[int, RawAnswer]:
    return {a.criterion_id: RawAnswer(value=a.value, is_na=a.is_na, comment=a.comment) for a in review.answers.all()}


def rescore(review: Review) -> None:
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


def save_review(review: Review, *, actor: User | None, reason: str, fields: list[str]) -> None:
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
    # Any reviewer in scope may work on a draft (a colleague covering); the lock stops silent overwrites. A
    # self-review is the agent's alone.
    is_self = review.origin == Review.Origin.SELF
    if is_self and actor.pk != review.agent.user_id:
        raise ValidationError("Only the agent writes their own self-review.")
    if not is_self and actor.pk == review.agent.user_id:
        raise ValidationError("A reviewer cannot review their own work.")
    stored = review_raw_answers(review)
    validate_answers(review, {**stored, **answers}, complete=submit)
    autosave = autosave and not submit
    if autosave and lock_version is not None and _unchanged(review, stored, answers, comment):
        if lock_version != review.lock_version:
            raise _conflict(review)
        return review
    claim(review, lock_version=lock_version)
    reason = "Submitted" if submit else (Review.AUTOSAVE_REASON if autosave else "Draft saved")
    # AutoQA's suggestion shown for each answer, as it stands now (one query): agreement is measured on it later.
    suggestions = SUGGESTIONS[0](review=review, criterion_ids=answers.keys()) if SUGGESTIONS else {}
    write_answers(review, answers, actor=actor, reason=reason, suggestions=suggestions)
    rescore(review)
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
        if not review.is_calibration and not is_self:  # a self-review is released to nobody
            review.status = Review.Status.RELEASED
            fields.append("status")
    save_review(review, actor=actor, reason=reason, fields=fields)
    if submit and not is_self:
        mark_for_rollup(review)
        security.log_event(
            "review_submitted", user=actor, review=review.pk, score=str(review.score), calibration=review.is_calibration
        )
        if not review.is_calibration:
            notifications.review_released(review=review, actor=actor)
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
    save_review(review, actor=user, reason="Acknowledged by the agent", fields=["status", "acknowledged_at"])
    mark_for_rollup(review)
    return review


@transaction.atomic
def reviews_notify_overdue(*, today: date | None = None) -> int:
    """Tell assignees (and the QA leads in scope) of the drafts that passed their due date; the notices created.
    Safe to run twice: each is told once per due date."""
    return notifications.reviews_overdue(today=today)


# Queue (the reviewer's workspace) -----------------------------------------------------------------------------------


def reviewer_preference_set(*, user: User, auto_advance: bool) -> ReviewerPreference:
    """Whether `user` goes straight to their next review after submitting one."""
    preference, _ = ReviewerPreference.objects.update_or_create(user=user, defaults={"auto_advance": auto_advance})
    return preference


# ------------------------------------------------------------------------- self-review and time spent (origins)

SELF_REVIEW_REFUSED = "You can review yourself only a conversation whose review was released to you."


@transaction.atomic
def self_review_start(*, review: Review, user: User) -> Review:
    """The agent's own review of the conversation `review` (released to them) scored, on the same scorecard version.
    It is released to nobody and counts in no QA figure; it is shown beside the reviewer's. Returns the existing one
    when the agent already started it."""
    if (
        review.origin == Review.Origin.SELF
        or review.is_calibration
        or review.agent.user_id != user.pk
        or review.status not in COUNTED_STATUSES
    ):
        raise ValidationError(SELF_REVIEW_REFUSED)
    mine = Review.objects.filter(contact_id=review.contact_id, origin=Review.Origin.SELF, is_calibration=False)
    existing = mine.first()
    if existing is not None:
        return existing
    self_review = Review(
        contact_id=review.contact_id,
        agent_id=review.agent_id,
        team_id=review.team_id,
        reviewer=user,
        version_id=review.version_id,  # the version the reviewer scored with, even if retired since
        origin=Review.Origin.SELF,
    )
    self_review._history_user = user
    self_review._change_reason = "Self-review started"
    try:
        with transaction.atomic():
            self_review.save()
    except IntegrityError:  # a double click: the other request created it (one_self_review_per_contact)
        existing = mine.first()
        if existing is None:
            raise
        return existing
    return self_review


# A heartbeat reports at most this many active seconds (the page sends one every 30 s): more is refused as nonsense.
MAX_HEARTBEAT_SECONDS = 60


def review_opened(*, review: Review, user: User) -> None:
    """Record when the review's own reviewer first opened it for scoring (once; later openings change nothing)."""
    Review.objects.filter(pk=review.pk, reviewer_id=user.pk, opened_at__isnull=True).update(opened_at=timezone.now())


def review_time_add(*, review: Review, user: User, seconds: int) -> int:
    """Add `seconds` of active time on the page to a draft the user is the reviewer of (a conditional update, so a
    late heartbeat after the submit adds nothing). Returns the rows updated (0 or 1)."""
    if isinstance(seconds, bool) or not isinstance(seconds, int) or not 0 <= seconds <= MAX_HEARTBEAT_SECONDS:
        raise ValidationError({"seconds": f"Send a whole number of seconds from 0 to {MAX_HEARTBEAT_SECONDS}."})
    return Review.objects.filter(
        pk=review.pk, reviewer_id=user.pk, status=Review.Status.DRAFT, submitted_at__isnull=True
    ).update(active_seconds=F("active_seconds") + seconds, opened_at=Coalesce(F("opened_at"), Value(timezone.now())))
