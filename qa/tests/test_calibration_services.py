"""Calibration services and results: creation, blind opening of results, anchoring, discussions, exclusion."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.tests.factories import ContactFactory, VendorFactory
from qa.calibration import selectors as sel
from qa.calibration import services as cal
from qa.models import CalibrationSession, Review
from qa.reviews import selectors as review_selectors
from qa.tests.calibration_fixtures import *  # noqa: F403
from qa.tests.calibration_fixtures import make_reviewer, submit


def test_session_create_gives_every_participant_a_blind_calibration_review(calibration, qa_lead):
    assert calibration.items.count() == 2
    assert calibration.participants.count() == 3
    assert calibration.participants.get(user=qa_lead).is_calibrator
    reviews = Review.objects.filter(calibration_assignment__participant__session=calibration)
    assert reviews.count() == 6
    assert set(reviews.values_list("is_calibration", flat=True)) == {True}


def test_participants_keep_the_vendor_they_review_for(calibration, partner_reviewer, partner_vendor):
    assert calibration.participants.get(user=partner_reviewer).vendor == partner_vendor


def test_session_create_refuses_bad_input(version, agent, qa_lead, in_house_reviewer):
    outsider = make_reviewer(VendorFactory())  # reviews for a vendor outside the lead's scope
    with pytest.raises(ValidationError) as error:
        cal.session_create(
            owner=qa_lead,
            title="",
            version=version,
            contacts=[],
            participants=[outsider],
            calibrator=None,
            deadline=timezone.now() - timedelta(hours=1),
        )
    assert {"title", "contacts", "calibrator", "participants", "deadline"} <= set(error.value.message_dict)


def test_only_a_qa_lead_creates_sessions(version, agent, in_house_reviewer, partner_reviewer):
    with pytest.raises(ValidationError):
        cal.session_create(
            owner=in_house_reviewer,
            title="x",
            version=version,
            contacts=[ContactFactory(agent=agent)],
            participants=[partner_reviewer],
            calibrator=in_house_reviewer,
            deadline=timezone.now() + timedelta(days=1),
        )


def test_results_open_when_everyone_has_submitted(calibration, version, qa_lead, in_house_reviewer, partner_reviewer):
    submit(calibration, qa_lead, version)
    submit(calibration, in_house_reviewer, version)
    assert cal.session_sync(session=calibration).status == CalibrationSession.Status.OPEN
    assert not sel.can_see_results(session=calibration, user=in_house_reviewer)
    submit(calibration, partner_reviewer, version, solve=2, listen=0)
    session = cal.session_sync(session=calibration)
    assert session.status == CalibrationSession.Status.CLOSED
    assert session.closed_by == CalibrationSession.ClosedBy.ALL_SUBMITTED
    assert sel.can_see_results(session=session, user=in_house_reviewer)


def test_results_open_at_the_deadline_but_not_for_who_did_not_submit(
    calibration, version, qa_lead, in_house_reviewer, partner_reviewer
):
    submit(calibration, qa_lead, version)
    submit(calibration, in_house_reviewer, version)
    CalibrationSession.objects.filter(pk=calibration.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    assert cal.sessions_sync_due() == 1
    calibration.refresh_from_db()
    assert calibration.closed_by == CalibrationSession.ClosedBy.DEADLINE
    assert sel.can_see_results(session=calibration, user=in_house_reviewer)
    assert not sel.can_see_results(session=calibration, user=partner_reviewer)
    assert cal.sessions_sync_due() == 0  # safe to run twice
    rows = {row.participant.user_id: row for row in sel.session_results(session=calibration).participants}
    assert [score for _item, score, _bench in rows[partner_reviewer.pk].scores] == [None, None]
    assert rows[partner_reviewer.pk].distance is None and rows[partner_reviewer.pk].scored == 0
    assert rows[in_house_reviewer.pk].scored == 2


def test_the_lead_closes_early_and_only_the_lead(calibration, in_house_reviewer, qa_lead):
    with pytest.raises(ValidationError):
        cal.session_close(session=calibration, user=in_house_reviewer)
    cal.session_close(session=calibration, user=qa_lead)
    assert calibration.closed_by == CalibrationSession.ClosedBy.LEAD
    with pytest.raises(ValidationError):
        cal.session_close(session=calibration, user=qa_lead)


def test_results_measure_distance_agreement_and_alpha(
    calibration, version, qa_lead, in_house_reviewer, partner_reviewer
):
    submit(calibration, qa_lead, version)  # benchmark: listen yes, solve 4, data yes, calm yes → 100·(2+.75+1+1)/5 = 95
    submit(calibration, in_house_reviewer, version)  # identical
    submit(calibration, partner_reviewer, version, listen=0, solve=2)  # (0+.25+1+1)/5 → 45
    session = cal.session_sync(session=calibration)
    results = sel.session_results(session=session)
    rows = {row.participant.user_id: row for row in results.participants}
    assert rows[in_house_reviewer.pk].distance == 0
    assert rows[in_house_reviewer.pk].agreement_pct == 100
    assert rows[partner_reviewer.pk].distance == pytest.approx(45 - 95)
    assert rows[partner_reviewer.pk].agreement_pct == 50
    assert rows[partner_reviewer.pk].tendency == "strict"
    assert session.participants.get(user=partner_reviewer).distance == pytest.approx(-50)  # the snapshot
    listen = next(r for r in results.criteria if r.criterion.pk == version.c_listen.pk)
    assert listen.departures == 2 and listen.answers == 4
    assert listen.items[0].departed_names == [partner_reviewer.get_full_name()]
    calm = next(r for r in results.criteria if r.criterion.pk == version.c_calm.pk)
    assert calm.reading[0] == "undefined"  # all said yes: nothing to measure
    assert results.alpha is not None and results.alpha < 0.8
    assert session.alpha == pytest.approx(results.alpha)
    assert session.alpha_low <= session.alpha <= session.alpha_high
    kinds = {group.kind: group for group in results.groups}
    assert kinds["in_house"].agreement_pct == 100 and kinds["partner"].agreement_pct == 50


def test_results_treat_na_as_missing_for_alpha_and_as_an_answer_for_agreement(
    calibration, version, qa_lead, in_house_reviewer, partner_reviewer
):
    submit(calibration, qa_lead, version, calm=None)
    submit(calibration, in_house_reviewer, version, calm=1)
    submit(calibration, partner_reviewer, version, calm=None, solve=3)
    results = sel.session_results(session=cal.session_sync(session=calibration))
    rows = {row.participant.user_id: row for row in results.participants}
    assert rows[in_house_reviewer.pk].agreement_pct == 75  # N/A against yes disagrees: 3 of 4
    assert rows[partner_reviewer.pk].agreement_pct == 75
    assert {group.kind for group in results.groups} == {"in_house", "partner"}
    calm = next(r for r in results.criteria if r.criterion.pk == version.c_calm.pk)
    assert calm.items[0].spread.counts[-1] == ("na", 2)


def test_calibration_reviews_never_count_in_agent_figures(
    calibration, version, agent, qa_lead, in_house_reviewer, partner_reviewer
):
    for user in (qa_lead, in_house_reviewer, partner_reviewer):
        submit(calibration, user, version)
    cal.session_sync(session=calibration)
    submitted = Review.objects.filter(is_calibration=True, submitted_at__isnull=False)
    assert submitted.count() == 6
    assert set(submitted.values_list("status", flat=True)) == {Review.Status.DRAFT}  # never released to the agent
    assert not review_selectors.counted(Review.objects.filter(agent=agent)).exists()
    assert not review_selectors.reviews_for_user(user=agent.user).exists()


def test_others_calibration_reviews_stay_hidden_in_the_review_queryset(
    calibration, in_house_reviewer, partner_reviewer
):
    mine = review_selectors.reviews_for_user(user=in_house_reviewer).filter(is_calibration=True)
    assert set(mine.values_list("reviewer_id", flat=True)) == {in_house_reviewer.pk}
    # The partner reviewer scores the in-house agent's conversation although the agent is outside their scope.
    assert review_selectors.reviews_for_user(user=partner_reviewer).filter(is_calibration=True).count() == 2


def test_revised_answers_are_kept_apart_and_counted_as_anchoring(
    calibration, version, qa_lead, in_house_reviewer, partner_reviewer
):
    for user, kwargs in ((qa_lead, {}), (in_house_reviewer, {}), (partner_reviewer, {"solve": 2})):
        submit(calibration, user, version, **kwargs)
    session = cal.session_sync(session=calibration)
    assignment = session.participants.get(user=partner_reviewer).assignments.select_related("review").first()
    with pytest.raises(ValidationError):
        cal.answer_revise(assignment=assignment, criterion=version.c_solve, user=in_house_reviewer, value=4)
    cal.answer_revise(assignment=assignment, criterion=version.c_solve, user=partner_reviewer, value=3)
    cal.answer_revise(assignment=assignment, criterion=version.c_solve, user=partner_reviewer, value=4)
    revision = assignment.revisions.get()
    assert (revision.before_value, revision.value) == (2, 4)
    assert assignment.review.answers.get(criterion=version.c_solve).value == 2  # the blind answer stays
    results = sel.session_results(session=session)
    assert results.anchoring.changes == 1
    assert results.anchoring.toward_benchmark == 1
    assert results.revisers == 1
    assert results.participants[-1].distance is not None
    cal.answer_revise(assignment=assignment, criterion=version.c_solve, user=partner_reviewer, value=2)
    assert not assignment.revisions.exists()


def test_answers_cannot_be_revised_before_the_results_open(calibration, version, partner_reviewer):
    assignment = calibration.participants.get(user=partner_reviewer).assignments.first()
    with pytest.raises(ValidationError):
        cal.answer_revise(assignment=assignment, criterion=version.c_solve, user=partner_reviewer, value=3)


def test_an_agreed_answer_becomes_guidance(calibration, version, qa_lead, in_house_reviewer):
    cal.session_close(session=calibration, user=qa_lead)
    with pytest.raises(ValidationError):
        cal.discussion_save(session=calibration, criterion=version.c_solve, user=in_house_reviewer, note="x")
    with pytest.raises(ValidationError):
        cal.discussion_save(session=calibration, criterion=version.c_solve, user=qa_lead, note="x", agreed_value=9)
    discussion = cal.discussion_save(
        session=calibration, criterion=version.c_solve, user=qa_lead, note="A workaround is a 2.", agreed_value=2
    )
    criterion = cal.discussion_promote(discussion=discussion, user=qa_lead)
    assert "agreed answer 2 (b). A workaround is a 2." in criterion.guidance
    assert "Week 12 calibration" in criterion.guidance
    with pytest.raises(ValidationError):
        cal.discussion_promote(discussion=discussion, user=qa_lead)


def test_a_gold_set_is_the_benchmark_of_its_sessions(version, agent, qa_lead, in_house_reviewer, partner_reviewer):
    contact = ContactFactory(agent=agent, channel="phone")
    gold = cal.gold_set_create(owner=qa_lead, name="Refund calls", version=version, contacts=[contact])
    item = gold.items.get()
    for criterion, value in ((version.c_listen, 1), (version.c_solve, 4), (version.c_data, 1), (version.c_calm, 1)):
        cal.gold_answer_set(item=item, criterion=criterion, user=qa_lead, value=value)
    with pytest.raises(ValidationError):
        cal.gold_answer_set(item=item, criterion=version.c_solve, user=qa_lead, value=8)
    with pytest.raises(ValidationError, match="NUL"):
        cal.gold_answer_set(item=item, criterion=version.c_solve, user=qa_lead, value=3, note="a\x00b")
    session = cal.session_create(
        owner=qa_lead,
        title="Gold run",
        participants=[in_house_reviewer, partner_reviewer],
        gold_set=gold,
        deadline=timezone.now() + timedelta(days=1),
    )
    submit(session, in_house_reviewer, version)
    submit(session, partner_reviewer, version, listen=0)
    session = cal.session_sync(session=session)
    results = sel.session_results(session=session)
    assert results.benchmark_scores == {session.items.get().pk: 95.0}
    rows = {row.participant.user_id: row for row in results.participants}
    assert rows[in_house_reviewer.pk].distance == 0
    assert rows[partner_reviewer.pk].distance == pytest.approx(55 - 95)
    comparison = {row["vendor__kind"]: row for row in sel.gold_set_comparison(gold_set=gold)}
    assert comparison["partner"]["agreement"] == 75


def test_history_and_vendor_figures_aggregate_closed_sessions(
    calibration, version, qa_lead, in_house_reviewer, partner_reviewer
):
    for user, kwargs in ((qa_lead, {}), (in_house_reviewer, {}), (partner_reviewer, {"listen": 0, "solve": 2})):
        submit(calibration, user, version, **kwargs)
    cal.session_sync(session=calibration)
    history = sel.reviewer_history(reviewer=partner_reviewer)
    assert history["summary"]["sessions"] == 1
    assert history["summary"]["tendency"] == "strict"
    figures = sel.vendor_figures(user=qa_lead)
    kinds = {row["vendor__kind"]: row for row in figures["kinds"]}
    assert kinds["in_house"]["agreement"] == 100 and kinds["partner"]["agreement"] == 50
    assert [row["tendency"] for row in figures["reviewers"]] == ["strict", "aligned"]
