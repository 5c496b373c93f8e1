"""Writes of disputes: the agent disputes a released review with a reason code before its deadline; another reviewer
resolves it (re-scored, history kept), or, with QA_DISPUTE_APPROVAL on, proposes a resolution a QA lead approves or
sends back; and the review's comment thread between the agent and the reviewers, with @mentions."""

import re
from collections.abc import Mapping
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core import security
from core.models import User
from qa.disputes import notifications
from qa.disputes.models import OTHER, DisputeProposal, DisputeReason, ReviewComment
from qa.reviews.models import Review
from qa.reviews.selectors import reviews_for_user
from qa.reviews.services import (
    claim,
    mark_for_rollup,
    rescore,
    review_raw_answers,
    save_review,
    validate_answers,
    write_answers,
)
from qa.rules import can_comment, is_qa_lead
from qa.scoring import RawAnswer

COMMENT_MAX_LENGTH = 4000
MAX_MENTIONS = 10
# "@username" at the start or after a space or punctuation (not inside an e-mail address); Django's username
# characters. A trailing dot ends the sentence, not the name.
MENTION = re.compile(r"(?<![\w@.+-])@([\w.@+-]+)")


def dispute_deadline(review: Review) -> datetime | None:
    """The last moment the agent may dispute `review`: QA_DISPUTE_RAISE_DAYS after it was released."""
    if review.submitted_at is None:
        return None
    return review.submitted_at + timedelta(days=settings.QA_DISPUTE_RAISE_DAYS)


def dispute_window_open(review: Review, *, now: datetime | None = None) -> bool:
    deadline = dispute_deadline(review)
    return deadline is not None and (now or timezone.now()) <= deadline


def approval_required() -> bool:
    return settings.QA_DISPUTE_APPROVAL


def _reason(code: DisputeReason | str | None) -> DisputeReason:
    slug = code.code if isinstance(code, DisputeReason) else (code or OTHER)
    reason = DisputeReason.objects.filter(code=slug, active=True).first()
    if reason is None:
        raise ValidationError({"code": "Choose one of the listed reasons."})
    return reason


@transaction.atomic
def review_dispute(*, review: Review, user: User, reason: str = "", code: DisputeReason | str | None = None) -> Review:
    """The agent disputes a released review within QA_DISPUTE_RAISE_DAYS, with a reason code (`code`, an active
    DisputeReason or its slug; none given: "other") and a comment (`reason`; required for "other"). The dispute is due
    QA_DISPUTE_RESOLVE_DAYS later, stored on the review so a later change of the setting leaves it."""
    review = Review.objects.select_for_update(of=("self",)).select_related("agent", "contact").get(pk=review.pk)
    if review.agent.user_id != user.pk:
        raise ValidationError("Only the reviewed agent can dispute this review.")
    if review.status != Review.Status.RELEASED:
        raise ValidationError("Only a released review (not yet acknowledged) can be disputed.")
    now = timezone.now()
    if not dispute_window_open(review, now=now):
        deadline = timezone.localtime(dispute_deadline(review))
        raise ValidationError(f"The time to dispute this review ended on {deadline:%-d %b %Y}.")
    dispute_code = _reason(code)
    comment = reason.strip()
    if "\x00" in comment:
        raise ValidationError({"reason": "The comment contains a NUL character."})
    if dispute_code.needs_comment and not comment:
        raise ValidationError({"reason": "Say why you dispute this review."})
    review.status = Review.Status.DISPUTED
    review.dispute_code = dispute_code
    review.dispute_reason = comment
    review.disputed_at = now
    review.dispute_due = now + timedelta(days=settings.QA_DISPUTE_RESOLVE_DAYS)
    review.lock_version += 1
    save_review(
        review,
        actor=user,
        reason="Disputed by the agent",
        fields=["status", "dispute_code", "dispute_reason", "disputed_at", "dispute_due"],
    )
    mark_for_rollup(review)
    security.log_event("review_disputed", user=user, review=review.pk, score=str(review.score), code=dispute_code.code)
    notifications.dispute_raised(review=review, actor=user)
    return review


def _check_resolver(review: Review, resolver: User, note: str) -> None:
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


def _apply(review: Review, *, answers: Mapping[int, RawAnswer], actor: User, reason: str) -> list[int]:
    written = write_answers(review, answers, actor=actor, reason=reason)
    rescore(review)
    return written


@transaction.atomic
def review_resolve(
    *,
    review: Review,
    resolver: User,
    note: str,
    lock_version: int | None,
    answers: Mapping[int, RawAnswer] | None = None,
) -> Review:
    """Another reviewer settles a dispute, optionally changing answers; the review is re-scored and history kept.

    With QA_DISPUTE_APPROVAL on, the resolution is a proposal (DisputeProposal) instead: the review goes to "resolution
    proposed" and nothing else changes until a QA lead approves it (dispute_approve)."""
    review = (
        Review.objects.select_for_update(of=("self",)).select_related("contact", "version", "agent").get(pk=review.pk)
    )
    _check_resolver(review, resolver, note)
    answers = answers or {}
    stored = review_raw_answers(review)
    validate_answers(review, {**stored, **answers}, complete=True)
    claim(review, lock_version=lock_version)
    previous_score = review.score
    if approval_required():
        changed = {cid: raw for cid, raw in answers.items() if stored.get(cid) != raw}
        proposal = DisputeProposal.objects.create(
            review=review,
            proposed_by=resolver,
            note=note.strip(),
            answers={
                str(cid): {"value": raw.value, "is_na": raw.is_na, "comment": raw.comment}
                for cid, raw in changed.items()
            },
        )
        review.status = Review.Status.PROPOSED
        save_review(review, actor=resolver, reason="Resolution proposed, waiting for a QA lead", fields=["status"])
        security.log_event(
            "review_dispute_proposed",
            user=resolver,
            review=review.pk,
            proposal=proposal.pk,
            answers_changed=sorted(changed),
        )
        return review
    reason = "Dispute resolved"
    written = _apply(review, answers=answers, actor=resolver, reason=reason)
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
    notifications.dispute_resolved(review=review, previous_score=previous_score, actor=resolver)
    return review


def proposal_answers(proposal: DisputeProposal) -> dict[int, RawAnswer]:
    return {
        int(cid): RawAnswer(value=raw["value"], is_na=raw["is_na"], comment=raw["comment"])
        for cid, raw in proposal.answers.items()
    }


def _pending(review: Review, lead: User) -> tuple[Review, DisputeProposal]:
    review = (
        Review.objects.select_for_update(of=("self",)).select_related("contact", "version", "agent").get(pk=review.pk)
    )
    proposal = (
        DisputeProposal.objects.select_for_update(of=("self",))
        .filter(review=review, status=DisputeProposal.Status.PENDING)
        .first()
    )
    if review.status != Review.Status.PROPOSED or proposal is None:
        raise ValidationError("This review has no resolution waiting for approval.")
    if not is_qa_lead(lead):
        raise ValidationError("Only a QA lead approves a proposed resolution.")
    if lead.pk == proposal.proposed_by_id:
        raise ValidationError("A QA lead other than the one who proposed the resolution approves it.")
    if lead.pk == review.agent.user_id:
        raise ValidationError("An agent cannot decide their own dispute.")
    return review, proposal


@transaction.atomic
def dispute_approve(*, review: Review, lead: User) -> Review:
    """A QA lead approves a proposed resolution: its answers apply, the review is re-scored and resolved (by the
    proposer, with their note), and the agent sees the decision."""
    review, proposal = _pending(review, lead)
    answers = proposal_answers(proposal)
    validate_answers(review, {**review_raw_answers(review), **answers}, complete=True)
    previous_score = review.score
    reason = "Dispute resolution approved by a QA lead"
    written = _apply(review, answers=answers, actor=lead, reason=reason)
    now = timezone.now()
    review.status = Review.Status.RESOLVED
    review.resolved_by_id = proposal.proposed_by_id
    review.resolved_at = now
    review.resolution_note = proposal.note
    review.lock_version += 1
    save_review(
        review,
        actor=lead,
        reason=reason,
        fields=["score", "auto_failed", "auto_fail_reason", "status", "resolved_by", "resolved_at", "resolution_note"],
    )
    proposal.status = DisputeProposal.Status.APPROVED
    proposal.decided_by = lead
    proposal.decided_at = now
    proposal._history_user = lead
    proposal._change_reason = reason
    proposal.save(update_fields=["status", "decided_by", "decided_at"])
    mark_for_rollup(review)
    security.log_event(
        "review_dispute_approved",
        user=lead,
        review=review.pk,
        proposal=proposal.pk,
        previous_score=str(previous_score),
        score=str(review.score),
        answers_changed=written,
    )
    notifications.dispute_resolved(
        review=review, previous_score=previous_score, actor=lead, proposer_id=proposal.proposed_by_id
    )
    return review


@transaction.atomic
def dispute_send_back(*, review: Review, lead: User, note: str) -> Review:
    """A QA lead sends a proposed resolution back with a note: the review is disputed again, its answers untouched."""
    note = note.strip()
    if not note:
        raise ValidationError({"note": "Say what the resolver should look at again."})
    if "\x00" in note:
        raise ValidationError({"note": "The note contains a NUL character."})
    review, proposal = _pending(review, lead)
    reason = "Proposed resolution sent back by a QA lead"
    review.status = Review.Status.DISPUTED
    review.lock_version += 1
    save_review(review, actor=lead, reason=reason, fields=["status"])
    proposal.status = DisputeProposal.Status.SENT_BACK
    proposal.decided_by = lead
    proposal.decided_at = timezone.now()
    proposal.decision_note = note
    proposal._history_user = lead
    proposal._change_reason = reason
    proposal.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    security.log_event("review_dispute_sent_back", user=lead, review=review.pk, proposal=proposal.pk)
    notifications.dispute_sent_back(review=review, proposal=proposal, actor=lead)
    return review


def mentioned_usernames(text: str) -> list[str]:
    """The @usernames in `text`, in order, each once (a trailing dot ends the sentence, not the name)."""
    seen: list[str] = []
    for match in MENTION.finditer(text):
        name = match.group(1).rstrip(".")
        if name and name.lower() not in (n.lower() for n in seen):
            seen.append(name)
    return seen


def _mentions(review: Review, text: str) -> list[User]:
    names = mentioned_usernames(text)
    if len(names) > MAX_MENTIONS:
        raise ValidationError({"text": f"Mention at most {MAX_MENTIONS} people in one comment."})
    by_name = Q()
    for name in names:
        by_name |= Q(username__iexact=name)  # "@Quinn" names quinn
    users = {u.username.lower(): u for u in User.objects.filter(by_name, is_active=True)} if names else {}
    found, refused = [], []
    for name in names:
        user = users.get(name.lower())
        # One question per mention (at most MAX_MENTIONS): may they open this review? A name nobody has and a user
        # out of scope get the same answer, so the thread never tells who exists.
        if user is None or not reviews_for_user(user=user).filter(pk=review.pk).exists():
            refused.append(f"@{name}")
        else:
            found.append(user)
    if refused:
        raise ValidationError({"text": f"No one by that name can see this review: {', '.join(refused)}."})
    return found


@transaction.atomic
def review_comment_post(*, review: Review, author: User, text: str) -> ReviewComment:
    """A message in the review's thread; each @username must name someone who may see the review (stored as
    mentions, and each is told: the `mentioned` notification)."""
    text = text.strip()
    if not text:
        raise ValidationError({"text": "Write a comment."})
    if len(text) > COMMENT_MAX_LENGTH:
        raise ValidationError({"text": f"Keep a comment under {COMMENT_MAX_LENGTH} characters."})
    if "\x00" in text:
        raise ValidationError({"text": "The comment contains a NUL character."})
    if not can_comment(author, review) or not reviews_for_user(user=author).filter(pk=review.pk).exists():
        raise ValidationError("You cannot comment on this review.")
    mentions = _mentions(review, text)
    comment = ReviewComment(review=review, author=author, text=text)
    comment._history_user = author
    comment._change_reason = "Comment posted"
    comment.save()
    if mentions:
        comment.mentions.set(mentions)
    security.log_event(
        "review_comment_posted",
        user=author,
        review=review.pk,
        comment=comment.pk,
        mentions=[u.username for u in mentions],
    )
    if mentions:
        notifications.mentioned(comment=comment, mentions=mentions)
    return comment
