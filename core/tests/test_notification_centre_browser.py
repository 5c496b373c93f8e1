"""The navbar's notification centre in headless Chromium, with the keyboard alone: Tab to the bell, Enter opens it,
arrows move through the notices, Enter follows one (it is marked read and the count drops), Esc closes, and "Mark
all read" updates the count in place. At a phone's width the item shows in the collapsed menu."""

import pytest
from playwright.sync_api import expect

from core.models import Notice
from core.tests.factories import AgentFactory, TeamFactory, VendorFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def ana():
    agent = AgentFactory(team=TeamFactory(vendor=VendorFactory()), user__username="ana")
    user = agent.user
    Notice.objects.create(user=user, event="review_released", key="k1", title="Your review is released", url="/me/")
    Notice.objects.create(user=user, event="goal_at_risk", key="k2", title="A goal is at risk", url="/skills/")
    return user


def _sign_in(page, live_server, path="/skills/"):
    page.goto(f"{live_server.url}/accounts/login/?next={path}")
    page.get_by_label("Username").fill("ana")
    page.get_by_label("Password").fill("pw-for-tests")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{live_server.url}{path}")


def _tab_to(page, element_id: str, limit: int = 60) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
    pytest.fail(f"#{element_id} not reached with Tab")


def test_agent_reaches_and_follows_notices_by_keyboard(page, live_server, ana):
    page.set_viewport_size({"width": 1280, "height": 800})
    _sign_in(page, live_server)
    bell = page.get_by_role("button", name="Notifications, 2 unread")
    expect(bell).to_be_visible()  # the count loads after the page
    _tab_to(page, "notice-bell")
    expect(bell).to_be_focused()

    page.keyboard.press("Enter")
    items = page.get_by_test_id("notice-menu-item")
    expect(items).to_have_count(2)
    expect(items.nth(0)).to_contain_text("A goal is at risk")  # newest first
    expect(items.nth(0)).to_contain_text("Goal at risk")  # the event's label
    expect(items.nth(1)).to_contain_text("Unread: Your review is released")
    page.keyboard.press("Escape")
    expect(bell).to_be_focused()
    expect(bell).to_have_attribute("aria-expanded", "false")

    # Opening again reloads the notices into the menu: mark the ones shown, wait for the new ones, then move.
    page.evaluate("document.querySelectorAll('[data-testid=notice-menu-item]').forEach((i) => i.dataset.old = 'y')")
    page.keyboard.press("Enter")
    expect(page.locator("[data-testid=notice-menu-item]:not([data-old])")).to_have_count(2)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(items.nth(1)).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/me/")  # its page
    expect(page.get_by_role("button", name="Notifications, 1 unread")).to_be_visible()
    assert Notice.objects.get(key="k1").read_at is not None
    assert Notice.objects.get(key="k2").read_at is None

    # "Mark all read" from the menu: the count goes without a reload.
    _tab_to(page, "notice-bell")
    page.keyboard.press("Enter")
    expect(items).to_have_count(2)
    mark_all = page.get_by_role("button", name="Mark all read")
    for _ in range(5):
        page.keyboard.press("ArrowDown")
        if page.evaluate("document.activeElement.dataset.testid") == "notice-mark-all":
            break
    expect(mark_all).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").filter(has_text="All marked read.")).to_be_visible()
    expect(page.get_by_role("button", name="Notifications", exact=True)).to_be_visible()
    expect(page.get_by_test_id("unread-count")).to_have_count(0)
    assert not Notice.objects.filter(read_at__isnull=True).exists()


def test_notification_centre_shows_in_the_phone_menu(page, live_server, ana, tmp_path):
    page.set_viewport_size({"width": 375, "height": 740})
    _sign_in(page, live_server)
    page.get_by_role("button", name="Toggle navigation").click()
    bell = page.get_by_role("button", name="Notifications, 2 unread")
    expect(bell).to_be_visible()
    expect(bell).to_contain_text("Notifications")  # the word shows beside the bell in the phone's menu
    box = bell.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 375
    bell.click()
    expect(page.get_by_test_id("notice-menu-item")).to_have_count(2)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375  # nothing sticks out sideways
    page.screenshot(path=str(tmp_path / "notifications-phone.png"), full_page=True)
    assert (tmp_path / "notifications-phone.png").stat().st_size > 0
