"""Reads of sampling: the teams a reviewer may sample, past runs and a run's reviews with the load per reviewer."""

from django.db.models import Count, Q, QuerySet

from core.models import Team, User
from core.selectors.scope import teams_for_user
from qa.reviews.models import Review
from qa.reviews.selectors import reviews_for_user
from qa.sampling.models import SamplingRun


def teams_in_scope(*, user: User) -> QuerySet[Team]:
    return teams_for_user(user=user).filter(is_active=True).select_related("vendor").order_by("name")


def runs_for_teams(*, teams: QuerySet[Team]) -> QuerySet[SamplingRun]:
    """Runs over any of `teams`, newest first."""
    return SamplingRun.objects.filter(teams__in=teams).distinct()


def recent_runs(*, teams: QuerySet[Team], limit: int = 20) -> QuerySet[SamplingRun]:
    return (
        runs_for_teams(teams=teams)
        .select_related("version__template", "created_by")
        .prefetch_related("teams")
        .order_by("-created_at")[:limit]
    )


def run_reviews(*, run: SamplingRun, user: User) -> QuerySet[Review]:
    """The run's reviews `user` may open, by agent and conversation."""
    return (
        reviews_for_user(user=user)
        .filter(sampling_run=run)
        .select_related("contact", "agent__user", "reviewer")
        .order_by("agent__user__last_name", "contact__started_at")
    )


def reviewer_load(reviews: QuerySet[Review]) -> QuerySet:
    """Per reviewer: reviews assigned and submitted, among `reviews` (one aggregate)."""
    return (
        reviews.order_by()
        .values("reviewer__username", "reviewer__first_name", "reviewer__last_name")
        .annotate(n=Count("pk"), done=Count("pk", filter=Q(submitted_at__isnull=False)))
        .order_by("reviewer__last_name", "reviewer__username")
    )
