"""A reviewer's day in headless Chromium, with the keyboard, without leaving the workspace: find a complaint by a word
of its conversation, review it, go on to the queue's next review after each submit until the queue is done, then
resolve the dispute waiting in the Disputes tab."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from core import roles
from core.models import ContactTurn, Skill
from core.tests.factories import AgentFactory, ContactFactory, ScopeFactory, TeamFactory, UserFactory, VendorFactory
from qa.disputes import services as dispute_services
from qa.models import Review, ScorecardTemplate
from qa.reviews import services as review_services
from qa.tests.factories import CriterionFactory, SectionFactory, TemplateFactory, VersionFactory, answer_all

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def day():
    vendor = VendorFactory()
    team = TeamFactory(vendor=vendor, name="North")
    ana = AgentFactory(team=team, user__username="ana", user__first_name="Ana", user__last_name="Alves")
    ben = AgentFactory(team=team, user__username="ben", user__first_name="Ben", user__last_name="Brown")
    quinn = UserFactory(username="quinn", roles=[roles.QA_REVIEWER])
    rita = UserFactory(username="rita", roles=[roles.QA_REVIEWER])
    for reviewer in (quinn, rita):
        ScopeFactory(user=reviewer, vendors=[vendor])
    skills = [
        Skill.objects.get_or_create(code=code, defaults={"name": code.replace("_", " ").title(), "tier": tier})[0]
        for code, tier in [("active_listening", "foundational"), ("product_knowledge", "technical")]
    ]
    ScorecardTemplate.objects.filter(is_default=True).update(is_default=False)  # the seeded one, if any is left
    version = VersionFactory(template=TemplateFactory(is_default=True))
    section = SectionFactory(version=version)
    CriterionFactory(section=section, key="restated", skill=skills[0], text="Restated the issue")
    CriterionFactory(section=section, key="correct", skill=skills[1], text="Gave correct information")
    now = timezone.now()
    due = timezone.localdate() + timedelta(days=2)
    sampled = [
        review_services.review_create(
            contact=ContactFactory(agent=agent, channel="chat", started_at=now - timedelta(days=days)),
            reviewer=quinn,
            version=version,
            due_date=due,
        )
        for agent, days in ((ana, 3), (ben, 2))
    ]
    complaint = ContactFactory(agent=ben, channel="email", started_at=now - timedelta(days=1), external_id="T-77")
    ContactTurn.objects.create(contact=complaint, position=0, author="customer", text="I want a chargeback now.")
    # Rita's review, disputed by Ana: Quinn (another reviewer) may resolve it.
    disputed = review_services.review_create(
        contact=ContactFactory(agent=ana, channel="chat", started_at=now - timedelta(days=4)),
        reviewer=rita,
        version=version,
    )
    disputed = review_services.review_save(
        review=disputed, actor=rita, answers=answer_all(version, "chat"), lock_version=0, submit=True
    )
    dispute_services.review_dispute(review=disputed, user=ana.user, code="score_mismatch", reason="Listen again.")
    return {"sampled": sampled, "complaint": complaint, "disputed": disputed}


def _answer_with_keys(page) -> None:
    """y on each criterion (focus moves on by itself), then Ctrl+Enter submits."""
    page.get_by_test_id("criterion-restated").get_by_label("Yes").focus()
    page.keyboard.press("y")
    page.keyboard.press("y")
    page.keyboard.press("Control+Enter")


def test_a_reviewers_day_with_the_keyboard(page, live_server, day):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("quinn")
    page.get_by_label("Password").fill("pw-for-tests")
    page.get_by_label("Password").press("Enter")

    # Find: the conversation browser, by a word of the complaint's conversation.
    page.get_by_role("link", name="Conversations").press("Enter")
    words = page.get_by_label("Words in the conversation")
    words.fill("chargeback")
    words.press("Enter")
    expect(page.get_by_text("T-77", exact=True)).to_be_visible()
    expect(page.get_by_text("1 conversation", exact=False).first).to_be_visible()
    reason = page.get_by_label("Why review conversation T-77")
    reason.focus()
    reason.select_option("complaint")
    page.get_by_role("button", name="Review this conversation T-77").press("Enter")

    # Review it with the keyboard; the submit goes on to the queue's next review, and so on until the queue is done.
    expect(page.get_by_role("heading", level=1)).to_contain_text("T-77")
    _answer_with_keys(page)
    for sampled in day["sampled"]:
        expect(page.get_by_role("heading", level=1)).to_contain_text(sampled.contact.external_id)
        _answer_with_keys(page)
    expect(page.get_by_text("Queue done")).to_be_visible()

    # Disputes: the nav's count leads to the tab; resolve with a note and Ctrl+Enter.
    nav = page.get_by_test_id("disputes-nav")
    expect(nav).to_have_text("Disputes 1 to resolve")
    nav.press("Enter")
    page.get_by_role("link", name=f"Resolve the dispute on {day['disputed'].contact.external_id}").press("Enter")
    note = page.get_by_label("Decision for the agent (required)")
    note.fill("Listened again: the score stands.")
    note.press("Control+Enter")
    expect(page.get_by_text("Dispute resolved", exact=False).first).to_be_visible()

    complaint_review = Review.objects.get(contact=day["complaint"])
    assert complaint_review.origin == Review.Origin.COMPLAINT and complaint_review.status == Review.Status.RELEASED
    assert complaint_review.reviewer.username == "quinn"
    for sampled in day["sampled"]:
        sampled.refresh_from_db()
        assert sampled.status == Review.Status.RELEASED and sampled.score == 100
    day["disputed"].refresh_from_db()
    assert day["disputed"].status == Review.Status.RESOLVED and day["disputed"].resolved_by.username == "quinn"
