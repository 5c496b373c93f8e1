"""seed_coaching: plans with goals in every status, from the rollups when figures exist; safe to run twice."""

import random
from datetime import timedelta

import pytest
from django.utils import timezone

from coaching.models import CoachingPlan, CoachingSession, Goal, GoalMeasurement, PlanActivity
from coaching.status import GoalStatus
from coaching.tests.factories import agent_day
from core.models import Agent
from demo.coaching import seed_coaching
from demo.org import seed_org

pytestmark = pytest.mark.django_db


def _counts():
    return [m.objects.count() for m in (CoachingPlan, Goal, GoalMeasurement, PlanActivity, CoachingSession)]


def test_seed_coaching_without_contacts_has_every_status_and_runs_twice():
    seed_org(rng=random.Random(1))
    seed_coaching(rng=random.Random(2))
    first = _counts()
    assert set(Goal.objects.values_list("status", flat=True)) == set(GoalStatus.values)
    seed_coaching(rng=random.Random(2))
    assert _counts() == first


def test_seed_coaching_measures_goals_from_rollups_when_there_are_figures():
    seed_org(rng=random.Random(1))
    ana = Agent.objects.get(user__username="agent")
    today = timezone.localdate()
    for offset in range(1, 120):
        day = today - timedelta(days=offset)
        agent_day(
            ana,
            day,
            contacts=10,
            cases=8,
            fcr_cases=5 + offset % 3,
            csat_responses=4,
            csat_satisfied=2 + offset % 3,
            csat_sum=14,
            nps_responses=2,
            promoters=offset % 2,
            detractors=1,
            handle_seconds=4000 + 10 * offset,
            after_seconds=600,
        )
    seed_coaching(rng=random.Random(2))
    goals = {goal.kpi: goal for goal in Goal.objects.filter(plan__agent=ana)}
    assert {goal.status for goal in goals.values()} == set(GoalStatus.values)
    for goal in goals.values():
        assert goal.baseline_sample > 0 and goal.current_sample > 0, goal
        assert not goal.note.startswith("Illustrative")
