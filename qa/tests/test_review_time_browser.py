"""Time spent, in headless Chromium: the page counts active seconds and reports them when the reviewer leaves."""

import time

import pytest

from core import roles
from core.models import Skill
from core.tests.factories import AgentFactory, ContactFactory, ScopeFactory, TeamFactory, UserFactory, VendorFactory
from qa.models import Review
from qa.reviews import services as review_services
from qa.tests.factories import CriterionFactory, SectionFactory, VersionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def draft():
    vendor = VendorFactory()
    agent = AgentFactory(team=TeamFactory(vendor=vendor))
    reviewer = UserFactory(username="tess", roles=[roles.QA_REVIEWER])
    ScopeFactory(user=reviewer, vendors=[vendor])
    version = VersionFactory()
    skill = Skill.objects.get_or_create(
        code="active_listening", defaults={"name": "Active listening", "tier": "foundational"}
    )[0]
    CriterionFactory(section=SectionFactory(version=version), key="restated", skill=skill, text="Restated issue")
    contact = ContactFactory(agent=agent, channel="chat", transcript="Customer: Hi.\nAgent: Hello.")
    return review_services.review_create(contact=contact, reviewer=reviewer, version=version)


def test_active_seconds_are_posted_when_the_reviewer_leaves_the_page(page, live_server, draft, console_errors):
    page.goto(f"{live_server.url}/")
    page.get_by_label("Username").fill("tess")
    page.get_by_label("Password").fill("pw-for-tests")
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server.url}/qa/reviews/{draft.pk}/")
    for _ in range(4):  # the reviewer is active for about four seconds
        page.mouse.move(100, 100)
        page.keyboard.press("Shift")
        page.wait_for_timeout(1000)
    page.goto(f"{live_server.url}/qa/")  # leaving the page sends what was counted (pagehide)
    deadline = time.monotonic() + 10
    seconds = 0
    while time.monotonic() < deadline and not seconds:
        seconds = Review.objects.get(pk=draft.pk).active_seconds
        time.sleep(0.2)
    assert 2 <= seconds <= 6
    assert Review.objects.get(pk=draft.pk).opened_at is not None
