"""Filters of the coaching API. A filter that takes an id chooses among what the caller may see (django-filter's
ModelChoiceFilter with a scoped queryset), so an id outside their scope and an id that does not exist get the same
400 "not one of the available choices": the answer never tells whether another vendor's agent or team exists."""

import django_filters
from django import forms
from django.db.models import Q, QuerySet

from coaching import selectors
from coaching.models import CoachingPlan
from coaching.status import GoalStatus
from core.models import Agent, Team
from core.selectors.scope import agents_for_user, teams_for_user


def _agents(request) -> QuerySet[Agent]:
    """Agents in the caller's scope (an agent: themself), and the agents of the plans they may read."""
    if request is None:
        return Agent.objects.none()
    user = request.user
    plans = selectors.plans_for_user(user=user).values("agent_id")
    return Agent.objects.filter(Q(pk__in=agents_for_user(user=user).values("pk")) | Q(pk__in=plans))


def _teams(request) -> QuerySet[Team]:
    """Teams in the caller's scope, and the teams of those agents (an agent's own team)."""
    if request is None:
        return Team.objects.none()
    user = request.user
    return Team.objects.filter(
        Q(pk__in=teams_for_user(user=user).values("pk")) | Q(pk__in=_agents(request).values("team_id"))
    )


class GivenChoiceField(forms.ChoiceField):
    """A choice that may be left out of the query string but, when given, must be one of the choices: an empty
    `?goal_status=` is refused (400) like a typo, not read as "any status"."""

    def clean(self, value):
        if value is not None and str(value).strip() == "":
            raise forms.ValidationError(
                "Give one of: %(choices)s; leave the parameter out for every status.",
                code="empty",
                params={"choices": ", ".join(str(key) for key, _ in self.choices if key)},
            )
        return super().clean(value)


class GivenChoiceFilter(django_filters.ChoiceFilter):
    field_class = GivenChoiceField


class CoachingPlanFilter(django_filters.FilterSet):
    agent = django_filters.ModelChoiceFilter(queryset=_agents)
    team = django_filters.ModelChoiceFilter(field_name="agent__team", queryset=_teams)
    goal_status = GivenChoiceFilter(field_name="goals__status", choices=GoalStatus.choices, distinct=True)

    class Meta:
        model = CoachingPlan
        fields = ["agent", "team", "goal_status"]
