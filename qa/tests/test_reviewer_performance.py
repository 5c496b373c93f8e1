"""Reviewer performance for QA leads: figures checked by hand on a small set, scope, and a flat query count."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from core import roles
from core.tests.factories import AgentFactory, ContactFactory, ScopeFactory, UserFactory
from qa.calibration.models import CalibrationItem, CalibrationParticipant, CalibrationSession
from qa.disputes import services as dispute_services
from qa.models import Review
from qa.performance import selectors
from qa.reviews import services as review_services
from qa.rules import QA_LEAD_GROUP
from qa.scoring import RawAnswer
from qa.tests.conftest import full_answers


@pytest.fixture
def lead(reviewer_user):
    reviewer_user.groups.add(Group.objects.get(name=QA_LEAD_GROUP))
    return reviewer_user


def _submitted(version, reviewer, agent, *, origin=Review.Origin.SAMPLED, opened_minutes=10, active=100):
    contact = ContactFactory(agent=agent)
    review = review_services.review_create(contact=contact, reviewer=reviewer, version=version)
    review = review_services.review_save(
        review=review, actor=reviewer, answers=full_answers(version), lock_version=0, submit=True
    )
    Review.objects.filter(pk=review.pk).update(
        origin=origin, opened_at=review.submitted_at - timedelta(minutes=opened_minutes), active_seconds=active
    )
    review.refresh_from_db()
    return review


def _session(owner, version, contact, scores: dict):
    now = timezone.now()
    session = CalibrationSession.objects.create(
        title="S",
        version=version,
        owner=owner,
        calibrator=owner,
        deadline=now,
        status=CalibrationSession.Status.CLOSED,
        results_opened_at=now,
    )
    CalibrationItem.objects.create(session=session, contact=contact)
    for user, abs_distance in scores.items():
        CalibrationParticipant.objects.create(
            session=session, user=user, distance=-abs_distance, abs_distance=abs_distance, scored=1
        )
    return session


@pytest.fixture
def hand_checked(version, agent, lead, second_reviewer):
    """second_reviewer: 3 submitted reviews (2 sampled, 1 complaint) opened 10, 20, 5 min before submitting, active
    100, 300, 200 s; disputes: one upheld, one changed, one pending; 1 overdue draft and 1 not yet due; calibration
    distances 4 and 10."""
    a = _submitted(version, second_reviewer, agent, opened_minutes=10, active=100)
    b = _submitted(version, second_reviewer, agent, opened_minutes=20, active=300)
    c = _submitted(version, second_reviewer, agent, origin=Review.Origin.COMPLAINT, opened_minutes=5, active=200)
    for review in (a, b, c):
        dispute_services.review_dispute(review=review, user=agent.user, reason="No")
    for review, answers in ((a, {}), (b, {version.c_solve.pk: RawAnswer(5)})):
        review.refresh_from_db()
        dispute_services.review_resolve(
            review=review, resolver=lead, note="Seen", lock_version=review.lock_version, answers=answers
        )
    today = timezone.localdate()
    for due in (today - timedelta(days=1), today + timedelta(days=1)):
        review_services.review_create(
            contact=ContactFactory(agent=agent), reviewer=second_reviewer, version=version, due_date=due
        )
    contact = ContactFactory(agent=agent)
    _session(lead, version, contact, {second_reviewer: 4.0})
    _session(lead, version, contact, {second_reviewer: 10.0})
    # Left out: a calibration review and a self-review of theirs, and an in-scope reviewer's review never opened.
    return {"a": a, "b": b, "c": c}


def _figures(lead, reviewer):
    today = timezone.localdate()
    figures = selectors.reviewer_performance(
        user=lead, reviewer_ids=[reviewer.pk], start=today - timedelta(days=30), end=today, today=today
    )
    return figures[reviewer.pk]


def test_performance_figures_match_the_hand_checked_set(hand_checked, lead, second_reviewer):
    row = _figures(lead, second_reviewer)
    assert row["done"] == 3
    assert (row["done_sampled"], row["done_complaint"], row["done_ad_hoc"], row["done_escalation"]) == (2, 1, 0, 0)
    assert row["timed"] == 3
    assert row["grade_median"] == pytest.approx(600, abs=1)  # 5, 10, 20 min
    assert row["active_median"] == pytest.approx(200)  # 100, 200, 300 s
    assert row["overdue"] == 1
    assert (row["disputes"], row["disputes_upheld"], row["disputes_changed"], row["disputes_pending"]) == (3, 1, 1, 1)
    assert row["calibration_distance"] == pytest.approx(7.0)
    assert row["calibration_sessions"] == 2
    assert hand_checked["b"].score != Review.objects.get(pk=hand_checked["b"].pk).score  # the change was real


def test_the_resolving_lead_is_not_charged_with_the_disputes(hand_checked, lead):
    row = _figures(lead, lead)
    assert "disputes" not in row and "done" not in row


def test_performance_page_shows_the_figures_to_a_qa_lead(client, hand_checked, lead, second_reviewer):
    client.force_login(lead)
    page = client.get(reverse("qa:reviewer-performance"))
    assert page.status_code == 200
    text = page.content.decode()
    assert f'data-reviewer="{second_reviewer.pk}"' in text
    assert "Complaint 1" in text and "Random sample 2" in text
    assert "10 min" in text and "(1 · 1 · 1)" in text and "7.0" in text


def test_partner_qa_lead_sees_only_their_vendors_reviewers(client, partner_vendor, partner_team, lead, second_reviewer):
    partner_lead = UserFactory(roles=[roles.QA_REVIEWER, QA_LEAD_GROUP])
    ScopeFactory(user=partner_lead, vendors=[partner_vendor])
    partner_reviewer = UserFactory(roles=[roles.QA_REVIEWER])
    ScopeFactory(user=partner_reviewer, vendors=[partner_vendor])
    assert set(selectors.reviewers_in_scope(user=partner_lead)) == {partner_lead, partner_reviewer}
    client.force_login(partner_lead)
    text = client.get(reverse("qa:reviewer-performance")).content.decode()
    assert f'data-reviewer="{partner_reviewer.pk}"' in text
    assert f'data-reviewer="{second_reviewer.pk}"' not in text and f'data-reviewer="{lead.pk}"' not in text


def test_plain_reviewer_ops_lead_and_agent_get_403(client, reviewer_user, lead_user, agent):
    for user in (reviewer_user, lead_user, agent.user):
        client.force_login(user)
        assert client.get(reverse("qa:reviewer-performance")).status_code == 403


def test_nav_links_the_page_for_qa_leads_only(client, lead, second_reviewer):
    client.force_login(lead)
    assert reverse("qa:reviewer-performance").encode() in client.get(reverse("qa:queue")).content
    client.force_login(second_reviewer)
    assert reverse("qa:reviewer-performance").encode() not in client.get(reverse("qa:queue")).content


@pytest.mark.parametrize("n_reviewers", [1, 6])
def test_performance_page_query_count_is_flat(
    client, version, team, vendor, lead, n_reviewers, django_assert_max_num_queries
):
    agent = AgentFactory(team=team)
    for _ in range(n_reviewers):
        reviewer = UserFactory(roles=[roles.QA_REVIEWER])
        ScopeFactory(user=reviewer, vendors=[vendor])
        for origin in (Review.Origin.SAMPLED, Review.Origin.AD_HOC):
            review = _submitted(version, reviewer, agent, origin=origin)
        dispute_services.review_dispute(review=review, user=agent.user, reason="No")
        _session(lead, version, ContactFactory(agent=agent), {reviewer: 3.0})
    client.force_login(lead)
    with django_assert_max_num_queries(16):
        page = client.get(reverse("qa:reviewer-performance"))
    assert page.status_code == 200
    assert page.content.decode().count("data-reviewer=") == n_reviewers + 1  # and the lead
