"""The conversation view in headless Chromium: a call recording plays, and pressing a turn's time (mouse or
keyboard) plays it from there."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from core import roles
from core.models import ContactChannel, ContactTurn
from core.tests.factories import AgentFactory, ContactFactory, ScopeFactory, TeamFactory, UserFactory, VendorFactory
from demo.recording import PATH

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _until(audio, check: str, timeout: float = 10.0):
    """Poll the <audio> element with `check` (a function of it) until it is true; its last value otherwise.
    (page.wait_for_function evaluates a string, which the site's Content-Security-Policy refuses.)"""
    deadline = time.monotonic() + timeout
    while True:
        value = audio.evaluate(check)
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.1)


@pytest.fixture
def call():
    """A recorded call (the demo's ten-second recording, served by the site) with timed turns."""
    ContactChannel.objects.get_or_create(code="phone", defaults={"name": "Phone", "kind": "voice"})
    vendor = VendorFactory(name="Acme Support")
    reviewer = UserFactory(username="quinn", roles=[roles.QA_REVIEWER])
    ScopeFactory(user=reviewer, vendors=[vendor])
    agent = AgentFactory(team=TeamFactory(name="North", vendor=vendor))
    started = timezone.now() - timedelta(days=1)
    contact = ContactFactory(agent=agent, started_at=started, recording_url="/static/demo/call.wav")
    for position, (author, seconds, text) in enumerate(
        [("customer", 0, "Hi, my parcel is late."), ("agent", 3, "Sorry! Let me check."), ("agent", 8, "Sorted.")]
    ):
        ContactTurn.objects.create(
            contact=contact, position=position, author=author, at=started + timedelta(seconds=seconds), text=text
        )
    return contact


def test_a_recording_plays_and_a_turn_plays_it_from_its_time(page, live_server, call):
    assert PATH.exists()
    page.goto(f"{live_server.url}/qa/conversations/{call.pk}/")
    page.get_by_label("Username").fill("quinn")
    page.get_by_label("Password").fill("pw-for-tests")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Conversation {call.external_id}")

    audio = page.get_by_test_id("recording")
    # The browser loaded and decoded the recording (the Content-Security-Policy let it through): ten seconds.
    assert _until(audio, "a => a.readyState >= 1")
    assert audio.evaluate("a => a.error") is None
    assert round(audio.evaluate("a => a.duration")) == 10

    # Pressing a turn's time plays the recording from there, and the turn is marked as the one being heard.
    page.get_by_role("button", name="Play the recording from 0:08").click()
    assert _until(audio, "a => a.currentTime >= 8")
    expect(page.locator("li.turn.turn-playing")).to_contain_text("Sorted.")
    assert _until(audio, "a => !a.paused || a.ended")

    # The keyboard does the same: Tab to the first turn's time and press Enter.
    page.get_by_role("button", name="Play the recording from 0:03").focus()
    page.keyboard.press("Enter")
    assert _until(audio, "a => a.currentTime >= 3 && a.currentTime < 7")
    expect(page.locator("li.turn.turn-playing")).to_contain_text("Sorry! Let me check.")
    assert _until(audio, "a => a.currentTime > 3.3"), "the recording does not play on"
