"""A reviewer takes AutoQA's suggestions in headless Chromium: `a` accepts the focused criterion's, the button accepts
the rest, then submits; the suggestions shown are recorded on the answers."""

import os
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from qa.autoqa.models import AutoAnswer, AutoReview
from qa.models import Review, ReviewAnswer
from qa.tests.test_browser import draft  # noqa: F401  (the same draft: three criteria, a chat transcript)
from tests.test_accessibility import AXE, RUN_AXE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _suggest(draft) -> None:  # noqa: F811
    criteria = {c.key: c for c in draft.version.criteria.all()}
    auto = AutoReview.objects.create(
        contact=draft.contact,
        version=draft.version,
        engine="rules-1",
        score=Decimal("83.3"),
        answered=2,
        sentiment_start=-0.52,
        sentiment_end=0.31,
        flags=["pii_card_number"],
    )
    AutoAnswer.objects.create(
        auto_review=auto,
        criterion=criteria["restated"],
        value=1,
        evidence="Agent: Just to confirm, it fails?",
        source_version="rules-1",
    )
    AutoAnswer.objects.create(
        auto_review=auto,
        criterion=criteria["root-cause"],
        value=3,
        evidence="Agent: I'm sorry, that must be frustrating.",
        source="model",
        source_version="m2",
        counts=False,
    )


def test_reviewer_accepts_autoqa_suggestions_with_a_key_and_submits(page, live_server, draft):  # noqa: F811
    _suggest(draft)
    page.set_viewport_size({"width": 1366, "height": 1000})
    page.goto(f"{live_server.url}/")
    page.get_by_label("Username").fill("quinn")
    page.get_by_label("Password").fill("pw-for-tests")
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server.url}/qa/reviews/{draft.pk}/")

    summary = page.get_by_test_id("autoqa-summary")
    expect(summary).to_contain_text("Automatic — not counted as a review")
    expect(summary).to_contain_text("Card number typed by the agent")
    restated = page.get_by_test_id("criterion-restated")
    expect(restated.get_by_test_id("autoqa-restated")).to_contain_text("AutoQA: Yes")
    assert page.locator("#scorecard-form input[type=radio]:checked").count() == 0  # nothing pre-selected
    page.evaluate(AXE.read_text())  # no serious accessibility problem in the suggestions
    serious = [(v["id"], v["targets"]) for v in page.evaluate(RUN_AXE) if v["impact"] in ("critical", "serious")]
    assert not serious, serious

    # Focus the first criterion and press "a": AutoQA's Yes is taken, focus moves on to the next unanswered one.
    restated.get_by_label("Yes").focus()
    page.keyboard.press("a")
    expect(restated.get_by_label("Yes")).to_be_checked()
    focused = "document.activeElement.closest('fieldset.criterion')?.dataset.testid"
    assert page.evaluate(focused) == "criterion-root-cause"
    expect(page.get_by_test_id("live-score-value")).to_have_text("100.0")

    screenshot = os.environ.get("AUTOQA_SCREENSHOT")  # docs/img/autoqa-review.png is taken with this set
    if screenshot:
        page.set_viewport_size({"width": 1366, "height": 1250})
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(Path(settings.BASE_DIR) / screenshot), full_page=False)

    # The button accepts the remaining suggestions (root cause: 3); the reviewer answers the last one themself.
    page.get_by_role("button", name="Accept AutoQA's answers").click()
    expect(page.get_by_test_id("criterion-root-cause").locator("input[value='3']")).to_be_checked()
    page.get_by_test_id("criterion-data").get_by_label("Yes").check()
    page.get_by_test_id("criterion-data").get_by_label("Yes").press("Control+Enter")
    expect(page.get_by_text("Review submitted and released to the agent.")).to_be_visible()

    draft.refresh_from_db()
    assert draft.status == Review.Status.RELEASED and float(draft.score) == 100.0
    stored = {a.criterion.key: (a.value, a.suggested_value) for a in ReviewAnswer.objects.select_related("criterion")}
    assert stored == {"restated": (1, 1), "root-cause": (3, 3), "data": (1, None)}
