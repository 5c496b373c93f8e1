"""Each dashboard in headless Chromium with demo-like data: the charts draw and the console stays clean."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core import roles
from core.tests.factories import AgentFactory, TeamFactory, UserFactory, VendorFactory
from dashboards.tests.dashboard_data import fill_rollups

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo():
    in_house, partner = VendorFactory(name="Acme Support"), VendorFactory(name="Atlantic BPO", kind="partner")
    north, lisbon = TeamFactory(name="North", vendor=in_house), TeamFactory(name="Lisbon", vendor=partner)
    ana = AgentFactory(team=north, user__username="ana", user__first_name="Ana", user__last_name="Alves")
    agents = [ana, *AgentFactory.create_batch(4, team=north), *AgentFactory.create_batch(3, team=lisbon)]
    today = timezone.localdate()
    fill_rollups(agents=agents, start=today - timedelta(days=95), end=today)
    lead = UserFactory(username="olivia", roles=[roles.OPS_LEAD])
    north.leads.add(lead)
    UserFactory(username="root", roles=[roles.ADMIN], is_staff=True, is_superuser=True)
    return {"ana": ana}


def _sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("pw-for-tests")
    page.get_by_role("button", name="Sign in").click()


def _charts_drawn(page) -> int:
    # A function, not an expression: Playwright polls an expression with eval, which the page's CSP refuses
    # whenever the charts are not drawn at the first check.
    page.wait_for_function("() => document.querySelectorAll('canvas[data-drawn=\"true\"]').length >= 5")
    # Drawn means pixels: a canvas with some non-transparent pixel.
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('canvas[data-chart]')).filter(c => {
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            for (let i = 3; i < d.length; i += 4) { if (d[i] !== 0) return true; }
            return false; }).length"""
    )


@pytest.mark.parametrize(
    ("username", "path", "heading"),
    [
        ("olivia", "/", "Team dashboard"),
        ("root", "/dashboards/vendors/?preset=90", "Vendor comparison"),
        ("ana", "/", "My dashboard"),
    ],
)
def test_dashboard_charts_render_without_console_errors(page, live_server, demo, username, path, heading):
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    _sign_in(page, live_server, username)
    if path != "/":
        page.goto(f"{live_server.url}{path}")
    assert page.get_by_role("heading", level=1).first.inner_text().startswith(heading)
    assert _charts_drawn(page) == 5
    # The numbers are there for screen readers too.
    assert page.locator("table.chart-table tbody tr").count() > 0
    assert errors == []


def test_agent_table_sorts_by_a_column(page, live_server, demo):
    _sign_in(page, live_server, "olivia")
    table = page.get_by_test_id("agent-table")
    table.get_by_role("button", name="Contacts", exact=True).click()
    values = [int(v) for v in table.locator("tbody tr td:nth-child(3)").all_inner_texts()]
    assert values == sorted(values)
    table.get_by_role("button", name="Contacts", exact=True).click()
    values = [int(v) for v in table.locator("tbody tr td:nth-child(3)").all_inner_texts()]
    assert values == sorted(values, reverse=True)
