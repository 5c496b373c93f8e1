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
