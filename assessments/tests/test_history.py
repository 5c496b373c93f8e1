"""Hiring history: stage moves, decisions, later edits, submitted interviews and ratings changed afterwards, kept
with who made them and shown on the candidate page to the requisition's hiring managers only (blind scoring kept),
in a constant number of queries; the security log."""

import logging

import pytest
from django.urls import reverse

from assessments import selectors, services
from assessments.models import Candidate, Interview, Rating
from assessments.tests.conftest import score
from core import roles
from core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _page(client, user, candidate):
    client.force_login(user)
    return client.get(reverse("assessments:candidate-detail", args=[candidate.pk]))


def _history(candidate, user):
    return selectors.candidate_history(
        candidate=candidate,
        user=user,
        can_see_others=selectors.can_see_others_ratings(user=user, candidate=candidate),
    )


def test_moves_and_decisions_are_kept_with_who_made_them(candidate, hiring_user, second_hiring_user):
    services.candidate_move(candidate=candidate, to_stage="behavioural", moved_by=hiring_user, note="Good screen")
    services.candidate_reject(candidate=candidate, decided_by=second_hiring_user, reasons="Weak on empathy.")
    records = list(Candidate.history.filter(id=candidate.pk).order_by("history_date", "history_id"))
    assert [(r.stage, r.history_user) for r in records[1:]] == [
        ("behavioural", hiring_user),
        ("rejected", second_hiring_user),
    ]
    entries = _history(candidate, hiring_user)
    assert [(e.why, e.who, e.changes[0].old, e.changes[0].new, e.note) for e in entries] == [
        ("Moved", hiring_user, "Screening", "Behavioural interview", "Good screen"),
        ("Rejected", second_hiring_user, "Behavioural interview", "Rejected", "Weak on empathy."),
    ]


def test_a_decision_edited_later_shows_old_and_new(candidate, hiring_user, admin_user):
    services.candidate_reject(candidate=candidate, decided_by=hiring_user, reasons="Weak on empathy.")
    candidate = Candidate.objects.get(pk=candidate.pk)
    candidate.decision_reasons = "Weak on empathy; reapply in six months."
    candidate._history_user = admin_user  # as the Django admin does through the request
    candidate.save()
    entries = _history(candidate, hiring_user)
    assert [e.why for e in entries] == ["Rejected", "Changed"]
    edit = entries[-1]
    assert edit.who == admin_user
    assert [(c.what, c.old, c.new) for c in edit.changes] == [
        ("Decision reasons", "Weak on empathy.", "Weak on empathy; reapply in six months.")
    ]


def test_interview_submission_is_kept_with_the_interviewer(candidate, hiring_user, caplog):
    caplog.set_level(logging.INFO, logger="skillhub.security")
    interview = score(candidate=candidate, user=hiring_user, recommendation="strong_yes")
    last = interview.history.order_by("-history_date", "-history_id").first()
    assert last.history_user == hiring_user and last.history_change_reason == "Submitted"
    assert last.status == Interview.Status.SUBMITTED and last.recommendation == "strong_yes"
    assert {r.history_user for r in Rating.history.filter(interview_id=interview.pk)} == {hiring_user}
    submitted = next(r for r in caplog.records if getattr(r, "event", "") == "interview_submitted")
    assert submitted.who == hiring_user.username and "recommendation='strong_yes'" in submitted.getMessage()
    entry = next(e for e in _history(candidate, hiring_user) if e.why == "Submitted")
    assert ("Recommendation", "—", "Strong yes") in [(c.what, c.old, c.new) for c in entry.changes]


def test_another_interviewers_submission_stays_hidden_until_mine_is_in(
    client, candidate, hiring_user, second_hiring_user
):
    score(candidate=candidate, user=hiring_user, recommendation="strong_no")
    page = _page(client, second_hiring_user, candidate).content.decode()
    assert "Strong no" not in page and "Behavioural interview by" not in page
    score(candidate=candidate, user=second_hiring_user, recommendation="yes")
    page = _page(client, second_hiring_user, candidate).content.decode()
    assert "Strong no" in page and f"Behavioural interview by {hiring_user}" in page


def test_ratings_changed_after_submission_appear_but_drafting_does_not(candidate, hiring_user, admin_user):
    interview = services.interview_start(candidate=candidate, stage="behavioural", interviewer=hiring_user)
    item = selectors.interview_items(interview=interview)[0]
    services.rating_save(interview=interview, item_key=item.key, score=1, evidence="first go")
    interview = score(candidate=candidate, user=hiring_user, default=3)  # rates everything again and submits
    assert Rating.history.filter(interview_id=interview.pk, item_key=item.key).count() == 2
    assert not [e for e in _history(candidate, hiring_user) if e.why == "Rating changed after submission"]
    rating = interview.ratings.get(item_key=item.key)
    rating.score = 2
    rating._history_user = admin_user
    rating.save()
    changed = [e for e in _history(candidate, hiring_user) if e.why == "Rating changed after submission"]
    assert len(changed) == 1 and changed[0].who == admin_user
    assert [(c.what, c.old, c.new) for c in changed[0].changes] == [("Score", "3", "2")]
    assert changed[0].subject.startswith("Behavioural interview: ")


def test_candidate_page_shows_the_history_to_hiring_managers_on_the_requisition(client, candidate, hiring_user):
    services.candidate_reject(candidate=candidate, decided_by=hiring_user, reasons="Weak on empathy.")
    response = _page(client, hiring_user, candidate)
    assert response.status_code == 200
    text = response.content.decode()
    assert 'data-testid="history"' in text
    assert "Rejected" in text and "Weak on empathy." in text and hiring_user.get_full_name() in text


@pytest.mark.parametrize(("who", "status"), [("agent_user", 403), ("reviewer_user", 403), ("lead_user", 403)])
def test_candidate_history_is_closed_to_other_roles(client, request, candidate, hiring_user, who, status):
    services.candidate_reject(candidate=candidate, decided_by=hiring_user, reasons="Weak on empathy.")
    response = _page(client, request.getfixturevalue(who), candidate)
    assert response.status_code == status and b"Weak on empathy." not in response.content


def test_a_hiring_manager_off_the_requisition_gets_404(client, candidate, hiring_user):
    services.candidate_reject(candidate=candidate, decided_by=hiring_user, reasons="Weak on empathy.")
    assert _page(client, UserFactory(roles=[roles.HIRING_MANAGER]), candidate).status_code == 404


@pytest.mark.parametrize("n", [1, 5])
def test_candidate_page_with_history_runs_a_constant_number_of_queries(
    client, candidate, hiring_user, n, django_assert_max_num_queries
):
    for i in range(n):
        services.candidate_move(candidate=candidate, to_stage="behavioural", moved_by=hiring_user, note=f"move {i}")
        services.candidate_move(candidate=candidate, to_stage="screening", moved_by=hiring_user)
        interviewer = UserFactory(roles=[roles.HIRING_MANAGER])
        candidate.requisition.hiring_team.add(interviewer)
        interview = score(candidate=candidate, user=interviewer)
        rating = interview.ratings.first()
        rating.score = 1
        rating.save()
    score(candidate=candidate, user=hiring_user, stage="screening")
    with django_assert_max_num_queries(34):
        response = _page(client, hiring_user, candidate)
    assert response.status_code == 200
    assert len(response.context["history"]) == 4 * n + 1


def test_security_log_records_moves_and_decisions_without_secrets(candidate, hiring_user, caplog):
    caplog.set_level(logging.INFO, logger="skillhub.security")
    services.candidate_move(candidate=candidate, to_stage="behavioural", moved_by=hiring_user)
    _test, token = services.candidate_test_issue(candidate=candidate, kind="mock_ticket", created_by=hiring_user)
    services.candidate_reject(candidate=candidate, decided_by=hiring_user, reasons="Weak on empathy.")
    events = {r.event: r for r in caplog.records if r.name == "skillhub.security"}
    moved = events["candidate_moved"].getMessage()
    assert events["candidate_moved"].who == hiring_user.username
    assert (
        f"candidate={candidate.pk}" in moved and "from_stage='screening'" in moved and "to_stage='behavioural'" in moved
    )
    assert events["hiring_decision"].who == hiring_user.username
    assert "decision='rejected'" in events["hiring_decision"].getMessage()
    assert token not in caplog.text
