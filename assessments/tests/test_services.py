from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from assessments import selectors, services
from assessments.models import AgentSkillBaseline, Candidate, CandidateTest, Interview, Question, Rating, Stage
from assessments.tests.conftest import score
from assessments.tests.factories import CandidateFactory, RequisitionFactory
from core import roles, skill_codes
from core.models import Agent, RoleProfile, RoleProfileSkill, Skill, SkillTier

pytestmark = pytest.mark.django_db


def test_bank_has_three_questions_with_anchors_for_every_core_skill():
    for skill in Skill.objects.filter(is_core=True):
        questions = Question.objects.filter(skill=skill)
        assert questions.count() >= 3, skill.code
        for question in questions:
            assert question.strong_answer and question.weak_answer
            assert all(text for _, text in question.anchors())


def test_kit_gives_primary_and_secondary_skills_more_questions(requisition):
    kit = selectors.kit_questions(requisition=requisition, stage=Stage.BEHAVIOURAL)
    per_skill = {}
    for question in kit:
        per_skill[question.skill.code] = per_skill.get(question.skill.code, 0) + 1
    assert per_skill[skill_codes.COMMUNICATION] == 3  # primary in technical support
    assert per_skill[skill_codes.PATIENCE] == 2  # secondary
    assert per_skill[skill_codes.PROBLEM_SOLVING] == 1
    assert per_skill[skill_codes.EMPATHY] == 1
    assert len({question.pk for question in kit}) == len(kit)


def test_screening_kit_asks_one_question_per_foundational_skill(requisition):
    kit = selectors.kit_questions(requisition=requisition, stage=Stage.SCREENING)
    assert {q.skill.code for q in kit} == set(
        Skill.objects.filter(tier=SkillTier.FOUNDATIONAL, is_core=True).values_list("code", flat=True)
    )
    assert len(kit) == len({q.skill_id for q in kit})


def test_kit_follows_another_profile(hiring_user):
    escalation = RequisitionFactory(
        hiring_team=[hiring_user], role_profile=RoleProfile.objects.get(code=skill_codes.ESCALATION_HANDLING)
    )
    kit = selectors.kit_questions(requisition=escalation, stage=Stage.BEHAVIOURAL)
    assert sum(1 for q in kit if q.skill.code == skill_codes.DE_ESCALATION) == 3


def test_weighted_score_uses_role_profile_weights(candidate, hiring_user):
    # Technical support: communication × 3, patience × 2, problem-solving × 1.5, every other core skill × 1.
    score(
        candidate=candidate,
        user=hiring_user,
        by_skill={skill_codes.COMMUNICATION: 4, skill_codes.PATIENCE: 1},
        default=2,
    )
    result = selectors.candidate_scores(candidates=[candidate])[candidate.pk]
    weights = dict(
        RoleProfileSkill.objects.filter(profile=candidate.requisition.role_profile).values_list("skill__code", "weight")
    )
    expected_num = sum(
        float(w) * {skill_codes.COMMUNICATION: 4, skill_codes.PATIENCE: 1}.get(code, 2) for code, w in weights.items()
    )
    expected = expected_num / sum(float(w) for w in weights.values())
    assert result.weighted_score == pytest.approx(round(expected, 2))
    # Weighting matters: the unweighted mean differs.
    assert result.weighted_score != pytest.approx(
        sum({skill_codes.COMMUNICATION: 4, skill_codes.PATIENCE: 1}.get(code, 2) for code in weights) / len(weights)
    )
    assert result.skill_scores[skill_codes.COMMUNICATION] == {"score": 4.0, "n": 3, "not_enough_evidence": 0}
    card = selectors.scorecard(candidate=candidate)
    assert card["weighted_score"] == pytest.approx(expected)


def test_weighted_score_by_hand_on_two_skills(candidate, hiring_user):
    """Only communication (w 3, mean 4) and patience (w 2, mean 1) rated: (3×4 + 2×1) / 5 = 2.8."""
    others = [
        s
        for s in Skill.objects.values_list("code", flat=True)
        if s not in (skill_codes.COMMUNICATION, skill_codes.PATIENCE)
    ]
    score(
        candidate=candidate,
        user=hiring_user,
        by_skill={skill_codes.COMMUNICATION: 4, skill_codes.PATIENCE: 1},
        nee_skills=others,
    )
    assert selectors.candidate_scores(candidates=[candidate])[candidate.pk].weighted_score == 2.8


def test_not_enough_evidence_is_kept_apart_and_left_out_of_averages(candidate, hiring_user, second_hiring_user):
    score(candidate=candidate, user=hiring_user, default=4, nee_skills=[skill_codes.EMPATHY])
    score(candidate=candidate, user=second_hiring_user, default=4, by_skill={skill_codes.EMPATHY: 2})
    scores = selectors.candidate_scores(candidates=[candidate])[candidate.pk].skill_scores
    assert scores[skill_codes.EMPATHY] == {"score": 2.0, "n": 1, "not_enough_evidence": 1}
    nee = Rating.objects.get(interview__interviewer=hiring_user, skill__code=skill_codes.EMPATHY)
    assert nee.score is None and nee.not_enough_evidence


def test_not_enough_evidence_clears_a_score(candidate, hiring_user):
    interview = services.interview_start(candidate=candidate, stage="behavioural", interviewer=hiring_user)
    key = selectors.interview_items(interview=interview)[0].key
    services.rating_save(interview=interview, item_key=key, score=1)
    rating = services.rating_save(interview=interview, item_key=key, score=3, not_enough_evidence=True)
    assert rating.score is None and rating.not_enough_evidence


def test_scorecard_flags_disagreement_and_shows_foundational_apart(candidate, hiring_user, second_hiring_user):
    score(candidate=candidate, user=hiring_user, default=3, by_skill={skill_codes.EMPATHY: 4}, recommendation="yes")
    score(
        candidate=candidate, user=second_hiring_user, default=3, by_skill={skill_codes.EMPATHY: 1}, recommendation="no"
    )
    card = selectors.scorecard(candidate=candidate)
    empathy = next(row for row in card["foundational"] if row.skill.code == skill_codes.EMPATHY)
    assert empathy.disagreement and empathy.spread == 3
    assert all(row.skill.tier == SkillTier.FOUNDATIONAL for row in card["foundational"])
    assert all(row.skill.tier != SkillTier.FOUNDATIONAL for row in card["other"])
    listening = next(row for row in card["foundational"] if row.skill.code == skill_codes.ACTIVE_LISTENING)
    assert not listening.disagreement
    assert card["recommendation_split"] and card["any_disagreement"]


def test_rating_refuses_items_outside_the_kit_and_bad_scores(candidate, hiring_user):
    interview = services.interview_start(candidate=candidate, stage="behavioural", interviewer=hiring_user)
    with pytest.raises(ValidationError):
        services.rating_save(interview=interview, item_key="q:999999", score=3)
    key = selectors.interview_items(interview=interview)[0].key
    with pytest.raises(ValidationError):
        services.rating_save(interview=interview, item_key=key, score=5)


def test_ratings_save_writes_all_or_nothing(candidate, hiring_user, monkeypatch):
    interview = services.interview_start(candidate=candidate, stage="behavioural", interviewer=hiring_user)
    first, second = (item.key for item in selectors.interview_items(interview=interview)[:2])
    with pytest.raises(ValidationError):
        services.ratings_save(
            interview=interview,
            ratings=[services.RatingInput(item_key=first, score=3), services.RatingInput(item_key="q:999999", score=3)],
        )
    assert not Rating.objects.exists()
    saved = services.ratings_save(
        interview=interview,
        ratings=[
            services.RatingInput(item_key=first, score=3, evidence="an example"),
            services.RatingInput(item_key=second, score=2, not_enough_evidence=True),
        ],
    )
    assert [(r.item_key, r.score, r.not_enough_evidence) for r in saved] == [(first, 3, False), (second, None, True)]
    assert Rating.history.filter(interview_id=interview.pk, history_user=hiring_user).count() == 2
    # A failure while writing (the new rating is inserted, then the update of the changed one fails) undoes both.
    third = selectors.interview_items(interview=interview)[2].key

    def broken(*args, **kwargs):
        raise RuntimeError("write failed")

    monkeypatch.setattr(services, "bulk_update_with_history", broken)
    with pytest.raises(RuntimeError):
        services.ratings_save(
            interview=interview,
            ratings=[services.RatingInput(item_key=first, score=1), services.RatingInput(item_key=third, score=2)],
        )
    assert sorted(Rating.objects.values_list("item_key", "score")) == sorted([(first, 3), (second, None)])


def test_submit_needs_every_item_rated_and_a_recommendation(candidate, hiring_user):
    interview = services.interview_start(candidate=candidate, stage="behavioural", interviewer=hiring_user)
    with pytest.raises(ValidationError, match="left"):
        services.interview_submit(interview=interview, recommendation="yes")
    interview = score(candidate=candidate, user=hiring_user, submit=False)
    with pytest.raises(ValidationError):
        services.interview_submit(interview=interview, recommendation="maybe")
    services.interview_submit(interview=interview, recommendation="strong_yes")
    with pytest.raises(ValidationError):
        services.rating_save(interview=interview, item_key=Rating.objects.first().item_key, score=1)


def test_role_play_rates_the_scenario_criteria(candidate, hiring_user):
    from assessments.models import Scenario

    scenario = Scenario.objects.get(code="billing-escalated")
    interview = score(candidate=candidate, user=hiring_user, stage="role_play", scenario=scenario)
    assert interview.ratings.count() == scenario.criteria.count() == 4
    with pytest.raises(ValidationError):
        services.interview_start(
            candidate=candidate, stage="role_play", interviewer=candidate.requisition.hiring_team.last()
        )


def test_seeded_scenarios_and_tickets():
    from assessments.models import AptitudeTest, MockTicket, Scenario

    assert {"late-wrong-item", "billing-escalated", "tech-fix-non-technical"} <= set(
        Scenario.objects.values_list("code", flat=True)
    )
    for scenario in Scenario.objects.all():
        assert scenario.criteria.count() >= 4 and len(scenario.debrief_list()) >= 2
    assert MockTicket.objects.count() >= 3
    assert {"simple", "hard"} <= set(MockTicket.objects.values_list("difficulty", flat=True))
    assert AptitudeTest.objects.get().questions.count() >= 10


def test_moves_keep_history(candidate, hiring_user):
    services.candidate_move(candidate=candidate, to_stage="role_play", moved_by=hiring_user, note="skip ahead")
    services.candidate_move(candidate=candidate, to_stage="behavioural", moved_by=hiring_user)
    moves = list(candidate.moves.order_by("pk").values_list("from_stage", "to_stage"))
    assert moves == [("screening", "role_play"), ("role_play", "behavioural")]
    with pytest.raises(ValidationError):
        services.candidate_move(candidate=candidate, to_stage="hired", moved_by=hiring_user)


def test_requisition_needs_hiring_managers(hiring_user, agent_user):
    profile = RoleProfile.objects.first()
    with pytest.raises(ValidationError):
        services.requisition_create(title="x", role_profile=profile, hiring_team=[agent_user], created_by=hiring_user)
    requisition = services.requisition_create(title="x", role_profile=profile, hiring_team=[], created_by=hiring_user)
    assert list(requisition.hiring_team.all()) == [hiring_user]
    with pytest.raises(ValidationError):
        services.requisition_create(
            title="y", role_profile=profile, hiring_team=[hiring_user], created_by=hiring_user, stages=["nope"]
        )


# ---------------------------------------------------------------- candidate tests


def _aptitude(candidate, hiring_user):
    test, token = services.candidate_test_issue(candidate=candidate, kind="aptitude", created_by=hiring_user)
    return test, token


def test_aptitude_is_scored_automatically(candidate, hiring_user):
    test, token = _aptitude(candidate, hiring_user)
    services.candidate_test_start(test=test)
    questions = list(test.aptitude_test.questions.order_by("position"))
    for index, question in enumerate(questions):
        right = index < 7
        choice = question.correct_choice if right else (question.correct_choice + 1) % len(question.choices)
        services.aptitude_answer_save(test=test, question=question, choice=choice)
    services.candidate_test_submit(test=test)
    assert selectors.aptitude_score(candidate_test=test) == (7, len(questions))
    results = selectors.aptitude_results(candidate=candidate)
    assert (results["correct"], results["total"]) == (7, len(questions))
    assert sum(row["correct"] for row in results["per_skill"]) == 7


def test_link_token_is_unguessable_and_stored_hashed(candidate, hiring_user):
    test, token = _aptitude(candidate, hiring_user)
    assert len(token) >= 40
    assert token not in test.token_hash
    assert services.candidate_test_for_token(token=token) == test
    with pytest.raises(services.LinkUnavailable) as exc:
        services.candidate_test_for_token(token=token[:-1] + ("A" if token[-1] != "A" else "B"))
    assert exc.value.reason == "unknown"


def test_link_expires(candidate, hiring_user):
    test, token = _aptitude(candidate, hiring_user)
    CandidateTest.objects.filter(pk=test.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(services.LinkUnavailable) as exc:
        services.candidate_test_for_token(token=token)
    assert exc.value.reason == "expired"


def test_link_is_single_use(candidate, hiring_user):
    test, token = services.candidate_test_issue(candidate=candidate, kind="mock_ticket", created_by=hiring_user)
    services.candidate_test_submit(test=test)
    with pytest.raises(services.LinkUnavailable) as exc:
        services.candidate_test_for_token(token=token)
    assert exc.value.reason == "used"
    from assessments.models import MockTicket

    with pytest.raises(ValidationError):
        services.ticket_reply_save(test=test, ticket=MockTicket.objects.first(), body="late")


def test_new_link_replaces_the_open_one(candidate, hiring_user):
    _, first = _aptitude(candidate, hiring_user)
    _, second = _aptitude(candidate, hiring_user)
    with pytest.raises(services.LinkUnavailable):
        services.candidate_test_for_token(token=first)
    assert services.candidate_test_for_token(token=second)


def test_aptitude_time_limit_closes_the_test(candidate, hiring_user):
    test, token = _aptitude(candidate, hiring_user)
    services.candidate_test_start(test=test)
    CandidateTest.objects.filter(pk=test.pk).update(
        started_at=timezone.now() - timedelta(minutes=test.aptitude_test.time_limit_minutes, seconds=1)
    )
    test.refresh_from_db()
    with pytest.raises(ValidationError):
        services.aptitude_answer_save(test=test, question=test.aptitude_test.questions.first(), choice=0)
    with pytest.raises(services.LinkUnavailable) as exc:
        services.candidate_test_for_token(token=token)
    assert exc.value.reason == "time_up"
    test.refresh_from_db()
    assert test.submitted_at is not None


# ---------------------------------------------------------------- hire


def test_hire_creates_agent_with_baseline(candidate, hiring_user, second_hiring_user, team):
    score(candidate=candidate, user=hiring_user, default=3, by_skill={skill_codes.COMMUNICATION: 4})
    score(candidate=candidate, user=second_hiring_user, default=2, by_skill={skill_codes.COMMUNICATION: 4})
    agent = services.candidate_hire(
        candidate=candidate,
        decided_by=hiring_user,
        reasons="Clear writer, calm under pressure.",
        team=team,
        start_date=date(2026, 1, 5),
        employee_id="H0001",
    )
    candidate.refresh_from_db()
    assert candidate.stage == Stage.HIRED and candidate.agent == agent
    assert agent.role_profile == candidate.requisition.role_profile and agent.team == team
    assert agent.user.groups.filter(name=roles.AGENT).exists()
    baseline = {row.skill.code: row for row in AgentSkillBaseline.objects.filter(agent=agent)}
    assert float(baseline[skill_codes.COMMUNICATION].score) == 4.0
    assert baseline[skill_codes.COMMUNICATION].ratings == 6
    assert float(baseline[skill_codes.EMPATHY].score) == 2.5
    with pytest.raises(ValidationError):
        services.candidate_reject(candidate=candidate, decided_by=hiring_user, reasons="changed mind")


def test_hire_refuses_duplicates_and_missing_reasons(candidate, hiring_user, team, agent):
    with pytest.raises(ValidationError):
        services.candidate_hire(
            candidate=candidate,
            decided_by=hiring_user,
            reasons=" ",
            team=team,
            start_date=date.today(),
            employee_id="Z1",
        )
    with pytest.raises(ValidationError):
        services.candidate_hire(
            candidate=candidate,
            decided_by=hiring_user,
            reasons="ok",
            team=team,
            start_date=date.today(),
            employee_id=agent.employee_id,
        )
    assert Agent.objects.count() == 1


def test_reject_records_reasons(candidate, hiring_user, caplog):
    caplog.set_level("INFO", logger="skillhub.security")
    services.candidate_reject(candidate=candidate, decided_by=hiring_user, reasons="Not yet ready.")
    candidate.refresh_from_db()
    assert candidate.stage == Stage.REJECTED and candidate.decision_reasons == "Not yet ready."
    assert candidate.moves.filter(to_stage=Stage.REJECTED).exists()
    decision = [r for r in caplog.records if r.name == "skillhub.security" and r.event == "hiring_decision"]
    assert decision and decision[0].who == hiring_user.username
    assert f"candidate={candidate.pk}" in decision[0].getMessage() and "'rejected'" in decision[0].getMessage()


# ---------------------------------------------------------------- blindness and scope


def test_blindness_until_own_submission(candidate, hiring_user, second_hiring_user):
    score(candidate=candidate, user=hiring_user)
    assert selectors.can_see_others_ratings(user=hiring_user, candidate=candidate)
    assert not selectors.can_see_others_ratings(user=second_hiring_user, candidate=candidate)
    draft = score(candidate=candidate, user=second_hiring_user, submit=False)
    assert not selectors.can_see_others_ratings(user=second_hiring_user, candidate=candidate)
    services.interview_submit(interview=draft, recommendation="no")
    assert selectors.can_see_others_ratings(user=second_hiring_user, candidate=candidate)
    # A new draft at another stage hides the others again until it is submitted.
    score(candidate=candidate, user=second_hiring_user, stage="screening", submit=False)
    assert not selectors.can_see_others_ratings(user=second_hiring_user, candidate=candidate)


@pytest.mark.parametrize("fixture", ["lead_user", "reviewer_user", "agent_user"])
def test_roles_outside_hiring_see_no_candidates(request, fixture, candidate):
    user = request.getfixturevalue(fixture)
    assert not selectors.requisitions_for_user(user=user).exists()
    assert not selectors.candidates_for_user(user=user).exists()


def test_hiring_manager_sees_only_requisitions_they_are_on(hiring_user, candidate, other_candidate, admin_user):
    assert list(selectors.candidates_for_user(user=hiring_user)) == [candidate]
    assert set(selectors.candidates_for_user(user=admin_user)) == {candidate, other_candidate}


def test_interview_unique_per_stage_and_interviewer(candidate, hiring_user):
    first = services.interview_start(candidate=candidate, stage="behavioural", interviewer=hiring_user)
    again = services.interview_start(candidate=candidate, stage="behavioural", interviewer=hiring_user)
    assert first == again and Interview.objects.count() == 1
    with pytest.raises(ValidationError):
        services.interview_start(candidate=candidate, stage="aptitude", interviewer=hiring_user)


def test_candidate_factory_default_stage_is_screening(hiring_user):
    candidate = CandidateFactory(requisition=RequisitionFactory(hiring_team=[hiring_user]))
    assert candidate.stage == Stage.SCREENING


def test_four_links_issued_in_a_row_leave_one_live(candidate, hiring_user):
    tokens = [_aptitude(candidate, hiring_user)[1] for _ in range(4)]
    for token in tokens[:3]:
        with pytest.raises(services.LinkUnavailable) as exc:
            services.candidate_test_for_token(token=token)
        assert exc.value.reason == "replaced"
    assert services.candidate_test_for_token(token=tokens[3])
    assert CandidateTest.objects.filter(candidate=candidate, kind="aptitude", revoked_at__isnull=True).count() == 1


def test_the_database_refuses_a_second_open_link_of_a_test(candidate, hiring_user):
    """Two links issued at once (each request's revoke ran before the other's insert) cannot both stay live."""
    from django.db import IntegrityError, transaction

    test, _ = _aptitude(candidate, hiring_user)
    # The one-open-link rule by name (PostgreSQL) or by its columns (SQLite), not any integrity error.
    unique = r"candidate_test_one_open_link|candidate_id, assessments_candidatetest\.kind"
    with pytest.raises(IntegrityError, match=unique), transaction.atomic():
        CandidateTest.objects.create(
            candidate=candidate,
            kind="aptitude",
            aptitude_test=test.aptitude_test,
            token_hash="0" * 64,
            expires_at=test.expires_at,
        )
    # Another test, or a submitted one, is no conflict.
    services.candidate_test_issue(candidate=candidate, kind="mock_ticket", created_by=hiring_user)
    services.candidate_test_submit(test=test)
    _aptitude(candidate, hiring_user)


@pytest.mark.parametrize("decision", ["reject", "hire"])
def test_links_stop_working_once_the_candidate_has_a_decision(candidate, hiring_user, team, decision):
    test, token = services.candidate_test_issue(candidate=candidate, kind="mock_ticket", created_by=hiring_user)
    if decision == "reject":
        services.candidate_reject(candidate=candidate, decided_by=hiring_user, reasons="Not a fit")
    else:
        services.candidate_hire(
            candidate=candidate,
            decided_by=hiring_user,
            reasons="Great",
            team=team,
            start_date=timezone.localdate(),
            employee_id="E-LINK",
        )
    with pytest.raises(services.LinkUnavailable) as exc:
        services.candidate_test_for_token(token=token)
    assert exc.value.reason == "closed"
    test.refresh_from_db()
    assert test.revoked_at is not None
    from assessments.models import MockTicket

    with pytest.raises(ValidationError):
        services.ticket_reply_save(test=test, ticket=MockTicket.objects.first(), body="late")


def test_a_link_of_a_decided_candidate_is_refused_even_if_not_revoked(candidate, hiring_user):
    """The stage is checked on every use, not only through the revocation at decision time."""
    _, token = services.candidate_test_issue(candidate=candidate, kind="mock_ticket", created_by=hiring_user)
    Candidate.objects.filter(pk=candidate.pk).update(stage="rejected")
    with pytest.raises(services.LinkUnavailable) as exc:
        services.candidate_test_for_token(token=token)
    assert exc.value.reason == "closed"


def test_every_skill_a_seeded_role_profile_weights_has_questions_a_rubric_line_and_a_scenario():
    from assessments.models import RubricCriterion, Scenario

    weighted = Skill.objects.filter(profile_weights__weight__gt=0).distinct()
    assert {skill_codes.PERSUASION, skill_codes.RESILIENCE} <= set(weighted.values_list("code", flat=True))
    for skill in weighted:
        questions = Question.objects.filter(skill=skill, is_active=True)
        assert questions.count() >= 3, skill.code
        for question in questions:
            assert question.strong_answer and question.weak_answer, question.code
            assert all(text for _, text in question.anchors()), question.code
        criteria = RubricCriterion.objects.filter(skill=skill)
        assert criteria.exists(), skill.code
        assert all(all(text for _, text in criterion.anchors()) for criterion in criteria), skill.code
        assert Scenario.objects.filter(is_active=True, criteria__skill=skill).exists(), skill.code


def test_role_skill_bank_migration_is_idempotent():
    import importlib

    from django.apps import apps

    from assessments.models import RubricCriterion, Scenario

    before = (Question.objects.count(), Scenario.objects.count(), RubricCriterion.objects.count())
    importlib.import_module("assessments.migrations.0006_seed_role_skill_bank").forward(apps, None)
    assert (Question.objects.count(), Scenario.objects.count(), RubricCriterion.objects.count()) == before


def test_sales_kit_asks_persuasion_and_resilience_questions(hiring_user):
    requisition = RequisitionFactory(
        role_profile=RoleProfile.objects.get(code=skill_codes.SALES_RENEWALS), hiring_team=[hiring_user]
    )
    kit = selectors.kit_questions(requisition=requisition, stage=Stage.BEHAVIOURAL)
    by_skill = [question.skill.code for question in kit]
    assert by_skill.count(skill_codes.PERSUASION) == 3 and by_skill.count(skill_codes.RESILIENCE) == 2
    assert by_skill[:3] == [skill_codes.PERSUASION] * 3  # the primary skill first
    screening = selectors.kit_questions(requisition=requisition, stage=Stage.SCREENING)
    assert skill_codes.RESILIENCE in {question.skill.code for question in screening}  # foundational


def test_upgrade_revokes_expired_links_and_links_of_decided_candidates(candidate, hiring_user, other_candidate):
    """Migration 0004's backfill: an expired open link is revoked as of its expiry, a decided candidate's open link
    as of now, and a live link of an undecided candidate stays open."""
    import importlib

    from django.apps import apps

    expired, _ = services.candidate_test_issue(candidate=candidate, kind="mock_ticket", created_by=hiring_user)
    live, _ = _aptitude(candidate, hiring_user)
    decided, _ = services.candidate_test_issue(candidate=other_candidate, kind="mock_ticket", created_by=hiring_user)
    past = timezone.now() - timedelta(days=1)
    CandidateTest.objects.filter(pk=expired.pk).update(expires_at=past)
    Candidate.objects.filter(pk=other_candidate.pk).update(stage="rejected")
    importlib.import_module("assessments.migrations.0004_candidate_test_revoked_at").revoke_replaced_links(apps, None)
    for test in (expired, live, decided):
        test.refresh_from_db()
    assert expired.revoked_at == past
    assert live.revoked_at is None
    assert decided.revoked_at is not None
