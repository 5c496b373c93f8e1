"""Headless Chromium: an interviewer scores an interview; a candidate takes the mock-ticket test through their link."""

import re
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from assessments import services
from assessments.models import Interview, TicketReply
from assessments.tests.factories import CandidateFactory, RequisitionFactory
from core import roles
from core.tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _reseed() -> None:
    """Transactional tests that ran before may have flushed the seeded skills and bank; seed them again."""
    import importlib

    from django.apps import apps

    for module in (
        "core.migrations.0002_seed_skills",
        "assessments.migrations.0002_seed_bank",
        "assessments.migrations.0006_seed_role_skill_bank",
    ):
        importlib.import_module(module).forward(apps, None)


@pytest.fixture
def hiring_setup():
    _reseed()
    hannah = UserFactory(username="hannah", first_name="Hannah", last_name="Hale", roles=[roles.HIRING_MANAGER])
    ian = UserFactory(username="ian", roles=[roles.HIRING_MANAGER])
    requisition = RequisitionFactory(title="Support agent — North", hiring_team=[hannah, ian])
    candidate = CandidateFactory(requisition=requisition, first_name="Maya", last_name="Stone")
    return {"hannah": hannah, "ian": ian, "candidate": candidate}


def _sign_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("pw-for-tests")
    page.get_by_role("button", name="Sign in").click()


def test_interviewer_scores_an_interview(page, live_server, hiring_setup):
    candidate = hiring_setup["candidate"]
    _sign_in(page, live_server, "hannah")
    expect(page.get_by_role("heading", level=1)).to_have_text("Requisitions")
    page.get_by_role("link", name="Support agent — North").click()
    page.get_by_role("link", name="Maya Stone").click()
    # Blind before scoring: the scorecard is hidden.
    page.get_by_role("link", name="Scorecard").click()
    expect(page.get_by_test_id("blind-notice")).to_be_visible()
    page.get_by_role("link", name="Candidate", exact=True).click()
    page.get_by_label("Stage", exact=True).select_option("screening")
    page.get_by_role("button", name="Score an interview").click()
    expect(page.get_by_test_id("interview-status")).to_have_text("Draft")

    fieldsets = page.locator("fieldset[data-item]")
    count = fieldsets.count()
    assert count >= 4
    for index in range(count):
        fieldset = fieldsets.nth(index)
        status = fieldset.locator("[aria-live=polite]")
        if index == 0:
            fieldset.get_by_label("Not enough evidence").check()
            expect(status).to_contain_text("not enough evidence")
        else:
            fieldset.locator("label.btn").nth(index % 4).click()  # saves as they go (htmx)
            expect(status).to_contain_text(f"Saved: {index % 4 + 1}")
            with page.expect_response(lambda response: "/ratings/" in response.url):
                fieldset.get_by_label("Evidence notes").fill(f"Gave a concrete example {index}")
    # Autosaved: a reload keeps the ratings.
    page.reload()
    expect(page.locator("fieldset[data-item]").nth(1).locator("[aria-live=polite]")).to_contain_text("Saved: 2")
    page.get_by_label("Yes", exact=True).check()
    page.get_by_label("Notes", exact=True).fill("Warm and clear; probe product knowledge next.")
    page.get_by_role("button", name="Submit my scores").click()
    expect(page).to_have_url(re.compile(r"/hiring/candidates/\d+/scorecard/$"))
    expect(page.get_by_test_id("weighted-score")).to_contain_text("/ 4")
    interview = Interview.objects.get(candidate=candidate, interviewer=hiring_setup["hannah"])
    assert interview.status == "submitted" and interview.recommendation == "yes"
    assert interview.ratings.filter(not_enough_evidence=True).count() == 1
    assert interview.ratings.filter(score__isnull=False).count() == count - 1
    assert interview.ratings.exclude(evidence="").count() == count - 1


def test_candidate_takes_the_mock_ticket_test(page, live_server, hiring_setup, console_errors):
    console_errors.expect(r"status of 410 \(Gone\)")  # the used link, opened again on purpose
    candidate = hiring_setup["candidate"]
    _, token = services.candidate_test_issue(candidate=candidate, kind="mock_ticket", created_by=hiring_setup["hannah"])
    url = f"{live_server.url}/hiring/t/{token}/"
    page.goto(url)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello Maya")
    boxes = page.get_by_role("textbox")
    assert boxes.count() >= 3
    first = boxes.nth(0)
    first.fill("Hi Priya, you can change it under Account, Profile. Your history stays.")
    expect(page.locator("#saved-" + first.get_attribute("id").split("-")[1])).to_contain_text("Saved")
    page.reload()  # answers save as they go
    expect(page.get_by_role("textbox").nth(0)).to_have_value(re.compile("^Hi Priya"))
    page.get_by_role("textbox").nth(1).fill("Hi Tom, I am sorry. I have refunded the second payment today.")
    page.get_by_role("textbox").nth(2).fill("Dear Lena, I am so sorry. I have refunded your order in full.")
    page.get_by_role("button", name="Submit my replies").click()
    expect(page.get_by_test_id("done")).to_be_visible()
    assert TicketReply.objects.filter(candidate_test__candidate=candidate).count() == 3
    # Single use: the link no longer works.
    page.goto(url)
    expect(page.get_by_test_id("unavailable")).to_contain_text("already been submitted")


def test_board_fits_a_1366_screen_with_full_stage_names(page, live_server, hiring_setup):
    """Every column (five stages, Hired, Rejected) lies inside the board and the window; nothing scrolls sideways
    and no stage name is cut."""
    candidate = hiring_setup["candidate"]
    for stage in ("behavioural", "role_play", "mock_ticket", "aptitude"):
        CandidateFactory(
            requisition=candidate.requisition, stage=stage, first_name="Alexandria", last_name="Montgomery"
        )
    page.set_viewport_size({"width": 1366, "height": 768})
    _sign_in(page, live_server, "hannah")
    page.goto(f"{live_server.url}/hiring/requisitions/{candidate.requisition_id}/")
    board = page.get_by_test_id("board")
    expect(board).to_be_visible()
    box = board.bounding_box()
    columns = board.locator("section.board-col")
    assert columns.count() == 7
    for index in range(columns.count()):
        column = columns.nth(index).bounding_box()
        assert column["x"] >= box["x"] - 0.5 and column["x"] + column["width"] <= box["x"] + box["width"] + 0.5
        assert column["x"] + column["width"] <= 1366
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert board.evaluate("el => el.scrollWidth <= el.clientWidth")
    labels = ["Screening", "Behavioural interview", "Role-play", "Mock tickets", "Aptitude test", "Hired", "Rejected"]
    for label, heading in zip(labels, board.locator("h2").all(), strict=True):
        expect(heading).to_contain_text(label)
        assert heading.evaluate("el => el.scrollWidth <= el.clientWidth"), label
    page.screenshot(path=str(Path(tempfile.gettempdir()) / "skillhub-board-1366.png"))


def test_copy_button_copies_the_new_link_and_says_copied(page, live_server, hiring_setup):
    candidate = hiring_setup["candidate"]
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    _sign_in(page, live_server, "hannah")
    page.goto(f"{live_server.url}/hiring/candidates/{candidate.pk}/")
    page.get_by_label("Test", exact=True).select_option("mock_ticket")
    page.get_by_role("button", name="Create link only").click()
    # The link's input is there while the page still parses; the button works once its script has run (on load).
    page.wait_for_load_state("load")
    link = page.get_by_test_id("new-link").input_value()
    assert "/hiring/t/" in link
    expect(page.get_by_test_id("test-state")).to_contain_text("Link created")
    copy = page.get_by_role("button", name="Copy link")
    copy.focus()
    page.keyboard.press("Enter")  # keyboard accessible: a real button
    expect(page.get_by_test_id("copy-status")).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == link
