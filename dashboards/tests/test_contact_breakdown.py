"""The team dashboard's channel breakdown, contact-detail figures and top contact reasons."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from core import roles
from core.models import Contact
from core.tests.factories import AgentFactory, ContactFactory, UserFactory
from metrics import rollups
from metrics.models import CHANNEL_COUNTS
from tests import test_rollups
from tests.test_contact_figures import rich_example

example = test_rollups.example  # the product's worked example (a fixture)
MARCH = {"start": "2026-03-01", "end": "2026-03-11"}


@pytest.fixture
def north_south_lead(example):
    lead = UserFactory(roles=[roles.OPS_LEAD])
    example["north"].leads.add(lead)
    example["south"].leads.add(lead)
    return lead


def page(client, user, **params):
    client.force_login(user)
    response = client.get(reverse("dashboards:team-dashboard"), {**MARCH, **params})
    assert response.status_code == 200
    return response


def test_channel_rows_by_hand_add_up_to_the_total_row(client, example, north_south_lead):
    rich_example(example)
    response = page(client, north_south_lead)
    rows = {row["code"]: row for row in response.context["channel_rows"]}
    # Phone: c1, c4, c5 (cases A, C, D, none FCR); chat: c2, c6, c7 (case E, FCR); email: c3 (case B, FCR).
    assert {code: (r["contacts"], r["cases"], r["fcr_cases"]) for code, r in rows.items()} == {
        "phone": (3, 3, 0),
        "chat": (3, 1, 1),
        "email": (1, 1, 1),
    }
    assert [row["code"] for row in response.context["channel_rows"]] == ["chat", "phone", "email"]  # contacts, name
    assert rows["phone"]["name"] == "Phone"
    assert (rows["phone"]["escalation_pct"], rows["phone"]["hold_seconds"]) == (pytest.approx(66.67, abs=0.01), 45.0)
    totals = response.context["totals"]
    for name in CHANNEL_COUNTS:
        assert sum(row[name] for row in rows.values()) == totals[name], name
    body = response.content.decode()
    assert 'data-testid="channel-table"' in body and 'data-testid="channel-total"' in body
    assert "Escalated CSAT %" in body and "Hold (s)" in body


def test_top_reasons_by_hand(client, example, north_south_lead):
    rich_example(example)
    response = page(client, north_south_lead)
    reasons = [
        (r["reason"], r["contacts"], r["cases"], r["fcr_cases"], r["csat_responses"])
        for r in response.context["reason_rows"]
    ]
    assert reasons == [("Billing", 3, 2, 0, 3), ("Delivery", 2, 1, 1, 1), ("Refund", 1, 1, 0, 0)]
    assert response.context["no_reason"] == 1  # c6
    billing = response.context["reason_rows"][0]
    assert (billing["share_pct"], billing["csat_pct"]) == (pytest.approx(300 / 7), pytest.approx(200 / 3))
    assert "1 contact without a recorded reason is left out" in response.content.decode()


def test_one_team_selected_shows_only_its_channels_and_reasons(client, example, north_south_lead):
    rich_example(example)
    response = page(client, north_south_lead, team=example["south"].pk)
    assert [(r["code"], r["contacts"]) for r in response.context["channel_rows"]] == [("phone", 1)]
    assert [r["reason"] for r in response.context["reason_rows"]] == ["Refund"]


def test_another_teams_lead_does_not_see_these_reasons(client, example, team, lead_user):
    rich_example(example)
    response = page(client, lead_user)
    assert response.context["channel_rows"] == [] and response.context["reason_rows"] == []
    assert "Billing" not in response.content.decode()
    # Asking for a team out of scope does not show it either.
    response = page(client, lead_user, team=example["north"].pk)
    assert response.context["reason_rows"] == []


def test_roles_without_the_team_dashboard_are_refused(client, example, agent, hiring_user, reviewer_user):
    for user in (agent.user, hiring_user, reviewer_user):
        client.force_login(user)
        assert client.get(reverse("dashboards:team-dashboard"), MARCH).status_code == 403


def test_only_the_top_ten_reasons_are_listed(client, team, lead_user):
    agent = AgentFactory(team=team)
    start = datetime(2026, 3, 2, 9, tzinfo=UTC)
    for n in range(12):
        for k in range(n + 1):  # reason r11 has the most contacts
            ContactFactory(agent=agent, team=team, started_at=start + timedelta(minutes=n * 20 + k), reason=f"r{n:02d}")
    rollups.rollup_full()
    reasons = page(client, lead_user)
    assert [r["reason"] for r in reasons.context["reason_rows"]] == [f"r{n:02d}" for n in range(11, 1, -1)]


@pytest.mark.parametrize("n", [1, 12])
def test_breakdown_and_reasons_keep_the_query_count_flat(client, team, lead_user, n, django_assert_max_num_queries):
    agents = AgentFactory.create_batch(n, team=team)
    start = datetime(2026, 3, 2, 9, tzinfo=UTC)
    for i, agent in enumerate(agents):
        for channel in ("phone", "chat", "email", "social")[: 1 + i % 4]:
            ContactFactory(agent=agent, team=team, started_at=start, channel=channel, reason=f"reason {i}")
    Contact.objects.filter(channel="chat").update(escalated=True, hold_seconds=30)
    rollups.rollup_full()
    client.force_login(lead_user)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("dashboards:team-dashboard"), MARCH)
    assert response.status_code == 200
    assert sum(r["contacts"] for r in response.context["channel_rows"]) == Contact.objects.count()
    assert len(response.context["reason_rows"]) == min(n, 10)
