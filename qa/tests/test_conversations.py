"""The conversation view: who may open which contact, turns (from the turns table, a split transcript, a file and the
API), metadata, the recording's seek points, the case timeline across channels and agents, and constant queries."""

import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from core import roles
from core.models import Contact, ContactTurn
from core.tests.factories import AgentFactory, ContactFactory, ScopeFactory, TeamFactory, UserFactory
from qa.conversations import selectors
from qa.reviews import services as review_services
from qa.tests.conftest import full_answers

pytestmark = pytest.mark.django_db

START = timezone.now().replace(microsecond=0) - timedelta(days=2)


def row(external_id, case_id, agent, started_at, **fields) -> dict:
    """An import row (file or API) of a contact with the required fields."""
    return {
        "external_id": external_id,
        "case_id": case_id,
        "agent_email": agent.email,
        "channel": "phone",
        "started_at": started_at,
        "handle_seconds": 300,
        "after_contact_seconds": 60,
        "resolved": "yes",
        **fields,
    }


def _turns(contact, *turns):
    """ContactTurn rows of `contact`: (author, seconds after its start or None, text)."""
    ContactTurn.objects.bulk_create(
        ContactTurn(
            contact=contact,
            position=n,
            author=author,
            at=None if seconds is None else contact.started_at + timedelta(seconds=seconds),
            text=text,
        )
        for n, (author, seconds, text) in enumerate(turns)
    )


def _page(client, user, contact):
    client.force_login(user)
    return client.get(reverse("qa:conversation-detail", args=[contact.pk]))


def _released(version, contact, reviewer):
    review = review_services.review_create(contact=contact, reviewer=reviewer, version=version)
    return review_services.review_save(
        review=review, actor=reviewer, answers=full_answers(version), lock_version=0, submit=True
    )


# --- scope ------------------------------------------------------------------------------------------------------


def test_contacts_for_user_scope_each_role(agent, other_agent, team, partner_team, reviewer_user, lead_user):
    own = ContactFactory(agent=agent)
    partners = ContactFactory(agent=other_agent)
    teammate = ContactFactory(agent=AgentFactory(team=team))
    partner_reviewer = UserFactory(roles=[roles.QA_REVIEWER])
    ScopeFactory(user=partner_reviewer, vendors=[partner_team.vendor])
    admin = UserFactory(roles=[roles.ADMIN])
    seen = {
        name: set(selectors.contacts_for_user(user=user))
        for name, user in [
            ("admin", admin),
            ("reviewer", reviewer_user),
            ("lead", lead_user),
            ("partner_reviewer", partner_reviewer),
            ("agent", agent.user),
            ("hiring", UserFactory(roles=[roles.HIRING_MANAGER])),
        ]
    }
    assert seen == {
        "admin": {own, partners, teammate},
        "reviewer": {own, teammate},
        "lead": {own, teammate},
        "partner_reviewer": {partners},
        "agent": {own},
        "hiring": set(),
    }


def test_contacts_for_user_leave_out_a_contact_handled_in_a_team_out_of_scope(agent, partner_team, reviewer_user):
    moved = ContactFactory(agent=agent, team=partner_team)  # handled in the partner's team before a move
    assert moved not in selectors.contacts_for_user(user=reviewer_user)


def test_conversation_page_answers_by_scope(client, agent, other_agent, reviewer_user, lead_user, partner_team):
    contact = ContactFactory(agent=agent)
    partner_reviewer = UserFactory(roles=[roles.QA_REVIEWER])
    ScopeFactory(user=partner_reviewer, vendors=[partner_team.vendor])
    teammate = AgentFactory(team=agent.team)
    assert _page(client, reviewer_user, contact).status_code == 200
    assert _page(client, lead_user, contact).status_code == 200
    assert _page(client, agent.user, contact).status_code == 200
    assert _page(client, partner_reviewer, contact).status_code == 404  # an in-house contact
    assert _page(client, teammate.user, contact).status_code == 404  # another agent's
    assert _page(client, UserFactory(roles=[roles.HIRING_MANAGER]), contact).status_code == 403
    assert _page(client, partner_reviewer, ContactFactory(agent=other_agent)).status_code == 200
    client.logout()
    response = client.get(reverse("qa:conversation-detail", args=[contact.pk]))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


# --- turns ------------------------------------------------------------------------------------------------------


def test_turns_come_from_the_turns_table_with_who_when_and_escaped_text(agent, reviewer_user):
    contact = ContactFactory(agent=agent, channel="chat", started_at=START, transcript="Customer: not this one")
    _turns(
        contact,
        ("customer", 0, "It <b>broke</b>"),
        ("bot", None, "Connecting you…"),
        ("agent", 42, "I'm sorry to hear that."),
        ("agent", 3725, "Fixed."),
    )
    conv = selectors.conversation(contact=contact, user=reviewer_user)
    assert conv.from_turns
    assert [(t.author, t.who, t.offset_label) for t in conv.turns] == [
        ("customer", "Customer", "0:00"),
        ("bot", "Bot", ""),
        ("agent", agent.name, "0:42"),
        ("agent", agent.name, "1:02:05"),
    ]
    assert conv.turns[0].html == "It &lt;b&gt;broke&lt;/b&gt;"
    assert "hint-empathy" in conv.turns[2].html and conv.hints.empathy_count == 1  # chat: the hints still work
    assert conv.turns[2].seek == 42 and conv.turns[1].seek is None


def test_a_plain_transcript_is_split_into_turns_on_its_speaker_labels(agent, reviewer_user):
    first = agent.user.first_name
    contact = ContactFactory(
        agent=agent, channel="email", transcript=f"Customer: Hello?\n\n{first}: Just to confirm, <it> fails?\nno label"
    )
    conv = selectors.conversation(contact=contact, user=reviewer_user)
    assert not conv.from_turns and not conv.has_timed_turns
    assert [(t.author, t.who) for t in conv.turns] == [("customer", "Customer"), ("agent", first), ("", "")]
    assert "&lt;it&gt;" in conv.turns[1].html and conv.hints.listening_count == 1


def test_a_turn_before_the_start_plays_from_the_start(agent, reviewer_user):
    contact = ContactFactory(agent=agent, started_at=START, recording_url="https://rec.example/1.wav")
    _turns(contact, ("bot", -5, "Your call is important to us."))
    (turn,) = selectors.conversation(contact=contact, user=reviewer_user).turns
    assert (turn.offset_label, turn.seek) == ("−0:05", 0)


def test_turns_imported_through_a_json_lines_file_show_on_the_page(client, tmp_path, agent, reviewer_user):
    line = row("f1", "K-FILE", agent, "2026-03-01T09:00:00Z", channel="chat")
    line["messages"] = [
        {"author": "customer", "at": "2026-03-01T09:00:05Z", "text": "Where is my parcel?"},
        {"author": "agent", "at": "2026-03-01T09:00:47Z", "text": "Let me trace it."},
    ]
    path = tmp_path / "chats.jsonl"
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    call_command("import_interactions", str(path))
    page = _page(client, reviewer_user, Contact.objects.get(external_id="f1")).content.decode()
    assert page.index("Where is my parcel?") < page.index("Let me trace it.")
    assert "0:05" in page and "0:47" in page and "2 turns" in page


def test_a_bad_turn_in_a_file_is_refused_with_its_line(tmp_path, agent):
    good = row("f1", "K1", agent, "2026-03-01T09:00:00Z", channel="chat")
    bad = row("f2", "K2", agent, "2026-03-01T10:00:00Z", channel="chat")
    bad["messages"] = [{"author": "agent", "text": "ok"}, {"author": "supervisor", "text": "hi"}]
    path = tmp_path / "chats.jsonl"
    path.write_text(json.dumps(good) + "\n" + json.dumps(bad) + "\n", encoding="utf-8")
    from io import StringIO

    from django.core.management.base import CommandError

    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_interactions", str(path), stderr=err)
    assert "line 2: messages[1].author: 'supervisor' is not one of agent, customer, bot" in err.getvalue()
    assert not Contact.objects.exists()


def test_turns_posted_to_the_bulk_api_show_on_the_page(client, agent, reviewer_user):
    admin = UserFactory(roles=[roles.ADMIN], is_staff=True, is_superuser=True)
    item = row("api1", "K-API", agent, "2026-03-01T09:00:00Z", channel="chat")
    item["messages"] = [{"author": "customer", "text": "Hi"}, {"author": "bot", "text": "An agent joins soon."}]
    client.force_login(admin)
    response = client.post(reverse("interactions-bulk"), [item], content_type="application/json")
    assert response.status_code == 201, response.content
    page = _page(client, reviewer_user, Contact.objects.get(external_id="api1")).content.decode()
    assert "An agent joins soon." in page and "turn-bot" in page


# --- metadata and the recording ---------------------------------------------------------------------------------


def test_conversation_page_shows_the_metadata_and_survey(client, agent, reviewer_user):
    contact = ContactFactory(
        agent=agent,
        channel="phone",
        reason="billing",
        tags=["vip", "follow-up"],
        handle_seconds=390,
        hold_seconds=65,
        after_contact_seconds=45,
        escalated=True,
        complaint=True,
        language="pt-PT",
        customer_id="CUST-77",
        csat=2,
        ces=6,
        nps=3,
        survey_comment="Took <far> too long.",
    )
    page = _page(client, reviewer_user, contact).content.decode()
    for text in ["billing", "vip", "follow-up", "6:30", "(hold 1:05)", "0:45", "escalated", "complaint", "pt-PT",
                 "CUST-77", "2 · 6 · 3", "Took &lt;far&gt; too long.", agent.team.name]:  # fmt: skip
        assert text in page, text
    assert "transferred" not in page
    assert "No transcript was imported for this conversation." in page and "<audio" not in page


def test_a_recording_gets_a_player_and_timed_turns_seek_it(client, agent, reviewer_user):
    contact = ContactFactory(agent=agent, started_at=START, recording_url="https://rec.example/call.wav")
    _turns(contact, ("customer", 3, "Hello?"), ("agent", 75, "Thanks for waiting."), ("bot", None, "Survey sent."))
    page = _page(client, reviewer_user, contact).content.decode()
    assert '<audio class="w-100" controls preload="metadata" src="https://rec.example/call.wav"' in page
    assert page.count("data-seek=") == 2 and 'data-seek="75"' in page
    assert "Play the recording from 1:15" in page
    assert "qa/js/conversation" in page and "onclick" not in page


def test_the_content_security_policy_lets_recordings_play_from_configured_origins(client, agent, reviewer_user):
    response = _page(client, reviewer_user, ContactFactory(agent=agent))
    assert "media-src 'self'" in response["Content-Security-Policy"]


# --- the case timeline ------------------------------------------------------------------------------------------


def test_case_timeline_lists_the_case_across_channels_and_agents_in_order(
    client, version, agent, team, other_agent, reviewer_user
):
    colleague = AgentFactory(team=TeamFactory(vendor=team.vendor))  # another team of the reviewer's vendor
    first = ContactFactory(agent=agent, case_id="K-9", channel="chat", started_at=START)
    call = ContactFactory(agent=colleague, case_id="K-9", channel="phone", started_at=START + timedelta(hours=3))
    mail = ContactFactory(agent=agent, case_id="K-9", channel="email", started_at=START + timedelta(hours=1))
    ContactFactory(agent=other_agent, case_id="K-9", channel="chat", external_id="PARTNER-1")  # out of scope
    ContactFactory(agent=agent, case_id="K-10")  # another case
    review = _released(version, call, reviewer_user)

    timeline = selectors.case_timeline(contact=mail, user=reviewer_user)
    assert [e.contact for e in timeline.entries] == [first, mail, call]
    assert [e.contact.channel for e in timeline.entries] == ["chat", "email", "phone"]
    assert [e.is_current for e in timeline.entries] == [False, True, False]
    assert [e.review_id for e in timeline.entries] == [None, None, review.pk]
    assert (timeline.hidden, timeline.more) == (1, 0)

    page = _page(client, reviewer_user, mail).content.decode()
    assert reverse("qa:conversation-detail", args=[first.pk]) in page
    assert reverse("qa:review-detail", args=[review.pk]) in page
    assert "PARTNER-1" not in page and other_agent.name not in page
    assert "1 more contact of this case is outside your scope." in page
    assert colleague.name in page


def test_case_timeline_of_an_agent_shows_only_their_own_contacts_and_released_reviews(
    client, version, agent, reviewer_user
):
    teammate = AgentFactory(team=agent.team)
    mine = ContactFactory(agent=agent, case_id="K-1", started_at=START)
    ContactFactory(agent=teammate, case_id="K-1", started_at=START + timedelta(hours=1))
    draft_of_mine = ContactFactory(agent=agent, case_id="K-1", started_at=START + timedelta(hours=2))
    review_services.review_create(contact=draft_of_mine, reviewer=reviewer_user, version=version)
    timeline = selectors.case_timeline(contact=mine, user=agent.user)
    assert [e.contact for e in timeline.entries] == [mine, draft_of_mine]
    assert [e.review_id for e in timeline.entries] == [None, None]  # a draft is not the agent's to open
    assert timeline.hidden == 1


def test_case_timeline_keeps_the_contact_itself_when_its_team_left_the_scope(agent, partner_team, reviewer_user):
    contact = ContactFactory(agent=agent, team=partner_team, case_id="K-2")
    timeline = selectors.case_timeline(contact=contact, user=reviewer_user)
    assert [e.contact for e in timeline.entries] == [contact] and timeline.hidden == 0


def test_a_long_case_lists_the_first_contacts_and_says_how_many_more(monkeypatch, agent, reviewer_user):
    monkeypatch.setattr(selectors, "CASE_LIMIT", 3)
    contacts = [ContactFactory(agent=agent, case_id="K-L", started_at=START + timedelta(minutes=n)) for n in range(5)]
    timeline = selectors.case_timeline(contact=contacts[0], user=reviewer_user)
    assert [e.contact for e in timeline.entries] == contacts[:3] and timeline.more == 2


# --- the review page --------------------------------------------------------------------------------------------


def test_review_page_shows_the_conversation_view(client, version, agent, reviewer_user):
    contact = ContactFactory(agent=agent, channel="chat", case_id="K-R", started_at=START, transcript="")
    _turns(contact, ("customer", 5, "Is it fixed?"), ("agent", 30, "I understand how annoying this is."))
    earlier = ContactFactory(agent=agent, case_id="K-R", channel="phone", started_at=START - timedelta(days=1))
    draft = review_services.review_create(contact=contact, reviewer=reviewer_user, version=version)
    client.force_login(reviewer_user)
    page = client.get(reverse("qa:review-detail", args=[draft.pk])).content.decode()
    assert "Is it fixed?" in page and "0:30" in page
    assert 'class="hint-empathy"' in page and 'data-testid="reading-hints"' in page
    assert reverse("qa:conversation-detail", args=[earlier.pk]) in page
    assert "No transcript was imported" not in page


def test_review_page_masks_turns_in_a_shared_calibration(agent, reviewer_user):
    user = agent.user
    contact = ContactFactory(
        agent=agent, channel="chat", customer_id="CUST-SECRET", survey_comment="Call 0207 946 0958"
    )
    _turns(contact, ("agent", 1, f"Hi, {user.get_full_name()} here ({user.email})."), ("customer", 2, "Card 4111 1111"))
    conv = selectors.conversation(contact=contact, user=reviewer_user, alias="Agent A")
    shown = " ".join(f"{t.who}: {t.html}" for t in conv.turns) + conv.survey_comment
    assert "Agent A: Hi, Agent A here ([masked])." in shown
    for secret in [user.get_full_name(), user.email, "4111", "0958"]:
        assert secret not in shown
    assert conv.timeline is None


@pytest.mark.parametrize(("n_case", "n_turns"), [(1, 2), (40, 300)])
def test_review_and_conversation_pages_run_a_constant_number_of_queries(
    client, version, agent, team, reviewer_user, n_case, n_turns, django_assert_max_num_queries
):
    colleague = AgentFactory(team=team)
    contact = ContactFactory(
        agent=agent, channel="chat", case_id="K-Q", started_at=START, recording_url="https://r.x/a"
    )
    _turns(contact, *[("agent" if n % 2 else "customer", n, f"turn {n}") for n in range(n_turns)])
    for n in range(n_case):
        other = ContactFactory(
            agent=colleague if n % 2 else agent, case_id="K-Q", started_at=START + timedelta(hours=n)
        )
        if n % 3 == 0:
            _released(version, other, reviewer_user)
    draft = review_services.review_create(contact=contact, reviewer=reviewer_user, version=version)
    client.force_login(reviewer_user)
    # The page with every section of the workspace (thread, self-review, time, disputes); opening a draft for the
    # first time also records when (one UPDATE). None of them grows with the case or its turns.
    with django_assert_max_num_queries(18):
        response = client.get(reverse("qa:review-detail", args=[draft.pk]))
    assert response.status_code == 200 and len(response.context["conv"].turns) == n_turns
    assert len(response.context["conv"].timeline.entries) == n_case + 1
    with django_assert_max_num_queries(9):  # one of them: whether "Review this" or a link to the review
        response = client.get(reverse("qa:conversation-detail", args=[contact.pk]))
    assert response.status_code == 200
