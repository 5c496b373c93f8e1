"""Goals: baseline captured from the rollups, current value equal to the dashboards' figure, the nightly job."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from coaching import services
from coaching.models import GoalMeasurement
from coaching.status import GoalStatus
from coaching.tasks import coaching_nightly
from coaching.tests.factories import GoalFactory, PlanFactory, agent_day, agent_skill_day, skill
from core.models import Agent, Notice
from core.tests.factories import ContactFactory
from metrics import selectors as metrics

TODAY = date(2026, 6, 1)
pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(agent):
    return PlanFactory(agent=agent)


def test_goal_create_captures_baseline_from_the_chosen_window(plan, lead_user):
    agent = plan.agent
    agent_day(agent, date(2026, 3, 1), cases=10, fcr_cases=6)
    agent_day(agent, date(2026, 3, 15), cases=10, fcr_cases=7)
    agent_day(agent, date(2026, 4, 2), cases=10, fcr_cases=10)  # outside the window
    goal = services.goal_create(
        plan=plan,
        skill=skill("problem_solving"),
        kpi="fcr",
        target=73,
        due_date=date(2026, 6, 30),
        created_by=lead_user,
        baseline_start=date(2026, 3, 1),
        baseline_end=date(2026, 3, 31),
        today=TODAY,
    )
    assert goal.baseline == pytest.approx(65.0)
    assert goal.baseline_sample == 20
    assert (goal.baseline_start, goal.baseline_end) == (date(2026, 3, 1), date(2026, 3, 31))


def test_goal_create_default_baseline_window_is_the_days_before_today(plan, lead_user):
    agent_day(plan.agent, TODAY - timedelta(days=28), contacts=2, handle_seconds=800, after_seconds=200)
    agent_day(plan.agent, TODAY - timedelta(days=29), contacts=5, handle_seconds=5000)  # before the window
    agent_day(plan.agent, TODAY, contacts=1, handle_seconds=100)  # today: current, not baseline
    goal = services.goal_create(
        plan=plan,
        skill=skill("time_management"),
        kpi="aht",
        target=450,
        due_date=date(2026, 7, 1),
        created_by=lead_user,
        today=TODAY,
    )
    assert (goal.baseline_start, goal.baseline_end) == (TODAY - timedelta(days=28), TODAY - timedelta(days=1))
    assert goal.baseline == 500.0
    assert goal.current_value == pytest.approx(
        metrics.metrics_total(
            agents=Agent.objects.filter(pk=plan.agent_id), start=TODAY - timedelta(days=27), end=TODAY
        )["aht_seconds"]
    )


def test_goal_create_without_figures_keeps_baseline_empty_and_is_at_risk(plan, lead_user):
    goal = services.goal_create(
        plan=plan, skill=skill(), kpi="csat", target=85, due_date=date(2026, 7, 1), created_by=lead_user, today=TODAY
    )
    assert goal.baseline is None and goal.current_value is None
    assert goal.status == GoalStatus.AT_RISK


@pytest.mark.parametrize(
    "fields",
    [
        {"due_date": TODAY},
        {"baseline_start": date(2026, 5, 1)},
        {"baseline_start": date(2026, 5, 10), "baseline_end": date(2026, 5, 1)},
        {"baseline_start": date(2026, 5, 10), "baseline_end": date(2026, 6, 10)},
        {"window_days": 0},
    ],
)
def test_goal_create_refuses_bad_input(plan, lead_user, fields):
    data = {"plan": plan, "skill": skill(), "kpi": "fcr", "target": 75, "due_date": date(2026, 7, 1)}
    with pytest.raises(ValidationError):
        services.goal_create(**{**data, **fields}, created_by=lead_user, today=TODAY)


def test_current_value_equals_the_rollup_figure_for_every_kpi(plan):
    agent = plan.agent
    empathy = skill("empathy")
    for offset in range(0, 40, 3):
        agent_day(
            agent,
            TODAY - timedelta(days=offset),
            contacts=4 + offset % 3,
            cases=3,
            fcr_cases=offset % 4,
            csat_responses=3,
            csat_satisfied=offset % 3 + 1,
            csat_sum=11,
            ces_responses=2,
            ces_sum=5 + offset % 4,
            nps_responses=3,
            promoters=offset % 2 + 1,
            detractors=1,
            handle_seconds=1200 + offset,
            after_seconds=200,
            reviews=1,
            qa_score_sum=70 + offset,
        )
        agent_skill_day(agent, TODAY - timedelta(days=offset), empathy, 1, 60 + offset)
    goals = {
        kpi: GoalFactory(plan=plan, kpi=kpi, skill=empathy, window_days=21)
        for kpi in ("fcr", "csat", "ces", "nps", "aht", "qa", "skill_qa")
    }
    services.goals_refresh(goals=plan.goals.all(), today=TODAY)
    start = TODAY - timedelta(days=20)
    total = metrics.metrics_by_agent(agents=Agent.objects.filter(pk=agent.pk), start=start, end=TODAY)[0]
    skill_row = metrics.skill_scores_by_agent(agents=Agent.objects.filter(pk=agent.pk), start=start, end=TODAY)[0]
    expected = {
        "fcr": total["fcr_pct"],
        "csat": total["csat_pct"],
        "ces": total["ces_avg"],
        "nps": total["nps"],
        "aht": total["aht_seconds"],
        "qa": total["qa_score"],
        "skill_qa": skill_row["score"],
    }
    for kpi, goal in goals.items():
        goal.refresh_from_db()
        assert goal.current_value == pytest.approx(expected[kpi]), kpi
        assert goal.measured_on == TODAY
    assert goals["fcr"].current_sample == total["cases"]
    assert goals["skill_qa"].current_sample == skill_row["reviews"]


def test_current_value_follows_imported_contacts_through_the_rollup(plan):
    from metrics.rollups import rollup_full

    agent = plan.agent
    today = date.today()
    ContactFactory(agent=agent, case_id="A", resolved=True)
    ContactFactory(agent=agent, case_id="B", resolved=False)
    rollup_full()
    goal = GoalFactory(plan=plan, kpi="fcr", due_date=today + timedelta(days=20), start_date=today - timedelta(days=5))
    services.goals_refresh(goals=[goal], today=today)
    goal.refresh_from_db()
    figure = metrics.metrics_total(
        agents=Agent.objects.filter(pk=agent.pk), start=today - timedelta(days=27), end=today
    )
    assert figure["cases"] == 2
    assert goal.current_value == pytest.approx(figure["fcr_pct"]) == pytest.approx(50.0)


def test_goal_is_measured_up_to_its_due_date_then_frozen(plan):
    due = TODAY - timedelta(days=10)
    agent_day(plan.agent, due - timedelta(days=1), cases=4, fcr_cases=2)
    agent_day(plan.agent, TODAY, cases=4, fcr_cases=4)  # after the due date: does not count
    goal = GoalFactory(plan=plan, kpi="fcr", target=75, start_date=due - timedelta(days=40), due_date=due)
    services.goals_refresh(goals=[goal], today=TODAY)
    goal.refresh_from_db()
    assert goal.current_value == 50.0 and goal.status == GoalStatus.MISSED
    assert GoalMeasurement.objects.get(goal=goal).day == due
    agent_day(plan.agent, due - timedelta(days=2), cases=4, fcr_cases=4)
    assert services.goals_refresh(goals=plan.goals.all(), today=TODAY + timedelta(days=1)) == 0


def test_nightly_task_updates_goals_and_notifies_agent_and_lead_once(plan, lead_user):
    today = date.today()
    agent_day(plan.agent, today - timedelta(days=2), cases=10, fcr_cases=5)
    goal = GoalFactory(
        plan=plan,
        kpi="fcr",
        baseline=50,
        target=80,
        start_date=today - timedelta(days=40),
        due_date=today + timedelta(days=5),
    )
    plan.next_session_on = today + timedelta(days=1)
    plan.save()
    result = coaching_nightly()
    goal.refresh_from_db()
    assert goal.status == GoalStatus.AT_RISK and goal.current_value == 50.0
    kinds = sorted(Notice.objects.values_list("user_id", "event"))
    assert kinds == sorted(
        [
            (plan.agent.user_id, "goal_at_risk"),
            (lead_user.pk, "goal_at_risk"),
            (plan.agent.user_id, "session_due"),
            (lead_user.pk, "session_due"),
        ]
    )
    assert result["notifications"] == 4
    assert coaching_nightly()["notifications"] == 0  # safe to run twice
    assert Notice.objects.count() == 4


def test_beat_runs_the_nightly_task(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["coaching-nightly"]
    assert entry["task"] == "coaching.tasks.coaching_nightly"


def test_goal_update_recomputes_status_and_keeps_history(plan):
    agent_day(plan.agent, TODAY - timedelta(days=1), cases=10, fcr_cases=7)
    goal = GoalFactory(plan=plan, kpi="fcr", baseline=60, target=80, start_date=TODAY - timedelta(days=5))
    services.goal_update(goal=goal, target=70, due_date=goal.due_date, updated_by=None, today=TODAY)
    assert goal.status == GoalStatus.ACHIEVED
    assert goal.history.count() >= 2


def test_goal_create_is_all_or_nothing(plan, lead_user, monkeypatch):
    """A failure after the goal row is written (measuring it) leaves no goal behind."""
    from coaching.models import Goal

    def broken(**kwargs):
        raise RuntimeError("measuring failed")

    monkeypatch.setattr(services, "goals_refresh", broken)
    with pytest.raises(RuntimeError):
        services.goal_create(
            plan=plan,
            skill=skill("problem_solving"),
            kpi="fcr",
            target=73,
            due_date=date(2026, 6, 30),
            created_by=lead_user,
            today=TODAY,
        )
    assert not Goal.objects.filter(plan=plan).exists()
