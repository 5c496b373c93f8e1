"""Reads of disputes: open counts, a review's thread and proposal, the dispute list, what the review page shows."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from core.models import User
from qa.disputes import services
from qa.disputes.forms import CommentForm, DisputeForm, SendBackForm
from qa.disputes.models import OPEN_DISPUTE_STATUSES, DisputeProposal, ReviewComment
from qa.reviews.models import Review
from qa.reviews.selectors import reviews_for_user
from qa.rules import can_comment, can_decide_proposal
from qa.scoring import answer_label


def open_disputes_count(*, team_ids: Iterable[int]) -> int:
    """Disputes not yet settled (waiting for a resolver or a QA lead), of conversations handled in `team_ids`."""
    return Review.objects.filter(
        team_id__in=list(team_ids), status__in=OPEN_DISPUTE_STATUSES, is_calibration=False
    ).count()


def review_thread(*, review: Review) -> QuerySet[ReviewComment]:
    """The review's comments, oldest first, with their authors and mentions: two queries whatever the length."""
    return (
        ReviewComment.objects.filter(review=review)
        .select_related("author")
        .prefetch_related(Prefetch("mentions", queryset=User.objects.only("pk", "username", "first_name", "last_name")))
        .order_by("created_at", "pk")
    )


def latest_proposal(*, review: Review) -> DisputeProposal | None:
    return (
        DisputeProposal.objects.filter(review=review)
        .select_related("proposed_by", "decided_by")
        .order_by("-created_at", "-pk")
        .first()
    )


@dataclass
class ProposedChange:
    criterion: str
    before: str
    after: str
    comment: str


def proposal_changes(proposal: DisputeProposal, criteria, answers) -> list[ProposedChange]:
    """The answers a proposal would change, on their criteria's scales, in scorecard order (no query: `criteria`
    and the stored `answers` are the page's)."""
    proposed = services.proposal_answers(proposal)
    out = []
    for criterion in criteria:
        raw = proposed.get(criterion.pk)
        if raw is None:
            continue
        old = answers.get(criterion.pk)
        before = answer_label(criterion, old.value, is_na=old.is_na, points="of_scale") if old else "—"
        after = answer_label(criterion, raw.value, is_na=raw.is_na, points="of_scale")
        out.append(ProposedChange(criterion.text, before, after, raw.comment))
    return out


def dispute_page_context(*, user: User, review: Review, criteria, answers) -> dict:
    """What the review page shows of disputes: the dispute button and its deadline, the dispute and its due date,
    a proposal waiting for a QA lead, and the thread."""
    now = timezone.now()
    is_own = review.agent.user_id == user.pk
    deadline = services.dispute_deadline(review)
    can_dispute = is_own and review.status == Review.Status.RELEASED and services.dispute_window_open(review, now=now)
    proposal = latest_proposal(review=review) if review.disputed_at else None
    open_dispute = review.status in OPEN_DISPUTE_STATUSES
    thread = not review.is_calibration
    return {
        "dispute_form": DisputeForm(),
        "dispute_deadline": deadline,
        "can_dispute": can_dispute,
        "dispute_window_closed": is_own and review.status == Review.Status.RELEASED and not can_dispute,
        "dispute_overdue": open_dispute and review.dispute_due is not None and review.dispute_due < now,
        "dispute_open": open_dispute,
        "approval_on": services.approval_required(),
        "proposal": proposal,
        "proposal_changes": proposal_changes(proposal, criteria, answers) if proposal else [],
        "can_decide_proposal": can_decide_proposal(user, review, proposal),
        "send_back_form": SendBackForm(),
        "show_thread": thread,
        "thread": list(review_thread(review=review)) if thread else [],
        "can_comment": thread and can_comment(user, review),
        "comment_form": CommentForm(),
    }


def dispute_list(*, user: User, tab: str) -> QuerySet[Review]:
    """Disputes in `user`'s scope: "open" (waiting for a resolver, most urgent first), "approval" (resolutions
    waiting for a QA lead), "overdue" (open and past their due date), "settled" (resolved, latest first)."""
    base = (
        reviews_for_user(user=user)
        .filter(is_calibration=False, disputed_at__isnull=False)
        .select_related("contact", "agent__user", "team", "reviewer", "dispute_code", "resolved_by")
    )
    if tab == "approval":
        return base.filter(status=Review.Status.PROPOSED).order_by("dispute_due", "pk")
    if tab == "overdue":
        return base.filter(status__in=OPEN_DISPUTE_STATUSES, dispute_due__lt=timezone.now()).order_by(
            "dispute_due", "pk"
        )
    if tab == "settled":
        return base.filter(status=Review.Status.RESOLVED).order_by("-resolved_at", "-pk")
    return base.filter(status=Review.Status.DISPUTED).order_by("dispute_due", "disputed_at", "pk")


def dispute_tab_counts(*, user: User) -> dict[str, int]:
    """How many disputes each tab of the list holds (one aggregate)."""
    now = timezone.now()
    return (
        reviews_for_user(user=user)
        .filter(is_calibration=False, disputed_at__isnull=False)
        .aggregate(
            open=Count("pk", filter=Q(status=Review.Status.DISPUTED)),
            approval=Count("pk", filter=Q(status=Review.Status.PROPOSED)),
            overdue=Count("pk", filter=Q(status__in=OPEN_DISPUTE_STATUSES, dispute_due__lt=now)),
            settled=Count("pk", filter=Q(status=Review.Status.RESOLVED)),
        )
    )
