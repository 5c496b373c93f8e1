"""Return on training against a hand-computed case."""

from datetime import date, timedelta

import pytest

from coaching import selectors
from coaching.models import Activity, PlanActivity
from coaching.tests.factories import (
    ActivityFactory,
    PlanActivityFactory,
    PlanFactory,
    agent_day,
    agent_skill_day,
    skill,
)
from core.models import Agent
from core.tests.factories import AgentFactory, TeamFactory

TODAY = date(2026, 6, 1)
D1, D2 = date(2026, 4, 10), date(2026, 4, 20)  # completion days of the two completers
pytestmark = pytest.mark.django_db


def _done(agent, activity, day):
    return PlanActivityFactory(
        plan=PlanFactory(agent=agent), activity=activity, status=PlanActivity.Status.DONE, completed_on=day
    )


@pytest.fixture
def case(team):
    """Team with completers A (done D1) and B (done D2), non-completers C and D; E in another team; F done late."""
    activity = ActivityFactory(kind=Activity.Kind.LISTENING_LAB)
    a, b, c, d = (AgentFactory(team=team) for _ in range(4))
    e = AgentFactory(team=TeamFactory(vendor=team.vendor))
    f = AgentFactory(team=team)
    _done(a, activity, D1)
    _done(b, activity, D2)
    _done(f, activity, TODAY - timedelta(days=5))  # after window not over yet: neither group
    PlanActivityFactory(plan=PlanFactory(agent=c), activity=activity)  # assigned, not done: comparison group
    # FCR (cases, fcr cases). Window 14 days: before = [d-14, d-1], after = [d+1, d+14]; the day itself is neither.
    agent_day(a, D1 - timedelta(days=14), cases=10, fcr_cases=5)  # before, first day
    agent_day(a, D1, cases=50, fcr_cases=0)  # completion day: ignored
    agent_day(a, D1 + timedelta(days=14), cases=10, fcr_cases=8)  # after, last day
    agent_day(a, D1 + timedelta(days=15), cases=50, fcr_cases=50)  # outside
    agent_day(b, D2 - timedelta(days=1), cases=10, fcr_cases=6)
    agent_day(b, D2 + timedelta(days=1), cases=30, fcr_cases=21)
    # Team median completion day of {D1, D2} (lower median) = D1, for C and D.
    agent_day(c, D1 - timedelta(days=3), cases=20, fcr_cases=12)
    agent_day(c, D1 + timedelta(days=3), cases=20, fcr_cases=13)
    agent_day(d, D1 - timedelta(days=20), cases=100, fcr_cases=0)  # outside its window
    agent_day(d, D1 + timedelta(days=2), cases=20, fcr_cases=11)
    agent_day(e, D1 + timedelta(days=2), cases=100, fcr_cases=100)  # other team: not compared
    agent_day(f, TODAY - timedelta(days=10), cases=10, fcr_cases=0)
    empathy = skill("empathy")
    agent_skill_day(a, D1 - timedelta(days=1), activity.skill, 2, 120)
    agent_skill_day(a, D1 + timedelta(days=1), activity.skill, 2, 170)
    agent_skill_day(c, D1 - timedelta(days=1), activity.skill, 1, 70)
    agent_skill_day(c, D1 + timedelta(days=1), activity.skill, 1, 72)
    return {"activity": activity, "team": team, "empathy": empathy}


def test_return_on_training_fcr_matches_the_hand_computed_figures(case):
    result = selectors.return_on_training(
        activity=case["activity"], kpi="fcr", window_days=14, agents=Agent.objects.all(), today=TODAY
    )
    done, not_done = result["completed"], result["not_completed"]
    # Completers: before (5 + 6) / (10 + 10) = 55%, after (8 + 21) / (10 + 30) = 72.5%.
    assert done["agents"] == 2
    assert (done["before_sample"], done["after_sample"]) == (20, 40)
    assert done["before"] == pytest.approx(55.0) and done["after"] == pytest.approx(72.5)
    assert done["change"] == pytest.approx(17.5)
    # Non-completers C and D around D1: before 12 / 20 = 60%, after (13 + 11) / 40 = 60%.
    assert not_done["agents"] == 2
    assert (not_done["before_sample"], not_done["after_sample"]) == (20, 40)
    assert not_done["before"] == pytest.approx(60.0) and not_done["after"] == pytest.approx(60.0)
    assert not_done["change"] == pytest.approx(0.0)
    assert result["difference"] == pytest.approx(17.5)
    assert list(result["teams"]) == [case["team"]]


def test_return_on_training_on_the_activity_skill_qa_score(case):
    result = selectors.return_on_training(
        activity=case["activity"], kpi="skill_qa", window_days=14, agents=Agent.objects.all(), today=TODAY
    )
    # A: 60 → 85 (B has no reviews); C: 70 → 72.
    assert result["completed"]["before"] == pytest.approx(60) and result["completed"]["after"] == pytest.approx(85)
    assert result["not_completed"]["change"] == pytest.approx(2)
    assert result["difference"] == pytest.approx(23)


def test_return_on_training_respects_scope(case):
    result = selectors.return_on_training(
        activity=case["activity"], kpi="fcr", window_days=14, agents=Agent.objects.none(), today=TODAY
    )
    assert result["completed"]["agents"] == 0 and result["difference"] is None
