from datetime import date

import pytest
from rest_framework.test import APIClient

from core import roles
from core.tests.factories import AgentFactory, UserFactory
from imports.tests.contact_rows import row, run_import
from metrics import rollups

PERIOD = "start=2026-03-01&end=2026-03-31"


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def figures(agent, other_agent):
    """One contact each for an in-house agent and a partner agent."""
    run_import(
        [
            row("a1", "K1", agent, "2026-03-02T10:00:00Z", csat=5),
            row("b1", "K2", other_agent, "2026-03-02T11:00:00Z", csat=2, resolved="no"),
        ]
    )
    rollups.rollup_full()


def ids(response, key):
    assert response.status_code == 200, response.content
    return [item[key] for item in response.json()["results"]]


def test_metrics_agents_lead_sees_only_their_teams(api, figures, lead_user, agent, other_agent):
    api.force_authenticate(lead_user)
    response = api.get(f"/api/v1/metrics/agents/?{PERIOD}")
    assert ids(response, "agent_id") == [agent.pk]
    row_ = response.json()["results"][0]
    assert (row_["contacts"], row_["fcr_pct"], row_["csat_pct"], row_["nps"]) == (1, 100.0, 100.0, None)
    assert ids(api.get(f"/api/v1/metrics/teams/?{PERIOD}"), "team_id") == [agent.team_id]
    assert ids(api.get(f"/api/v1/metrics/vendors/?{PERIOD}"), "vendor_id") == [agent.team.vendor_id]


def test_metrics_agent_sees_only_themself(api, figures, agent, other_agent):
    api.force_authenticate(agent.user)
    assert ids(api.get(f"/api/v1/metrics/agents/?{PERIOD}"), "agent_id") == [agent.pk]
    assert ids(api.get(f"/api/v1/metrics/agents/?{PERIOD}&team={other_agent.team.name}"), "agent_id") == []
    assert ids(api.get(f"/api/v1/metrics/teams/?{PERIOD}"), "team_id") == []
    assert ids(api.get(f"/api/v1/metrics/vendors/?{PERIOD}"), "vendor_id") == []


def test_metrics_partner_lead_sees_only_the_partner(api, figures, other_agent, partner_team):
    partner_lead = UserFactory(roles=[roles.OPS_LEAD])
    partner_team.leads.add(partner_lead)
    api.force_authenticate(partner_lead)
    assert ids(api.get(f"/api/v1/metrics/agents/?{PERIOD}"), "agent_id") == [other_agent.pk]
    response = api.get(f"/api/v1/metrics/teams/?{PERIOD}")
    assert ids(response, "team_id") == [partner_team.pk]
    assert response.json()["results"][0]["fcr_pct"] == 0.0


def test_metrics_hiring_manager_sees_nothing(api, figures, hiring_user):
    api.force_authenticate(hiring_user)
    for kind in ("agents", "teams", "vendors"):
        assert api.get(f"/api/v1/metrics/{kind}/?{PERIOD}").json()["results"] == []


def test_metrics_admin_filters_by_team_and_vendor(api, figures, admin_user, agent, other_agent):
    api.force_authenticate(admin_user)
    assert sorted(ids(api.get(f"/api/v1/metrics/agents/?{PERIOD}"), "agent_id")) == sorted([agent.pk, other_agent.pk])
    vendor = other_agent.team.vendor.name
    assert ids(api.get(f"/api/v1/metrics/agents/?{PERIOD}&vendor={vendor}"), "agent_id") == [other_agent.pk]
    assert ids(api.get(f"/api/v1/metrics/teams/?{PERIOD}&team={agent.team.name}"), "team_id") == [agent.team_id]
    vendors = api.get(f"/api/v1/metrics/vendors/?{PERIOD}").json()["results"]
    assert sum(v["contacts"] for v in vendors) == 2


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("", "start"),
        ("start=2026-03-01", "end"),
        ("start=yesterday&end=2026-03-01", "start"),
        ("start=2026-03-05&end=2026-03-01", "end"),
    ],
)
def test_metrics_bad_period_is_a_400_with_field_errors(api, lead_user, query, field):
    api.force_authenticate(lead_user)
    response = api.get(f"/api/v1/metrics/teams/?{query}")
    assert response.status_code == 400
    assert field in response.json()


def test_metrics_require_authentication(api):
    assert api.get(f"/api/v1/metrics/agents/?{PERIOD}").status_code in (401, 403)


def test_metrics_agents_query_count_is_flat(api, admin_user, team, django_assert_max_num_queries):
    api.force_authenticate(admin_user)
    for n_agents in (3, 30):
        AgentFactory.create_batch(n_agents, team=team)
        with django_assert_max_num_queries(6):
            assert api.get(f"/api/v1/metrics/agents/?{PERIOD}").status_code == 200


def test_bulk_import_admin_only_and_all_or_nothing(
    api, admin_user, lead_user, agent, django_capture_on_commit_callbacks
):
    items = [row("x1", "K", agent, "2026-03-04T10:00:00Z", csat=4), row("x2", "K", agent, "2026-03-05T10:00:00Z")]
    api.force_authenticate(lead_user)
    assert api.post("/api/v1/interactions/bulk/", items, format="json").status_code == 403
    api.force_authenticate(admin_user)
    bad = [items[0], {**items[1], "nps": 42}]
    response = api.post("/api/v1/interactions/bulk/", bad, format="json")
    assert response.status_code == 400
    assert response.json() == {"errors": [{"line": 2, "field": "nps", "message": "42 is out of range 0–10"}]}
    assert api.post("/api/v1/interactions/bulk/", {"not": "a list"}, format="json").status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/v1/interactions/bulk/", items, format="json")
    assert response.status_code == 201
    answer = response.json()
    assert answer.pop("fields")[-4:] == ["first_contact_resolved", "csat", "ces", "nps"]  # the keys the items carry
    assert answer == {"rows": 2, "created": 2, "updated": 0, "unchanged": 0}
    from metrics.models import AgentDay

    day = AgentDay.objects.get(day=date(2026, 3, 4))
    assert (day.cases, day.fcr_cases, day.csat_satisfied) == (1, 0, 1)  # x2 came back the next day


def test_metrics_endpoints_are_in_the_schema(client):
    body = client.get("/api/schema/").content
    for path in (b"/api/v1/metrics/agents/", b"/api/v1/metrics/teams/", b"/api/v1/interactions/bulk/"):
        assert path in body
