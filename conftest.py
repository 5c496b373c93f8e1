"""Shared fixtures: a vendor, a team, and a user of each role."""

import os
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
