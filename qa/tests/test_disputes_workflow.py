"""Disputes as QA teams run them: reason codes, the deadlines for raising and resolving, the QA lead's second step
(QA_DISPUTE_APPROVAL), and the review's comment thread with @mentions."""

import logging
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core import roles
from core.tests.factories import AgentFactory, ScopeFactory, UserFactory
from qa.disputes import selectors as dispute_selectors
from qa.disputes import services as dispute_services
from qa.disputes.forms import DisputeForm
from qa.disputes.models import DisputeProposal, DisputeReason, ReviewComment
from qa.models import Review
from qa.reviews import services as review_services
from qa.reviews.selectors import counted
from qa.rules import QA_LEAD_GROUP
from qa.scoring import RawAnswer
from qa.tests.conftest import full_answers

APPROVAL_ON = {"QA_DISPUTE_APPROVAL": True}


def _released(version, contact, reviewer):
    review = review_services.review_create(contact=contact, reviewer=reviewer, version=version)
    return review_services.review_save(
        review=review, actor=reviewer, answers=full_answers(version), lock_version=0, submit=True
    )


def _lead(vendor):
    user = UserFactory(roles=[roles.QA_REVIEWER])
    user.groups.add(Group.objects.get(name=QA_LEAD_GROUP))
    ScopeFactory(user=user, vendors=[vendor])
    return user


@pytest.fixture
def released(version, contact, reviewer_user):
    return _released(version, contact, reviewer_user)


@pytest.fixture
def disputed(released, agent_user):
    return dispute_services.review_dispute(
        review=released, user=agent_user, code="score_mismatch", reason="Listen at 02:10"
    )


@pytest.fixture
def qa_lead(vendor):
    return _lead(vendor)


def _resolve_payload(review, version, *, solve="5", note="Listened again: root cause found."):
    return {
        "lock_version": review.lock_version,
        f"c{version.c_listen.pk}": "1",
        f"c{version.c_solve.pk}": solve,
        f"c{version.c_data.pk}": "1",
        f"c{version.c_calm.pk}": "1",
        "note": note,
    }


# Reason codes ----------------------------------------------------------------------------------------------------


def test_dispute_reasons_are_seeded_and_the_form_lists_only_active_ones(db):
    codes = list(DisputeReason.objects.order_by("position").values_list("code", flat=True))
    assert codes[0] == "score_mismatch" and "not_applicable" in codes and "missed_context" in codes
    assert codes[-1] == "other"
    DisputeReason.objects.filter(code="guideline_unclear").update(active=False)
    listed = [reason.code for reason in DisputeForm().fields["code"].queryset]
    assert "guideline_unclear" not in listed and listed[0] == "score_mismatch" and listed[-1] == "other"


def test_agent_page_lists_the_codes_and_a_dispute_needs_one(client, released, agent_user):
    client.force_login(agent_user)
    url = reverse("qa:review-dispute", args=[released.pk])
    page = client.get(reverse("qa:review-detail", args=[released.pk])).content.decode()
    assert "Criterion did not apply (should be N/A)" in page and 'value="missed_context"' in page
    assert client.post(url, {"reason": "Listen again"}).status_code == 400  # no code
    DisputeReason.objects.filter(code="guideline_unclear").update(active=False)
    assert client.post(url, {"code": "guideline_unclear"}).status_code == 400  # retired code
    refused = client.post(url, {"code": "other", "reason": "  "})
    assert refused.status_code == 400 and "required with" in refused.content.decode()
    released.refresh_from_db()
    assert released.status == Review.Status.RELEASED
    assert client.post(url, {"code": "not_applicable"}).status_code == 302  # the comment is optional
    released.refresh_from_db()
    assert released.status == Review.Status.DISPUTED and released.dispute_code.code == "not_applicable"
    assert released.dispute_reason == ""
    page = client.get(reverse("qa:review-detail", args=[released.pk])).content.decode()
    assert "Criterion did not apply (should be N/A)" in page and 'data-testid="dispute-code"' in page


def test_the_service_refuses_other_without_a_comment(released, agent_user):
    with pytest.raises(ValidationError, match="Say why"):
        dispute_services.review_dispute(review=released, user=agent_user, code="other", reason="")


# Deadlines -------------------------------------------------------------------------------------------------------


def test_the_review_page_shows_the_last_day_to_dispute(client, released, agent_user):
    client.force_login(agent_user)
    page = client.get(reverse("qa:review-detail", args=[released.pk])).content.decode()
    last_day = timezone.localtime(released.submitted_at + timedelta(days=7))
    assert f"You can dispute this review until {last_day.day} {last_day:%b}." in page


def test_disputing_after_the_deadline_is_refused(client, released, agent_user, settings):
    settings.QA_DISPUTE_RAISE_DAYS = 7
    Review.objects.filter(pk=released.pk).update(submitted_at=timezone.now() - timedelta(days=7, minutes=1))
    released.refresh_from_db()
    with pytest.raises(ValidationError, match="time to dispute this review ended"):
        dispute_services.review_dispute(review=released, user=agent_user, code="score_mismatch")
    client.force_login(agent_user)
    page = client.get(reverse("qa:review-detail", args=[released.pk])).content.decode()
    assert 'data-testid="dispute-form"' not in page and "The time to dispute this review ended" in page
    client.post(reverse("qa:review-dispute", args=[released.pk]), {"code": "score_mismatch"})
    released.refresh_from_db()
    assert released.status == Review.Status.RELEASED
    # The agent can still acknowledge it.
    client.post(reverse("qa:review-acknowledge", args=[released.pk]))
    released.refresh_from_db()
    assert released.status == Review.Status.ACKNOWLEDGED


def test_the_raise_deadline_follows_the_setting_and_a_frozen_clock(released, agent_user, settings, monkeypatch):
    settings.QA_DISPUTE_RAISE_DAYS = 3
    later = released.submitted_at + timedelta(days=3, seconds=1)
    monkeypatch.setattr(dispute_services.timezone, "now", lambda: later)
    with pytest.raises(ValidationError):
        dispute_services.review_dispute(review=released, user=agent_user, code="score_mismatch")
    monkeypatch.setattr(dispute_services.timezone, "now", lambda: later - timedelta(seconds=2))
    review = dispute_services.review_dispute(review=released, user=agent_user, code="score_mismatch")
    assert review.status == Review.Status.DISPUTED


def test_the_resolve_deadline_is_stored_and_survives_a_change_of_setting(released, agent_user, settings):
    settings.QA_DISPUTE_RESOLVE_DAYS = 5
    review = dispute_services.review_dispute(review=released, user=agent_user, code="score_mismatch")
    review.refresh_from_db()
    assert review.dispute_due == review.disputed_at + timedelta(days=5)
    settings.QA_DISPUTE_RESOLVE_DAYS = 1
    review.refresh_from_db()
    assert review.dispute_due == review.disputed_at + timedelta(days=5)


def test_an_overdue_dispute_is_shown_as_such(client, disputed, second_reviewer):
    client.force_login(second_reviewer)
    page = client.get(reverse("qa:review-detail", args=[disputed.pk])).content.decode()
    assert 'data-testid="dispute-due"' in page and "overdue" not in page
    Review.objects.filter(pk=disputed.pk).update(dispute_due=timezone.now() - timedelta(hours=1))
    page = client.get(reverse("qa:review-detail", args=[disputed.pk])).content.decode()
    assert 'data-testid="dispute-overdue"' in page
    listing = client.get(reverse("qa:dispute-list"), {"tab": "overdue"})
    assert listing.status_code == 200
    assert listing.context["tabs"][2] == ("overdue", "Overdue", 1)
    assert [r.pk for r in listing.context["page"]] == [disputed.pk]


# Resolving: one step (default) or a QA lead's approval ----------------------------------------------------------


def test_without_approval_a_resolution_applies_at_once(client, disputed, version, second_reviewer):
    assert dispute_services.approval_required() is False
    client.force_login(second_reviewer)
    url = reverse("qa:review-resolve", args=[disputed.pk])
    assert "Resolve dispute" in client.get(url).content.decode()
    assert client.post(url, _resolve_payload(disputed, version)).status_code == 302
    disputed.refresh_from_db()
    assert disputed.status == Review.Status.RESOLVED and float(disputed.score) == 100.0
    assert not DisputeProposal.objects.exists()


def test_with_approval_the_rescore_applies_only_when_a_lead_approves(
    client, disputed, version, second_reviewer, qa_lead, agent_user, settings, caplog
):
    settings.QA_DISPUTE_APPROVAL = True
    caplog.set_level(logging.INFO, logger="skillhub.security")
    before = disputed.score
    client.force_login(second_reviewer)
    url = reverse("qa:review-resolve", args=[disputed.pk])
    assert "Propose resolution" in client.get(url).content.decode()
    assert client.post(url, _resolve_payload(disputed, version)).status_code == 302
    disputed.refresh_from_db()
    assert disputed.status == Review.Status.PROPOSED and disputed.score == before and disputed.resolved_at is None
    assert disputed.answers.get(criterion=version.c_solve).value == 4  # unchanged until approved
    proposal = DisputeProposal.objects.get()
    assert proposal.answers == {str(version.c_solve.pk): {"value": 5, "is_na": False, "comment": ""}}
    assert counted(Review.objects.filter(pk=disputed.pk)).exists()  # still counts, as a disputed review does
    assert dispute_selectors.open_disputes_count(team_ids=[disputed.team_id]) == 1

    client.force_login(agent_user)  # the agent sees that a decision is coming, not the proposal
    page = client.get(reverse("qa:review-detail", args=[disputed.pk])).content.decode()
    assert "a QA lead checks it" in page and "Listened again" not in page

    client.force_login(qa_lead)
    page = client.get(reverse("qa:review-detail", args=[disputed.pk])).content.decode()
    assert "Approve resolution" in page and "4 of 1–5" in page and "5 of 1–5" in page
    assert client.post(reverse("qa:review-resolution-approve", args=[disputed.pk])).status_code == 302
    disputed.refresh_from_db()
    assert disputed.status == Review.Status.RESOLVED and float(disputed.score) == 100.0
    assert disputed.resolved_by == second_reviewer and disputed.resolution_note.startswith("Listened again")
    assert disputed.answers.get(criterion=version.c_solve).value == 5
    proposal.refresh_from_db()
    assert proposal.status == DisputeProposal.Status.APPROVED and proposal.decided_by == qa_lead
    reasons = list(disputed.history.values_list("history_change_reason", flat=True))
    assert "Resolution proposed, waiting for a QA lead" in reasons
    assert "Dispute resolution approved by a QA lead" in reasons
    events = {r.event for r in caplog.records if r.name == "skillhub.security"}
    assert {"review_dispute_proposed", "review_dispute_approved"} <= events

    client.force_login(agent_user)  # now the agent sees the decision
    assert "Listened again" in client.get(reverse("qa:review-detail", args=[disputed.pk])).content.decode()


def test_a_lead_sends_a_proposal_back_with_a_note(client, disputed, version, second_reviewer, qa_lead, settings):
    settings.QA_DISPUTE_APPROVAL = True
    dispute_services.review_resolve(
        review=disputed,
        resolver=second_reviewer,
        note="Agreed",
        lock_version=disputed.lock_version,
        answers={version.c_solve.pk: RawAnswer(5)},
    )
    client.force_login(qa_lead)
    url = reverse("qa:review-resolution-send-back", args=[disputed.pk])
    assert client.post(url, {"note": ""}).status_code == 400
    assert client.post(url, {"note": "Check the hold at 03:00 first."}).status_code == 302
    disputed.refresh_from_db()
    assert disputed.status == Review.Status.DISPUTED and float(disputed.score) < 100
    proposal = DisputeProposal.objects.get()
    assert proposal.status == DisputeProposal.Status.SENT_BACK and proposal.decision_note.startswith("Check the hold")
    client.force_login(second_reviewer)  # the resolver sees why, and may propose again
    page = client.get(reverse("qa:review-detail", args=[disputed.pk])).content.decode()
    assert "Check the hold at 03:00 first." in page and "Propose a resolution" in page
    dispute_services.review_resolve(
        review=disputed, resolver=second_reviewer, note="Held correctly", lock_version=disputed.lock_version
    )
    assert DisputeProposal.objects.filter(status=DisputeProposal.Status.PENDING).count() == 1


def test_a_proposer_cannot_approve_their_own_resolution(client, disputed, version, vendor, settings):
    settings.QA_DISPUTE_APPROVAL = True
    lead_resolver = _lead(vendor)
    dispute_services.review_resolve(
        review=disputed,
        resolver=lead_resolver,
        note="Agreed",
        lock_version=disputed.lock_version,
        answers={version.c_solve.pk: RawAnswer(5)},
    )
    with pytest.raises(ValidationError, match="other than the one who proposed"):
        dispute_services.dispute_approve(review=disputed, lead=lead_resolver)
    client.force_login(lead_resolver)
    page = client.get(reverse("qa:review-detail", args=[disputed.pk])).content.decode()
    assert "Approve resolution" not in page
    client.post(reverse("qa:review-resolution-approve", args=[disputed.pk]))
    disputed.refresh_from_db()
    assert disputed.status == Review.Status.PROPOSED


def test_a_reviewer_who_is_no_qa_lead_cannot_approve(client, disputed, second_reviewer, vendor, settings):
    settings.QA_DISPUTE_APPROVAL = True
    dispute_services.review_resolve(
        review=disputed, resolver=second_reviewer, note="Agreed", lock_version=disputed.lock_version
    )
    third = UserFactory(roles=[roles.QA_REVIEWER])
    ScopeFactory(user=third, vendors=[vendor])
    client.force_login(third)
    assert client.post(reverse("qa:review-resolution-approve", args=[disputed.pk])).status_code == 403
    with pytest.raises(ValidationError, match="Only a QA lead"):
        dispute_services.dispute_approve(review=disputed, lead=third)


def test_the_dispute_list_shows_proposals_waiting_for_a_lead(client, disputed, second_reviewer, qa_lead, settings):
    settings.QA_DISPUTE_APPROVAL = True
    dispute_services.review_resolve(
        review=disputed, resolver=second_reviewer, note="Agreed", lock_version=disputed.lock_version
    )
    client.force_login(qa_lead)
    response = client.get(reverse("qa:dispute-list"), {"tab": "approval"})
    assert [r.pk for r in response.context["page"]] == [disputed.pk]
    assert 'data-testid="tab-count-approval">1<' in response.content.decode()
    assert client.get(reverse("qa:dispute-list"), {"tab": "nonsense"}).status_code == 200


def test_the_dispute_list_is_scoped(client, disputed, vendor, partner_vendor):
    partner_reviewer = UserFactory(roles=[roles.QA_REVIEWER])
    ScopeFactory(user=partner_reviewer, vendors=[partner_vendor])
    client.force_login(partner_reviewer)
    response = client.get(reverse("qa:dispute-list"))
    assert list(response.context["page"]) == [] and response.context["tabs"][0][2] == 0


# The thread ------------------------------------------------------------------------------------------------------


def test_agent_and_reviewer_talk_in_the_thread_with_mentions(client, released, agent_user, reviewer_user, caplog):
    caplog.set_level(logging.INFO, logger="skillhub.security")
    url = reverse("qa:review-comment", args=[released.pk])
    client.force_login(agent_user)  # the agent replies without disputing
    response = client.post(url, {"text": f"@{reviewer_user.username} what did I miss at 02:10?"})
    assert response.status_code == 302 and response.url.endswith("#thread")
    client.force_login(reviewer_user)
    response = client.post(url, {"text": f"You skipped the check, @{agent_user.username}."}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    # The mention's email is rendered in the same request (its outbox row is written with the comment).
    assert [t.name for t in response.templates if not t.name.startswith("emails/")][0] == (
        "qa/partials/review_thread_body.html"
    )
    comments = list(ReviewComment.objects.order_by("pk"))
    assert [c.author for c in comments] == [agent_user, reviewer_user]
    assert list(comments[0].mentions.all()) == [reviewer_user]
    assert list(comments[1].mentions.all()) == [agent_user]  # the sentence's dot is not part of the name
    released.refresh_from_db()
    assert released.status == Review.Status.RELEASED
    page = client.get(reverse("qa:review-detail", args=[released.pk])).content.decode()
    assert page.count('data-testid="thread-comment"') == 2 and page.count('data-testid="mention"') == 2
    assert "review_comment_posted" in {r.event for r in caplog.records if r.name == "skillhub.security"}


def test_a_mention_of_someone_who_cannot_see_the_review_is_refused(
    client, released, agent_user, partner_vendor, other_agent
):
    partner_reviewer = UserFactory(roles=[roles.QA_REVIEWER], username="pat.partner")
    ScopeFactory(user=partner_reviewer, vendors=[partner_vendor])
    url = reverse("qa:review-comment", args=[released.pk])
    client.force_login(agent_user)
    for name in ["pat.partner", other_agent.user.username, "nobody.at.all"]:
        response = client.post(url, {"text": f"Hi @{name}"}, HTTP_HX_REQUEST="true")
        assert response.status_code == 400
        body = response.content.decode()
        assert "No one by that name can see this review" in body and f"@{name}" in body
    response = client.post(url, {"text": "Hi @pat.partner"})  # without JS: the page again, with the error
    assert response.status_code == 400 and "No one by that name can see this review" in response.content.decode()
    assert not ReviewComment.objects.exists()


def test_a_comment_is_escaped_and_a_mention_matches_any_case(client, released, agent_user, reviewer_user):
    text = f"<script>alert(1)</script> @{reviewer_user.username.upper()} & ana@example.test"
    comment = dispute_services.review_comment_post(review=released, author=agent_user, text=text)
    assert list(comment.mentions.all()) == [reviewer_user]  # an e-mail address is no mention
    client.force_login(reviewer_user)
    page = client.get(reverse("qa:review-detail", args=[released.pk])).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert f'data-testid="mention">@{reviewer_user.username.upper()}</mark> &amp; ana@example.test' in page


def test_an_empty_comment_is_refused(client, released, reviewer_user):
    client.force_login(reviewer_user)
    response = client.post(reverse("qa:review-comment", args=[released.pk]), {"text": " "}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400 and "Write a comment." in response.content.decode()


def test_the_thread_is_closed_to_other_agents_and_partners_and_read_only_for_ops_leads(
    client, released, agent_user, partner_vendor, team, lead_user
):
    dispute_services.review_comment_post(review=released, author=agent_user, text="Question about 02:10")
    url = reverse("qa:review-comment", args=[released.pk])
    another_agent = AgentFactory(team=team)
    partner_reviewer = UserFactory(roles=[roles.QA_REVIEWER])
    ScopeFactory(user=partner_reviewer, vendors=[partner_vendor])
    for outsider in (another_agent.user, partner_reviewer):
        client.force_login(outsider)
        assert client.post(url, {"text": "hello"}).status_code == 404
        assert client.get(reverse("qa:review-detail", args=[released.pk])).status_code == 404
    client.force_login(lead_user)
    assert client.post(url, {"text": "hello"}).status_code == 403
    page = client.get(reverse("qa:review-detail", args=[released.pk])).content.decode()
    assert "Question about 02:10" in page and 'name="text"' not in page
    assert ReviewComment.objects.count() == 1
    with pytest.raises(ValidationError):
        dispute_services.review_comment_post(review=released, author=lead_user, text="hello")


def _talk(review, agent_user, reviewer_user, n: int) -> None:
    for i in range(n):
        author, other = (agent_user, reviewer_user) if i % 2 else (reviewer_user, agent_user)
        dispute_services.review_comment_post(review=review, author=author, text=f"Point {i} @{other.username}")


def _page_queries(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_review_page_queries_stay_flat_with_a_long_thread(
    client, released, agent_user, reviewer_user, django_assert_max_num_queries
):
    url = reverse("qa:review-detail", args=[released.pk])
    _talk(released, agent_user, reviewer_user, 2)
    client.force_login(reviewer_user)
    client.get(url)  # warm per-process caches (content types)
    short, page = _page_queries(client, url)
    assert page.count('data-testid="thread-comment"') == 2
    _talk(released, agent_user, reviewer_user, 60)
    long, page = _page_queries(client, url)
    assert page.count('data-testid="thread-comment"') == 62 and page.count('data-testid="mention"') == 62
    assert long == short
    with django_assert_max_num_queries(short):
        client.get(url)
