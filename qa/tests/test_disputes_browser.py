"""The review's thread and the dispute form in headless Chromium, with the keyboard: the agent asks the reviewer a
question (htmx, no reload), a mention of someone who cannot see the review is refused in place, then disputes."""

import pytest
from playwright.sync_api import expect

from core import roles
from core.models import Skill
from core.tests.factories import AgentFactory, ContactFactory, ScopeFactory, TeamFactory, UserFactory, VendorFactory
from qa.disputes.models import ReviewComment
from qa.models import Review
from qa.reviews import services as review_services
from qa.tests.factories import CriterionFactory, SectionFactory, VersionFactory, answer_all

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def review():
    vendor = VendorFactory()
    agent = AgentFactory(team=TeamFactory(vendor=vendor), user__username="ana")
    reviewer = UserFactory(username="quinn", first_name="Quinn", last_name="Reviewer", roles=[roles.QA_REVIEWER])
    ScopeFactory(user=reviewer, vendors=[vendor])
    outsider = UserFactory(username="pat", roles=[roles.QA_REVIEWER])
    ScopeFactory(user=outsider, vendors=[VendorFactory(kind="partner")])
    skill = Skill.objects.get_or_create(
        code="active_listening", defaults={"name": "Active listening", "tier": "foundational"}
    )[0]
    version = VersionFactory()
    CriterionFactory(section=SectionFactory(version=version), skill=skill, text="Restated issue")
    contact = ContactFactory(agent=agent, channel="chat", transcript="Customer: Hi.\nAgent: Hello.")
    draft = review_services.review_create(contact=contact, reviewer=reviewer, version=version)
    return review_services.review_save(
        review=draft, actor=reviewer, answers=answer_all(version, "chat"), lock_version=0, submit=True
    )


def test_agent_asks_in_the_thread_then_disputes_with_the_keyboard(page, live_server, review, console_errors):
    console_errors.expect(r"status of 400 .*/comments/")  # the refused mention, on purpose
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("ana")
    page.get_by_label("Password").fill("pw-for-tests")
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server.url}/qa/reviews/{review.pk}/")
    expect(page.get_by_test_id("dispute-deadline")).to_contain_text("You can dispute this review until")

    thread = page.get_by_role("region", name="Conversation about this review")
    box = thread.get_by_label("Comment", exact=True)
    box.fill("Hi @pat, can you check?")
    box.press("Tab")
    page.keyboard.press("Enter")
    expect(thread.get_by_role("alert")).to_contain_text("No one by that name can see this review: @pat.")
    assert not ReviewComment.objects.exists()

    box = thread.get_by_label("Comment", exact=True)
    expect(box).to_be_focused()  # the keyboard stays in the box after the swap
    box.fill("@quinn what did I miss at 02:10?")
    thread.get_by_role("button", name="Post comment").press("Enter")
    expect(thread.get_by_test_id("thread-comment")).to_have_count(1)
    expect(thread.get_by_test_id("mention")).to_have_text("@quinn")
    expect(thread.get_by_test_id("mention")).to_have_attribute("title", "Quinn Reviewer")
    assert list(ReviewComment.objects.get().mentions.values_list("username", flat=True)) == ["quinn"]

    form = page.get_by_test_id("dispute-form")
    form.get_by_label("Criterion did not apply (should be N/A)").press("Space")
    form.get_by_role("button", name="Dispute").press("Enter")
    expect(page.get_by_text("Your dispute was sent to another reviewer.")).to_be_visible()
    expect(page.get_by_test_id("dispute-code")).to_have_text("Criterion did not apply (should be N/A)")
    review.refresh_from_db()
    assert review.status == Review.Status.DISPUTED and review.dispute_code.code == "not_applicable"
