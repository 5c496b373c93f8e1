"""Audit history of reviews, disputes and calibration answers: written on every edit with the right user, shown
to those who may see the object (and nobody else), in a constant number of queries; the security log."""

import logging

import pytest
from django.urls import reverse

from core import roles
from core.tests.factories import AgentFactory, ContactFactory, UserFactory
from qa.calibration import selectors as sel
from qa.calibration import services as cal
from qa.disputes import services as dispute_services
from qa.models import CalibrationDiscussion, CalibrationRevision, Review, ReviewAnswer
from qa.reviews import services as review_services
from qa.scoring import RawAnswer
from qa.tests.calibration_fixtures import *  # noqa: F403
from qa.tests.calibration_fixtures import make_reviewer, submit
from qa.tests.conftest import full_answers

pytestmark = pytest.mark.django_db


def _disputed_and_resolved(version, contact, reviewer, resolver, *, drafts=0):
    review = review_services.review_create(contact=contact, reviewer=reviewer, version=version)
    for i in range(drafts):
        review = review_services.review_save(
            review=review,
            actor=reviewer,
            answers={version.c_solve.pk: RawAnswer(1 + i % 5)},
            lock_version=review.lock_version,
        )
    review = review_services.review_save(
        review=review, actor=reviewer, answers=full_answers(version), lock_version=review.lock_version, submit=True
    )
    dispute_services.review_dispute(review=review, user=contact.agent.user, reason="I did find the root cause")
    review.refresh_from_db()
    return dispute_services.review_resolve(
        review=review,
        resolver=resolver,
        note="Agreed, root cause was found",
        lock_version=review.lock_version,
        # As the resolve form posts them: every answer, one of them changed.
        answers={**full_answers(version), version.c_solve.pk: RawAnswer(5)},
    )


# Reviews and disputes ------------------------------------------------------------------------------------------------


def test_dispute_resolution_is_kept_with_the_resolver_as_its_author(version, contact, reviewer_user, second_reviewer):
    review = _disputed_and_resolved(version, contact, reviewer_user, second_reviewer)
    last = Review.history.filter(id=review.pk).order_by("-history_date", "-history_id").first()
    assert last.history_user == second_reviewer and last.history_change_reason == "Dispute resolved"
    changed = ReviewAnswer.history.filter(review_id=review.pk, criterion_id=version.c_solve.pk)
    assert [r.value for r in changed.order_by("history_date", "history_id")] == [4, 5]
    assert changed.order_by("-history_date", "-history_id").first().history_user == second_reviewer


def test_review_page_shows_the_dispute_and_answer_changes_with_names(
    client, version, contact, reviewer_user, second_reviewer
):
    review = _disputed_and_resolved(version, contact, reviewer_user, second_reviewer)
    client.force_login(contact.agent.user)
    page = client.get(reverse("qa:review-detail", args=[review.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    history = text[text.index('data-testid="history"') :]
    assert "Disputed by the agent" in history and "Dispute resolved" in history
    assert "Root cause: <del>4 of 1–5</del> → <ins>5 of 1–5</ins>" in history
    assert "Score: <del>95.0</del> → <ins>100.0</ins>" in history  # one decimal, as everywhere else
    assert f"Resolved by: <del>—</del> → <ins>{second_reviewer.get_full_name()}</ins>" in history
    assert "Status: <del>Disputed</del> → <ins>Dispute resolved</ins>" in history
    assert second_reviewer.get_full_name() in history
    assert "lock_version" not in history and "updated_at" not in history.lower()


@pytest.mark.parametrize(
    ("who", "status"), [("other_agent", 404), ("hiring_user", 403), ("second_reviewer", 200), ("lead_user", 200)]
)
def test_review_history_is_only_on_pages_of_those_in_scope(
    client, request, version, contact, reviewer_user, second_reviewer, who, status
):
    review = _disputed_and_resolved(version, contact, reviewer_user, second_reviewer)
    user = request.getfixturevalue(who)
    client.force_login(getattr(user, "user", user))  # other_agent is an Agent
    response = client.get(reverse("qa:review-detail", args=[review.pk]))
    assert response.status_code == status
    if status != 200:
        assert b"Dispute resolved" not in response.content


@pytest.mark.parametrize("drafts", [1, 8])
def test_review_page_with_history_runs_a_constant_number_of_queries(
    client, version, team, reviewer_user, second_reviewer, drafts, django_assert_max_num_queries
):
    contact = ContactFactory(agent=AgentFactory(team=team))
    review = _disputed_and_resolved(version, contact, reviewer_user, second_reviewer, drafts=drafts)
    client.force_login(second_reviewer)
    client.get(reverse("qa:review-detail", args=[review.pk]))  # the process-wide channel catalogue cache, warm
    # 17: the review page with the workspace's sections (thread, self-review, time, disputes, AutoQA's suggestions),
    # none per record.
    with django_assert_max_num_queries(17):
        response = client.get(reverse("qa:review-detail", args=[review.pk]))
    assert response.status_code == 200 and len(response.context["history"]) >= 4


def test_security_log_records_disputes_and_resolutions_with_old_and_new_score(
    version, contact, reviewer_user, second_reviewer, caplog
):
    caplog.set_level(logging.INFO, logger="skillhub.security")
    review = _disputed_and_resolved(version, contact, reviewer_user, second_reviewer)
    records = {r.event: r for r in caplog.records if r.name == "skillhub.security"}
    assert records["review_disputed"].who == contact.agent.user.username
    resolved = records["review_dispute_resolved"]
    assert resolved.who == second_reviewer.username
    message = resolved.getMessage()
    assert f"review={review.pk}" in message and f"score='{review.score}'" in message
    assert "previous_score=" in message and f"answers_changed=[{version.c_solve.pk}]" in message
    assert "pw-for-tests" not in caplog.text


# Calibration answers -------------------------------------------------------------------------------------------------


def _closed(calibration, version, qa_lead, in_house_reviewer, partner_reviewer):
    submit(calibration, qa_lead, version)
    submit(calibration, in_house_reviewer, version)
    submit(calibration, partner_reviewer, version, listen=0, solve=2)
    calibration = cal.session_sync(session=calibration)
    assert calibration.status == calibration.Status.CLOSED
    return calibration


def _revise(assignment, version, user, value):
    return cal.answer_revise(assignment=assignment, criterion=version.c_solve, user=user, value=value)


def test_every_revised_calibration_answer_is_kept_with_its_author(
    calibration, version, qa_lead, in_house_reviewer, partner_reviewer
):
    session = _closed(calibration, version, qa_lead, in_house_reviewer, partner_reviewer)
    assignment = session.participants.get(user=partner_reviewer).assignments.first()
    _revise(assignment, version, partner_reviewer, 3)
    _revise(assignment, version, partner_reviewer, 4)
    _revise(assignment, version, partner_reviewer, 2)  # back to the blind answer: the revision goes
    assert not CalibrationRevision.objects.exists()
    records = CalibrationRevision.history.order_by("history_date", "history_id")
    assert [r.history_type for r in records] == ["+", "~", "-"]
    assert {r.history_user for r in records} == {partner_reviewer}
    entries = sel.session_answer_history(session=session)
    assert [(e.why, e.changes[0].old, e.changes[0].new) for e in entries] == [
        ("Changed the blind answer", "2 (b)", "3 (c)"),
        ("Changed the answer again", "3 (c)", "4 (d)"),
        ("Went back to the blind answer", "4 (d)", "2 (b)"),
    ]
    assert entries[0].who == partner_reviewer and entries[0].changes[0].what == "Root cause"
    # The blind answer itself never changed.
    assert ReviewAnswer.objects.get(review=assignment.review, criterion=version.c_solve).value == 2


def test_agreed_answers_keep_their_history(calibration, version, qa_lead, in_house_reviewer, partner_reviewer):
    session = _closed(calibration, version, qa_lead, in_house_reviewer, partner_reviewer)
    cal.discussion_save(session=session, criterion=version.c_solve, user=qa_lead, note="First take", agreed_value=3)
    discussion = cal.discussion_save(
        session=session, criterion=version.c_solve, user=qa_lead, note="Workaround = 4", agreed_value=4
    )
    cal.discussion_promote(discussion=discussion, user=qa_lead)
    assert {r.history_user for r in CalibrationDiscussion.history.all()} == {qa_lead}
    entries = sel.session_answer_history(session=session)
    changed = next(e for e in entries if e.why == "Discussion saved" and any(c.old == "3 (c)" for c in e.changes))
    assert [(c.what, c.old, c.new) for c in changed.changes] == [
        ("Agreed answer", "3 (c)", "4 (d)"),
        ("Discussion note", "First take", "Workaround = 4"),
    ]
    assert entries[-1].why == "Added to the guidance"


def test_answer_history_is_for_the_lead_after_the_reveal_only(
    client, calibration, version, qa_lead, in_house_reviewer, partner_reviewer
):
    url = reverse("qa:calibration-results", args=[calibration.pk])
    submit(calibration, qa_lead, version)
    submit(calibration, partner_reviewer, version, listen=0, solve=2)
    # Before the reveal nobody reads the results (and so no history), the lead included.
    for user in (qa_lead, partner_reviewer, in_house_reviewer):
        client.force_login(user)
        assert client.get(url).status_code == 403
    submit(calibration, in_house_reviewer, version)
    cal.session_sync(session=calibration)
    assignment = calibration.participants.get(user=partner_reviewer).assignments.first()
    _revise(assignment, version, partner_reviewer, 4)
    client.force_login(qa_lead)
    page = client.get(url)
    assert page.status_code == 200 and b'data-testid="answer-history"' in page.content
    assert "Changed the blind answer" in page.content.decode()
    client.force_login(partner_reviewer)  # a participant who is not a lead: results yes, who-changed-what-when no
    page = client.get(url)
    assert page.status_code == 200 and b'data-testid="answer-history"' not in page.content
    client.force_login(make_reviewer())  # a reviewer outside the session
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("n_extra", [1, 4])
def test_results_page_with_answer_history_runs_a_constant_number_of_queries(
    client, version, agent, qa_lead, in_house_reviewer, vendor, n_extra, django_assert_max_num_queries
):
    from datetime import timedelta

    from django.utils import timezone

    others = [make_reviewer(vendor) for _ in range(n_extra)]
    session = cal.session_create(
        owner=qa_lead,
        title="Sized",
        version=version,
        contacts=[ContactFactory(agent=agent, channel="phone"), ContactFactory(agent=agent, channel="phone")],
        participants=[in_house_reviewer, *others],
        calibrator=qa_lead,
        deadline=timezone.now() + timedelta(days=1),
    )
    for user in [qa_lead, in_house_reviewer, *others]:
        submit(session, user, version)
    session = cal.session_sync(session=session)
    for user in [in_house_reviewer, *others]:
        for assignment in session.participants.get(user=user).assignments.all():
            _revise(assignment, version, user, 2)
            _revise(assignment, version, user, 3)
    cal.discussion_save(session=session, criterion=version.c_solve, user=qa_lead, note="n", agreed_value=3)
    client.force_login(qa_lead)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("qa:calibration-results", args=[session.pk]))
    assert response.status_code == 200
    assert len(response.context["answer_history"]) == 4 * (1 + n_extra) + 1


def test_security_log_records_revised_and_agreed_calibration_answers(
    calibration, version, qa_lead, in_house_reviewer, partner_reviewer, caplog
):
    session = _closed(calibration, version, qa_lead, in_house_reviewer, partner_reviewer)
    caplog.set_level(logging.INFO, logger="skillhub.security")
    assignment = session.participants.get(user=partner_reviewer).assignments.first()
    _revise(assignment, version, partner_reviewer, 4)
    cal.discussion_save(session=session, criterion=version.c_solve, user=qa_lead, note="x", agreed_value=3)
    records = {r.event: r for r in caplog.records if r.name == "skillhub.security"}
    revised = records["calibration_answer_revised"]
    assert revised.who == partner_reviewer.username
    assert "before='2 (b)'" in revised.getMessage() and "after='4 (d)'" in revised.getMessage()
    agreed = records["calibration_agreed_answer"]
    assert agreed.who == qa_lead.username and "after='3 (c)'" in agreed.getMessage()


def test_a_reviewer_outside_the_qa_role_never_reaches_the_history(client, calibration):
    client.force_login(UserFactory(roles=[roles.OPS_LEAD]))
    assert client.get(reverse("qa:calibration-results", args=[calibration.pk])).status_code == 403


def test_answer_changes_show_the_answer_on_its_scale_and_the_comment(version, django_assert_num_queries):
    from qa.reviews.selectors import answer_changes
    from qa.tests.factories import ReviewFactory

    review = ReviewFactory(version=version)
    solve = ReviewAnswer.objects.create(review=review, criterion=version.c_solve, value=4)
    solve.value = 5
    solve.save()
    solve.comment = "Heard it at 2:10"
    solve.save()
    solve.save()  # saved again, nothing changed
    calm = ReviewAnswer.objects.create(review=review, criterion=version.c_calm, value=1, comment="Kept calm")
    calm.value, calm.is_na, calm.comment = None, True, ""
    calm.save()
    first, to_five, commented, again = ReviewAnswer.history.filter(id=solve.pk).order_by("history_date", "history_id")
    calm_first, calm_na = ReviewAnswer.history.filter(id=calm.pk).order_by("history_date", "history_id")

    def shown(before, after, criterion):
        return [(c.what, c.old, c.new) for c in answer_changes(before, after, criterion)]

    with django_assert_num_queries(0):
        assert shown(None, first, version.c_solve) == [("Root cause", "—", "4 of 1–5")]
        assert shown(first, to_five, version.c_solve) == [("Root cause", "4 of 1–5", "5 of 1–5")]
        assert shown(to_five, commented, version.c_solve) == [("Comment", "—", "Heard it at 2:10")]
        assert shown(commented, again, version.c_solve) == []
        assert shown(calm_first, calm_na, version.c_calm) == [
            ("Stayed calm", "Yes", "N/A"),
            ("Comment", "Kept calm", "—"),
        ]
        assert shown(first, to_five, None) == [("Criterion", "4", "5")]  # its criterion is gone
