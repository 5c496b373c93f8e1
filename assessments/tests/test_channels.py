"""Hiring offers the channel catalogue: a new agent can be put on WhatsApp."""

import pytest
from django.urls import reverse

from assessments.forms import HireForm
from assessments.tests.conftest import score
from core.models import ContactChannel

pytestmark = pytest.mark.django_db


def test_hire_form_offers_the_active_catalogue(candidate):
    ContactChannel.objects.filter(code="sms").update(is_active=False)
    codes = [code for code, _ in HireForm(candidate=candidate).fields["channels"].choices]
    assert {"whatsapp", "web", "phone"} <= set(codes) and "sms" not in codes


def test_hire_puts_the_new_agent_on_whatsapp(client, candidate, hiring_user, team):
    score(candidate=candidate, user=hiring_user)
    client.force_login(hiring_user)
    fields = {"reasons": "Great", "team": team.pk, "start_date": "2026-02-02", "employee_id": "H9"}
    response = client.post(
        reverse("assessments:candidate-hire", args=[candidate.pk]), {**fields, "channels": ["whatsapp", "chat"]}
    )
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert sorted(candidate.agent.channels) == ["chat", "whatsapp"]
