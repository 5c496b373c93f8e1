"""Typed work survives an ended session, in headless Chromium: the QA review and the hiring interview scoring page.

The session is ended on the server (its rows deleted) while the page is open; the next save sends the user to
sign in, and back on the page the typed text is restored from the device (drafts.js) and saved.
"""

import importlib
import re

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from playwright.sync_api import expect

from assessments import selectors as hiring_selectors
from assessments import services as hiring_services
from assessments.models import Rating
from assessments.tests.factories import CandidateFactory, RequisitionFactory
from core import roles
from core.models import Skill
from core.tests.factories import AgentFactory, ContactFactory, ScopeFactory, TeamFactory, UserFactory, VendorFactory
from qa.models import Review
from qa.reviews import services as review_services
from qa.tests.factories import CriterionFactory, SectionFactory, VersionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in_here(page, username: str) -> None:
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("pw-for-tests")
    page.get_by_role("button", name="Sign in").click()


def _draft_keys(page) -> list[str]:
    return page.evaluate("Object.keys(window.localStorage).filter((k) => k.startsWith('skillhub.draft.'))")


@pytest.fixture
def review():
    """A draft review of a chat, assigned to quinn; rita is a colleague reviewer in the same scope."""
    vendor = VendorFactory()
    agent = AgentFactory(team=TeamFactory(vendor=vendor))
    for username in ("quinn", "rita"):
        ScopeFactory(user=UserFactory(username=username, roles=[roles.QA_REVIEWER]), vendors=[vendor])
    skill = Skill.objects.get_or_create(
        code="active_listening", defaults={"name": "Active Listening", "tier": "foundational"}
    )[0]
    version = VersionFactory()
    section = SectionFactory(version=version)
    CriterionFactory(section=section, key="restated", skill=skill, text="Restated the issue")
    CriterionFactory(section=section, key="summary", skill=skill, text="Summarised at the end")
    return review_services.review_create(
        contact=ContactFactory(agent=agent, channel="chat"),
        reviewer=UserFactory._meta.model.objects.get(username="quinn"),
        version=version,
    )


def test_qa_review_autosaves_and_survives_an_ended_session(page, live_server, review, console_errors):
    console_errors.expect(r"401")  # the session is ended on purpose: saves answer 401 until she signs in
    url = f"{live_server.url}/qa/reviews/{review.pk}/"
    page.goto(url)
    _sign_in_here(page, "quinn")
    expect(page).to_have_url(url)
    status = page.get_by_test_id("draft-status")
    expect(status).to_have_text("Your answers save as you type.")

    # Typing saves the draft (no button), and a reload shows it from the server.
    page.get_by_test_id("criterion-restated").get_by_label("Yes").check()
    page.get_by_test_id("criterion-restated").locator("textarea").fill("Restated it in her own words")
    page.get_by_label("Overall feedback for the agent").fill("First thoughts")
    expect(status).to_contain_text(re.compile(r"Saved \d\d:\d\d"))
    review.refresh_from_db()
    assert review.comment == "First thoughts" and review.status == Review.Status.DRAFT
    assert _draft_keys(page) == []  # the server has it all: no device copy kept
    page.reload()
    expect(page.get_by_label("Overall feedback for the agent")).to_have_value("First thoughts")
    expect(page.get_by_test_id("criterion-restated").get_by_label("Yes")).to_be_checked()
    expect(page.get_by_test_id("draft-restored")).to_have_count(0)

    # The session ends on the server; what is typed next cannot be saved there, and the page says so.
    Session.objects.all().delete()
    page.get_by_test_id("criterion-summary").get_by_label("No").check()
    page.get_by_label("Overall feedback for the agent").fill("First thoughts, then a second paragraph")
    expect(status).to_contain_text("Not saved — sign in again; your answers are kept on this device.")
    key = f"skillhub.draft.qa-review-{review.pk}-u{review.reviewer_id}"
    assert _draft_keys(page) == [key]
    stored = page.evaluate(f"window.localStorage.getItem('{key}')")
    assert "then a second paragraph" in stored
    assert "csrfmiddlewaretoken" not in stored and "lock_version" not in stored  # no tokens, no hidden fields

    # Save → sign-in with next= back to the review.
    page.get_by_role("button", name="Save draft").click()
    expect(page).to_have_url(re.compile(rf"/accounts/login/\?next=/qa/reviews/{review.pk}/$"))

    # Another reviewer on the same browser never sees quinn's copy.
    _sign_in_here(page, "rita")
    expect(page).to_have_url(url)
    expect(page.get_by_label("Overall feedback for the agent")).to_have_value("First thoughts")
    expect(page.get_by_test_id("draft-restored")).to_have_count(0)
    page.get_by_test_id("user-menu").click()
    page.get_by_role("button", name="Sign out").click()

    # quinn signs in again: back on the review with the typed work restored, then saves it.
    page.goto(f"{live_server.url}/accounts/login/?next=/qa/reviews/{review.pk}/")
    _sign_in_here(page, "quinn")
    expect(page).to_have_url(url)
    restored = page.get_by_test_id("draft-restored")
    expect(restored).to_contain_text("Restored unsaved work from")
    expect(page.get_by_label("Overall feedback for the agent")).to_have_value("First thoughts, then a second paragraph")
    expect(page.get_by_test_id("criterion-summary").get_by_label("No")).to_be_checked()
    restored.get_by_role("button", name="Save to keep it").click()
    expect(page.get_by_text("Draft saved.")).to_be_visible()
    expect(page.get_by_test_id("draft-restored")).to_have_count(0)
    assert _draft_keys(page) == []

    review.refresh_from_db()
    assert review.comment == "First thoughts, then a second paragraph"
    answers = {a.criterion.key: a for a in review.answers.select_related("criterion")}
    assert answers["restated"].value == 1 and answers["restated"].comment == "Restated it in her own words"
    assert answers["summary"].value == 0


def test_qa_review_device_copy_can_be_discarded(page, live_server, review, console_errors):
    console_errors.expect(r"401")  # the session is ended on purpose
    url = f"{live_server.url}/qa/reviews/{review.pk}/"
    page.goto(url)
    _sign_in_here(page, "quinn")
    expect(page.get_by_test_id("draft-status")).to_have_text("Your answers save as you type.")
    Session.objects.all().delete()
    page.get_by_label("Overall feedback for the agent").fill("Typed after the session ended")
    expect(page.get_by_test_id("draft-status")).to_contain_text("Not saved")
    page.get_by_role("button", name="Save draft").click()
    _sign_in_here(page, "quinn")
    expect(page).to_have_url(url)
    page.get_by_test_id("draft-restored").get_by_role("button", name="Discard").click()
    expect(page.get_by_label("Overall feedback for the agent")).to_have_value("")
    assert _draft_keys(page) == []
    page.reload()
    expect(page.get_by_test_id("draft-restored")).to_have_count(0)


@pytest.fixture
def interview():
    for module in ("core.migrations.0002_seed_skills", "assessments.migrations.0002_seed_bank"):
        importlib.import_module(module).forward(apps, None)  # a transactional test before may have flushed them
    hannah = UserFactory(username="hannah", roles=[roles.HIRING_MANAGER])
    candidate = CandidateFactory(requisition=RequisitionFactory(hiring_team=[hannah]))
    return hiring_services.interview_start(candidate=candidate, stage="behavioural", interviewer=hannah)


def test_interview_scoring_survives_an_ended_session(page, live_server, interview, console_errors):
    console_errors.expect(r"401")  # the session is ended on purpose
    url = f"{live_server.url}/hiring/interviews/{interview.pk}/"
    page.goto(url)
    _sign_in_here(page, "hannah")
    expect(page).to_have_url(url)
    items = hiring_selectors.interview_items(interview=interview)
    assert len(items) >= 2
    first, second = page.locator("fieldset[data-item]").nth(0), page.locator("fieldset[data-item]").nth(1)

    # Ratings and evidence save as they are typed; a reload shows them.
    first.get_by_label("Evidence notes").fill("Told a clear story about a refund")
    expect(first.locator("[aria-live=polite]")).to_contain_text("Notes saved")
    first.locator("label.btn").nth(2).click()
    expect(first.locator("[aria-live=polite]")).to_contain_text("Saved: 3")
    page.reload()
    expect(first.get_by_label("Evidence notes")).to_have_value("Told a clear story about a refund")
    expect(first.locator("input[type=radio][value='3']")).to_be_checked()
    expect(page.get_by_test_id("draft-restored")).to_have_count(0)

    # The session ends; new evidence cannot be saved, the page says it is kept here.
    Session.objects.all().delete()
    second.get_by_label("Evidence notes").fill("Typed after the session ended: owned the mistake")
    expect(second.locator("[aria-live=polite]")).to_contain_text("Not saved — sign in again")
    page.get_by_label("Yes", exact=True).check()
    page.get_by_role("button", name="Submit my scores").click()
    expect(page).to_have_url(re.compile(rf"/accounts/login/\?next=/hiring/interviews/{interview.pk}/$"))

    # Signed in again: back on the scoring page with the typed evidence restored; saving keeps it.
    _sign_in_here(page, "hannah")
    expect(page).to_have_url(url)
    restored = page.get_by_test_id("draft-restored")
    expect(restored).to_contain_text("Restored unsaved work from")
    expect(second.get_by_label("Evidence notes")).to_have_value("Typed after the session ended: owned the mistake")
    expect(page.get_by_label("Yes", exact=True)).to_be_checked()
    restored.get_by_role("button", name="Save to keep it").click()
    expect(second.locator("[aria-live=polite]")).to_contain_text("Notes saved")

    rating = Rating.objects.get(interview=interview, item_key=items[1].key)
    assert rating.evidence == "Typed after the session ended: owned the mistake"
    assert Rating.objects.get(interview=interview, item_key=items[0].key).score == 3
    interview.refresh_from_db()
    assert interview.status == "draft"  # saving the restored work did not submit the scores
