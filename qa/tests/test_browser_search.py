"""The conversation browser: each filter, words in transcripts and turns, saved filters, "review this", scope and
the query count of a page."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from core import roles
from core.models import Contact, ContactTurn
from core.tests.factories import AgentFactory, ContactFactory, ScopeFactory, TeamFactory, UserFactory
from qa.browser import filters, selectors
from qa.browser.models import SavedFilter
from qa.reviews.models import Review
from qa.tests.factories import ReviewFactory, VersionFactory

URL = reverse("qa:conversation-list")


def _turn(contact, text, position=0, author="customer"):
    return ContactTurn.objects.create(contact=contact, position=position, author=author, text=text)


def _search(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200, response.content[:2000]
    return {c.pk for c in response.context["page"].rows}


@pytest.fixture
def reviewer_client(client, reviewer_user):
    client.force_login(reviewer_user)
    return client


@pytest.fixture
def partner_reviewer(partner_vendor):
    user = UserFactory(roles=[roles.QA_REVIEWER])
    ScopeFactory(user=user, vendors=[partner_vendor])
    return user


# --- filters -------------------------------------------------------------------------------------------------------


def test_browser_filters_by_agent_team_vendor_and_channel(reviewer_client, agent, team, vendor):
    other_team = TeamFactory(vendor=vendor)
    colleague = AgentFactory(team=other_team)
    mine = ContactFactory(agent=agent, channel="chat")
    theirs = ContactFactory(agent=colleague, channel="email")
    assert _search(reviewer_client) == {mine.pk, theirs.pk}
    assert _search(reviewer_client, agent=agent.pk) == {mine.pk}
    assert _search(reviewer_client, team=other_team.pk) == {theirs.pk}
    assert _search(reviewer_client, vendor=vendor.pk) == {mine.pk, theirs.pk}
    assert _search(reviewer_client, channel="email") == {theirs.pk}


def test_browser_period_defaults_to_the_last_30_days_and_takes_dates(reviewer_client, agent):
    today = timezone.localdate()
    recent = ContactFactory(agent=agent, started_at=timezone.now() - timedelta(days=2))
    old = ContactFactory(agent=agent, started_at=timezone.now() - timedelta(days=45))
    assert _search(reviewer_client) == {recent.pk}
    start = (today - timedelta(days=60)).isoformat()
    end = (today - timedelta(days=40)).isoformat()
    assert _search(reviewer_client, start=start, end=end) == {old.pk}
    assert _search(reviewer_client, start="", end="") == {recent.pk, old.pk}  # cleared: all time


@pytest.mark.parametrize(
    ("field", "values", "choice", "expected"),
    [
        ("csat", [1, 2, 3, None], "low", [0, 1]),
        ("csat", [1, 5, None], "answered", [0, 1]),
        ("csat", [1, None], "unanswered", [1]),
        ("ces", [5, 6, 4, None], "low", [0, 1]),
        ("nps", [6, 7, 0, None], "low", [0, 2]),
        ("nps", [6, None], "answered", [0]),
    ],
)
def test_browser_survey_filters_find_answered_and_low(reviewer_client, agent, field, values, choice, expected):
    contacts = [ContactFactory(agent=agent, **{field: value}) for value in values]
    assert _search(reviewer_client, **{field: choice}) == {contacts[i].pk for i in expected}


def test_browser_filters_reason_tags_escalated(reviewer_client, agent):
    billing = ContactFactory(agent=agent, reason="Billing dispute", tags=["vip", "refund"], escalated=True)
    other = ContactFactory(agent=agent, reason="Password reset", tags=["vipx"], escalated=False)
    assert _search(reviewer_client, reason="billing") == {billing.pk}
    assert _search(reviewer_client, tag="vip") == {billing.pk}  # a whole tag, not a part of one
    assert _search(reviewer_client, escalated="yes") == {billing.pk}
    assert _search(reviewer_client, escalated="no") == {other.pk}


def test_browser_finds_repeat_contacts(reviewer_client, agent):
    now = timezone.now()
    first = ContactFactory(agent=agent, case_id="CASE-1", started_at=now - timedelta(days=3))
    repeat = ContactFactory(agent=agent, case_id="CASE-1", started_at=now - timedelta(days=1))
    single = ContactFactory(agent=agent, case_id="CASE-2")
    assert _search(reviewer_client, repeat="yes") == {repeat.pk}
    assert _search(reviewer_client, repeat="no") == {first.pk, single.pk}


def test_browser_filters_handle_time_in_minutes(reviewer_client, agent):
    short = ContactFactory(agent=agent, handle_seconds=90)
    middle = ContactFactory(agent=agent, handle_seconds=600)
    long = ContactFactory(agent=agent, handle_seconds=3000)
    assert _search(reviewer_client, handle_min=5, handle_max=20) == {middle.pk}
    assert _search(reviewer_client, handle_min=30) == {long.pk}
    assert _search(reviewer_client, handle_max=2) == {short.pk}


def test_browser_filters_reviewed_or_not_ignoring_calibration_and_self_reviews(reviewer_client, agent, version):
    reviewed = ContactFactory(agent=agent)
    ReviewFactory(contact=reviewed, version=version)
    calibrated = ContactFactory(agent=agent)
    ReviewFactory(contact=calibrated, version=version, is_calibration=True)
    self_reviewed = ContactFactory(agent=agent)
    ReviewFactory(contact=self_reviewed, version=version, origin=Review.Origin.SELF)
    assert _search(reviewer_client, reviewed="yes") == {reviewed.pk}
    assert _search(reviewer_client, reviewed="no") == {calibrated.pk, self_reviewed.pk}


@pytest.mark.parametrize(
    "params",
    [
        {"start": "not-a-date"},
        {"start": "2026-02-10", "end": "2026-02-01"},
        {"handle_min": "-3"},
        {"handle_min": "10", "handle_max": "5"},
        {"csat": "sometimes"},
        {"channel": "pigeon"},
        {"agent": "99999999"},
        {"agent": "1e9"},
        {"words": "x" * 500},
    ],
)
def test_browser_bad_filters_show_errors_with_400(reviewer_client, agent, params):
    ContactFactory(agent=agent)
    response = reviewer_client.get(URL, params)
    assert response.status_code == 400
    assert response.context["page"] is None
    assert response.context["filter"].form.errors


def test_browser_says_when_the_count_is_capped(reviewer_client, agent, monkeypatch):
    monkeypatch.setattr(selectors, "COUNT_CAP", 3)
    ContactFactory.create_batch(5, agent=agent)
    response = reviewer_client.get(URL)
    assert response.context["page"].count == 4  # counted over LIMIT cap + 1, never all rows
    assert "3+ conversations" in response.content.decode()


def test_browser_pages_hold_50_newest_first(reviewer_client, agent):
    now = timezone.now()
    contacts = [ContactFactory(agent=agent, started_at=now - timedelta(minutes=i)) for i in range(55)]
    first = reviewer_client.get(URL)
    assert [c.pk for c in first.context["page"].rows] == [c.pk for c in contacts[:50]]
    assert first.context["page"].has_next
    second = reviewer_client.get(URL, {"page": 2})
    assert [c.pk for c in second.context["page"].rows] == [c.pk for c in contacts[50:]]
    assert not second.context["page"].has_next
    assert "55 conversations" in first.content.decode()


# --- words ---------------------------------------------------------------------------------------------------------


def test_browser_finds_words_in_the_transcript_and_in_turns(reviewer_client, agent):
    in_transcript = ContactFactory(agent=agent, transcript="Customer: my router keeps dropping")
    in_turns = ContactFactory(agent=agent, transcript="")
    _turn(in_turns, "Hello there", position=0)
    _turn(in_turns, "The router blinks red", position=1)
    ContactFactory(agent=agent, transcript="Customer: billing question")
    assert _search(reviewer_client, words="router") == {in_transcript.pk, in_turns.pk}
    assert _search(reviewer_client, words="router -blinks") == {in_transcript.pk}
    assert _search(reviewer_client, words='"blinks red"') == {in_turns.pk}
    assert _search(reviewer_client, words='"red blinks"') == set()


def test_parse_words_reads_phrases_and_exclusions():
    assert selectors.parse_words('refund "credit card" -paypal or') == [
        (False, "refund"),
        (False, "credit card"),
        (True, "paypal"),
    ]


@pytest.mark.postgres
def test_browser_full_text_search_uses_the_indexes_on_postgresql(postgres_only, reviewer_client, agent):
    in_transcript = ContactFactory(agent=agent, transcript="Customer: my Router keeps dropping")
    in_turns = ContactFactory(agent=agent, transcript="")
    _turn(in_turns, "The router blinks red")
    ContactFactory(agent=agent, transcript="router-less words: routers")
    assert _search(reviewer_client, words="router") >= {in_transcript.pk, in_turns.pk}
    assert _search(reviewer_client, words="router -blinks") == {in_transcript.pk} | (
        _search(reviewer_client, words="router") - {in_turns.pk, in_transcript.pk}
    )
    # The document follows the turns and the transcript, whoever writes them (the database's triggers).
    ContactTurn.objects.filter(contact=in_turns).delete()
    assert in_turns.pk not in _search(reviewer_client, words="router")
    _turn(in_turns, "Now the modem")
    assert in_turns.pk in _search(reviewer_client, words="modem")
    Contact.objects.filter(pk=in_transcript.pk).update(transcript="Customer: the modem again")
    assert in_transcript.pk not in _search(reviewer_client, words="router")
    assert {in_transcript.pk, in_turns.pk} <= _search(reviewer_client, words="modem")
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        plan = selectors.words_filter(Contact.objects.all(), words="modem").explain()
        cursor.execute("RESET enable_seqscan")
    assert "contact_search_document_idx" in plan


# --- scope ---------------------------------------------------------------------------------------------------------


def test_partner_reviewer_finds_no_in_house_conversation_not_even_by_its_words(
    client, partner_reviewer, agent, other_agent
):
    in_house = ContactFactory(agent=agent, transcript="Customer: the secret word is pineapple")
    _turn(ContactFactory(agent=agent, transcript=""), "pineapple again")
    partners = ContactFactory(agent=other_agent, transcript="Customer: pineapple too")
    client.force_login(partner_reviewer)
    assert _search(client, words="pineapple") == {partners.pk}
    assert _search(client) == {partners.pk}
    response = client.get(URL)
    form = response.context["filter"].form
    assert list(form.fields["agent"].queryset) == [other_agent]
    assert agent.team not in form.fields["team"].queryset
    assert agent.team.vendor not in form.fields["vendor"].queryset
    # An in-house id in the URL is refused as an unknown choice, never shown.
    assert client.get(URL, {"agent": agent.pk}).status_code == 400
    assert client.get(reverse("qa:conversation-review", args=[in_house.pk])).status_code == 404


def test_ops_lead_browses_their_teams_read_only(client, lead_user, agent, other_agent):
    mine = ContactFactory(agent=agent)
    ContactFactory(agent=other_agent)
    client.force_login(lead_user)
    response = client.get(URL)
    assert {c.pk for c in response.context["page"].rows} == {mine.pk}
    assert "Review this" not in response.content.decode()
    assert client.post(reverse("qa:conversation-review", args=[mine.pk]), {"origin": "ad_hoc"}).status_code == 403


@pytest.mark.parametrize("role", [roles.AGENT, roles.HIRING_MANAGER])
def test_browser_refuses_agents_and_hiring(client, db, role):
    client.force_login(UserFactory(roles=[role]))
    assert client.get(URL).status_code == 403


# --- saved filters -------------------------------------------------------------------------------------------------


def test_saved_filter_is_saved_listed_used_and_deleted(reviewer_client, reviewer_user, agent):
    chat = ContactFactory(agent=agent, channel="chat")
    ContactFactory(agent=agent, channel="email")
    response = reviewer_client.post(reverse("qa:saved-filter-create"), {"name": "Chats", "query": "channel=chat"})
    assert response.status_code == 302
    saved = SavedFilter.objects.get(user=reviewer_user)
    assert (saved.name, saved.query) == ("Chats", "channel=chat")
    page = reviewer_client.get(URL)
    assert f'href="{URL}?channel=chat"' in page.content.decode()
    assert _search(reviewer_client, channel="chat") == {chat.pk}
    response = reviewer_client.post(reverse("qa:saved-filter-delete", args=[saved.pk]))
    assert response.status_code == 302
    assert not SavedFilter.objects.exists()


def test_saved_filter_name_is_unique_per_user_and_required(reviewer_client, reviewer_user, second_reviewer):
    SavedFilter.objects.create(user=second_reviewer, name="Chats", query="")
    assert reviewer_client.post(reverse("qa:saved-filter-create"), {"name": "Chats"}).status_code == 302
    again = reviewer_client.post(reverse("qa:saved-filter-create"), {"name": "Chats", "query": "channel=chat"})
    assert again.status_code == 400
    assert "already have a saved filter" in again.content.decode()
    assert reviewer_client.post(reverse("qa:saved-filter-create"), {"name": " "}).status_code == 400
    assert SavedFilter.objects.filter(user=reviewer_user).count() == 1


def test_another_users_saved_filter_is_404(reviewer_client, second_reviewer):
    theirs = SavedFilter.objects.create(user=second_reviewer, name="Theirs", query="channel=chat")
    assert reviewer_client.post(reverse("qa:saved-filter-delete", args=[theirs.pk])).status_code == 404
    assert SavedFilter.objects.filter(pk=theirs.pk).exists()
    assert "Theirs" not in reviewer_client.get(URL).content.decode()


# --- review this ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("origin", [Review.Origin.AD_HOC, Review.Origin.COMPLAINT, Review.Origin.ESCALATION])
def test_review_this_creates_a_draft_on_the_contacts_scorecard(
    reviewer_client, reviewer_user, agent, monkeypatch, origin
):
    contact = ContactFactory(agent=agent)
    chosen = VersionFactory()
    asked = []

    def version_for_contact(c):
        asked.append(c.pk)
        return chosen

    monkeypatch.setattr("qa.browser.services.version_for_contact", version_for_contact)
    response = reviewer_client.post(reverse("qa:conversation-review", args=[contact.pk]), {"origin": origin})
    review = Review.objects.get(contact=contact)
    assert response.status_code == 302 and response.url == reverse("qa:review-detail", args=[review.pk])
    assert asked == [contact.pk]
    assert (review.origin, review.version, review.reviewer, review.status) == (
        origin,
        chosen,
        reviewer_user,
        Review.Status.DRAFT,
    )


def test_review_this_needs_a_reason(reviewer_client, agent, version):
    contact = ContactFactory(agent=agent)
    url = reverse("qa:conversation-review", args=[contact.pk])
    assert reviewer_client.get(url).status_code == 200
    for data in ({}, {"origin": "sampled"}, {"origin": "self"}):
        response = reviewer_client.post(url, data)
        assert response.status_code == 400
    assert not Review.objects.filter(contact=contact).exists()


def test_review_this_refuses_a_second_review_and_opens_the_first(reviewer_client, agent, version):
    contact = ContactFactory(agent=agent)
    url = reverse("qa:conversation-review", args=[contact.pk])
    reviewer_client.post(url, {"origin": "complaint"})
    first = Review.objects.get(contact=contact)
    response = reviewer_client.post(url, {"origin": "ad_hoc"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("qa:review-detail", args=[first.pk])
    assert "already has a review" in response.content.decode()
    assert Review.objects.filter(contact=contact).count() == 1


def test_review_this_refuses_the_reviewers_own_work_without_a_500(client, version, team):
    reviewer_agent = AgentFactory(team=team)
    user = reviewer_agent.user
    user.groups.add(Group.objects.get_or_create(name=roles.QA_REVIEWER)[0])
    ScopeFactory(user=user, vendors=[team.vendor])
    contact = ContactFactory(agent=reviewer_agent)
    client.force_login(user)
    response = client.post(reverse("qa:conversation-review", args=[contact.pk]), {"origin": "ad_hoc"})
    assert response.status_code == 400
    assert "cannot review their own work" in response.content.decode()


def test_review_this_button_is_on_unreviewed_rows_and_reviewed_rows_link_their_review(reviewer_client, agent, version):
    fresh = ContactFactory(agent=agent)
    done = ContactFactory(agent=agent)
    review = ReviewFactory(contact=done, version=version)
    html = reviewer_client.get(URL).content.decode()
    assert reverse("qa:conversation-review", args=[fresh.pk]) in html
    assert reverse("qa:conversation-review", args=[done.pk]) not in html
    assert reverse("qa:review-detail", args=[review.pk]) in html


# --- queries -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [3, 60])
def test_browser_page_runs_a_constant_number_of_queries(
    client, admin_user, agent, version, n, django_assert_max_num_queries
):
    for i, contact in enumerate(ContactFactory.create_batch(n, agent=agent, transcript="Customer: router")):
        _turn(contact, "router turn")
        if i % 3 == 0:
            ReviewFactory(contact=contact, version=version)
    SavedFilter.objects.create(user=admin_user, name="a", query="")
    client.force_login(admin_user)
    with django_assert_max_num_queries(14):
        response = client.get(URL, {"words": "router", "reviewed": "no", "repeat": "no"})
    assert response.status_code == 200


def test_default_period_is_the_last_30_days():
    period = filters.default_period(timezone.localdate())
    assert period["end"] == timezone.localdate().isoformat()
    assert period["start"] == (timezone.localdate() - timedelta(days=30)).isoformat()
