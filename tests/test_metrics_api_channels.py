"""The metrics API's `channel` parameter and the contact-detail figures in its rows."""

import pytest
from rest_framework.test import APIClient

from core import roles
from core.models import Contact
from core.tests.factories import UserFactory
from imports.tests.contact_rows import row, run_import
from metrics import rollups

PERIOD = "start=2026-03-01&end=2026-03-31"
DETAIL = ("repeat_contact_pct", "escalation_pct", "transfer_pct", "complaint_fcr_pct", "escalated_csat_pct")


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def contacts(agent, other_agent):
    """The in-house agent: a phone call (escalated, 40 s hold, CSAT 5) repeated the next day by chat; the partner
    agent: one email."""
    run_import(
        [
            row("a1", "K1", agent, "2026-03-02T10:00:00Z", channel="phone", csat=5),
            row("a2", "K1", agent, "2026-03-03T10:00:00Z", channel="chat", csat=2),
            row("b1", "K2", other_agent, "2026-03-02T11:00:00Z", channel="email"),
        ]
    )
    Contact.objects.filter(external_id="a1").update(escalated=True, hold_seconds=40, complaint=True)
    rollups.rollup_full()


def results(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_agent_rows_carry_the_new_counts_and_figures(api, contacts, lead_user, agent):
    api.force_authenticate(lead_user)
    (whole,) = results(api.get(f"/api/v1/metrics/agents/?{PERIOD}"))
    assert (whole["contacts"], whole["repeat_contacts"], whole["escalated_contacts"], whole["hold_contacts"]) == (
        2,
        1,
        1,
        1,
    )
    assert (whole["repeat_contact_pct"], whole["escalation_pct"], whole["transfer_pct"]) == (50.0, 50.0, 0.0)
    assert (whole["complaint_fcr_pct"], whole["escalated_csat_pct"], whole["hold_seconds"]) == (0.0, 100.0, 40.0)
    assert whole["qa_reviews"] == 0


def test_channel_filters_the_agents_and_teams_rows(api, contacts, lead_user, agent):
    api.force_authenticate(lead_user)
    (phone,) = results(api.get(f"/api/v1/metrics/agents/?{PERIOD}&channel=phone"))
    assert (phone["agent_id"], phone["contacts"], phone["cases"], phone["csat_pct"]) == (agent.pk, 1, 1, 100.0)
    assert (phone["repeat_contact_pct"], phone["hold_seconds"]) == (100.0, 40.0)
    assert phone["qa_score"] is None and phone["reviews"] is None  # reviews are not split by channel
    (chat,) = results(api.get(f"/api/v1/metrics/teams/?{PERIOD}&channel=chat"))
    assert (chat["team_id"], chat["contacts"], chat["cases"], chat["fcr_pct"], chat["csat_pct"]) == (
        agent.team_id,
        1,
        0,
        None,
        0.0,
    )
    assert chat["hold_seconds"] is None and chat["escalation_pct"] == 0.0
    (social,) = results(api.get(f"/api/v1/metrics/teams/?{PERIOD}&channel=social"))
    assert social["contacts"] == 0 and all(social[name] is None for name in (*DETAIL, "hold_seconds", "fcr_pct"))


def test_channel_rows_add_up_to_the_whole(api, contacts, admin_user):
    api.force_authenticate(admin_user)
    whole = results(api.get(f"/api/v1/metrics/teams/?{PERIOD}"))
    per_channel = [results(api.get(f"/api/v1/metrics/teams/?{PERIOD}&channel={c}")) for c in ("phone", "chat", "email")]
    for name in ("contacts", "cases", "fcr_cases", "csat_responses", "repeat_contacts", "hold_seconds_sum"):
        assert sum(r[name] for rows in per_channel for r in rows) == sum(r[name] for r in whole), name


@pytest.mark.parametrize("kind", ["agents", "teams"])
@pytest.mark.parametrize("channel", ["pigeon", "ph%00one", "phone'--", "x" * 300])
def test_unknown_channel_is_a_400_with_a_field_error(api, lead_user, kind, channel):
    api.force_authenticate(lead_user)
    response = api.get(f"/api/v1/metrics/{kind}/?{PERIOD}&channel={channel}")
    assert response.status_code == 400
    message = response.json()["channel"][0]
    if "%00" in channel:
        assert message == "Null characters are not allowed."
    else:
        assert "Unknown channel" in message and "phone" in message


def test_channel_keeps_the_callers_scope(api, contacts, agent, other_agent, partner_team, hiring_user):
    api.force_authenticate(agent.user)
    assert [r["agent_id"] for r in results(api.get(f"/api/v1/metrics/agents/?{PERIOD}&channel=email"))] == [agent.pk]
    assert results(api.get(f"/api/v1/metrics/teams/?{PERIOD}&channel=email")) == []
    partner_lead = UserFactory(roles=[roles.OPS_LEAD])
    partner_team.leads.add(partner_lead)
    api.force_authenticate(partner_lead)
    (email,) = results(api.get(f"/api/v1/metrics/teams/?{PERIOD}&channel=email"))
    assert (email["team_id"], email["contacts"]) == (partner_team.pk, 1)
    api.force_authenticate(hiring_user)
    assert results(api.get(f"/api/v1/metrics/agents/?{PERIOD}&channel=email")) == []
    api.force_authenticate(None)
    assert api.get(f"/api/v1/metrics/agents/?{PERIOD}&channel=email").status_code in (401, 403)


def test_channel_query_count_is_flat(api, admin_user, team, django_assert_max_num_queries):
    from core.tests.factories import AgentFactory

    api.force_authenticate(admin_user)
    for n_agents in (3, 30):
        AgentFactory.create_batch(n_agents, team=team)
        with django_assert_max_num_queries(7):
            assert api.get(f"/api/v1/metrics/agents/?{PERIOD}&channel=phone").status_code == 200


def test_schema_describes_the_channel_parameter_and_the_new_figures(db):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path in ("/api/v1/metrics/agents/", "/api/v1/metrics/teams/"):
        assert "channel" in [p["name"] for p in schema["paths"][path]["get"]["parameters"]]
    assert "channel" not in [p["name"] for p in schema["paths"]["/api/v1/metrics/vendors/"]["get"]["parameters"]]
    for component in ("AgentFigures", "TeamFigures"):
        fields = schema["components"]["schemas"][component]["properties"]
        for name in (*DETAIL, "hold_seconds", "hold_contacts", "hold_seconds_sum", "complaint_cases"):
            assert name in fields, (component, name)
        assert fields["hold_seconds"]["nullable"] and fields["reviews"]["nullable"]
