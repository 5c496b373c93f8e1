"""Shared fixtures: a vendor, a team, and a user of each role; every browser test fails on console errors."""

import os
import re
import shutil

import pytest
from django.db import connection

from core import roles
from core.tests.factories import AgentFactory, ScopeFactory, TeamFactory, UserFactory, VendorFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(config, items):
    in_ci = os.environ.get("CI", "").lower() == "true"
    have_chromium = shutil.which(CHROMIUM) is not None or os.path.exists(CHROMIUM)
    for item in items:
        # In CI (CI=true) a missing browser is not skipped: the test runs and fails.
        if "browser" in item.keywords and not have_chromium and not in_ci:
            item.add_marker(pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM}; apt-get install chromium"))
        if "celery_worker" in item.keywords and not os.environ.get("CELERY_BROKER_URL"):
            item.add_marker(pytest.mark.skip(reason="needs CELERY_BROKER_URL (Redis) for a real worker"))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS, "headless": True}


# htmx reports a request it aborted itself (hx-sync replace, a request per keypress) as an event, not an error:
# turn it into a console error so the check below sees it. Playwright injects this past the page's CSP.
_REPORT_HTMX_ABORTS = """
document.addEventListener("htmx:sendAbort", (event) => {
  const config = event.detail && event.detail.requestConfig;
  console.error("htmx aborted a request to " + (config ? config.verb + " " + config.path : "?"));
});
"""


class ConsoleErrors(list):
    """Console errors, uncaught page errors and aborted htmx requests seen by the test's page."""

    def __init__(self):
        super().__init__()
        self.expected: list[re.Pattern] = []

    def expect(self, pattern: str) -> None:
        """An error the test provokes on purpose (matched with re.search) does not fail it."""
        self.expected.append(re.compile(pattern))

    def unexpected(self) -> list[str]:
        return [text for text in self if not any(pattern.search(text) for pattern in self.expected)]


@pytest.fixture(autouse=True)
def channel_catalogue(request):
    """A transactional test flushes the rows migrations seed: put the channel catalogue (and the dispute reason
    codes) back before it runs."""
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction") and not marker.kwargs.get("serialized_rollback"):
        import importlib

        from django.apps import apps

        request.getfixturevalue("transactional_db")
        importlib.import_module("core.migrations.0014_contact_channels_richer_fields").seed_channels(apps, None)
        importlib.import_module("qa.migrations.0017_disputes_reason_codes").forward(apps, None)  # disputes' codes
    yield


@pytest.fixture(autouse=True)
def console_errors(request):
    """Every test that drives a browser page fails on any console error, page error or aborted htmx request."""
    errors = ConsoleErrors()
    if "page" not in request.fixturenames:
        yield errors
        return
    page = request.getfixturevalue("page")
    page.add_init_script(_REPORT_HTMX_ABORTS)
    page.on(
        "console",
        lambda message: (
            errors.append(f"console.{message.type}: {message.text} ({message.location.get('url', '')})")
            if message.type == "error"
            else None
        ),
    )
    page.on("pageerror", lambda error: errors.append(f"uncaught: {error}"))
    yield errors
    unexpected = errors.unexpected()
    if unexpected:
        pytest.fail("the browser reported errors:\n" + "\n".join(unexpected), pytrace=False)


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")


@pytest.fixture
def vendor(db):
    return VendorFactory()


@pytest.fixture
def partner_vendor(db):
    return VendorFactory(kind="partner")


@pytest.fixture
def team(vendor):
    return TeamFactory(vendor=vendor)


@pytest.fixture
def partner_team(partner_vendor):
    return TeamFactory(vendor=partner_vendor)


@pytest.fixture
def agent(team):
    return AgentFactory(team=team)


@pytest.fixture
def other_agent(partner_team):
    return AgentFactory(team=partner_team)


@pytest.fixture
def lead_user(team):
    user = UserFactory(roles=[roles.OPS_LEAD])
    team.leads.add(user)
    return user


@pytest.fixture
def reviewer_user(vendor):
    user = UserFactory(roles=[roles.QA_REVIEWER])
    ScopeFactory(user=user, vendors=[vendor])
    return user


@pytest.fixture
def hiring_user(db):
    return UserFactory(roles=[roles.HIRING_MANAGER])


@pytest.fixture
def admin_user(db):
    return UserFactory(roles=[roles.ADMIN], is_staff=True, is_superuser=True)


@pytest.fixture
def agent_user(agent):
    return agent.user
