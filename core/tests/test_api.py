import pytest
from rest_framework.test import APIClient


@pytest.fixture
def api():
    return APIClient()


@pytest.mark.django_db
def test_api_requires_authentication(api):
    assert api.get("/api/v1/skills/").status_code in (401, 403)


@pytest.mark.django_db
def test_api_skills_lists_the_catalogue(api, agent_user):
    api.force_authenticate(agent_user)
    body = api.get("/api/v1/skills/").json()
    assert body["count"] >= 10


@pytest.mark.django_db
def test_api_agents_is_scoped(api, agent, other_agent, lead_user):
    api.force_authenticate(agent.user)
    assert [row["id"] for row in api.get("/api/v1/agents/").json()["results"]] == [agent.pk]
    assert api.get(f"/api/v1/agents/{other_agent.pk}/").status_code == 404
    api.force_authenticate(lead_user)
    assert [row["id"] for row in api.get("/api/v1/agents/").json()["results"]] == [agent.pk]


@pytest.mark.django_db
def test_api_token_auth_works(api, lead_user):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=lead_user)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.get("/api/v1/teams/").status_code == 200


@pytest.mark.django_db
def test_openapi_schema_is_served(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert b"/api/v1/skills/" in response.content


# Filters by id: an id outside the caller's scope answers exactly like an id that does not exist ----------------------

MISSING = [10**9, "abc", 10**30]  # no such row, not a number, past any database integer
NOT_A_CHOICE = ["Select a valid choice. That choice is not one of the available choices."]


@pytest.fixture
def partner_staff(partner_team):
    """A lead of the partner's team and a QA reviewer scoped to the partner vendor."""
    from core import roles
    from core.tests.factories import ScopeFactory, UserFactory

    lead = UserFactory(roles=[roles.OPS_LEAD])
    partner_team.leads.add(lead)
    reviewer = UserFactory(roles=[roles.QA_REVIEWER])
    ScopeFactory(user=reviewer, vendors=[partner_team.vendor])
    return {"partner_lead": lead, "partner_reviewer": reviewer}


def assert_same_400_as_missing(api, url, name, foreign_id):
    foreign = api.get(url, {name: foreign_id})
    assert (foreign.status_code, foreign.json()) == (400, {name: NOT_A_CHOICE}), (url, name)
    for missing in MISSING:
        response = api.get(url, {name: missing})
        assert (response.status_code, response.json()) == (400, foreign.json()), (url, name, missing)


def ids(api, url, params) -> list[int]:
    response = api.get(url, params)
    assert response.status_code == 200, (url, params, response.json())
    return [row["id"] for row in response.json()["results"]]


@pytest.mark.django_db
def test_core_id_filters_answer_an_agent_the_same_for_other_vendors_ids_and_missing_ids(
    api, agent, other_agent, team, partner_team, vendor, partner_vendor
):
    from core.tests.factories import AgentFactory, TeamFactory

    teammate_team = TeamFactory(vendor=vendor)  # same vendor, not the agent's team
    AgentFactory(team=teammate_team)
    api.force_authenticate(agent.user)
    assert_same_400_as_missing(api, "/api/v1/agents/", "team", partner_team.pk)
    assert_same_400_as_missing(api, "/api/v1/agents/", "team", teammate_team.pk)
    assert_same_400_as_missing(api, "/api/v1/teams/", "vendor", partner_vendor.pk)
    # Their own team and vendor still filter as before (an agent lists no teams).
    assert ids(api, "/api/v1/agents/", {"team": team.pk}) == [agent.pk]
    assert ids(api, "/api/v1/teams/", {"vendor": vendor.pk}) == []


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["partner_lead", "partner_reviewer"])
def test_core_id_filters_answer_another_vendors_staff_the_same_for_our_ids_and_missing_ids(
    api, partner_staff, who, agent, other_agent, team, partner_team, vendor, partner_vendor
):
    api.force_authenticate(partner_staff[who])
    assert_same_400_as_missing(api, "/api/v1/agents/", "team", team.pk)
    assert_same_400_as_missing(api, "/api/v1/teams/", "vendor", vendor.pk)
    assert ids(api, "/api/v1/agents/", {"team": partner_team.pk}) == [other_agent.pk]
    assert ids(api, "/api/v1/teams/", {"vendor": partner_vendor.pk}) == [partner_team.pk]
    assert ids(api, "/api/v1/teams/", {"vendor": partner_vendor.pk, "is_active": "true"}) == [partner_team.pk]


@pytest.mark.django_db
def test_core_id_filters_let_a_lead_and_an_admin_filter_by_what_they_see(
    api, lead_user, admin_user, agent, other_agent, team, partner_team, vendor, partner_vendor
):
    from core.tests.factories import AgentFactory, TeamFactory

    second = TeamFactory(vendor=vendor)
    second.leads.add(lead_user)
    second_agent = AgentFactory(team=second)
    api.force_authenticate(lead_user)
    assert ids(api, "/api/v1/agents/", {"team": team.pk}) == [agent.pk]
    assert ids(api, "/api/v1/agents/", {"team": second.pk}) == [second_agent.pk]
    assert sorted(ids(api, "/api/v1/teams/", {"vendor": vendor.pk})) == sorted([team.pk, second.pk])
    assert_same_400_as_missing(api, "/api/v1/agents/", "team", partner_team.pk)
    api.force_authenticate(admin_user)
    assert ids(api, "/api/v1/agents/", {"team": partner_team.pk}) == [other_agent.pk]
    assert ids(api, "/api/v1/teams/", {"vendor": partner_vendor.pk}) == [partner_team.pk]
    for url, name in (("/api/v1/agents/", "team"), ("/api/v1/teams/", "vendor")):
        assert api.get(url, {name: 10**9}).json() == {name: NOT_A_CHOICE}
