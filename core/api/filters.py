"""Filters of the core API. A filter that takes an id chooses among what the caller may see (django-filter's
ModelChoiceFilter with a scoped queryset), so an id outside their scope and an id that does not exist get the same
400 "not one of the available choices": the answer never tells whether another vendor's object exists."""

import django_filters
from django.db.models import Q, QuerySet

from core.models import Agent, Team, Vendor
from core.selectors.scope import agents_for_user, teams_for_user, vendors_for_user


def _teams(request) -> QuerySet[Team]:
    """Teams in the caller's scope, and the teams of the agents they may see (an agent's own team)."""
    if request is None:
        return Team.objects.none()
    user = request.user
    agents = agents_for_user(user=user).values("team_id")
    return Team.objects.filter(Q(pk__in=teams_for_user(user=user).values("pk")) | Q(pk__in=agents))


def _vendors(request) -> QuerySet[Vendor]:
    """Vendors of the teams in the caller's scope, and those of the agents they may see (an agent's own vendor)."""
    if request is None:
        return Vendor.objects.none()
    user = request.user
    agents = agents_for_user(user=user).values("team__vendor_id")
    return Vendor.objects.filter(Q(pk__in=vendors_for_user(user=user).values("pk")) | Q(pk__in=agents))


class TeamFilter(django_filters.FilterSet):
    vendor = django_filters.ModelChoiceFilter(queryset=_vendors)

    class Meta:
        model = Team
        fields = ["vendor", "is_active"]


class AgentFilter(django_filters.FilterSet):
    team = django_filters.ModelChoiceFilter(queryset=_teams)

    class Meta:
        model = Agent
        fields = ["team", "is_active"]
