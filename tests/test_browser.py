"""Sign in through the real page in headless Chromium as each role and check what it shows."""

import pytest

from core import roles
from core.tests.factories import AgentFactory, ScopeFactory, TeamFactory, UserFactory, VendorFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people():
    vendor = VendorFactory(name="Acme Support")
    team = TeamFactory(name="North", vendor=vendor)
    agent = AgentFactory(team=team, user__username="ana", user__first_name="Ana", user__last_name="Alves")
    lead = UserFactory(username="olivia", roles=[roles.OPS_LEAD])
    team.leads.add(lead)
    reviewer = UserFactory(username="quinn", roles=[roles.QA_REVIEWER])
    ScopeFactory(user=reviewer, vendors=[vendor])
    UserFactory(username="hannah", roles=[roles.HIRING_MANAGER])
    UserFactory(username="root", roles=[roles.ADMIN], is_staff=True, is_superuser=True)
    return {"agent": agent}


def _sign_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("pw-for-tests")
    page.get_by_role("button", name="Sign in").click()


@pytest.mark.parametrize(
    ("username", "heading", "visible_nav", "hidden_nav"),
    [
        ("olivia", "Team dashboard", "Dashboard", "Admin"),
        ("quinn", "Review queue", "Review queue", "My profile"),
        ("hannah", "Requisitions", "Requisitions", "Teams"),
        ("ana", "My dashboard", "My dashboard", "Teams"),
        ("root", "Team dashboard", "Admin", "My profile"),
    ],
)
def test_each_demo_role_signs_in_and_sees_its_page(
    page, live_server, people, username, heading, visible_nav, hidden_nav
):
    _sign_in(page, live_server, username)
    assert page.get_by_role("heading", level=1).first.inner_text().startswith(heading)
    nav = page.get_by_role("navigation", name="Main navigation")
    assert nav.get_by_role("link", name=visible_nav, exact=True).count() == 1
    assert nav.get_by_role("link", name=hidden_nav, exact=True).count() == 0
    # Bootstrap loaded from our own static files (no CDN): the navbar is styled.
    assert page.evaluate("getComputedStyle(document.querySelector('.navbar')).display") == "flex"


def test_wrong_password_shows_an_error(page, live_server, people):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("ana")
    page.get_by_label("Password").fill("nope")
    page.get_by_role("button", name="Sign in").click()
    assert "correct username and password" in page.content()
