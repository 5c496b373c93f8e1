"""GET /api/v1/coaching-plans/: goals with baseline, target, current, status; scoped like the pages."""

import pytest
from django.urls import reverse

from coaching.status import GoalStatus
from coaching.tests.factories import GoalFactory, PlanActivityFactory, PlanFactory, SessionFactory
from skillhub.tests.factories import AgentFactory, TeamFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(agent):
    plan = PlanFactory(agent=agent)
    GoalFactory(plan=plan, kpi="aht", baseline=560, target=480, current_value=530.5, status=GoalStatus.ON_TRACK)
    PlanActivityFactory(plan=plan)
    SessionFactory(plan=plan)
    return plan


def test_agent_gets_own_plan_with_goal_figures(client, agent_user, plan, team):
    PlanFactory(agent=AgentFactory(team=team))
    client.force_login(agent_user)
    data = client.get(reverse("coaching-plan-list")).json()
    assert data["count"] == 1
    goal = data["results"][0]["goals"][0]
    assert (goal["baseline"], goal["target"], goal["current"], goal["status"]) == (560, 480, 530.5, "on_track")
    assert goal["kpi"] == "aht" and goal["lower_is_better"] is True
    assert len(data["results"][0]["activities"]) == 1 and len(data["results"][0]["sessions"]) == 1


def test_agent_gets_404_on_another_plan(client, agent_user, team):
    other = PlanFactory(agent=AgentFactory(team=team))
    client.force_login(agent_user)
    assert client.get(reverse("coaching-plan-detail", args=[other.pk])).status_code == 404


def test_lead_lists_plans_of_own_teams_and_filters_by_status(client, lead_user, plan, other_agent):
    PlanFactory(agent=other_agent)
    client.force_login(lead_user)
    assert client.get(reverse("coaching-plan-list")).json()["count"] == 1
    assert client.get(reverse("coaching-plan-list"), {"goal_status": "missed"}).json()["count"] == 0
    assert client.get(reverse("coaching-plan-detail", args=[plan.pk])).status_code == 200


def test_lead_filters_plans_by_team_and_a_bad_team_id_is_a_400(client, lead_user, plan, team):
    other_team = TeamFactory(vendor=team.vendor)
    other_team.leads.add(lead_user)
    PlanFactory(agent=AgentFactory(team=other_team))
    client.force_login(lead_user)
    assert client.get(reverse("coaching-plan-list")).json()["count"] == 2
    filtered = client.get(reverse("coaching-plan-list"), {"team": team.pk}).json()
    assert [row["id"] for row in filtered["results"]] == [plan.pk]
    assert client.get(reverse("coaching-plan-list"), {"team": "9" * 25}).status_code == 400


@pytest.mark.parametrize("user_fixture", ["hiring_user", "reviewer_user"])
def test_roles_without_coaching_get_403(client, request, user_fixture, plan):
    client.force_login(request.getfixturevalue(user_fixture))
    assert client.get(reverse("coaching-plan-list")).status_code == 403


@pytest.mark.parametrize("n", [2, 15])
def test_plan_list_query_count_is_flat(client, lead_user, team, n, django_assert_max_num_queries):
    for _ in range(n):
        plan = PlanFactory(agent=AgentFactory(team=team))
        GoalFactory(plan=plan)
        SessionFactory(plan=plan)
    client.force_login(lead_user)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("coaching-plan-list")).json()["count"] == n
