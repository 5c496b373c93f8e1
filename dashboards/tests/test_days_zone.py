"""Each dashboard says, once, which time zone its days are counted in."""

from datetime import date

import pytest
from django.test import override_settings
from django.urls import reverse

PERIOD = {"start": "2026-03-01", "end": date(2026, 3, 31).isoformat()}


@pytest.mark.parametrize("zone", ["UTC", "Europe/Lisbon"])
def test_every_dashboard_names_the_zone_days_are_counted_in_once(client, admin_user, agent, zone):
    client.force_login(admin_user)
    pages = [
        reverse("dashboards:team-dashboard"),
        reverse("dashboards:vendor-comparison"),
        reverse("dashboards:agent-dashboard", args=[agent.pk]),
    ]
    with override_settings(TIME_ZONE=zone):
        for page in pages:
            html = client.get(page, PERIOD).content.decode()
            assert html.count("Days are counted in") == 1, page
            assert f"Days are counted in {zone}: a contact counts on the day it started there" in html, page
