"""Filters of the qa API. A filter that takes an id chooses among what the caller may see (as django-filter's
ModelChoiceFilter does with a scoped queryset), so an id outside their scope and an id that does not exist get the
same 400 "not one of the available choices": the answer never tells whether another vendor's object exists.
(Calibration sessions' filter, by the same rule, is in qa/calibration/api.py.)"""

import django_filters
from django.db.models import Q, QuerySet

from core.models import Agent, Team, User
from core.selectors.channels import channel_choices
from core.selectors.scope import agents_for_user, teams_for_user
from qa.reviews import selectors
from qa.reviews.models import Review


def _agents(request) -> QuerySet[Agent]:
    return agents_for_user(user=request.user) if request is not None else Agent.objects.none()


def _teams(request) -> QuerySet[Team]:
    """Teams in the caller's scope, and those their visible reviews were handled in (an agent's own team)."""
    if request is None:
        return Team.objects.none()
    user = request.user
    # Not calibration reviews: a shared session may hold another vendor's conversations, which stay anonymous.
    reviews = selectors.reviews_for_user(user=user).filter(is_calibration=False).values("team_id")
    return Team.objects.filter(Q(pk__in=teams_for_user(user=user).values("pk")) | Q(pk__in=reviews))


def _reviewers(request) -> QuerySet[User]:
    """The caller and the reviewers of the reviews they may see."""
    if request is None:
        return User.objects.none()
    user = request.user
    return User.objects.filter(Q(pk=user.pk) | Q(pk__in=selectors.reviews_for_user(user=user).values("reviewer_id")))


class ReviewFilter(django_filters.FilterSet):
    agent = django_filters.ModelChoiceFilter(queryset=_agents)
    team = django_filters.ModelChoiceFilter(queryset=_teams)
    reviewer = django_filters.ModelChoiceFilter(queryset=_reviewers)
    channel = django_filters.ChoiceFilter(
        field_name="contact__channel", choices=lambda: channel_choices(include_inactive=True)
    )
    contact = django_filters.CharFilter(field_name="contact__external_id")
    submitted_after = django_filters.DateFilter(field_name="submitted_at", lookup_expr="date__gte")
    submitted_before = django_filters.DateFilter(field_name="submitted_at", lookup_expr="date__lte")
    started_after = django_filters.DateFilter(field_name="contact__started_at", lookup_expr="date__gte")
    started_before = django_filters.DateFilter(field_name="contact__started_at", lookup_expr="date__lte")

    class Meta:
        model = Review
        fields = ["agent", "team", "reviewer", "status", "auto_failed", "is_calibration", "version", "origin"]
