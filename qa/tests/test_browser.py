"""Fill and submit a scorecard in headless Chromium: live score, keyboard answers, critical-fail reason."""

import pytest
from playwright.sync_api import expect

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
    team = TeamFactory(vendor=vendor)
    agent = AgentFactory(team=team)
    reviewer = UserFactory(username="quinn", roles=[roles.QA_REVIEWER])
    ScopeFactory(user=reviewer, vendors=[vendor])
    version = VersionFactory()
    section = SectionFactory(version=version)
    # Transactional tests may run after another one flushed the seeded skills: make sure the three exist.
    skills = {
        code: Skill.objects.get_or_create(code=code, defaults={"name": code.replace("_", " ").title(), "tier": tier})[0]
        for code, tier in [
            ("active_listening", "foundational"),
            ("problem_solving", "strategic"),
            ("product_knowledge", "technical"),
        ]
    }
    CriterionFactory(section=section, key="restated", skill=skills["active_listening"], weight=3, text="Restated issue")
    CriterionFactory(
        section=section,
        key="root-cause",
        skill=skills["problem_solving"],
        scale="points",
        scale_min=1,
        scale_max=3,
        point_labels=["Workaround", "Partly", "Root cause"],
        text="Root cause",
    )
    CriterionFactory(section=section, key="data", skill=skills["product_knowledge"], critical=True, text="Data safe")
    contact = ContactFactory(
        agent=agent,
        channel="chat",
        transcript="Customer: It is broken.\nAgent: I'm sorry, that must be frustrating. Just to confirm, it fails?",
    )
    return review_services.review_create(contact=contact, reviewer=reviewer, version=version)


def test_reviewer_fills_and_submits_a_scorecard_in_chromium(page, live_server, draft, console_errors):
    console_errors.expect(r"status of 400 \(Bad Request\)")  # the refused submission re-renders with 400
    page.goto(f"{live_server.url}/")
    page.get_by_label("Username").fill("quinn")
    page.get_by_label("Password").fill("pw-for-tests")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name=f"Review {draft.contact.external_id}").click()

    live = page.get_by_test_id("live-score-value")
    assert live.inner_text() == "—"
    assert page.locator(".transcript mark.hint-empathy").count() == 2
    page.get_by_test_id("criterion-restated").get_by_label("Yes").check()
    expect(live).to_have_text("100.0")

    # Keyboard: focus the points criterion and press "2" (halfway on 1..3 → 0.5); focus moves on to the next
    # unanswered criterion (not into the comment box, as Tab would).
    page.get_by_test_id("criterion-root-cause").get_by_label("Workaround").focus()
    page.keyboard.press("2")
    assert page.get_by_test_id("criterion-root-cause").locator("input[value='2']").is_checked()
    expect(live).to_have_text("87.5")
    focused = "document.activeElement.closest('fieldset.criterion')?.dataset.testid"
    assert page.evaluate(focused) == "criterion-data"
    assert page.evaluate("document.activeElement.type") == "radio"

    # "n" fails the critical line: the live score drops to 0 and focus goes to its reason box; Esc comes back.
    page.keyboard.press("n")
    expect(live).to_have_text("0.0")
    assert page.get_by_text("Auto-fail:").is_visible()
    assert page.evaluate("document.activeElement.tagName") == "TEXTAREA" and page.evaluate(focused) == "criterion-data"
    page.keyboard.press("Escape")
    assert page.evaluate("document.activeElement.type") == "radio" and page.evaluate(focused) == "criterion-data"

    # Submitting without a reason is refused by the server (the form is novalidate): the page comes back with the
    # auto-fail score still shown, the overall feedback typed before, and focus in the reason box, error beside it.
    page.get_by_label("Overall feedback for the agent").fill("Clear explanation; mind the card details.")
    page.get_by_role("button", name="Submit and release").click()
    expect(page.get_by_test_id("form-errors")).to_contain_text("Data safe")
    expect(live).to_have_text("0.0")
    expect(page.get_by_label("Overall feedback for the agent")).to_have_value(
        "Clear explanation; mind the card details."
    )
    reason = page.get_by_test_id("criterion-data").locator("textarea")
    expect(reason).to_be_focused()
    assert "A critical fail needs a reason" in reason.evaluate("el => el.nextElementSibling.textContent")
    assert page.get_by_test_id("criterion-data").get_by_label("No").is_checked()

    # Passing the critical line and submitting with Ctrl+Enter releases the review.
    page.get_by_test_id("criterion-data").get_by_label("Yes").check()
    page.get_by_test_id("criterion-data").get_by_label("Yes").press("Control+Enter")
    assert page.get_by_text("Review submitted and released to the agent.").is_visible()
    draft.refresh_from_db()
    assert draft.status == Review.Status.RELEASED
    assert float(draft.score) == pytest.approx(100 * (3 + 0.5 + 1) / 5)
