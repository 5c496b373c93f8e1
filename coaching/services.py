"""Coaching writes. Views, API, the nightly task, seed_demo and admin all call these."""

from collections import defaultdict
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from coaching import selectors
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
from coaching.status import GoalStatus, goal_status
from core import roles, security
from core.models import Agent, Skill, Team, User
from core.notifications.services import notify
from metrics import kpis

DEFAULT_WINDOW_DAYS = 28
ALREADY_ON_PLAN = "This activity is already on the plan."
SUGGESTION_COOLDOWN_DAYS = 30  # a dismissed suggestion is not proposed again for this long
MENTOR_PERIOD_DAYS = 90  # a mentor's skill QA score is taken over the 90 days up to the period's end
MAX_NEW_SUGGESTIONS = 2  # per agent and run, so a lead is not flooded; the rest come once these are decided


# --- plans and goals ----------------------------------------------------------------------------------------------


def plan_get_or_create(*, agent: Agent, created_by: User | None, focus: str = "") -> CoachingPlan:
    plan, created = CoachingPlan.objects.get_or_create(agent=agent, defaults={"created_by": created_by, "focus": focus})
    if not created and focus and not plan.focus:
        plan.focus = focus
        plan.save(update_fields=["focus", "updated_at"])
    return plan


def _apply_measure(*, goal: Goal, measure: selectors.Measure, today: date) -> None:
    status = goal_status(
        kpi=goal.kpi,
        baseline=goal.baseline,
        target=goal.target,
        current=measure.value,
        start=goal.start_date,
        due=goal.due_date,
        today=today,
    )
    if status != goal.status or goal.status_since is None:
        goal.status_since = today
    goal.status = status
    goal.current_value = measure.value
    goal.current_sample = measure.sample
    goal.measured_on = today


def _check_target(kpi: str, value: float, *, field: str = "target") -> None:
    low, high = kpis.get(kpi).scale
    if not low <= float(value) <= high:
        raise ValidationError({field: f"A {kpis.get(kpi).label} target is between {low:g} and {high:g}."})


@transaction.atomic
def goal_create(
    *,
    plan: CoachingPlan,
    skill: Skill,
    kpi: str,
    target: float,
    due_date: date,
    created_by: User | None,
    baseline_start: date | None = None,
    baseline_end: date | None = None,
    window_days: int = DEFAULT_WINDOW_DAYS,
    note: str = "",
    today: date | None = None,
) -> Goal:
    """Set a goal: capture the baseline from the agent's figures over the chosen window (by default the
    `window_days` before today), then measure the current value and status."""
    today = today or timezone.localdate()
    if kpi not in kpis.KEYS:
        raise ValidationError({"kpi": "Unknown KPI."})
    if target is None:
        raise ValidationError({"target": "Set a target."})
    _check_target(kpi, target)
    if due_date <= today:
        raise ValidationError({"due_date": "The due date must be after today."})
    if not 1 <= window_days <= 366:
        raise ValidationError({"window_days": "Measure over 1 to 366 days."})
    if (baseline_start is None) != (baseline_end is None):
        raise ValidationError({"baseline_start": "Give both ends of the baseline window, or neither."})
    if baseline_start is None:
        baseline_start, baseline_end = today - timedelta(days=window_days), today - timedelta(days=1)
    if baseline_start > baseline_end:
        raise ValidationError({"baseline_end": "The baseline window ends before it starts."})
    if baseline_end > today:
        raise ValidationError({"baseline_end": "The baseline window cannot end in the future."})
    baseline, sample = selectors.agent_figure(
        agent=plan.agent, kpi=kpi, skill=skill, start=baseline_start, end=baseline_end
    )
    goal = Goal(
        plan=plan,
        skill=skill,
        kpi=kpi,
        target=float(target),
        due_date=due_date,
        start_date=today,
        window_days=window_days,
        baseline=baseline,
        baseline_sample=sample,
        baseline_start=baseline_start,
        baseline_end=baseline_end,
        note=note,
        created_by=created_by,
    )
    goal.full_clean()
    goal._history_user = created_by
    goal.save()
    goals_refresh(goals=[goal], today=today, force=True)
    goal.refresh_from_db()
    security.log_event(
        "coaching_goal_set",
        user=created_by,
        goal=goal.pk,
        agent=plan.agent_id,
        kpi=goal.kpi,
        baseline=goal.baseline,
        target=goal.target,
        due_date=goal.due_date.isoformat(),
    )
    return goal


@transaction.atomic
def goal_update(
    *,
    goal: Goal,
    target: float,
    due_date: date,
    updated_by: User | None,
    note: str = "",
    today: date | None = None,
) -> Goal:
    """Change the target, due date or note; the baseline stays as measured. Status is recomputed at once."""
    today = today or timezone.localdate()
    _check_target(goal.kpi, target)
    if due_date < goal.start_date:
        raise ValidationError({"due_date": "The due date cannot be before the goal was set."})
    before = {"target": goal.target, "due_date": goal.due_date.isoformat()}
    goal.target = float(target)
    goal.due_date = due_date
    goal.note = note
    goal.full_clean()
    goal._history_user = updated_by
    goal.save(update_fields=["target", "due_date", "note"])
    goals_refresh(goals=[goal], today=today, force=True)
    goal.refresh_from_db()
    security.log_event(
        "coaching_goal_changed",
        user=updated_by,
        goal=goal.pk,
        agent=goal.plan.agent_id,
        before=before,
        after={"target": goal.target, "due_date": goal.due_date.isoformat()},
    )
    return goal


@transaction.atomic
def goal_delete(*, goal: Goal, deleted_by: User | None) -> None:
    """Remove a goal; its history (and this removal) stays in the plan's goal history."""
    security.log_event(
        "coaching_goal_removed",
        user=deleted_by,
        goal=goal.pk,
        agent=goal.plan.agent_id,
        kpi=goal.kpi,
        target=goal.target,
    )
    goal._history_user = deleted_by
    goal.delete()


def goals_refresh(*, goals, today: date, force: bool = False, notify_closed: bool = False) -> int:
    """Measure goals from the rollups and store value, sample, status and today's chart point. Safe to run twice.

    Goals already measured after their due date are final and skipped (unless `force`, after an edit). With
    `notify_closed` (the nightly run), a goal this measure moves to achieved or missed is told of (goal_closed)."""
    goals = [
        goal
        for goal in (goals if isinstance(goals, list) else goals.select_related("plan"))
        if force or goal.measured_on is None or goal.measured_on <= goal.due_date or goal.measured_on == today
    ]
    if not goals:
        return 0
    measures = selectors.measure_goals(goals=goals, today=today)
    moved = []
    for goal in goals:
        before = goal.status
        _apply_measure(goal=goal, measure=measures[goal.pk], today=today)
        if goal.status != before:
            moved.append(goal)
    Goal.objects.bulk_update(
        goals, ["current_value", "current_sample", "measured_on", "status", "status_since"], batch_size=500
    )
    # bulk_update writes no history: a status change gets its record here (a new daily value alone does not).
    Goal.history.bulk_history_create(moved, update=True, default_change_reason="Measured", batch_size=500)
    # Chart points: one per goal and measuring day (the due date's window once it has passed).
    GoalMeasurement.objects.bulk_create(
        [
            GoalMeasurement(goal=goal, day=measures[goal.pk].end, value=goal.current_value, sample=goal.current_sample)
            for goal in goals
        ],
        update_conflicts=True,
        unique_fields=["goal", "day"],
        update_fields=["value", "sample"],
    )
    if notify_closed:
        goals_closed_notify(goals=moved, measures=measures)
    return len(goals)


# --- activities ---------------------------------------------------------------------------------------------------


def _activity_validate(activity: Activity) -> None:
    if activity.kind == Activity.Kind.MICRO_LEARNING:
        errors = {}
        if not (activity.content or activity.link):
            errors["content"] = "A micro-learning module needs its text or a link."
        if not activity.check_question:
            errors["check_question"] = "A micro-learning module needs a completion check question."
        if len(activity.check_choices or []) < 2:
            errors["check_choices"] = "Give at least two answer options."
        elif activity.check_answer is None or activity.check_answer >= len(activity.check_choices):
            errors["check_answer"] = "Pick which option is correct."
        if errors:
            raise ValidationError(errors)
    activity.full_clean()


def can_edit_activity(*, user: User, activity: Activity) -> bool:
    """The shared catalogue is the admins'; an ops lead may edit only their own proposal while it awaits an admin."""
    if roles.is_admin(user):
        return True
    return activity.is_proposal and activity.created_by_id == user.pk


@transaction.atomic
def activity_create(*, created_by: User, **fields) -> Activity:
    """A new catalogue activity: published by an admin, or, from anyone else (an ops lead), a proposal that no
    plan can use until an admin publishes it (activity_publish)."""
    activity = Activity(created_by=created_by, **fields)
    if not roles.is_admin(created_by):
        activity.is_active, activity.is_proposal = False, True
    _activity_validate(activity)
    activity.save()
    return activity


@transaction.atomic
def activity_update(*, activity: Activity, updated_by: User, **fields) -> Activity:
    """Rename, rewrite or retire a catalogue activity: admins only (a lead: their own proposal, which stays one)."""
    if not can_edit_activity(user=updated_by, activity=activity):
        raise PermissionDenied("The activity catalogue is maintained by admins.")
    for name, value in fields.items():
        setattr(activity, name, value)
    if not roles.is_admin(updated_by):
        activity.is_active, activity.is_proposal = False, True
    _activity_validate(activity)
    activity.save()
    return activity


@transaction.atomic
def activity_publish(*, activity: Activity, published_by: User) -> Activity:
    """An admin publishes a lead's proposal: it joins the catalogue every plan can use."""
    if not roles.is_admin(published_by):
        raise PermissionDenied("Only an admin publishes to the activity catalogue.")
    updated = Activity.objects.filter(pk=activity.pk, is_proposal=True).update(is_proposal=False, is_active=True)
    if not updated:
        raise ValidationError("This activity is not awaiting publication.")
    activity.refresh_from_db()
    return activity


@transaction.atomic
def plan_activity_assign(
    *,
    plan: CoachingPlan,
    activity: Activity,
    assigned_by: User | None,
    goal: Goal | None = None,
    mentor: Agent | None = None,
    due_on: date | None = None,
) -> PlanActivity:
    if not activity.is_active:
        raise ValidationError({"activity": "This activity is retired from the catalogue."})
    if goal is not None and goal.plan_id != plan.pk:
        raise ValidationError({"goal": "That goal belongs to another plan."})
    if mentor is not None:
        if activity.kind != Activity.Kind.PEER_MENTORING:
            raise ValidationError({"mentor": "Only peer-mentoring activities take a mentor."})
        if mentor.pk == plan.agent_id:
            raise ValidationError({"mentor": "An agent cannot mentor themself."})
        if mentor.team.vendor_id != plan.agent.team.vendor_id:
            raise ValidationError({"mentor": "The mentor must work for the same vendor."})
        if selectors.mentoring_load().get(mentor.pk, 0) >= selectors.max_mentees():
            raise ValidationError({"mentor": f"{mentor} already mentors {selectors.max_mentees()} agents."})
    if PlanActivity.objects.filter(plan=plan, activity=activity).exists():
        raise ValidationError({"activity": ALREADY_ON_PLAN})
    try:
        with transaction.atomic():  # a savepoint: a concurrent double submit loses on the unique constraint
            return PlanActivity.objects.create(
                plan=plan, activity=activity, goal=goal, mentor=mentor, due_on=due_on, assigned_by=assigned_by
            )
    except IntegrityError:
        raise ValidationError({"activity": ALREADY_ON_PLAN}) from None


@transaction.atomic
def plan_activity_complete(
    *, assignment: PlanActivity, user: User, answer: int | None = None, today: date | None = None
) -> PlanActivity:
    """Mark an activity done. The agent completes a micro-learning module by answering its check correctly;
    the lead may confirm any activity as done (e.g. after a workshop)."""
    activity = assignment.activity
    by_agent = assignment.plan.agent.user_id == user.pk
    if by_agent and activity.has_check and answer != activity.check_answer:
        raise ValidationError({"answer": "That is not the right answer yet: read the module again and retry."})
    updated = PlanActivity.objects.filter(pk=assignment.pk, status=PlanActivity.Status.TODO).update(
        status=PlanActivity.Status.DONE, completed_on=today or timezone.localdate(), completed_by=user
    )
    if not updated:
        raise ValidationError("This activity is already done.")
    assignment.refresh_from_db()
    return assignment


# --- sessions -----------------------------------------------------------------------------------------------------


@transaction.atomic
def session_create(
    *,
    plan: CoachingPlan,
    coach: User,
    held_on: date,
    strengths: str,
    try_differently: str,
    agreed_actions: str = "",
    next_session_on: date | None = None,
    reviews=(),
) -> CoachingSession:
    if next_session_on is not None and next_session_on <= held_on:
        raise ValidationError({"next_session_on": "The next session must come after this one."})
    reviews = list(reviews)
    if any(review.agent_id != plan.agent_id for review in reviews):
        raise ValidationError({"reviews": "Only this agent's reviews can be linked."})
    session = CoachingSession(
        plan=plan,
        coach=coach,
        held_on=held_on,
        strengths=strengths,
        try_differently=try_differently,
        agreed_actions=agreed_actions,
        next_session_on=next_session_on,
    )
    session.full_clean()
    session.save()
    session.reviews.set(reviews)
    latest = plan.sessions.order_by("-held_on", "-pk").first()
    if latest is not None and latest.pk == session.pk:
        plan.next_session_on = next_session_on
        plan.save(update_fields=["next_session_on", "updated_at"])
        # A next session agreed for a day to come is a booking (a session recorded late may name a past one).
        if next_session_on is not None and next_session_on >= timezone.localdate():
            session_booked_notify(plan=plan, on=next_session_on, booked_by=coach)
    return session


@transaction.atomic
def session_acknowledge(*, session: CoachingSession, user: User, comment: str = "") -> CoachingSession:
    if session.plan.agent.user_id != user.pk:
        raise ValidationError("Only the coached agent acknowledges a session.")
    updated = CoachingSession.objects.filter(pk=session.pk, acknowledged_at__isnull=True).update(
        acknowledged_at=timezone.now(), agent_comment=comment.strip()
    )
    if not updated:
        raise ValidationError("This session is already acknowledged.")
    session.refresh_from_db()
    return session


# --- targets ------------------------------------------------------------------------------------------------------


@transaction.atomic
def kpi_target_set(*, team: Team, kpi: str, value: float | None, updated_by: User | None) -> KpiTarget | None:
    """Set a team's target for a KPI; None removes it (the default applies again)."""
    if kpi not in kpis.KEYS:
        raise ValidationError({"kpi": "Unknown KPI."})
    if value is None:
        KpiTarget.objects.filter(team=team, kpi=kpi).delete()
        return None
    _check_target(kpi, value, field="value")
    target, _ = KpiTarget.objects.update_or_create(
        team=team, kpi=kpi, defaults={"value": float(value), "updated_by": updated_by}
    )
    return target


@transaction.atomic
def kpi_targets_set(*, team: Team, values: dict[str, float | None], updated_by: User | None) -> None:
    """Set a team's targets of several KPIs at once, all or nothing: every value is checked first, and a
    ValidationError names each KPI whose value is out of its range (nothing is saved then). None removes a target."""
    errors = {}
    for kpi, value in values.items():
        if kpi not in kpis.KEYS:
            errors[kpi] = "Unknown KPI."
            continue
        if value is None:
            continue
        try:
            _check_target(kpi, value, field=kpi)
        except ValidationError as error:
            errors |= error.message_dict
    if errors:
        raise ValidationError(errors)
    for kpi, value in values.items():
        kpi_target_set(team=team, kpi=kpi, value=value, updated_by=updated_by)


# --- suggestions --------------------------------------------------------------------------------------------------


def _proposed_activities(*, skill_id: int, by_skill: dict[int, list[Activity]]) -> list[Activity]:
    """Up to two of the skill's activities, micro-learning first, peer mentoring aside (it comes with a mentor)."""
    options = [a for a in by_skill.get(skill_id, []) if a.kind != Activity.Kind.PEER_MENTORING]
    options.sort(key=lambda a: (a.kind != Activity.Kind.MICRO_LEARNING, a.title))
    return options[:2]


@transaction.atomic
def suggestions_generate(*, agents, start: date, end: date) -> list[Suggestion]:
    """Propose goals from the data over [start, end], for each agent of `agents`:

    - a skill whose QA score (≥ 3 reviews) is below the team's skill-QA target → a goal on that skill's QA score;
    - a KPI (FCR, CSAT, CES, NPS, AHT; enough sample) not meeting the team's target → a goal on that KPI for its
      linked skill where the agent's QA score over the last 90 days is weakest (the first when none is scored).
    Each comes with up to two activities of the skill and, when one is free, a peer mentor (mentor_choose; open
    suggestions count towards a mentor's load, so proposals spread).
    At most two new ones per agent and run, largest shortfall (relative to the target) first.
    Nothing is proposed twice: not while a suggestion for the same agent, skill and KPI is open, not while the
    plan has an open goal for them, not within 30 days of a dismissal."""
    agents = agents.filter(is_active=True).select_related("team")
    agent_list = list(agents)
    if not agent_list:
        return []
    rows = {row["agent_id"]: row for row in selectors.metrics.metrics_by_agent(agents=agents, start=start, end=end)}
    skill_rows: dict[int, list[dict]] = defaultdict(list)
    for row in selectors.metrics.skill_scores_by_agent(agents=agents, start=start, end=end):
        skill_rows[row["agent_id"]].append(row)
    targets = selectors.targets_for_teams(team_ids={agent.team_id for agent in agent_list})
    skills_by_code = dict(Skill.objects.values_list("code", "pk"))
    blocked = set(
        Suggestion.objects.filter(agent__in=agent_list, status=Suggestion.Status.OPEN).values_list(
            "agent_id", "skill_id", "kpi"
        )
    )
    blocked |= set(
        Suggestion.objects.filter(
            agent__in=agent_list,
            status=Suggestion.Status.DISMISSED,
            decided_at__gte=timezone.now() - timedelta(days=SUGGESTION_COOLDOWN_DAYS),
        ).values_list("agent_id", "skill_id", "kpi")
    )
    blocked |= set(
        Goal.objects.filter(
            plan__agent__in=agent_list, status__in=[GoalStatus.ON_TRACK, GoalStatus.AT_RISK]
        ).values_list("plan__agent_id", "skill_id", "kpi")
    )
    by_skill: dict[int, list[Activity]] = defaultdict(list)
    for activity in Activity.objects.filter(is_active=True):
        by_skill[activity.skill_id].append(activity)
    # A mentor's load counts open mentoring assignments and the open suggestions already proposing them.
    load = selectors.mentoring_load()
    for mentor_id in Suggestion.objects.filter(status=Suggestion.Status.OPEN, mentor__isnull=False).values_list(
        "mentor_id", flat=True
    ):
        load[mentor_id] = load.get(mentor_id, 0) + 1
    vendor_scores: dict[int, list[dict]] = {}

    def scores_of_vendor(vendor_id: int) -> list[dict]:
        # Strength is judged over a longer period than the weakness: more reviews, less noise.
        if vendor_id not in vendor_scores:
            vendor_scores[vendor_id] = selectors.vendor_skill_scores(
                vendor_id=vendor_id, start=min(start, end - timedelta(days=MENTOR_PERIOD_DAYS - 1)), end=end
            )
        return vendor_scores[vendor_id]

    created: list[Suggestion] = []
    for agent in agent_list:
        scores = skill_rows.get(agent.pk, [])
        candidates = []  # (skill_id, kpi, observed, target, sample, reason)
        for row in scores:
            target = selectors.target_for(targets=targets, team_id=agent.team_id, kpi=kpis.SKILL_QA)
            if row["reviews"] >= selectors.MIN_SKILL_REVIEWS and row["score"] is not None and row["score"] < target:
                candidates.append(
                    (
                        row["skill_id"],
                        kpis.SKILL_QA,
                        row["score"],
                        target,
                        row["reviews"],
                        f"QA score {row['score']:.1f} over {row['reviews']} reviews, below the target {target:g}",
                    )
                )
        metrics_row = rows.get(agent.pk, {})
        # The linked skill to work on: the agent's weakest by QA score over the longer (mentor) period.
        weakest = {
            row["skill_id"]: row["score"]
            for row in scores_of_vendor(agent.team.vendor_id)
            if row["agent_id"] == agent.pk and row["reviews"] >= selectors.MIN_SKILL_REVIEWS and row["score"]
        }
        for kpi in (kpis.FCR, kpis.CSAT, kpis.CES, kpis.NPS, kpis.AHT):
            info = kpis.get(kpi)
            value, sample = info.read(metrics_row)
            target = selectors.target_for(targets=targets, team_id=agent.team_id, kpi=kpi)
            if value is None or sample < info.min_sample or info.meets(value, target):
                continue
            linked = [skills_by_code[code] for code in info.linked_skills if code in skills_by_code]
            if not linked:
                continue
            skill_id = min(linked, key=lambda pk: (weakest.get(pk, float("inf")), linked.index(pk)))
            candidates.append(
                (
                    skill_id,
                    kpi,
                    value,
                    target,
                    sample,
                    f"{info.label} {info.text(value)} over {sample} {info.sample_label}, target {info.text(target)}",
                )
            )
        # Largest shortfall first (relative to the target), at most MAX_NEW_SUGGESTIONS per agent and run.
        candidates.sort(key=lambda c: -abs(c[3] - c[2]) / max(abs(c[3]), 1e-9))
        fresh = [c for c in candidates if (agent.pk, c[0], c[1]) not in blocked][:MAX_NEW_SUGGESTIONS]
        for skill_id, kpi, observed, target, sample, reason in fresh:
            blocked.add((agent.pk, skill_id, kpi))
            mentor_id = selectors.mentor_choose(
                agent_id=agent.pk,
                skill_id=skill_id,
                scores=scores_of_vendor(agent.team.vendor_id),
                load=load,
                limit=selectors.max_mentees(),
            )
            if mentor_id is not None:
                load[mentor_id] = load.get(mentor_id, 0) + 1
            suggestion = Suggestion.objects.create(
                agent=agent,
                skill_id=skill_id,
                kpi=kpi,
                observed=observed,
                target=target,
                sample=sample,
                period_start=start,
                period_end=end,
                reason=reason,
                mentor_id=mentor_id,
            )
            suggestion.activities.set(_proposed_activities(skill_id=skill_id, by_skill=by_skill))
            created.append(suggestion)
    return created


@transaction.atomic
def suggestion_accept(
    *,
    suggestion: Suggestion,
    decided_by: User,
    target: float | None = None,
    due_date: date | None = None,
    activities=None,
    mentor: Agent | None = None,
    use_mentor: bool = True,
    today: date | None = None,
) -> Goal:
    """Accept (optionally edited): the plan gets the goal, baselined on the suggestion's period, and the
    activities; a mentor comes with the skill's peer-mentoring activity."""
    today = today or timezone.localdate()
    updated = Suggestion.objects.filter(pk=suggestion.pk, status=Suggestion.Status.OPEN).update(
        status=Suggestion.Status.ACCEPTED, decided_by=decided_by, decided_at=timezone.now()
    )
    if not updated:
        raise ValidationError("This suggestion has already been decided.")
    plan = plan_get_or_create(agent=suggestion.agent, created_by=decided_by)
    goal = goal_create(
        plan=plan,
        skill=suggestion.skill,
        kpi=suggestion.kpi,
        target=suggestion.target if target is None else target,
        due_date=due_date or today + timedelta(weeks=6),
        created_by=decided_by,
        baseline_start=suggestion.period_start,
        baseline_end=min(suggestion.period_end, today),
        window_days=DEFAULT_WINDOW_DAYS,
        note=f"From a suggestion: {suggestion.reason}",
        today=today,
    )
    chosen = list(suggestion.activities.all()) if activities is None else list(activities)
    already = set(plan.assignments.values_list("activity_id", flat=True))
    for activity in chosen:
        if activity.pk not in already and activity.kind != Activity.Kind.PEER_MENTORING:
            plan_activity_assign(plan=plan, activity=activity, goal=goal, assigned_by=decided_by)
            already.add(activity.pk)
    mentor = (mentor or suggestion.mentor) if use_mentor else None
    if mentor is not None:
        mentoring = (
            Activity.objects.filter(kind=Activity.Kind.PEER_MENTORING, is_active=True)
            .exclude(pk__in=already)
            .order_by("pk")
        )
        # The skill's own peer-mentoring activity, else any.
        own = mentoring.filter(skill=suggestion.skill).first() or mentoring.first()
        if own is None:
            raise ValidationError({"mentor": "The catalogue has no peer-mentoring activity left to assign."})
        plan_activity_assign(plan=plan, activity=own, goal=goal, mentor=mentor, assigned_by=decided_by)
    Suggestion.objects.filter(pk=suggestion.pk).update(goal=goal)
    return goal


@transaction.atomic
def suggestion_dismiss(*, suggestion: Suggestion, decided_by: User) -> Suggestion:
    updated = Suggestion.objects.filter(pk=suggestion.pk, status=Suggestion.Status.OPEN).update(
        status=Suggestion.Status.DISMISSED, decided_by=decided_by, decided_at=timezone.now()
    )
    if not updated:
        raise ValidationError("This suggestion has already been decided.")
    suggestion.refresh_from_db()
    return suggestion


@transaction.atomic
def suggestions_dismiss(*, suggestions: QuerySet[Suggestion], decided_by: User) -> int:
    """Dismiss several suggestions at once (`suggestions`: the caller's, already scoped to what `decided_by` may
    coach); the open ones among them are dismissed, decided ones are left as they are. The number dismissed."""
    if not suggestions.exists():
        raise ValidationError("Select at least one suggestion.")
    return Suggestion.objects.filter(pk__in=suggestions.values("pk"), status=Suggestion.Status.OPEN).update(
        status=Suggestion.Status.DISMISSED, decided_by=decided_by, decided_at=timezone.now()
    )


# --- notifications and the nightly run ----------------------------------------------------------------------------
# Coaching tells the agent and the leads of the agent's team (Team.leads): never a lead of another team or vendor.
# Each notice's key names the occurrence (plan and date, goal and status), so the nightly job may run twice.
# No team chat: a goal or a session is between the agent and their lead.


def _leads_by_team(team_ids) -> dict[int, list[int]]:
    """The leads' user ids of each team, in one query."""
    leads: dict[int, list[int]] = defaultdict(list)
    for team_id, user_id in Team.leads.through.objects.filter(team_id__in=set(team_ids)).values_list(
        "team_id", "user_id"
    ):
        leads[team_id].append(user_id)
    return leads


def _full_name(user: User) -> str:
    return f"{user.first_name} {user.last_name}".strip() or user.username


def _day(day: date) -> str:
    return f"{day:%a %-d %b %Y}"


def _span(start: date, end: date) -> str:
    """ "1–31 Mar 2026", "3 Mar–1 Apr 2026", "15 Dec 2025–11 Jan 2026"."""
    if start.year != end.year:
        return f"{start:%-d %b %Y}–{end:%-d %b %Y}"
    if start.month != end.month:
        return f"{start:%-d %b}–{end:%-d %b %Y}"
    return f"{start:%-d}–{end:%-d %b %Y}"


def goal_name(goal: Goal) -> str:
    """A goal in a few words, as a person says it: 'FCR ≥ 75.0%', 'Skill QA ≥ 4.0 (Empathy)'."""
    kpi = kpis.get(goal.kpi)
    name = f"{kpi.short} {'≤' if kpi.lower_is_better else '≥'} {kpi.text(goal.target)}"
    return f"'{name} ({goal.skill.name})'" if kpi.per_skill else f"'{name}'"


def _goal_url(goal: Goal) -> str:
    return reverse("coaching:plan-detail", args=[goal.plan_id]) + f"#goal-{goal.pk}"


def _tell_agent_and_leads(
    *,
    event: str,
    agent: Agent,
    leads: list[int],
    key: str,
    url: str,
    agent_title: str,
    lead_title: str,
    body: str = "",
    actor: User | None = None,
) -> int:
    """One notice to the agent and one to each lead of the agent's team (worded for each); the notices made."""
    told = notify(event=event, users=[agent.user_id], title=agent_title, key=key, url=url, body=body, actor=actor)
    others = [pk for pk in leads if pk != agent.user_id]
    if others:
        told += notify(event=event, users=others, title=lead_title, key=key, url=url, body=body, actor=actor)
    return len(told)


def session_booked_notify(*, plan: CoachingPlan, on: date, booked_by: User | None) -> int:
    """Tell the agent (and, by their preference, the team's leads) that a coaching session was booked on `on`."""
    agent = Agent.objects.select_related("user").get(pk=plan.agent_id)
    coach = _full_name(booked_by) if booked_by is not None else "Your lead"
    return _tell_agent_and_leads(
        event="session_booked",
        agent=agent,
        leads=_leads_by_team([agent.team_id])[agent.team_id],
        key=f"coaching:session-booked:{plan.pk}:{on.isoformat()}",
        url=reverse("coaching:plan-detail", args=[plan.pk]),
        agent_title=f"{coach} booked your next coaching session for {_day(on)}.",
        lead_title=f"{coach} booked a coaching session with {_full_name(agent.user)} for {_day(on)}.",
        body="The plan shows the goals, the agreed actions and the reviews to talk about.",
        actor=booked_by,
    )


def goals_closed_notify(*, goals: list[Goal], measures: dict[int, selectors.Measure]) -> int:
    """Tell each goal's agent and their team's leads that the goal was achieved or missed, with the figure and the
    days it was measured over. Once per goal and outcome."""
    closed = [goal for goal in goals if goal.status in (GoalStatus.ACHIEVED, GoalStatus.MISSED)]
    if not closed:
        return 0
    goals = list(Goal.objects.filter(pk__in=[goal.pk for goal in closed]).select_related("plan__agent__user", "skill"))
    leads = _leads_by_team(goal.plan.agent.team_id for goal in goals)
    told = 0
    for goal in goals:
        agent = goal.plan.agent
        kpi = kpis.get(goal.kpi)
        measure = measures[goal.pk]
        outcome = "was achieved" if goal.status == GoalStatus.ACHIEVED else "was missed"
        if goal.current_value is None:
            figure = f"no figures over {_span(measure.start, measure.end)}"
        else:
            figure = f"{kpi.text(goal.current_value)} over {_span(measure.start, measure.end)}"
        body = (
            f"Skill worked on: {goal.skill.name}. Baseline {kpi.text(goal.baseline)}, "
            f"target {kpi.text(goal.target)} by {goal.due_date:%-d %b %Y}; "
            f"measured on {goal.current_sample:,} {kpi.sample_label}."
        )
        told += _tell_agent_and_leads(
            event="goal_closed",
            agent=agent,
            leads=leads[agent.team_id],
            key=f"coaching:goal-closed:{goal.pk}:{goal.status}",
            url=_goal_url(goal),
            agent_title=f"Your goal {goal_name(goal)} {outcome}: {figure}.",
            lead_title=f"{_full_name(agent.user)}'s goal {goal_name(goal)} {outcome}: {figure}.",
            body=body,
        )
    return told


def notifications_send(*, today: date) -> int:
    """Tell agents and their team's leads of sessions due (today, tomorrow or overdue) and goals at risk.

    Each notice has a key (plan and session date; goal and the day it went at risk), so a second run adds none.
    Returns the number of notices made."""
    plans = list(
        CoachingPlan.objects.filter(next_session_on__isnull=False, next_session_on__lte=today + timedelta(days=1))
        .select_related("agent__user")
        .order_by("pk")
    )
    goals = list(
        Goal.objects.filter(status=GoalStatus.AT_RISK)
        .select_related("plan__agent__user", "skill")
        .only(
            "pk",
            "kpi",
            "target",
            "due_date",
            "status_since",
            "current_value",
            "measured_on",
            "window_days",
            "skill__name",
            "plan__id",
            "plan__agent__user__first_name",
            "plan__agent__user__last_name",
            "plan__agent__user__username",
            "plan__agent__user_id",
            "plan__agent__team_id",
        )
    )
    leads = _leads_by_team([plan.agent.team_id for plan in plans] + [goal.plan.agent.team_id for goal in goals])
    told = 0
    for plan in plans:
        due = plan.next_session_on
        when = f"overdue since {_day(due)}" if due < today else f"due on {_day(due)}"
        told += _tell_agent_and_leads(
            event="session_due",
            agent=plan.agent,
            leads=leads[plan.agent.team_id],
            key=f"coaching:session-due:{plan.pk}:{due.isoformat()}",
            url=reverse("coaching:plan-detail", args=[plan.pk]),
            agent_title=f"Your coaching session is {when}.",
            lead_title=f"Your coaching session with {_full_name(plan.agent.user)} is {when}.",
        )
    for goal in goals:
        agent = goal.plan.agent
        kpi = kpis.get(goal.kpi)
        start, end = selectors.measurement_window(goal=goal, today=goal.measured_on or today)
        figure = (
            f"no figures over {_span(start, end)}"
            if goal.current_value is None
            else f"{kpi.text(goal.current_value)} over {_span(start, end)}"
        )
        what = f"{goal_name(goal)} is at risk: {figure}, due {goal.due_date:%-d %b %Y}"
        told += _tell_agent_and_leads(
            event="goal_at_risk",
            agent=agent,
            leads=leads[agent.team_id],
            key=f"coaching:goal-at-risk:{goal.pk}:{goal.status_since.isoformat() if goal.status_since else ''}",
            url=_goal_url(goal),
            agent_title=f"Your goal {what}.",
            lead_title=f"{_full_name(agent.user)}'s goal {what}.",
            body=f"Skill worked on: {goal.skill.name}. The plan shows the goal's progress and its activities.",
        )
    return told


def coaching_nightly(*, today: date | None = None, suggestion_days: int = DEFAULT_WINDOW_DAYS) -> dict:
    """The nightly job: refresh goal values and statuses, propose suggestions for the last period, notify."""
    today = today or timezone.localdate()
    open_goals = Goal.objects.filter(Q(measured_on__isnull=True) | Q(measured_on__lte=F("due_date")))
    refreshed = goals_refresh(goals=open_goals, today=today, notify_closed=True)
    end = today - timedelta(days=1)
    suggested = suggestions_generate(
        agents=Agent.objects.all(), start=end - timedelta(days=suggestion_days - 1), end=end
    )
    notified = notifications_send(today=today)
    return {"goals": refreshed, "suggestions": len(suggested), "notifications": notified}
