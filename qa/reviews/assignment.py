"""Writes of who reviews what: a QA lead assigns or unassigns drafts in bulk; a reviewer takes an unassigned one.

Each is one conditional UPDATE (only drafts change hands, so a review submitted meanwhile is never moved) and one
insert of history records, with the reason ("Reassigned by …") the review's history shows."""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from core import roles
from core.models import User, Vendor
from core.selectors.scope import agents_for_user, teams_for_user
from qa.reviews import notifications
from qa.reviews.models import Review
from qa.rules import is_qa_lead, is_reviewer


def review_label(review: Review) -> str:
    """How a refusal names a row: the conversation and its agent."""
    return f"{review.contact.external_id} ({review.agent.name})"


def is_partner_reviewer(user: User) -> bool:
    """A reviewer whose whole scope is outsourced partners' teams: in-house work never goes to them."""
    if roles.is_admin(user):
        return False
    vendors = Vendor.objects.filter(Q(pk__in=teams_for_user(user=user).values("vendor_id")) | Q(scopes__user=user))
    kinds = set(vendors.values_list("kind", flat=True).distinct())
    return bool(kinds) and kinds == {Vendor.Kind.PARTNER}


def _refusals(*, reviews: list[Review], reviewer: User) -> list[str]:
    """Why each review cannot go to `reviewer`, as "row: reason" lines (none: all may)."""
    in_scope = set(
        agents_for_user(user=reviewer).filter(pk__in={r.agent_id for r in reviews}).values_list("pk", flat=True)
    )
    partner = is_partner_reviewer(reviewer)
    out = []
    for review in reviews:
        if review.agent.user_id == reviewer.pk:
            out.append(f"{review_label(review)}: this is {reviewer}'s own conversation")
        elif partner and review.team.vendor.kind != Vendor.Kind.PARTNER:
            out.append(f"{review_label(review)}: in-house work never goes to a partner's reviewer")
        elif review.agent_id not in in_scope:
            out.append(f"{review_label(review)}: {reviewer} cannot see this agent")
    return out


def _move(*, reviews: list[Review], reviewer: User | None, actor: User, reason: str, expect: dict) -> list[Review]:
    """One UPDATE of the rows still matching `expect`, then their history records. A row that changed meanwhile
    (submitted, taken) undoes the whole move."""
    pks = [r.pk for r in reviews]
    now = timezone.now()
    changed = Review.objects.filter(pk__in=pks, **expect).update(
        reviewer=reviewer, lock_version=F("lock_version") + 1, updated_at=now
    )
    if changed != len(pks):
        raise ValidationError(
            "Some of these reviews changed meanwhile (submitted or taken); nothing was moved. Reload."
        )
    moved = list(Review.objects.filter(pk__in=pks).select_related("contact", "agent__user").order_by("pk"))
    Review.history.bulk_history_create(moved, update=True, default_user=actor, default_change_reason=reason)
    return moved


@transaction.atomic
def reviews_assign(*, reviews: Iterable[Review], reviewer: User | None, actor: User) -> list[Review]:
    """Give draft `reviews` to `reviewer` (None: unassign them), as QA lead `actor`. All or nothing: a row that is not
    a draft, or that `reviewer` may not review (out of their scope, their own conversation, in-house work for a
    partner's reviewer), refuses the whole batch with every such row named."""
    if not is_qa_lead(actor):
        raise PermissionDenied("Only QA leads and admins assign reviews.")
    reviews = list(reviews)
    if not reviews:
        raise ValidationError("Select at least one review.")
    problems = [
        f"{review_label(r)}: already submitted, only drafts change reviewer"
        for r in reviews
        if r.status != Review.Status.DRAFT or r.is_calibration or r.origin == Review.Origin.SELF
    ]
    if reviewer is not None:
        if not is_reviewer(reviewer):
            raise ValidationError(f"{reviewer} is not a QA reviewer.")
        problems += _refusals(reviews=reviews, reviewer=reviewer)
    if problems:
        target = f"to {reviewer}" if reviewer is not None else "(unassign)"
        raise ValidationError([f"Not assigned {target}:", *problems])
    reason = f"Reassigned by {actor}" if reviewer is not None else f"Unassigned by {actor}"
    before = dict(Review.objects.filter(pk__in=[r.pk for r in reviews]).values_list("pk", "reviewer_id"))
    moved = _move(
        reviews=reviews, reviewer=reviewer, actor=actor, reason=reason, expect={"status": Review.Status.DRAFT}
    )
    notifications.reviews_assigned(moved=moved, before=before, reviewer=reviewer, actor=actor)
    return moved


@transaction.atomic
def review_take(*, review: Review, reviewer: User) -> Review:
    """A reviewer takes an unassigned draft of their scope for themself."""
    if not is_reviewer(reviewer):
        raise PermissionDenied("Only QA reviewers take reviews.")
    if review.status != Review.Status.DRAFT or review.is_calibration or review.origin == Review.Origin.SELF:
        raise ValidationError("Only an open draft can be taken.")
    if review.reviewer_id is not None:
        raise ValidationError(f"{review.reviewer} already reviews this conversation.")
    problems = _refusals(reviews=[review], reviewer=reviewer)
    if problems:
        raise ValidationError(problems)
    try:
        (review,) = _move(
            reviews=[review],
            reviewer=reviewer,
            actor=reviewer,
            reason=f"Taken by {reviewer}",
            expect={"status": Review.Status.DRAFT, "reviewer__isnull": True},
        )
    except ValidationError:
        raise ValidationError("Someone took this review meanwhile.") from None
    return review
