"""Suggestions from the data and the choice of a peer mentor."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from coaching import selectors, services
from coaching.models import Activity, PlanActivity, Suggestion
from coaching.status import GoalStatus
from coaching.tests.factories import ActivityFactory, GoalFactory, PlanFactory, agent_day, agent_skill_day, skill
from core.models import Agent
from core.tests.factories import AgentFactory, TeamFactory

START, END = date(2026, 5, 1), date(2026, 5, 28)
pytestmark = pytest.mark.django_db


def _scores(agent, skill_obj, reviews, mean):
    agent_skill_day(agent, START + timedelta(days=3), skill_obj, reviews, reviews * mean)


# --- mentor choice (pure) ----------------------------------------------------------------------------------------


def _row(agent_id, score, reviews=5, skill_id=1):
    return {"agent_id": agent_id, "skill_id": skill_id, "reviews": reviews, "score": score}


def test_mentor_is_the_best_of_the_top_quartile():
    scores = [_row(n, 60 + n) for n in range(1, 9)]  # 8 agents: the top quartile is the best two (8 and 7)
    assert selectors.mentor_choose(agent_id=1, skill_id=1, scores=scores, load={}, limit=2) == 8


def test_mentor_skips_agents_mentoring_too_many():
    scores = [_row(n, 60 + n) for n in range(1, 9)]
    assert selectors.mentor_choose(agent_id=1, skill_id=1, scores=scores, load={8: 2}, limit=2) == 7
    assert selectors.mentor_choose(agent_id=1, skill_id=1, scores=scores, load={8: 2, 7: 5}, limit=2) is None


def test_mentor_is_never_outside_the_top_quartile_or_the_agent_themself():
    scores = [_row(n, 60 + n) for n in range(1, 9)]
    # 6 is strong but not top quartile.
    assert selectors.mentor_choose(agent_id=8, skill_id=1, scores=scores, load={7: 2}, limit=2) is None


def test_mentor_needs_enough_reviews_and_the_right_skill():
    scores = [_row(1, 50), _row(2, 99, reviews=2), _row(3, 95, skill_id=2), _row(4, 70)]
    # Counted for skill 1: agents 1 and 4 (agent 2 has too few reviews); top quartile = ceil(2/4) = 1 → agent 4.
    assert selectors.mentor_choose(agent_id=1, skill_id=1, scores=scores, load={}, limit=2) == 4


def test_mentor_ties_at_the_quartile_edge_are_included_and_lighter_load_wins():
    scores = [_row(1, 90), _row(2, 90), _row(3, 50), _row(4, 40), _row(5, 30)]
    assert selectors.mentor_choose(agent_id=5, skill_id=1, scores=scores, load={1: 1}, limit=2) == 2


# --- suggestion rules ---------------------------------------------------------------------------------------------


@pytest.fixture
def catalogue():
    empathy, problem = skill("empathy"), skill("problem_solving")
    Activity.objects.all().delete()
    return {
        "micro": ActivityFactory(skill=empathy, kind=Activity.Kind.MICRO_LEARNING, title="Validate, then act"),
        "workshop": ActivityFactory(skill=empathy, kind=Activity.Kind.EMPATHY_WORKSHOP, title="Workshop"),
        "mentoring": ActivityFactory(skill=empathy, kind=Activity.Kind.PEER_MENTORING, title="Mentoring"),
        "problem": ActivityFactory(skill=problem, kind=Activity.Kind.ROLE_PLAY, title="Case clinic"),
    }


def test_weak_skill_qa_score_proposes_a_goal_activities_and_a_mentor(team, catalogue):
    empathy = skill("empathy")
    weak = AgentFactory(team=team)
    _scores(weak, empathy, 4, 60)  # below the default skill-QA target of 80
    other_team = TeamFactory(vendor=team.vendor)  # same vendor, other team: may mentor
    mentors = [AgentFactory(team=other_team) for _ in range(3)]
    for n, mentor in enumerate(mentors):
        _scores(mentor, empathy, 5, 85 + n)
    created = services.suggestions_generate(agents=Agent.objects.filter(pk=weak.pk), start=START, end=END)
    assert len(created) == 1
    suggestion = created[0]
    assert (suggestion.skill, suggestion.kpi, suggestion.observed, suggestion.sample) == (empathy, "skill_qa", 60, 4)
    assert suggestion.target == 80
    assert {a.title for a in suggestion.activities.all()} == {"Validate, then act", "Workshop"}
    assert suggestion.mentor == mentors[2]


def test_skill_at_target_or_with_too_few_reviews_proposes_nothing(team, catalogue):
    empathy, problem = skill("empathy"), skill("problem_solving")
    agent = AgentFactory(team=team)
    _scores(agent, empathy, 5, 80)  # exactly at target
    _scores(agent, problem, 2, 40)  # too few reviews to judge
    assert services.suggestions_generate(agents=Agent.objects.filter(pk=agent.pk), start=START, end=END) == []


def test_kpi_below_team_target_proposes_its_weakest_linked_skill(team, catalogue, lead_user):
    agent = AgentFactory(team=team)
    services.kpi_target_set(team=team, kpi="csat", value=90, updated_by=lead_user)
    # CSAT 80% over 20 responses: below the team's 90 (met the default 85? no, also below); linked skills
    # empathy, communication, patience; empathy is the weakest scored one.
    agent_day(agent, START, csat_responses=20, csat_satisfied=16, cases=2, fcr_cases=2)
    _scores(agent, skill("empathy"), 3, 81)
    _scores(agent, skill("communication"), 3, 90)
    created = services.suggestions_generate(agents=Agent.objects.filter(pk=agent.pk), start=START, end=END)
    assert [(s.kpi, s.skill.code, s.observed, s.target) for s in created] == [("csat", "empathy", 80.0, 90.0)]


def test_kpi_direction_and_sample_size_are_respected(team, catalogue):
    agent = AgentFactory(team=team)
    # AHT 450 s is better than the 480 s default (lower is better); FCR 50% but over 4 cases only (noise).
    agent_day(agent, START, contacts=20, handle_seconds=8000, after_seconds=1000, cases=4, fcr_cases=2)
    assert services.suggestions_generate(agents=Agent.objects.filter(pk=agent.pk), start=START, end=END) == []
    agent_day(agent, START + timedelta(days=1), contacts=20, handle_seconds=12000, after_seconds=2000)
    created = services.suggestions_generate(agents=Agent.objects.filter(pk=agent.pk), start=START, end=END)
    assert [(s.kpi, s.skill.code) for s in created] == [("aht", "time_management")]


def test_nothing_is_proposed_twice_nor_over_an_open_goal(team, catalogue, lead_user):
    empathy = skill("empathy")
    agent = AgentFactory(team=team)
    _scores(agent, empathy, 4, 50)
    agents = Agent.objects.filter(pk=agent.pk)
    first = services.suggestions_generate(agents=agents, start=START, end=END)
    assert len(first) == 1
    assert services.suggestions_generate(agents=agents, start=START, end=END) == []
    services.suggestion_dismiss(suggestion=first[0], decided_by=lead_user)
    assert services.suggestions_generate(agents=agents, start=START, end=END) == []  # dismissed recently
    Suggestion.objects.all().delete()
    GoalFactory(plan=PlanFactory(agent=agent), skill=empathy, kpi="skill_qa", status=GoalStatus.AT_RISK)
    assert services.suggestions_generate(agents=agents, start=START, end=END) == []


def test_accepting_creates_the_goal_activities_and_mentoring(team, catalogue, lead_user):
    empathy = skill("empathy")
    agent, mentor = AgentFactory(team=team), AgentFactory(team=team)
    _scores(agent, empathy, 4, 60)
    _scores(mentor, empathy, 6, 95)
    suggestion = services.suggestions_generate(agents=Agent.objects.filter(pk=agent.pk), start=START, end=END)[0]
    goal = services.suggestion_accept(
        suggestion=suggestion, decided_by=lead_user, target=78, due_date=date(2026, 7, 15), today=date(2026, 6, 1)
    )
    assert (goal.kpi, goal.skill, goal.target, goal.baseline) == ("skill_qa", empathy, 78, 60)
    assert (goal.baseline_start, goal.baseline_end) == (START, END)
    assigned = {a.activity.title: a.mentor for a in goal.plan.assignments.select_related("activity")}
    assert assigned == {"Validate, then act": None, "Workshop": None, "Mentoring": mentor}
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.ACCEPTED and suggestion.goal == goal
    with pytest.raises(ValidationError):
        services.suggestion_accept(suggestion=suggestion, decided_by=lead_user)


def test_accepting_with_edits_keeps_only_the_chosen_activities_and_no_mentor(team, catalogue, lead_user):
    agent = AgentFactory(team=team)
    _scores(agent, skill("empathy"), 4, 60)
    suggestion = services.suggestions_generate(agents=Agent.objects.filter(pk=agent.pk), start=START, end=END)[0]
    goal = services.suggestion_accept(
        suggestion=suggestion,
        decided_by=lead_user,
        activities=[catalogue["workshop"]],
        use_mentor=False,
        today=date(2026, 6, 1),
    )
    assert list(goal.plan.assignments.values_list("activity__title", flat=True)) == ["Workshop"]


def test_assigning_a_mentor_who_mentors_too_many_is_refused(team, catalogue, lead_user, settings):
    settings.COACHING_MAX_MENTEES = 1
    mentor = AgentFactory(team=team)
    first, second = PlanFactory(agent=AgentFactory(team=team)), PlanFactory(agent=AgentFactory(team=team))
    services.plan_activity_assign(plan=first, activity=catalogue["mentoring"], mentor=mentor, assigned_by=lead_user)
    with pytest.raises(ValidationError, match="already mentors"):
        services.plan_activity_assign(
            plan=second, activity=catalogue["mentoring"], mentor=mentor, assigned_by=lead_user
        )
    assert PlanActivity.objects.count() == 1


def test_at_most_two_new_suggestions_per_agent_largest_shortfall_first(team, catalogue):
    agent = AgentFactory(team=team)
    # FCR 70 (target 75: -6.7%), CSAT 50 (target 85: -41%), AHT 600 s (target 480 s: -25%).
    agent_day(
        agent,
        START,
        cases=20,
        fcr_cases=14,
        csat_responses=20,
        csat_satisfied=10,
        contacts=20,
        handle_seconds=10000,
        after_seconds=2000,
    )
    agents = Agent.objects.filter(pk=agent.pk)
    assert [s.kpi for s in services.suggestions_generate(agents=agents, start=START, end=END)] == ["csat", "aht"]
    assert [s.kpi for s in services.suggestions_generate(agents=agents, start=START, end=END)] == ["fcr"]


def test_open_suggestions_count_towards_a_mentors_load(team, catalogue, settings):
    settings.COACHING_MAX_MENTEES = 1
    empathy = skill("empathy")
    weak = [AgentFactory(team=team) for _ in range(3)]
    for agent in weak:
        _scores(agent, empathy, 4, 50)
    best, second = AgentFactory(team=team), AgentFactory(team=team)
    _scores(best, empathy, 5, 99)
    _scores(second, empathy, 5, 98)
    for n in range(3):  # eight agents scored: the top quartile is the best two
        _scores(AgentFactory(team=team), empathy, 5, 70 + n)
    created = services.suggestions_generate(
        agents=Agent.objects.filter(pk__in=[a.pk for a in weak]), start=START, end=END
    )
    mentors = [s.mentor for s in created]
    assert len(created) == 3 and mentors.count(None) == 1
    assert {best, second} == {m for m in mentors if m is not None}
