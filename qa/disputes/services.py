"""Writes of disputes: the agent disputes a released review; another reviewer resolves it (re-scored, history kept)."""

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core import security
from core.models import User
from qa.reviews.models import Review
from qa.reviews.services import (
    claim,
    mark_for_rollup,
    rescore,
    review_raw_answers,
    save_review,
    validate_answers,
    write_answers,
)
from qa.scoring import RawAnswer


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
    save_review(review, actor=user, reason="Disputed by the agent", fields=["status", "dispute_reason", "disputed_at"])
    mark_for_rollup(review)
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
    validate_answers(review, merged, complete=True)
    claim(review, lock_version=lock_version)
    previous_score = review.score
    reason = "Dispute resolved"
    written = write_answers(review, answers, actor=resolver, reason=reason)
    rescore(review)
    review.status = Review.Status.RESOLVED
    review.resolved_by = resolver
    review.resolved_at = timezone.now()
    review.resolution_note = note.strip()
    save_review(
        review,
        actor=resolver,
        reason=reason,
        fields=["score", "auto_failed", "auto_fail_reason", "status", "resolved_by", "resolved_at", "resolution_note"],
    )
    mark_for_rollup(review)
    security.log_event(
        "review_dispute_resolved",
        user=resolver,
        review=review.pk,
        previous_score=str(previous_score),
        score=str(review.score),
        answers_changed=written,
    )
    return review
