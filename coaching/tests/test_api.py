"""GET /api/v1/coaching-plans/: goals with baseline, target, current, status; scoped like the pages."""

import pytest
from django.urls import reverse

from coaching.status import GoalStatus
from coaching.tests.factories import GoalFactory, PlanActivityFactory, PlanFactory, SessionFactory
from core.tests.factories import AgentFactory, TeamFactory

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
    typo = client.get(reverse("coaching-plan-list"), {"goal_status": "mised"})  # not a status: said, not an empty list
    assert typo.status_code == 400 and "goal_status" in typo.json()


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


# Filters by id: an id outside the caller's scope answers exactly like an id that does not exist ----------------------

MISSING = [10**9, "abc", 10**30]  # no such row, not a number, past any database integer
NOT_A_CHOICE = ["Select a valid choice. That choice is not one of the available choices."]


def _same_400_as_missing(client, name, foreign_id):
    url = reverse("coaching-plan-list")
    foreign = client.get(url, {name: foreign_id})
    assert (foreign.status_code, foreign.json()) == (400, {name: NOT_A_CHOICE}), name
    for missing in MISSING:
        response = client.get(url, {name: missing})
        assert (response.status_code, response.json()) == (400, foreign.json()), (name, missing)


def _plan_ids(client, params) -> list[int]:
    response = client.get(reverse("coaching-plan-list"), params)
    assert response.status_code == 200, (params, response.json())
    return [row["id"] for row in response.json()["results"]]


@pytest.fixture
def partner_plan(other_agent):
    return PlanFactory(agent=other_agent)


def test_plan_filters_answer_an_agent_the_same_for_other_ids_and_missing_ids(
    client, agent, plan, partner_plan, other_agent, team, partner_team
):
    teammate = AgentFactory(team=team)
    PlanFactory(agent=teammate)
    client.force_login(agent.user)
    _same_400_as_missing(client, "agent", other_agent.pk)
    _same_400_as_missing(client, "agent", teammate.pk)
    _same_400_as_missing(client, "team", partner_team.pk)
    assert _plan_ids(client, {"agent": agent.pk}) == [plan.pk]
    assert _plan_ids(client, {"team": team.pk}) == [plan.pk]


def test_plan_filters_answer_another_vendors_lead_the_same_for_our_ids_and_missing_ids(
    client, agent, plan, partner_plan, other_agent, team, partner_team
):
    from core import roles
    from core.tests.factories import UserFactory

    partner_lead = UserFactory(roles=[roles.OPS_LEAD])
    partner_team.leads.add(partner_lead)
    client.force_login(partner_lead)
    _same_400_as_missing(client, "agent", agent.pk)
    _same_400_as_missing(client, "team", team.pk)
    assert _plan_ids(client, {"agent": other_agent.pk}) == [partner_plan.pk]
    assert _plan_ids(client, {"team": partner_team.pk}) == [partner_plan.pk]
    assert _plan_ids(client, {"team": partner_team.pk, "goal_status": "missed"}) == []


def test_plan_filters_answer_another_vendors_reviewer_403_whatever_the_id(
    client, agent, plan, partner_plan, other_agent, team, partner_team
):
    from core import roles
    from core.tests.factories import ScopeFactory, UserFactory

    partner_reviewer = UserFactory(roles=[roles.QA_REVIEWER])
    ScopeFactory(user=partner_reviewer, vendors=[partner_team.vendor])
    client.force_login(partner_reviewer)
    url = reverse("coaching-plan-list")
    for name, values in (("agent", [agent.pk, other_agent.pk]), ("team", [team.pk, partner_team.pk])):
        answers = {(r.status_code, str(r.json())) for r in (client.get(url, {name: v}) for v in values + MISSING)}
        assert len(answers) == 1 and next(iter(answers))[0] == 403, (name, answers)


def test_plan_filters_let_a_lead_and_an_admin_filter_by_what_they_see(
    client, lead_user, admin_user, agent, plan, partner_plan, other_agent, team, partner_team
):
    client.force_login(lead_user)
    assert _plan_ids(client, {"agent": agent.pk}) == [plan.pk]
    assert _plan_ids(client, {"team": team.pk}) == [plan.pk]
    client.force_login(admin_user)
    assert _plan_ids(client, {"agent": other_agent.pk}) == [partner_plan.pk]
    assert _plan_ids(client, {"team": partner_team.pk}) == [partner_plan.pk]
    assert client.get(reverse("coaching-plan-list"), {"team": 10**9}).json() == {"team": NOT_A_CHOICE}


def test_an_empty_goal_status_is_a_400_not_every_status(client, lead_user, plan):
    client.force_login(lead_user)
    for empty in ("", " "):
        response = client.get(reverse("coaching-plan-list"), {"goal_status": empty})
        assert response.status_code == 400, empty
        assert "on_track" in response.json()["goal_status"][0]
    assert client.get(reverse("coaching-plan-list")).json()["count"] == 1  # left out: every status


def test_the_schema_types_a_missing_mentor_and_a_candidates_missing_agent_as_null(client, admin_user, plan):
    """An activity without a peer mentor answers "mentor": null, a candidate not hired "agent": null: the schema
    says so (a client generated from it would otherwise refuse the answer)."""
    activity = plan.assignments.get()
    activity.mentor = None
    activity.save(update_fields=["mentor"])
    client.force_login(admin_user)
    assert client.get(reverse("coaching-plan-list")).json()["results"][0]["activities"][0]["mentor"] is None
    schemas = client.get(reverse("api-schema"), {"format": "json"}).json()["components"]["schemas"]
    assert schemas["PlanActivity"]["properties"]["mentor"] == {"type": "integer", "readOnly": True, "nullable": True}
    assert schemas["Candidate"]["properties"]["agent"] == {"type": "integer", "readOnly": True, "nullable": True}
