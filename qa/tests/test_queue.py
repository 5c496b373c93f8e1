"""The reviewer's queue: filters, search, sort, pages, due dates, bulk assignment, taking, next after submitting,
the disputes tab, and a flat number of queries."""

from datetime import timedelta
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core import roles
from core.tests.factories import AgentFactory, ContactFactory, ScopeFactory, TeamFactory, UserFactory
from qa.disputes import services as dispute_services
from qa.models import Review, ReviewerPreference
from qa.reviews import assignment
from qa.reviews import services as review_services
from qa.reviews.selectors import queue_next_after
from qa.rules import QA_LEAD_GROUP
from qa.tests.conftest import full_answers

TODAY = timezone.localdate()


def make_reviewer(*vendors, lead=False, teams=()):
    user = UserFactory(roles=[roles.QA_REVIEWER, *([QA_LEAD_GROUP] if lead else [])])
    ScopeFactory(user=user, vendors=list(vendors), teams=list(teams))
    return user


def make_draft(version, agent, reviewer=None, *, due=None, origin=None, **contact):
    review = review_services.review_create(
        contact=ContactFactory(agent=agent, **contact), reviewer=reviewer, version=version, due_date=due
    )
    if origin:
        Review.objects.filter(pk=review.pk).update(origin=origin)
        review.refresh_from_db()
    return review


def submit(version, review, reviewer):
    return review_services.review_save(
        review=review, actor=reviewer, answers=full_answers(version), lock_version=review.lock_version, submit=True
    )


def listed(client, **params) -> list[int]:
    response = client.get(reverse("qa:queue"), params)
    assert response.status_code == 200, response.content[:500]
    return [review.pk for review in response.context["rows"]]


def post_submit(client, review, version, *, queue: str = ""):
    payload = {
        "lock_version": review.lock_version,
        f"c{version.c_listen.pk}": "1",
        f"c{version.c_solve.pk}": "4",
        f"c{version.c_data.pk}": "1",
        f"c{version.c_calm.pk}": "na",
        "comment": "Fine",
        "action": "submit",
        "queue": queue,
    }
    return client.post(reverse("qa:review-detail", args=[review.pk]), payload)


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def qa_lead(vendor):
    return make_reviewer(vendor, lead=True)


# Filters, search, sort ------------------------------------------------------------------------------------------


def test_queue_lists_the_reviewers_own_open_drafts_by_default(client, version, agent, reviewer_user, second_reviewer):
    mine = make_draft(version, agent, reviewer_user)
    make_draft(version, agent, second_reviewer)
    make_draft(version, agent, None)
    submit(version, make_draft(version, agent, reviewer_user), reviewer_user)
    client.force_login(reviewer_user)
    assert listed(client) == [mine.pk]


def test_queue_filters_by_agent_team_channel_origin_and_due_date(client, version, vendor, reviewer_user):
    north, south = TeamFactory(vendor=vendor), TeamFactory(vendor=vendor)
    ana, ben = AgentFactory(team=north), AgentFactory(team=south)
    a = make_draft(version, ana, reviewer_user, due=TODAY + timedelta(days=1), channel="email")
    b = make_draft(version, ben, reviewer_user, due=TODAY + timedelta(days=5), origin=Review.Origin.COMPLAINT)
    client.force_login(reviewer_user)
    assert listed(client, agent=ana.pk) == [a.pk]
    assert listed(client, team=south.pk) == [b.pk]
    assert listed(client, channel="email") == [a.pk]
    assert listed(client, origin="complaint") == [b.pk]
    assert listed(client, due_before=(TODAY + timedelta(days=2)).isoformat()) == [a.pk]
    assert sorted(listed(client)) == sorted([a.pk, b.pk])


def test_queue_filter_of_another_vendors_agent_or_a_bad_date_answers_400(
    client, version, agent, other_agent, reviewer_user
):
    make_draft(version, agent, reviewer_user)
    client.force_login(reviewer_user)
    assert client.get(reverse("qa:queue"), {"agent": other_agent.pk}).status_code == 400
    response = client.get(reverse("qa:queue"), {"due_before": "not-a-date"})
    assert response.status_code == 400 and "Some filters are not valid" in response.content.decode()


def test_queue_search_finds_agent_name_conversation_and_case(client, version, team, reviewer_user):
    ana = AgentFactory(team=team, user__first_name="Anastasia", user__last_name="Quill")
    ben = AgentFactory(team=team, user__first_name="Benedict", user__last_name="Roe")
    a = make_draft(version, ana, reviewer_user, external_id="ZX-100", case_id="CASE-9")
    b = make_draft(version, ben, reviewer_user, external_id="ZX-200", case_id="CASE-7")
    client.force_login(reviewer_user)
    assert listed(client, q="anastasia") == [a.pk]
    assert listed(client, q="Benedict Roe") == [b.pk]
    assert listed(client, q="zx-200") == [b.pk]
    assert listed(client, q="CASE-9") == [a.pk]
    assert listed(client, q="nobody") == []


def test_queue_sorts_by_due_date_oldest_newest_agent_and_score(client, version, team, reviewer_user):
    zed = AgentFactory(team=team, user__last_name="Zed")
    abe = AgentFactory(team=team, user__last_name="Abe")
    now = timezone.now()
    old = make_draft(version, zed, reviewer_user, due=TODAY + timedelta(days=9), started_at=now - timedelta(days=9))
    new = make_draft(version, abe, reviewer_user, due=TODAY + timedelta(days=1), started_at=now - timedelta(days=1))
    undated = make_draft(version, zed, reviewer_user, started_at=now - timedelta(days=5))
    client.force_login(reviewer_user)
    assert listed(client) == [new.pk, old.pk, undated.pk]  # due date first, no date last
    assert listed(client, sort="oldest") == [old.pk, undated.pk, new.pk]
    assert listed(client, sort="newest") == [new.pk, undated.pk, old.pk]
    assert listed(client, sort="agent")[0] == new.pk
    for review in (old, new):
        submit(version, review, reviewer_user)
    Review.objects.filter(pk=old.pk).update(score=40)
    Review.objects.filter(pk=new.pk).update(score=90)
    assert listed(client, tab="released", sort="score") == [old.pk, new.pk]
    assert client.get(reverse("qa:queue"), {"sort": "random"}).status_code == 400


def test_queue_tabs_and_their_counts(client, version, agent, reviewer_user):
    fresh = make_draft(version, agent, reviewer_user, due=TODAY + timedelta(days=2))
    started = make_draft(version, agent, reviewer_user)
    review_services.review_save(
        review=started, actor=reviewer_user, answers=full_answers(version), lock_version=0, autosave=True
    )
    late = make_draft(version, agent, reviewer_user, due=TODAY - timedelta(days=3))
    done = submit(version, make_draft(version, agent, reviewer_user), reviewer_user)
    client.force_login(reviewer_user)
    response = client.get(reverse("qa:queue"))
    assert response.context["counts"] == {"todo": 3, "drafts": 1, "overdue": 1, "released": 1, "disputes": 0}
    assert sorted(listed(client, tab="todo")) == sorted([fresh.pk, started.pk, late.pk])
    assert listed(client, tab="drafts") == [started.pk]
    assert listed(client, tab="overdue") == [late.pk]
    assert listed(client, tab="released") == [done.pk]


def test_queue_shows_overdue_by_days_in_words_and_an_overdue_tab(client, version, agent, reviewer_user):
    make_draft(version, agent, reviewer_user, due=TODAY - timedelta(days=3))
    make_draft(version, agent, reviewer_user, due=TODAY + timedelta(days=3))
    client.force_login(reviewer_user)
    page = client.get(reverse("qa:queue")).content.decode()
    assert page.count("overdue by 3 days") == 1
    assert 'data-testid="overdue-count" class="badge text-bg-danger">1<' in page


def test_queue_paginates_25_a_page_and_keeps_the_filter_in_the_links(client, version, agent, reviewer_user):
    for _ in range(30):
        make_draft(version, agent, reviewer_user, channel="chat")
    client.force_login(reviewer_user)
    first = client.get(reverse("qa:queue"), {"channel": "chat"})
    assert len(first.context["rows"]) == 25 and first.context["counts"]["todo"] == 30
    assert "channel=chat&amp;page=2" in first.content.decode()
    assert len(listed(client, channel="chat", page=2)) == 5
    assert len(listed(client, channel="chat", page=99)) == 5  # past the end: the last page


def test_lead_filters_by_reviewer_but_a_plain_reviewer_only_mine_or_unassigned(
    client, version, agent, reviewer_user, second_reviewer, qa_lead
):
    a = make_draft(version, agent, reviewer_user)
    b = make_draft(version, agent, second_reviewer)
    free = make_draft(version, agent, None)
    client.force_login(qa_lead)
    assert listed(client, reviewer=second_reviewer.pk) == [b.pk]
    assert listed(client, reviewer="unassigned") == [free.pk]
    assert sorted(listed(client, reviewer="all")) == sorted([a.pk, b.pk, free.pk])
    assert listed(client) == []  # the lead's own
    client.force_login(reviewer_user)
    assert listed(client, reviewer="unassigned") == [free.pk]
    assert client.get(reverse("qa:queue"), {"reviewer": second_reviewer.pk}).status_code == 400
    assert client.get(reverse("qa:queue"), {"reviewer": "all"}).status_code == 400


# Assignment ------------------------------------------------------------------------------------------------------


def assign(client, reviews, reviewer=None, *, query=""):
    payload = {"review": [r.pk for r in reviews], "action": "assign" if reviewer else "unassign"}
    if reviewer:
        payload["reviewer"] = reviewer.pk
    return client.post(reverse("qa:queue-assign") + (f"?{query}" if query else ""), payload)


def test_lead_assigns_drafts_in_bulk_with_one_update_and_history(client, version, agent, qa_lead, second_reviewer):
    reviews = [make_draft(version, agent, None) for _ in range(3)]
    client.force_login(qa_lead)
    with CaptureQueriesContext(connection) as captured:
        response = assign(client, reviews, second_reviewer, query="reviewer=unassigned")
    assert response.status_code == 302 and response.url == reverse("qa:queue") + "?reviewer=unassigned"
    updates = [q["sql"] for q in captured.captured_queries if q["sql"].startswith('UPDATE "qa_review"')]
    assert len(updates) == 1
    for review in reviews:
        review.refresh_from_db()
        assert review.reviewer == second_reviewer and review.lock_version == 1
        latest = review.history.first()
        assert latest.history_change_reason == f"Reassigned by {qa_lead}" and latest.history_user == qa_lead
    assert "3 reviews assigned to" in messages_of(response)[0]


def test_lead_unassigns_drafts(client, version, agent, qa_lead, reviewer_user):
    review = make_draft(version, agent, reviewer_user)
    client.force_login(qa_lead)
    assert assign(client, [review]).status_code == 302
    review.refresh_from_db()
    assert review.reviewer is None and review.history.first().history_change_reason == f"Unassigned by {qa_lead}"


def test_plain_reviewer_may_not_assign(client, version, agent, reviewer_user, second_reviewer):
    review = make_draft(version, agent, None)
    client.force_login(reviewer_user)
    assert assign(client, [review], second_reviewer).status_code == 403
    review.refresh_from_db()
    assert review.reviewer is None


def test_assigning_to_a_reviewer_who_cannot_see_the_agent_is_refused_naming_the_row(
    client, version, team, vendor, qa_lead
):
    other_team = TeamFactory(vendor=vendor)
    narrow = make_reviewer(teams=[other_team])  # covers another team of the lead's scope only
    seen = make_draft(version, AgentFactory(team=other_team))
    unseen = make_draft(version, AgentFactory(team=team, user__last_name="Unseen"))
    client.force_login(qa_lead)
    response = assign(client, [seen, unseen], narrow)
    assert response.status_code == 400
    text = response.content.decode()
    assert unseen.contact.external_id in text and "cannot see this agent" in text
    assert seen.contact.external_id not in response.context["assign_form"].non_field_errors()[1]
    seen.refresh_from_db()
    assert seen.reviewer is None  # all or nothing


def test_partner_reviewer_never_gets_in_house_work(version, agent, admin_user, partner_vendor, partner_team):
    partner = make_reviewer(partner_vendor)
    review = make_draft(version, agent)
    review = Review.objects.select_related("contact", "agent__user", "team__vendor").get(pk=review.pk)
    with pytest.raises(Exception) as refused:
        assignment.reviews_assign(reviews=[review], reviewer=partner, actor=admin_user)
    assert "in-house work never goes to a partner's reviewer" in str(refused.value)
    assert review.contact.external_id in str(refused.value)


def test_only_drafts_change_reviewer(client, version, agent, qa_lead, reviewer_user, second_reviewer):
    released = submit(version, make_draft(version, agent, reviewer_user), reviewer_user)
    client.force_login(qa_lead)
    response = assign(client, [released], second_reviewer)
    assert response.status_code == 400 and "only drafts change reviewer" in response.content.decode()
    released.refresh_from_db()
    assert released.reviewer == reviewer_user


def test_partner_lead_cannot_touch_in_house_reviews(client, version, agent, other_agent, partner_vendor):
    partner_lead = make_reviewer(partner_vendor, lead=True)
    partner = make_reviewer(partner_vendor)
    in_house = make_draft(version, agent)
    client.force_login(partner_lead)
    assert assign(client, [in_house], partner).status_code == 404
    assert assign(client, [in_house]).status_code == 404
    ours = make_draft(version, other_agent)
    assert assign(client, [ours], partner).status_code == 302
    in_house.refresh_from_db()
    ours.refresh_from_db()
    assert in_house.reviewer is None and ours.reviewer == partner


def test_a_reviewer_takes_an_unassigned_review(client, version, agent, reviewer_user, second_reviewer):
    free = make_draft(version, agent)
    client.force_login(reviewer_user)
    response = client.post(reverse("qa:review-take", args=[free.pk]))
    assert response.status_code == 302 and response.url == reverse("qa:review-detail", args=[free.pk])
    free.refresh_from_db()
    assert free.reviewer == reviewer_user
    assert free.history.first().history_change_reason == f"Taken by {reviewer_user}"
    # Taken already: refused, nothing changes
    client.force_login(second_reviewer)
    response = client.post(reverse("qa:review-take", args=[free.pk]))
    assert response.status_code == 302 and "already reviews" in messages_of(response)[-1]
    free.refresh_from_db()
    assert free.reviewer == reviewer_user


def test_a_partner_reviewer_cannot_take_in_house_work(client, version, agent, partner_vendor):
    free = make_draft(version, agent)
    client.force_login(make_reviewer(partner_vendor))
    assert client.post(reverse("qa:review-take", args=[free.pk])).status_code == 404


# Next after submitting ------------------------------------------------------------------------------------------


@pytest.fixture
def three(version, agent, reviewer_user):
    """Three of the reviewer's drafts, due in 1, 2 and 3 days."""
    return [make_draft(version, agent, reviewer_user, due=TODAY + timedelta(days=d)) for d in (1, 2, 3)]


def test_submitting_opens_the_next_review_in_the_queues_order(client, version, reviewer_user, three):
    first, second, third = three
    client.force_login(reviewer_user)
    response = post_submit(client, second, version, queue="sort=due")
    assert response.status_code == 302
    url = urlparse(response.url)
    assert url.path == reverse("qa:review-detail", args=[third.pk]) and parse_qs(url.query) == {"queue": ["sort=due"]}
    assert f"Next: {third.contact.external_id}" in messages_of(response)[0]
    # Newest first walks the other way
    response = post_submit(client, third, version, queue="sort=newest")
    assert urlparse(response.url).path == reverse("qa:review-detail", args=[first.pk])  # wraps round
    response = post_submit(client, first, version, queue="sort=newest")
    assert response.url == reverse("qa:queue") + "?sort=newest"
    assert "Queue done" in messages_of(response)[-1]


def test_next_follows_the_queues_filter(client, version, team, reviewer_user):
    ana, ben = AgentFactory(team=team), AgentFactory(team=team)
    a1 = make_draft(version, ana, reviewer_user, due=TODAY)
    make_draft(version, ben, reviewer_user, due=TODAY + timedelta(days=1))
    a2 = make_draft(version, ana, reviewer_user, due=TODAY + timedelta(days=2))
    client.force_login(reviewer_user)
    response = post_submit(client, a1, version, queue=urlencode({"agent": ana.pk}))
    assert urlparse(response.url).path == reverse("qa:review-detail", args=[a2.pk])


def test_opting_out_of_next_stays_on_the_review(client, version, reviewer_user, three):
    client.force_login(reviewer_user)
    response = client.post(reverse("qa:queue-preference"), {})  # unticked
    assert response.status_code == 302
    assert ReviewerPreference.objects.get(user=reviewer_user).auto_advance is False
    response = post_submit(client, three[0], version, queue="sort=due")
    assert urlparse(response.url).path == reverse("qa:review-detail", args=[three[0].pk])
    client.post(reverse("qa:queue-preference"), {"auto_advance": "on"})
    assert ReviewerPreference.objects.get(user=reviewer_user).auto_advance is True


def test_skip_to_next_opens_the_following_review(client, version, reviewer_user, three):
    first, second, third = three
    client.force_login(reviewer_user)
    page = client.get(reverse("qa:review-detail", args=[first.pk]), {"queue": "sort=due"}).content.decode()
    assert 'data-testid="skip-next"' in page and 'name="queue" value="sort=due"' in page
    response = client.get(reverse("qa:queue-next"), {"after": first.pk, "queue": "sort=due"})
    assert urlparse(response.url).path == reverse("qa:review-detail", args=[second.pk])
    response = client.get(reverse("qa:queue-next"), {"after": third.pk})
    assert urlparse(response.url).path == reverse("qa:review-detail", args=[first.pk])


def test_next_after_wraps_and_ends():
    assert queue_next_after([1, 2, 3], 2) == 3
    assert queue_next_after([1, 2, 3], 3) == 1
    assert queue_next_after([2], 2) is None
    assert queue_next_after([4, 5], 9) == 4
    assert queue_next_after([], 1) is None


# Disputes tab ----------------------------------------------------------------------------------------------------


def test_disputes_tab_lists_only_the_disputes_this_reviewer_may_resolve(
    client, version, agent, other_agent, reviewer_user, second_reviewer, partner_vendor
):
    theirs = submit(version, make_draft(version, agent, second_reviewer), second_reviewer)
    dispute_services.review_dispute(review=theirs, user=agent.user, reason="Please listen again at 2:10")
    mine = submit(version, make_draft(version, agent, reviewer_user), reviewer_user)
    dispute_services.review_dispute(review=mine, user=agent.user, reason="Mine")
    partner = make_reviewer(partner_vendor)
    elsewhere = submit(version, make_draft(version, other_agent, partner), partner)
    dispute_services.review_dispute(review=elsewhere, user=other_agent.user, reason="Elsewhere")
    client.force_login(reviewer_user)
    response = client.get(reverse("qa:queue"), {"tab": "disputes"})
    assert [r.pk for r in response.context["rows"]] == [theirs.pk]
    assert response.context["counts"]["disputes"] == 1
    text = response.content.decode()
    assert "Please listen again at 2:10" in text and reverse("qa:review-resolve", args=[theirs.pk]) in text
    assert 'data-testid="heading-disputes"' in text
    badge = client.get(reverse("qa:queue-badge")).content.decode()
    assert ">1<" in badge and "tab=disputes" in badge


# Query counts ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [3, 30])
@pytest.mark.parametrize(
    ("params", "per_agent"), [({}, 1), ({"tab": "disputes"}, 1), ({"reviewer": "all", "q": "e", "sort": "agent"}, 2)]
)
def test_queue_query_count_is_flat(
    client, version, team, qa_lead, second_reviewer, n, params, per_agent, django_assert_max_num_queries
):
    for i in range(n):
        agent = AgentFactory(team=team, user__first_name=f"Eve{i}")
        make_draft(version, agent, qa_lead, due=TODAY - timedelta(days=1))
        make_draft(version, agent, None)
        disputed = submit(version, make_draft(version, agent, second_reviewer), second_reviewer)
        dispute_services.review_dispute(review=disputed, user=agent.user, reason="no")
    client.force_login(qa_lead)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("qa:queue"), params)
    assert response.status_code == 200 and len(response.context["rows"]) == min(n * per_agent, 25)


# In the browser, with the keyboard --------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_lead_works_the_queue_with_the_keyboard(page, live_server):
    """A QA lead filters, ticks every row of the page with the keyboard, assigns them, and the nav's disputes link
    opens the disputes tab."""
    from playwright.sync_api import expect

    from core.models import ContactChannel, Skill
    from core.tests.factories import VendorFactory
    from qa.tests.factories import CriterionFactory, SectionFactory, VersionFactory, answer_all

    ContactChannel.objects.get_or_create(code="phone", defaults={"name": "Phone", "kind": "voice"})
    skill, _ = Skill.objects.get_or_create(
        code="active_listening", defaults={"name": "Listening", "tier": "foundational"}
    )
    version = VersionFactory()
    CriterionFactory(section=SectionFactory(version=version), skill=skill, text="Restated the issue")
    vendor = VendorFactory(name="Acme Support")
    team = TeamFactory(name="North", vendor=vendor)
    lead = UserFactory(username="lena", roles=[roles.QA_REVIEWER, QA_LEAD_GROUP])
    rita = UserFactory(username="rita", first_name="Rita", last_name="Reyes", roles=[roles.QA_REVIEWER])
    for user in (lead, rita):
        ScopeFactory(user=user, vendors=[vendor])
    ana = AgentFactory(team=team, user__first_name="Ana", user__last_name="Alves")
    drafts = [make_draft(version, ana, None, due=TODAY - timedelta(days=2)) for _ in range(3)]
    disputed = review_services.review_save(
        review=make_draft(version, ana, rita),
        actor=rita,
        answers=answer_all(version, "phone"),
        lock_version=0,
        submit=True,
    )
    dispute_services.review_dispute(review=disputed, user=ana.user, reason="Listen again")

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("lena")
    page.get_by_label("Password").fill("pw-for-tests")
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server.url}{reverse('qa:queue')}?reviewer=unassigned")
    expect(page.get_by_test_id("overdue-count")).to_have_text("3")
    expect(page.get_by_test_id("overdue").first).to_have_text("overdue by 2 days")
    select_all = page.get_by_label("Select all on this page")
    select_all.focus()
    page.keyboard.press("Space")
    for review in drafts:
        expect(page.get_by_label(f"Select {review.contact.external_id} (Ana Alves)")).to_be_checked()
    page.get_by_label("Assign selected to").select_option(label="Rita Reyes")
    page.get_by_role("button", name="Assign", exact=True).focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("3 reviews assigned to Rita Reyes.")).to_be_visible()
    assert set(Review.objects.filter(pk__in=[d.pk for d in drafts]).values_list("reviewer", flat=True)) == {rita.pk}

    page.get_by_test_id("disputes-nav").click()
    expect(page.get_by_test_id("queue-table")).to_contain_text("Listen again")
