"""Coaching reads: plans in scope, goal figures from the shared metrics selectors, suggestions' inputs, mentors,
return on training. Figures come from metrics.selectors (the dashboards' rollups), never recomputed."""

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from math import ceil

from django.conf import settings
from django.db.models import Case, Count, Max, Prefetch, Q, QuerySet, Sum, When

from coaching.models import (
    Activity,
    CoachingPlan,
    CoachingSession,
    Goal,
    GoalMeasurement,
    KpiTarget,
    PlanActivity,
    Suggestion,
)
from coaching.status import GoalStatus
from core import roles
from core.models import Agent, Skill, Team, User
from core.selectors.history import Entry, history_entries
from core.selectors.scope import agents_for_user, teams_for_user
from metrics import kpis
from metrics import selectors as metrics
from metrics.models import AgentDay, AgentSkillDay

MIN_SKILL_REVIEWS = 3  # reviews of a skill needed before its QA score counts (for suggestions and mentors)


def max_mentees() -> int:
    return settings.COACHING_MAX_MENTEES


# --- scope -------------------------------------------------------------------------------------------------------


def can_manage(user: User) -> bool:
    """Ops leads (and admins) manage plans, goals, sessions, the catalogue and suggestions for their teams."""
    return roles.has_role(user, roles.OPS_LEAD)


def plans_for_user(*, user: User) -> QuerySet[CoachingPlan]:
    """Plans `user` may read: an agent their own, an ops lead those of agents in their teams, an admin all.

    QA reviewers and hiring managers read no plans (coaching is between the lead and the agent; reviewers
    contribute through the reviews a session links)."""
    if not roles.has_role(user, roles.OPS_LEAD, roles.AGENT):
        return CoachingPlan.objects.none()
    if roles.has_role(user, roles.OPS_LEAD):
        return CoachingPlan.objects.filter(agent__in=agents_for_user(user=user).values("pk"))
    return CoachingPlan.objects.filter(agent__user_id=user.pk)


def coachable_agents_for_user(*, user: User) -> QuerySet[Agent]:
    if not can_manage(user):
        return Agent.objects.none()
    return agents_for_user(user=user)


def plan_detail(*, plans: QuerySet[CoachingPlan]) -> QuerySet[CoachingPlan]:
    """Everything the plan page shows, in a fixed number of queries."""
    return plans.select_related("agent__user", "agent__team__vendor").prefetch_related(
        Prefetch(
            "goals",
            queryset=Goal.objects.select_related("skill").prefetch_related(
                Prefetch("measurements", queryset=GoalMeasurement.objects.order_by("day"))
            ),
        ),
        Prefetch(
            "assignments",
            queryset=PlanActivity.objects.select_related("activity__skill", "mentor__user", "goal").order_by(
                "status", "due_on", "pk"
            ),
        ),
        Prefetch(
            "sessions",
            queryset=CoachingSession.objects.select_related("coach").prefetch_related("reviews__contact"),
        ),
    )


GOAL_HISTORY_FIELDS = {
    "skill": "Skill",
    "kpi": "KPI",
    "baseline": "Baseline",
    "target": "Target",
    "due_date": "Due date",
    "status": "Status",
    "note": "Note",
}


def _kpi_value(record, value: float) -> str:
    return kpis.get(record.kpi).text(value)


def plan_goal_history(*, plan: CoachingPlan) -> list[Entry]:
    """Every change to the plan's goals, removed ones included: who, when, what (oldest first). One query."""
    records = (
        Goal.history.filter(plan_id=plan.pk)
        .select_related("history_user", "skill")
        .order_by("history_date", "history_id")
    )
    return history_entries(
        records,
        fields=GOAL_HISTORY_FIELDS,
        with_initial=True,
        subject=lambda record: f"{record.get_kpi_display()} · {record.skill.name}",
        formats={"baseline": _kpi_value, "target": _kpi_value},
    )


def sessions_for_user(*, user: User) -> QuerySet[CoachingSession]:
    return CoachingSession.objects.filter(plan__in=plans_for_user(user=user)).select_related(
        "plan__agent__user", "coach"
    )


def assignments_for_user(*, user: User) -> QuerySet[PlanActivity]:
    return PlanActivity.objects.filter(plan__in=plans_for_user(user=user)).select_related(
        "plan__agent__user", "activity__skill", "mentor__user", "goal"
    )


def goals_for_user(*, user: User) -> QuerySet[Goal]:
    return Goal.objects.filter(plan__in=plans_for_user(user=user)).select_related("plan__agent__user", "skill")


def plan_list_for_lead(*, user: User) -> QuerySet[CoachingPlan]:
    """The lead's view across their teams: one row per plan with goal counts per status and what is next."""
    status_counts = {
        f"goals_{status}": Count("goals", filter=Q(goals__status=status), distinct=True) for status in GoalStatus.values
    }
    return (
        plans_for_user(user=user)
        .select_related("agent__user", "agent__team__vendor")
        .annotate(
            **status_counts,
            activities_open=Count("assignments", filter=Q(assignments__status=PlanActivity.Status.TODO), distinct=True),
            last_session_on=Max("sessions__held_on"),
        )
        .order_by("agent__team__name", "agent__user__last_name", "agent__user__first_name", "pk")
    )


def agents_without_plan(*, user: User) -> QuerySet[Agent]:
    return (
        coachable_agents_for_user(user=user)
        .filter(is_active=True, coaching_plan__isnull=True)
        .select_related("user", "team")
        .order_by("team__name", "user__last_name", "user__first_name")
    )


def activity_list(*, include_inactive: bool = False) -> QuerySet[Activity]:
    qs = Activity.objects.select_related("skill")
    if not include_inactive:
        qs = qs.filter(is_active=True)
    return qs.annotate(
        assigned=Count("assignments", distinct=True),
        completed=Count("assignments", filter=Q(assignments__status=PlanActivity.Status.DONE), distinct=True),
    ).order_by("skill__position", "kind", "title")


def activities_visible_to(*, user: User) -> QuerySet[Activity]:
    """The catalogue (published activities) and the proposals the user may see: all for an admin, their own for a
    lead. Another lead's proposal is not there for them (404), like any object out of scope."""
    if roles.is_admin(user):
        return Activity.objects.all()
    return Activity.objects.filter(Q(is_proposal=False) | Q(created_by=user))


def activity_proposals(*, user: User) -> QuerySet[Activity]:
    """Activities proposed by ops leads, awaiting an admin: every one for an admin, a lead's own for a lead."""
    proposals = Activity.objects.filter(is_proposal=True).select_related("skill", "created_by")
    if not roles.is_admin(user):
        proposals = proposals.filter(created_by=user)
    return proposals.order_by("created_at", "pk")


def suggestions_for_user(*, user: User) -> QuerySet[Suggestion]:
    return (
        Suggestion.objects.filter(agent__in=coachable_agents_for_user(user=user).values("pk"))
        .select_related("agent__user", "agent__team", "skill", "mentor__user")
        .prefetch_related("activities")
    )


def suggestion_evidence(suggestion: Suggestion) -> float:
    """How strongly the data back a suggestion: the size of the gap to the target in standard errors at its n (the
    KPI's one-sided test against the target, metrics.kpis.Kpi.short_of_target), 0 when the figure is not short."""
    kpi = kpis.get(suggestion.kpi)
    successes = round(suggestion.observed * suggestion.sample / 100) if kpi.unit == "%" else None
    shortfall = kpi.short_of_target(
        value=suggestion.observed, successes=successes, n=suggestion.sample, target=suggestion.target
    )
    return max(-(shortfall.z or 0.0), 0.0)


def suggestion_groups(*, suggestions) -> list[dict]:
    """Suggestions grouped by what they propose (skill and KPI, and so the same activities), each group's rows
    strongest evidence first and the groups by their strongest row. Each row: the suggestion, its figures as text
    and its evidence (suggestion_evidence); each group: label, skill, kpi label, rows, activities (the titles its
    rows propose, most frequent first), and `ids` (its open suggestions)."""
    groups: dict[tuple, dict] = {}
    for suggestion in suggestions:
        kpi = kpis.get(suggestion.kpi)
        group = groups.setdefault(
            (suggestion.skill_id, suggestion.kpi),
            {"skill": suggestion.skill, "kpi": kpi, "rows": [], "activities": Counter(), "ids": []},
        )
        group["rows"].append(
            {
                "suggestion": suggestion,
                "observed": kpi.text(suggestion.observed),
                "target": kpi.text(suggestion.target),
                "gap": kpi.text(abs(suggestion.target - suggestion.observed)),
                "evidence": suggestion_evidence(suggestion),
            }
        )
        group["activities"].update(activity.title for activity in suggestion.activities.all())
        if suggestion.status == Suggestion.Status.OPEN:
            group["ids"].append(suggestion.pk)
    result = []
    for group in groups.values():
        group["rows"].sort(key=lambda row: (-row["evidence"], row["suggestion"].pk))
        group["activities"] = [title for title, _ in group["activities"].most_common()]
        group["evidence"] = group["rows"][0]["evidence"]
        result.append(group)
    result.sort(key=lambda group: (-group["evidence"], group["skill"].name, group["kpi"].key))
    return result


def targets_for_teams(*, team_ids) -> dict[tuple[int, str], float]:
    """{(team_id, kpi): target} for the teams' own targets; callers fall back on target_for()."""
    return {
        (team_id, kpi): value
        for team_id, kpi, value in KpiTarget.objects.filter(team_id__in=team_ids).values_list("team_id", "kpi", "value")
    }


def target_for(*, targets: dict, team_id: int, kpi: str) -> float:
    return targets.get((team_id, kpi), kpis.get(kpi).default_target)


# --- figures from the rollups -------------------------------------------------------------------------------------


def agent_figure(*, agent: Agent, kpi: str, skill: Skill, start: date, end: date) -> tuple[float | None, int]:
    """(value, sample) of one agent's KPI over [start, end], read from the same selectors as the dashboards."""
    agents = Agent.objects.filter(pk=agent.pk)
    if kpis.get(kpi).per_skill:
        rows = metrics.skill_scores_by_agent(agents=agents, start=start, end=end)
        return kpis.get(kpi).read(next((r for r in rows if r["skill_id"] == skill.pk), None))
    rows = metrics.metrics_by_agent(agents=agents, start=start, end=end)
    return kpis.get(kpi).read(rows[0] if rows else None)


def measurement_window(*, goal: Goal, today: date) -> tuple[date, date]:
    """The current value is measured over the goal's window ending today, or on the due date once it has passed."""
    end = min(today, goal.due_date)
    return end - timedelta(days=goal.window_days - 1), end


def measurement_window_text(*, goal: Goal, today: date) -> str:
    """The window the goal's current value was measured over, in words: "last 28 days, 3–30 Mar", or, once the due
    date has passed, "28 days ending on the due date, 3–30 Mar" (the value no longer follows the calendar)."""
    start, end = measurement_window(goal=goal, today=goal.measured_on or today)
    span = f"{start:%-d %b}–{end:%-d %b}" if start.year == end.year else f"{start:%-d %b %Y}–{end:%-d %b %Y}"
    if end == goal.due_date and end < (goal.measured_on or today):
        return f"{goal.window_days} days ending on the due date, {span}"
    return f"last {goal.window_days} days, {span}"


@dataclass
class Measure:
    value: float | None
    sample: int
    start: date
    end: date


def measure_goals(*, goals: list[Goal], today: date) -> dict[int, Measure]:
    """Current value of each goal: one metrics call per distinct window (the nightly run shares one window)."""
    by_window: dict[tuple[date, date], list[Goal]] = defaultdict(list)
    for goal in goals:
        by_window[measurement_window(goal=goal, today=today)].append(goal)
    out: dict[int, Measure] = {}
    for (start, end), window_goals in by_window.items():
        agent_ids = {goal.plan.agent_id for goal in window_goals}
        agents = Agent.objects.filter(pk__in=agent_ids)
        rows = {row["agent_id"]: row for row in metrics.metrics_by_agent(agents=agents, start=start, end=end)}
        skill_rows = {}
        if any(kpis.get(goal.kpi).per_skill for goal in window_goals):
            skill_rows = {
                (row["agent_id"], row["skill_id"]): row
                for row in metrics.skill_scores_by_agent(agents=agents, start=start, end=end)
            }
        for goal in window_goals:
            agent_id = goal.plan.agent_id
            kpi = kpis.get(goal.kpi)
            value, sample = kpi.read(skill_rows.get((agent_id, goal.skill_id)) if kpi.per_skill else rows.get(agent_id))
            out[goal.pk] = Measure(value=value, sample=sample, start=start, end=end)
    return out


# --- mentors ------------------------------------------------------------------------------------------------------


def mentor_choose(
    *,
    agent_id: int,
    skill_id: int,
    scores: list[dict],
    load: dict[int, int],
    limit: int,
    min_reviews: int = MIN_SKILL_REVIEWS,
) -> int | None:
    """The peer mentor for `agent_id` in `skill_id`, or None.

    `scores` are skill_scores_by_agent rows of the agents of the same vendor. Candidates are agents in the top
    quartile of that skill's QA score: the best ceil(n / 4) of the n agents with at least `min_reviews` reviews of
    the skill (agents tied with the last of them included). Agents already mentoring `limit` or more open
    assignments (`load`) are left out, and so is the agent. Highest score wins; ties go to the lighter load."""
    ranked = sorted(
        (row for row in scores if row["skill_id"] == skill_id and row["reviews"] >= min_reviews and row["score"]),
        key=lambda row: -row["score"],
    )
    if not ranked:
        return None
    cutoff = ranked[ceil(len(ranked) / 4) - 1]["score"]
    candidates = [
        row
        for row in ranked
        if row["score"] >= cutoff and row["agent_id"] != agent_id and load.get(row["agent_id"], 0) < limit
    ]
    if not candidates:
        return None
    best = min(candidates, key=lambda row: (-row["score"], load.get(row["agent_id"], 0), row["agent_id"]))
    return best["agent_id"]


def mentoring_load() -> dict[int, int]:
    """Open peer-mentoring assignments per mentor."""
    return dict(
        PlanActivity.objects.filter(status=PlanActivity.Status.TODO, mentor__isnull=False)
        .values_list("mentor_id")
        .annotate(n=Count("pk"))
        .values_list("mentor_id", "n")
    )


def vendor_skill_scores(*, vendor_id: int, start: date, end: date) -> list[dict]:
    agents = Agent.objects.filter(team__vendor_id=vendor_id, is_active=True)
    return metrics.skill_scores_by_agent(agents=agents, start=start, end=end)


def mentor_options(*, agent: Agent) -> QuerySet[Agent]:
    """Agents the lead may pick as mentor: active, same vendor, not the agent."""
    return (
        Agent.objects.filter(team__vendor_id=agent.team.vendor_id, is_active=True)
        .exclude(pk=agent.pk)
        .select_related("user", "team")
        .order_by("user__last_name", "user__first_name")
    )


# --- return on training -------------------------------------------------------------------------------------------


def _window_sums(*, windows: list[tuple[int, date, date]], skill_id: int | None) -> dict:
    """Counts summed over each agent's own window, in one query; figures derived by metrics.figures."""
    if not windows:
        return metrics.figures({})
    condition = Q()
    for agent_id, start, end in windows:
        condition |= Q(agent_id=agent_id, day__range=(start, end))
    if skill_id is not None:
        sums = AgentSkillDay.objects.filter(condition, skill_id=skill_id).aggregate(
            reviews=Sum("reviews"), score_sum=Sum("score_sum")
        )
        reviews = sums["reviews"] or 0
        return {"score": float(sums["score_sum"]) / reviews if reviews else None, "reviews": reviews}
    counts = AgentDay.objects.filter(condition).aggregate(**{name: Sum(name) for name in metrics.COUNT_FIELDS})
    return metrics.figures(counts)


def return_on_training(*, activity: Activity, kpi: str, window_days: int, agents: QuerySet[Agent], today: date) -> dict:
    """KPI before vs after completing `activity`, for completers beside agents of the same teams who did not.

    Completers: agents in `agents` who completed the activity at least `window_days` ago (so the after window is
    over). Each is measured over the `window_days` before their completion day and the `window_days` after it
    (the day itself in neither). The comparison group: the other active agents of the completers' teams (today's
    team) who have not completed it, measured over the same windows around their team's median completion day.
    Figures pool the counts of a group's windows and divide last, as everywhere."""
    window = timedelta(days=window_days)
    completers = list(
        PlanActivity.objects.filter(
            activity=activity,
            status=PlanActivity.Status.DONE,
            completed_on__isnull=False,
            completed_on__lte=today - window,
            plan__agent__in=agents.values("pk"),
        ).values_list("plan__agent_id", "plan__agent__team_id", "completed_on")
    )
    team_days: dict[int, list[date]] = defaultdict(list)
    for _, team_id, day in completers:
        team_days[team_id].append(day)
    reference = {team_id: sorted(days)[(len(days) - 1) // 2] for team_id, days in team_days.items()}
    others = list(
        agents.filter(team_id__in=list(reference), is_active=True)
        .exclude(
            pk__in=PlanActivity.objects.filter(activity=activity, status=PlanActivity.Status.DONE).values(
                "plan__agent_id"
            )
        )
        .values_list("pk", "team_id")
    )
    other_days = [(agent_id, reference[team_id]) for agent_id, team_id in others]
    completer_days = [(agent_id, day) for agent_id, _, day in completers]
    info = kpis.get(kpi)
    skill_id = activity.skill_id if info.per_skill else None

    def group(days: list[tuple[int, date]]) -> dict:
        before = _window_sums(windows=[(a, d - window, d - timedelta(days=1)) for a, d in days], skill_id=skill_id)
        after = _window_sums(windows=[(a, d + timedelta(days=1), d + window) for a, d in days], skill_id=skill_id)
        b, a = before.get(info.figure), after.get(info.figure)
        return {
            "agents": len(days),
            "before": b,
            "after": a,
            "before_sample": before.get(info.sample) or 0,
            "after_sample": after.get(info.sample) or 0,
            "change": (a - b) if a is not None and b is not None else None,
        }

    completed, not_completed = group(completer_days), group(other_days)
    difference = None
    if completed["change"] is not None and not_completed["change"] is not None:
        difference = completed["change"] - not_completed["change"]
    return {
        "kpi": kpi,
        "window_days": window_days,
        "completed": completed,
        "not_completed": not_completed,
        "difference": difference,
        "teams": Team.objects.filter(pk__in=list(reference)).order_by("name"),
    }


def teams_in_scope(*, user: User) -> QuerySet[Team]:
    return teams_for_user(user=user)


# Reads of the dashboards (the team table's goal counts, the agent dashboard's goals).


def goals_by_agent(*, agents: QuerySet[Agent]) -> dict[int, dict]:
    """Per agent id: open coaching goals (on track or at risk) and those at risk."""
    open_statuses = [GoalStatus.ON_TRACK, GoalStatus.AT_RISK]
    rows = (
        Goal.objects.filter(plan__agent__in=agents.values("pk"), status__in=open_statuses)
        .values("plan__agent_id")
        .annotate(open=Count("pk"), at_risk=Count("pk", filter=Q(status=GoalStatus.AT_RISK)))
        .order_by()
    )
    return {row["plan__agent_id"]: row for row in rows}


def goal_list_for_agent(*, agent: Agent) -> QuerySet[Goal]:
    """The agent's coaching goals, open ones first by due date."""
    return (
        Goal.objects.filter(plan__agent=agent)
        .select_related("skill", "plan")
        .order_by(
            Case(When(status__in=[GoalStatus.AT_RISK, GoalStatus.ON_TRACK], then=0), default=1), "due_date", "pk"
        )[:8]
    )
