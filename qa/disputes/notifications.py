"""Who hears of disputes and of the review's thread: the reviewer and the leads in scope of a dispute, the agent
and the reviewer of its resolution, the people @-mentioned in a comment (helpers: qa.reviews.notifications)."""

from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from core import roles
from core.models import User
from core.notifications.services import notify
from qa.reviews.models import Review
from qa.reviews.notifications import contact_label, covering, may_open_review, review_url, score_label, short
from qa.rules import QA_LEAD_GROUP


def dispute_raised(*, review: Review, actor: User) -> None:
    """The review's reviewer (at once, by default), the QA leads and the team leads whose scope covers the agent's
    team (by their default: the digest for ops leads). Nobody out of scope: a partner's lead never hears of an
    in-house dispute."""
    team = review.agent.team
    leads = (
        User.objects.filter(is_active=True)
        .filter(
            (
                Q(groups__name=roles.QA_REVIEWER)
                & Q(pk__in=User.groups.through.objects.filter(group__name=QA_LEAD_GROUP).values("user_id"))
                & covering(team)
            )
            | Q(led_teams=team.pk, groups__name=roles.OPS_LEAD)
        )
        .values_list("pk", flat=True)
    )
    users = may_open_review(review=review, user_ids=[review.reviewer_id, *leads])
    reason = review.dispute_code.label if review.dispute_code else "No reason code"
    lines = [f"Reason: {reason}."]
    if review.dispute_reason:
        lines.append(f"“{short(review.dispute_reason, 400)}”")
    if review.dispute_due:
        lines.append(f"To be settled by {timezone.localtime(review.dispute_due):%-d %b %Y %H:%M}.")
    notify(
        event="dispute_raised",
        users=users,
        title=f"{review.agent.name} disputed the review of {contact_label(review)} ({score_label(review.score)})",
        body="\n".join(lines),
        url=review_url(review),
        key=f"dispute_raised:{review.pk}",
        actor=actor,
        action="Open the dispute",
        team_id=team.pk,  # the team's chat channel, if it has one, hears of it too
    )


def dispute_resolved(*, review: Review, previous_score: Decimal | None, actor: User, proposer_id: int | None = None):
    """The agent hears the decision; the review's reviewer hears that someone else settled it; with approval on, the
    proposer hears that a QA lead approved their resolution. The actor hears of nothing."""
    changed = (
        f"{score_label(previous_score)} → {score_label(review.score)}"
        if previous_score != review.score
        else f"score unchanged at {score_label(review.score)}"
    )
    key = f"dispute_resolved:{review.pk}"
    note = short(review.resolution_note, 400)
    url = review_url(review)
    notify(
        event="dispute_resolved",
        users=may_open_review(review=review, user_ids=[review.agent.user_id]),
        title=f"Your dispute of {contact_label(review)} was settled: {changed}",
        body=f"Decision: {note}",
        url=url,
        key=key,
        actor=actor,
    )
    resolver = review.resolved_by
    notify(
        event="dispute_resolved",
        users=may_open_review(review=review, user_ids=[review.reviewer_id]) - {review.resolved_by_id},
        title=f"The dispute of your review of {contact_label(review)} was settled by {resolver}: {changed}",
        body=f"Decision: {note}",
        url=url,
        key=key,
        actor=actor,
    )
    if proposer_id is not None:
        notify(
            event="dispute_resolved",
            users=may_open_review(review=review, user_ids=[proposer_id]),
            title=f"Your resolution of the dispute of {contact_label(review)} was approved by {actor}: {changed}",
            body=f"Decision: {note}",
            url=url,
            key=f"dispute_approved:{review.pk}",
            actor=actor,
        )


def dispute_sent_back(*, review: Review, proposal, actor: User) -> None:
    """The proposer hears that a QA lead sent their resolution back, and why."""
    notify(
        event="dispute_resolved",
        users=may_open_review(review=review, user_ids=[proposal.proposed_by_id]),
        title=f"Your resolution of the dispute of {contact_label(review)} was sent back by {actor}",
        body=f"“{short(proposal.decision_note, 400)}”",
        url=review_url(review),
        key=f"dispute_sent_back:{proposal.pk}",
        actor=actor,
    )


def mentioned(*, comment, mentions: list[User]) -> None:
    """Each user @-mentioned in a review's thread (the service checked they may open the review)."""
    review = comment.review
    notify(
        event="mentioned",
        users=mentions,
        title=f"{comment.author} mentioned you on the review of {contact_label(review)}",
        body=f"“{short(comment.text, 400)}”",
        url=review_url(review, "thread"),
        key=f"mentioned:comment:{comment.pk}",
        actor=comment.author,
        action="Open the conversation",
    )
