"""Who may do what in QA, beyond the scoped querysets of the topics' selectors (qa.reviews.selectors, …)."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from core import roles
from core.models import Vendor
from core.selectors.scope import teams_for_user

# A QA reviewer in this group also builds and publishes scorecard templates and runs sampling for their scope.
QA_LEAD_GROUP = "QA lead"


def is_reviewer(user) -> bool:
    return roles.has_role(user, roles.QA_REVIEWER)


def is_qa_lead(user) -> bool:
    names = roles.role_names(user)
    return roles.ADMIN in names or (roles.QA_REVIEWER in names and QA_LEAD_GROUP in names)


def require_qa_lead(user) -> None:
    """403 for anyone but a QA lead: the pages that build scorecards, run sampling and re-score (what-if)."""
    if not is_qa_lead(user):
        raise PermissionDenied("Only QA leads build scorecards and run sampling.")


def can_manage_scorecard_rules(user) -> bool:
    """Admins and in-house QA leads (a team of an in-house vendor in their scope) create, change, reorder and delete
    scorecard rules; a partner's QA lead reads the rules that apply to their vendor's teams. Scorecards are the
    company's: a partner does not choose which one its own reviews are scored with."""
    if roles.is_admin(user):
        return True
    if not is_qa_lead(user):
        return False
    in_scope = Q(scopes__user=user) | Q(teams__in=teams_for_user(user=user))
    return Vendor.objects.filter(in_scope, kind=Vendor.Kind.IN_HOUSE).exists()


def can_resolve(user, review) -> bool:
    """Another reviewer than the one who scored it, and never the agent."""
    return (
        is_reviewer(user)
        and review.status == review.Status.DISPUTED
        and user.pk != review.reviewer_id
        and user.pk != review.agent.user_id
    )


# Disputes: the review's thread and the QA lead's second step.
def can_comment(user, review) -> bool:
    """Write in a review's thread (reading it goes with opening the review): reviewers, QA leads and admins, and
    the agent on their own released review; ops leads read it only. Calibration reviews are blind: no thread."""
    if review.is_calibration or user.pk is None:
        return False
    if is_reviewer(user):  # admins included
        return True
    return roles.has_role(user, roles.AGENT) and review.agent.user_id == user.pk and review.is_released


def can_decide_proposal(user, review, proposal) -> bool:
    """A QA lead other than the proposer (and never the agent) approves or sends back a proposed resolution."""
    return (
        proposal is not None
        and review.status == review.Status.PROPOSED
        and is_qa_lead(user)
        and user.pk != proposal.proposed_by_id
        and user.pk != review.agent.user_id
    )
