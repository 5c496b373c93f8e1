from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.models import RollupMark
from qa.disputes import services as dispute_services
from qa.models import Review, ScorecardVersion
from qa.reviews import services as review_services
from qa.scorecards import services as scorecard_services
from qa.scoring import RawAnswer
from qa.tests.conftest import full_answers
from qa.tests.factories import ReviewFactory


def test_review_submit_scores_releases_and_marks_the_rollup(version, contact, reviewer_user):
    review = review_services.review_create(contact=contact, reviewer=reviewer_user, version=version)
    review = review_services.review_save(
        review=review, actor=reviewer_user, answers=full_answers(version), lock_version=0, submit=True
    )
    review.refresh_from_db()
    # listen 2×1, solve 1×0.75, data 1×1, calm 1×1 over 5 → 95
    assert review.score == Decimal("95.00")
    assert review.status == Review.Status.RELEASED
    assert review.submitted_at is not None
    skill_scores = {s.skill.code: s.score for s in review.skill_scores.select_related("skill")}
    assert skill_scores["active_listening"] == Decimal("100.00")
    assert skill_scores["problem_solving"] == Decimal("75.00")
    assert skill_scores["communication"] is None  # email-only line on a phone contact
    assert RollupMark.objects.filter(agent=review.agent, day=timezone.localdate(contact.started_at)).exists()


def test_review_submit_auto_fails_on_a_critical_fail_and_keeps_the_reason(version, contact, reviewer_user):
    review = review_services.review_create(contact=contact, reviewer=reviewer_user, version=version)
    review = review_services.review_save(
        review=review, actor=reviewer_user, answers=full_answers(version, data=0), lock_version=0, submit=True
    )
    assert review.score == Decimal("0.00")
    assert review.auto_failed
    assert review.auto_fail_reason == "Data protection: Read card number aloud"


def test_review_submit_requires_a_reason_for_a_critical_fail(version, contact, reviewer_user):
    review = review_services.review_create(contact=contact, reviewer=reviewer_user, version=version)
    answers = {**full_answers(version), version.c_data.pk: RawAnswer(0)}
    with pytest.raises(ValidationError) as error:
        review_services.review_save(review=review, actor=reviewer_user, answers=answers, lock_version=0, submit=True)
    assert f"criterion_{version.c_data.pk}" in error.value.message_dict


def test_review_submit_requires_every_applicable_answer_but_a_draft_does_not(version, contact, reviewer_user):
    review = review_services.review_create(contact=contact, reviewer=reviewer_user, version=version)
    partial = {version.c_listen.pk: RawAnswer(1)}
    with pytest.raises(ValidationError):
        review_services.review_save(review=review, actor=reviewer_user, answers=partial, lock_version=0, submit=True)
    review = review_services.review_save(review=review, actor=reviewer_user, answers=partial, lock_version=0)
    assert review.status == Review.Status.DRAFT and review.score == Decimal("100.00")


def test_second_reviewer_saving_a_stale_draft_gets_a_conflict_and_nothing_is_overwritten(
    version, contact, reviewer_user, second_reviewer
):
    review = review_services.review_create(contact=contact, reviewer=reviewer_user, version=version)
    loaded = review.lock_version
    review_services.review_save(
        review=review, actor=reviewer_user, answers={version.c_listen.pk: RawAnswer(1)}, lock_version=loaded
    )
    with pytest.raises(review_services.ReviewConflict) as error:
        review_services.review_save(
            review=review, actor=second_reviewer, answers={version.c_listen.pk: RawAnswer(0)}, lock_version=loaded
        )
    assert "saved this review" in error.value.messages[0]
    assert review.answers.get(criterion=version.c_listen).value == 1


def test_reviewer_cannot_review_their_own_work(version, agent, reviewer_user):
    from core.tests.factories import ContactFactory

    contact = ContactFactory(agent=agent)
    with pytest.raises(ValidationError):
        review_services.review_create(contact=contact, reviewer=agent.user, version=version)


def test_dispute_is_resolved_by_another_reviewer_with_history(version, contact, reviewer_user, second_reviewer, caplog):
    caplog.set_level("INFO", logger="skillhub.security")
    review = review_services.review_create(contact=contact, reviewer=reviewer_user, version=version)
    review = review_services.review_save(
        review=review, actor=reviewer_user, answers=full_answers(version), lock_version=0, submit=True
    )
    agent_user = contact.agent.user
    dispute_services.review_dispute(review=review, user=agent_user, reason="I did restate the issue at 02:10")
    review.refresh_from_db()
    assert review.status == Review.Status.DISPUTED
    with pytest.raises(ValidationError):
        dispute_services.review_resolve(
            review=review, resolver=reviewer_user, note="Upheld", lock_version=review.lock_version
        )
    dispute_services.review_resolve(
        review=review,
        resolver=second_reviewer,
        note="Agreed, the solve line was harsh",
        lock_version=review.lock_version,
        answers={version.c_solve.pk: RawAnswer(5)},
    )
    review.refresh_from_db()
    assert review.status == Review.Status.RESOLVED
    assert review.score == Decimal("100.00")
    assert review.resolved_by == second_reviewer
    from qa.reviews.selectors import review_history

    history = review_history(review=review)
    whys = [entry.why for entry in history]
    assert "Submitted" in whys and "Disputed by the agent" in whys and "Dispute resolved" in whys
    answer_change = [e for e in history if any(c.what == "Root cause" for c in e.changes)]
    assert answer_change and answer_change[0].who == second_reviewer
    assert answer_change[0].changes[0].old == "4 of 1–5" and answer_change[0].changes[0].new == "5 of 1–5"
    # Score changes are in the security log: who, which review, the score.
    events = [(r.event, r.who) for r in caplog.records if r.name == "skillhub.security"]
    assert ("review_submitted", reviewer_user.username) in events
    assert ("review_dispute_resolved", second_reviewer.username) in events
    assert f"review={review.pk} score='100.00'" in caplog.text


def test_only_the_agent_acknowledges_and_only_once(version, contact, reviewer_user):
    review = review_services.review_create(contact=contact, reviewer=reviewer_user, version=version)
    review = review_services.review_save(
        review=review, actor=reviewer_user, answers=full_answers(version), lock_version=0, submit=True
    )
    with pytest.raises(ValidationError):
        review_services.review_acknowledge(review=review, user=reviewer_user)
    review_services.review_acknowledge(review=review, user=contact.agent.user)
    with pytest.raises(ValidationError):
        dispute_services.review_dispute(review=review, user=contact.agent.user, reason="late")


def test_editing_a_version_with_reviews_creates_a_new_version_and_old_reviews_keep_theirs(
    version, contact, reviewer_user
):
    review = review_services.review_create(contact=contact, reviewer=reviewer_user, version=version)
    review_services.review_save(
        review=review, actor=reviewer_user, answers=full_answers(version), lock_version=0, submit=True
    )
    target = scorecard_services.version_for_editing(version=version, user=reviewer_user)
    assert target != version and target.number == version.number + 1 and target.status == "draft"
    assert sorted(target.criteria.values_list("key", flat=True)) == sorted(
        version.criteria.values_list("key", flat=True)
    )
    with pytest.raises(ValidationError):
        scorecard_services.criterion_save(
            section=version.sections.first(), criterion=version.c_listen, text="x", weight=1
        )
    new_listen = target.criteria.get(key=version.c_listen.key)
    scorecard_services.criterion_save(
        section=new_listen.section, criterion=new_listen, text="Restated issue", weight=Decimal(10), scale="yes_no"
    )
    scorecard_services.version_publish(version=target)
    version.refresh_from_db()
    review.refresh_from_db()
    assert version.status == ScorecardVersion.Status.RETIRED
    assert review.version == version and review.score == Decimal("95.00")
    # Published, even without reviews yet: never edited in place; its edits go to a new draft.
    assert target.status == ScorecardVersion.Status.PUBLISHED and not target.reviews.exists()
    next_draft = scorecard_services.version_for_editing(version=target, user=None)
    assert next_draft != target and next_draft.status == ScorecardVersion.Status.DRAFT
    assert scorecard_services.version_for_editing(version=next_draft, user=None) == next_draft  # a draft: in place


def test_criterion_points_need_a_description_per_point(version):
    draft = scorecard_services.version_copy(version=version, user=None)
    with pytest.raises(ValidationError) as error:
        scorecard_services.criterion_save(
            section=draft.sections.first(),
            text="Tone",
            weight=Decimal(1),
            scale="points",
            scale_min=1,
            scale_max=3,
            point_labels=["bad", "ok"],
        )
    assert "point_labels" in error.value.message_dict


def test_existing_review_factory_is_scored_from_raw_answers(version, reviewer_user):
    review = ReviewFactory(version=version, reviewer=reviewer_user)
    review = review_services.review_save(
        review=review, actor=reviewer_user, answers=full_answers(version, calm_na=True), lock_version=0, submit=True
    )
    # 2 + 0.75 + 1 over 4 = 93.75
    assert review.score == Decimal("93.75")
    assert review.submitted_at <= timezone.now() + timedelta(seconds=1)


def test_submitted_and_resolved_reviews_feed_the_daily_rollups(version, contact, reviewer_user, second_reviewer):
    from metrics.models import AgentDay, AgentSkillDay
    from metrics.rollups import rollup_pending

    review = review_services.review_create(contact=contact, reviewer=reviewer_user, version=version)
    review = review_services.review_save(
        review=review, actor=reviewer_user, answers=full_answers(version), lock_version=0, submit=True
    )
    rollup_pending()
    day = AgentDay.objects.get(agent=contact.agent, day=contact.day)
    assert (day.reviews, day.qa_score_sum) == (1, Decimal("95.00"))
    solving = AgentSkillDay.objects.get(agent=contact.agent, day=contact.day, skill=version.c_solve.skill)
    assert (solving.reviews, solving.score_sum) == (1, Decimal("75.00"))
    dispute_services.review_dispute(review=review, user=contact.agent.user, reason="Listen again")
    review.refresh_from_db()
    dispute_services.review_resolve(
        review=review,
        resolver=second_reviewer,
        note="Changed",
        lock_version=review.lock_version,
        answers={version.c_solve.pk: RawAnswer(5)},
    )
    rollup_pending()
    day = AgentDay.objects.get(agent=contact.agent, day=contact.day)
    assert (day.reviews, day.qa_score_sum) == (1, Decimal("100.00"))


def test_calibration_reviews_are_locked_on_submit_and_never_counted(version, contact, reviewer_user):
    review_services.review_create(contact=contact, reviewer=reviewer_user, version=version)
    calibration = review_services.review_create(
        contact=contact, reviewer=reviewer_user, version=version, is_calibration=True
    )
    calibration = review_services.review_save(
        review=calibration, actor=reviewer_user, answers=full_answers(version), lock_version=0, submit=True
    )
    assert calibration.status == Review.Status.DRAFT and calibration.submitted_at is not None
    assert not review_services.review_is_editable(calibration)
    assert not RollupMark.objects.filter(agent=contact.agent).exists()
    from qa.reviews.selectors import counted, reviews_for_user

    assert not counted(Review.objects.filter(pk=calibration.pk)).exists()
    assert not reviews_for_user(user=contact.agent.user).filter(pk=calibration.pk).exists()


# One review per contact ---------------------------------------------------------------------------------------------


def test_database_refuses_a_second_review_of_a_contact_but_not_calibration_reviews(version, contact, reviewer_user):
    from django.db import IntegrityError, transaction

    review_services.review_create(contact=contact, reviewer=reviewer_user, version=version)
    fields = {"contact": contact, "agent": contact.agent, "team": contact.team, "version": version}
    for status in (Review.Status.DRAFT, Review.Status.RELEASED):  # whatever its status
        with pytest.raises(IntegrityError), transaction.atomic():
            Review.objects.create(**fields, status=status)
    Review.objects.create(**fields, is_calibration=True)
    Review.objects.create(**fields, is_calibration=True, status=Review.Status.RELEASED)
    assert Review.objects.filter(contact=contact).count() == 3
    with pytest.raises(ValidationError, match="already has a review"):
        Review(**fields).validate_constraints()


def test_review_create_turns_a_lost_race_into_a_validation_error(version, contact, reviewer_user, monkeypatch):
    review_services.review_create(contact=contact, reviewer=reviewer_user, version=version)
    # The other request's review was not there yet when this one checked; its insert then fails on the constraint.
    checks = iter([False, True])
    monkeypatch.setattr(review_services, "has_review", lambda contact_ids: next(checks))
    with pytest.raises(ValidationError) as error:
        review_services.review_create(contact=contact, reviewer=reviewer_user, version=version)
    assert error.value.message_dict == {"contact": ["This conversation already has a review."]}
    assert Review.objects.filter(contact=contact).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_reviews_of_a_contact_created_at_once_give_one_review_and_one_validation_error(postgres_only, vendor):
    import threading

    from django.db import connections, transaction

    from core import roles
    from core.tests.factories import ContactFactory, ScopeFactory, UserFactory
    from qa.tests.factories import VersionFactory

    version = VersionFactory()
    contact = ContactFactory()
    reviewers = [UserFactory(roles=[roles.QA_REVIEWER]) for _ in range(2)]
    for user in reviewers:
        ScopeFactory(user=user, vendors=[vendor])
    first_inserted, results = threading.Event(), {}

    def first():  # creates its review and commits only once the second request has passed its check
        try:
            with transaction.atomic():
                results["first"] = review_services.review_create(
                    contact=contact, reviewer=reviewers[0], version=version
                )
                first_inserted.set()
                while not checked.is_set():
                    checked.wait(0.05)
                threading.Event().wait(0.3)  # the second insert now waits on this row's commit
        finally:
            connections.close_all()

    checked = threading.Event()
    real_has_review = review_services.has_review

    def second():
        try:
            first_inserted.wait(5)
            calls = []

            def has_review(contact_ids):
                found = real_has_review(contact_ids)
                if not calls:
                    checked.set()
                calls.append(found)
                return found

            with mock.patch.object(review_services, "has_review", has_review):
                review_services.review_create(contact=contact, reviewer=reviewers[1], version=version)
        except ValidationError as error:
            results["second"] = error
            results["checks"] = calls
        except Exception as error:  # pragma: no cover - reported below
            results["second"] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert isinstance(results["second"], ValidationError), results["second"]
    assert results["second"].message_dict == {"contact": ["This conversation already has a review."]}
    assert results["checks"] == [False, True]  # the check passed, the insert lost, the error names the rule
    assert list(Review.objects.filter(contact=contact).values_list("pk", flat=True)) == [results["first"].pk]
