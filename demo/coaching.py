"""Demo coaching: the activity catalogue, plans with goals in every status, activities, sessions, suggestions and
notifications. Goals are measured from the real rollups when demo contacts exist; without them (the org alone)
the goals carry illustrative figures, marked as such in their note. Safe to run twice: everything keys on
natural keys (plan per agent, goal per plan/skill/KPI, session per plan/day, assignment per plan/activity)."""

import random
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from coaching import selectors, services
from coaching.catalogue import CATALOGUE
from coaching.models import Activity, CoachingPlan, CoachingSession, Goal, GoalMeasurement, PlanActivity
from coaching.status import GoalStatus
from core import skill_codes
from core.models import Agent, Skill, User
from metrics import kpis
from metrics.rollups import rollup_pending
from qa.models import COUNTED_STATUSES, Review

PLANS_PER_TEAM = 4
# (kpi, skill code) goals rotated over the demo agents; Ana gets the first four, one per status.
GOALS = [
    (kpis.FCR, skill_codes.PROBLEM_SOLVING),
    (kpis.CSAT, skill_codes.EMPATHY),
    (kpis.AHT, skill_codes.TIME_MANAGEMENT),
    (kpis.NPS, skill_codes.DE_ESCALATION),
    (kpis.SKILL_QA, skill_codes.ACTIVE_LISTENING),
    (kpis.CES, skill_codes.OMNICHANNEL),
]
PERCENT_KPIS = {kpis.FCR, kpis.CSAT, kpis.NPS, kpis.QA, kpis.SKILL_QA}
STATUSES = [GoalStatus.ON_TRACK, GoalStatus.ACHIEVED, GoalStatus.AT_RISK, GoalStatus.MISSED]
# Illustrative (baseline, current) per KPI, used only when the rollups have no figures for the goal.
ILLUSTRATIVE = {
    kpis.FCR: (66.0, 70.0),
    kpis.CSAT: (78.0, 86.0),
    kpis.CES: (3.8, 3.4),
    kpis.NPS: (18.0, 24.0),
    kpis.AHT: (560.0, 530.0),
    kpis.QA: (76.0, 81.0),
    kpis.SKILL_QA: (68.0, 74.0),
}


def _better(kpi: str, value: float, by: float) -> float:
    """`value` moved `by` in the KPI's good direction."""
    return value - by if kpis.get(kpi).lower_is_better else value + by


def _margin(kpi: str, value: float) -> float:
    if kpi == kpis.AHT:
        return max(30.0, value * 0.08)
    if kpi == kpis.CES:
        return 0.4
    return 5.0


def seed_catalogue() -> int:
    skills = {skill.code: skill for skill in Skill.objects.all()}
    created = 0
    for entry in CATALOGUE:
        if entry["skill"] not in skills:
            continue
        fields = {key: value for key, value in entry.items() if key not in ("code", "skill")}
        _, was_created = Activity.objects.get_or_create(
            code=entry["code"], defaults={**fields, "skill": skills[entry["skill"]]}
        )
        created += was_created
    return created


def _dates_for(status: str, today: date) -> tuple[date, date]:
    """(start, due) that give the status room to happen: missed is past due, at risk is late in its period."""
    return {
        GoalStatus.ON_TRACK: (today - timedelta(days=3), today + timedelta(days=60)),
        GoalStatus.ACHIEVED: (today - timedelta(days=30), today + timedelta(days=30)),
        GoalStatus.AT_RISK: (today - timedelta(days=50), today + timedelta(days=10)),
        GoalStatus.MISSED: (today - timedelta(days=70), today - timedelta(days=7)),
    }[status]


def _target_for(status: str, kpi: str, baseline: float | None, measured: float) -> float:
    """A target that the measured figure puts in `status` (the status itself is then computed, not set)."""
    margin = _margin(kpi, measured)
    if status == GoalStatus.ACHIEVED:
        return round(_better(kpi, measured, -0.01 * margin), 2)  # just inside the target
    gap = abs(measured - baseline) if baseline is not None else 0.0
    improved = baseline is not None and (measured < baseline if kpis.get(kpi).lower_is_better else measured > baseline)
    if status == GoalStatus.ON_TRACK:
        # Three days into a two-month goal: on track unless it went backwards by more than a fifth of the way.
        target = _better(kpi, measured, margin if improved else 6 * gap + margin)
    elif status == GoalStatus.AT_RISK:
        # Five sixths of the time gone and less than half of the way covered.
        target = _better(kpi, measured, gap + margin if improved else margin)
    else:  # missed: not reached by the due date
        target = _better(kpi, measured, margin)
    if kpi in PERCENT_KPIS:
        target = min(target, 99.0)
    return round(target, 2)


def _goal(*, plan: CoachingPlan, kpi: str, skill: Skill, status: str, lead: User, today: date) -> Goal:
    existing = plan.goals.filter(kpi=kpi, skill=skill).first()
    if existing is not None:
        return existing
    start, due = _dates_for(status, today)
    window = 28
    measure_end = min(today, due)
    baseline, _ = selectors.agent_figure(
        agent=plan.agent, kpi=kpi, skill=skill, start=start - timedelta(days=window), end=start - timedelta(days=1)
    )
    measured, _ = selectors.agent_figure(
        agent=plan.agent, kpi=kpi, skill=skill, start=measure_end - timedelta(days=window - 1), end=measure_end
    )
    if measured is not None:
        goal = services.goal_create(
            plan=plan,
            skill=skill,
            kpi=kpi,
            target=_target_for(status, kpi, baseline, measured),
            due_date=due,
            created_by=lead,
            window_days=window,
            today=start,
        )
        # Chart points: the goal measured weekly from its start, as the nightly job would have done.
        day = start + timedelta(days=7)
        while day < today:
            services.goals_refresh(goals=[goal], today=day, force=True)
            day += timedelta(days=7)
        services.goals_refresh(goals=[goal], today=today, force=True)
        goal.refresh_from_db()
        return goal
    # No figures (no demo contacts): illustrative numbers, clearly labelled, with the status they stand for.
    base, current = ILLUSTRATIVE[kpi]
    if status == GoalStatus.MISSED or status == GoalStatus.AT_RISK:
        current = base
    target = _target_for(status, kpi, base, current)
    goal = Goal.objects.create(
        plan=plan,
        skill=skill,
        kpi=kpi,
        baseline=base,
        baseline_sample=0,
        target=target,
        start_date=start,
        due_date=due,
        window_days=window,
        current_value=current,
        current_sample=0,
        measured_on=today,
        status=status,
        status_since=today,
        note="Illustrative figures: no contacts imported yet.",
        created_by=lead,
    )
    points = []
    day, steps = start, max((measure_end - start).days // 7, 1)
    for step in range(steps + 1):
        value = base + (current - base) * step / steps
        points.append(GoalMeasurement(goal=goal, day=day, value=round(value, 2), sample=0))
        day = min(day + timedelta(days=7), measure_end)
    GoalMeasurement.objects.bulk_create(points, ignore_conflicts=True)
    return goal


def seed_coaching(*, rng: random.Random, stdout=None) -> None:
    # Goals read the rollups: first rebuild the days other seeders marked (e.g. the demo QA reviews).
    rollup_pending()
    _seed(rng=rng, stdout=stdout)


@transaction.atomic
def _seed(*, rng: random.Random, stdout=None) -> None:
    today = timezone.localdate()
    seed_catalogue()
    lead = User.objects.filter(username="lead").first()
    partner_lead = User.objects.filter(username="partner.lead").first()
    if lead is None:
        return
    skills = {skill.code: skill for skill in Skill.objects.all()}
    activities = {activity.code: activity for activity in Activity.objects.all()}
    agents = list(Agent.objects.filter(is_active=True).select_related("user", "team__vendor").order_by("employee_id"))
    by_team: dict[int, list[Agent]] = {}
    for agent in agents:
        by_team.setdefault(agent.team_id, []).append(agent)

    rotation = 0
    for team_agents in by_team.values():
        for agent in team_agents[:PLANS_PER_TEAM]:
            coach = partner_lead if agent.team.vendor.kind == "partner" and partner_lead else lead
            plan = services.plan_get_or_create(
                agent=agent, created_by=coach, focus="Resolve more on first contact while keeping customers calm"
            )
            is_demo_agent = agent.user.username == "agent"
            picks = (
                list(zip(GOALS[:4], STATUSES, strict=True))
                if is_demo_agent
                else [(GOALS[(rotation + n) % len(GOALS)], STATUSES[(rotation + n) % len(STATUSES)]) for n in range(2)]
            )
            rotation += 1
            goals = [
                _goal(plan=plan, kpi=kpi, skill=skills[code], status=status, lead=coach, today=today)
                for (kpi, code), status in picks
                if code in skills
            ]
            _activities(plan=plan, goals=goals, activities=activities, coach=coach, today=today, rng=rng)
            _sessions(plan=plan, coach=coach, today=today, acknowledged_last=not is_demo_agent)

    end = today - timedelta(days=1)
    services.suggestions_generate(agents=Agent.objects.all(), start=end - timedelta(days=27), end=end)
    services.notifications_send(today=today)
    if stdout is not None:
        counts = {status: Goal.objects.filter(status=status).count() for status in GoalStatus.values}
        stdout.write(f"  coaching: {CoachingPlan.objects.count()} plans, goals {counts}")


def _activities(*, plan, goals, activities, coach, today, rng) -> None:
    wanted = []
    for goal in goals:
        wanted += [a for a in activities.values() if a.skill_id == goal.skill_id and a.kind != "peer_mentoring"][:2]
    for index, activity in enumerate(wanted):
        goal = next((g for g in goals if g.skill_id == activity.skill_id), None)
        assignment, created = PlanActivity.objects.get_or_create(
            plan=plan,
            activity=activity,
            defaults={"goal": goal, "assigned_by": coach, "due_on": today + timedelta(days=7 + 7 * index)},
        )
        if created and index % 2 == 1:
            done_on = today - timedelta(days=rng.randint(30, 45))
            PlanActivity.objects.filter(pk=assignment.pk).update(
                status=PlanActivity.Status.DONE, completed_on=done_on, completed_by=plan.agent.user
            )


def _sessions(*, plan, coach, today, acknowledged_last: bool) -> None:
    reviews = list(
        Review.objects.filter(agent=plan.agent, status__in=COUNTED_STATUSES, is_calibration=False).order_by(
            "-created_at"
        )[:2]
    )
    history = [
        (
            today - timedelta(days=28),
            "Warm openings and clear summaries at the end of each call.",
            "Restate the customer's problem before troubleshooting.",
            "Complete the 'Restate before you solve' module; try it on every billing call this week.",
            today - timedelta(days=14),
            True,
        ),
        (
            today - timedelta(days=14),
            "Fewer repeat contacts on billing questions; customers confirmed the summary twice as often.",
            "Name the impact on the customer before explaining the fix.",
            "Pick two calls for the listening lab; agree targets for the next month.",
            today + timedelta(days=1),
            acknowledged_last,
        ),
    ]
    for held_on, strengths, try_differently, actions, next_on, acknowledged in history:
        if CoachingSession.objects.filter(plan=plan, held_on=held_on).exists():
            continue
        session = services.session_create(
            plan=plan,
            coach=coach,
            held_on=held_on,
            strengths=strengths,
            try_differently=try_differently,
            agreed_actions=actions,
            next_session_on=next_on,
            reviews=reviews if held_on == today - timedelta(days=14) else [],
        )
        if acknowledged:
            CoachingSession.objects.filter(pk=session.pk).update(
                acknowledged_at=timezone.now() - timedelta(days=(today - held_on).days - 1),
                agent_comment="Thanks — the restating tip works well on chat too.",
            )
