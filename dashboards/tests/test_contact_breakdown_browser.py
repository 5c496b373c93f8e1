"""The team dashboard's channel breakdown and top reasons in headless Chromium, wide and phone-sized."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core import roles
from core.models import ContactChannel
from core.tests.factories import AgentFactory, ContactFactory, TeamFactory, UserFactory
from dashboards.tests.test_dashboards_browser import _sign_in
from metrics import rollups

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def contacts():
    for code in ("phone", "chat", "email"):  # seeded by a migration, which a transactional test's flush empties
        ContactChannel.objects.get_or_create(code=code, defaults={"name": code.title(), "kind": "voice"})
    north = TeamFactory(name="North")
    agents = AgentFactory.create_batch(3, team=north)
    lead = UserFactory(username="olivia", roles=[roles.OPS_LEAD])
    north.leads.add(lead)
    start = timezone.now() - timedelta(days=3)
    plan = {"phone": 5, "chat": 2, "email": 8}
    n = 0
    for channel, count in plan.items():
        for k in range(count):
            ContactFactory(
                agent=agents[k % 3],
                team=north,
                channel=channel,
                started_at=start + timedelta(minutes=n),
                reason=("Billing question", "Delivery delay")[k % 2],
                escalated=k % 3 == 0,
                hold_seconds=30 if channel == "phone" else None,
            )
            n += 1
    rollups.rollup_full()
    return plan


@pytest.mark.parametrize("width", [1366, 390])
def test_channel_table_and_reasons_render_and_sort_without_console_errors(page, live_server, contacts, width):
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.set_viewport_size({"width": width, "height": 900})
    _sign_in(page, live_server, "olivia")
    table = page.get_by_test_id("channel-table")
    assert table.locator("tbody tr").all_inner_texts()[0].startswith("Email")  # most contacts first
    assert table.get_by_test_id("channel-total").locator("td").first.inner_text() == "15"
    table.get_by_role("button", name="Contacts", exact=True).click()
    values = [int(v) for v in table.locator("tbody tr td:nth-child(2)").all_inner_texts()]
    assert values == sorted(values) == sorted(contacts.values())
    reasons = page.get_by_test_id("reason-table").locator("tbody th").all_inner_texts()
    assert reasons == ["Billing question", "Delivery delay"]
    # The wide table scrolls inside its container; the page itself does not scroll sideways.
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    assert errors == []
