"""Coaching pages. Ops leads manage plans of agents in their teams; an agent reads and acts on their own plan.

Scope goes through coaching.selectors (plans_for_user etc.): another agent's or another vendor's plan is a 404;
roles without coaching (hiring managers, QA reviewers) get 403.
"""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from coaching import forms, selectors, services
from coaching.models import Activity, CoachingPlan, Suggestion
from coaching.status import GoalStatus
from core import roles
from core.views import add_service_errors, int_param, require_role
from metrics import kpis
from qa.reviews.selectors import released_for_agent

lead_only = require_role(roles.OPS_LEAD)
plan_readers = require_role(roles.OPS_LEAD, roles.AGENT)


def _goal_rows(plan: CoachingPlan) -> tuple[list[dict], list[dict]]:
    """Template rows and chart data for the plan's goals (already prefetched)."""
    rows, charts = [], []
    today = timezone.localdate()
    for goal in plan.goals.all():
        points = [{"x": m.day.isoformat(), "y": m.value} for m in goal.measurements.all()]
        kpi = kpis.get(goal.kpi)
        rows.append(
            {
                "goal": goal,
                "baseline": kpi.text(goal.baseline),
                "target": kpi.text(goal.target),
                "current": kpi.text(goal.current_value),
                "window": selectors.measurement_window_text(goal=goal, today=today),
                "sample_label": kpi.sample_label,
                "lower_is_better": kpi.lower_is_better,
            }
        )
        charts.append(
            {
                "id": goal.pk,
                "label": f"{kpi.label} · {goal.skill.name}",
                "points": points,
                "baseline": goal.baseline,
                "target": goal.target,
                "start": goal.start_date.isoformat(),
                "due": goal.due_date.isoformat(),
            }
        )
    return rows, charts


def _render_plan(request: HttpRequest, plan: CoachingPlan | None) -> HttpResponse:
    context = {"plan": plan, "can_manage": selectors.can_manage(request.user), "today": timezone.localdate()}
    if plan is not None:
        goal_rows, charts = _goal_rows(plan)
        assignments = list(plan.assignments.all())
        context.update(
            goal_rows=goal_rows,
            charts=charts,
            todo=[a for a in assignments if a.status == a.Status.TODO],
            done=[a for a in assignments if a.status == a.Status.DONE],
            sessions=list(plan.sessions.all()),
            is_own=plan.agent.user_id == request.user.pk,
            ack_form=forms.AcknowledgeForm(),
            goal_history=selectors.plan_goal_history(plan=plan),
        )
    return render(request, "coaching/plan_detail.html", context)


@require_role(roles.AGENT)
def my_plan(request: HttpRequest) -> HttpResponse:
    plan = selectors.plan_detail(plans=CoachingPlan.objects.filter(agent__user=request.user)).first()
    return _render_plan(request, plan)


@plan_readers
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(selectors.plan_detail(plans=selectors.plans_for_user(user=request.user)), pk=pk)
    return _render_plan(request, plan)


@lead_only
def plan_list(request: HttpRequest) -> HttpResponse:
    plans = list(selectors.plan_list_for_lead(user=request.user))
    at_risk = (
        selectors.goals_for_user(user=request.user).filter(status=GoalStatus.AT_RISK).order_by("due_date", "pk")[:20]
    )
    context = {
        "plans": plans,
        "statuses": GoalStatus,
        "at_risk": [
            (goal, kpis.get(goal.kpi).text(goal.current_value), kpis.get(goal.kpi).text(goal.target))
            for goal in at_risk
        ],
        "without_plan": selectors.agents_without_plan(user=request.user)[:200],
        "open_suggestions": selectors.suggestions_for_user(user=request.user)
        .filter(status=Suggestion.Status.OPEN)
        .count(),
        "today": timezone.localdate(),
        "totals": {status: sum(getattr(plan, f"goals_{status}") for plan in plans) for status in GoalStatus.values},
    }
    return render(request, "coaching/plan_list.html", context)


@lead_only
def plan_create(request: HttpRequest) -> HttpResponse:
    agent_id = int_param(request.GET.get("agent"))
    if request.method == "GET" and agent_id is not None:
        # Linked from an agent's dashboard: an agent who already has a plan goes straight to it.
        existing = selectors.plans_for_user(user=request.user).filter(agent_id=agent_id).first()
        if existing is not None:
            return redirect("coaching:plan-detail", pk=existing.pk)
    agents = selectors.agents_without_plan(user=request.user)
    form = forms.PlanCreateForm(request.POST or None, agents=agents, initial={"agent": request.GET.get("agent")})
    if request.method == "POST" and form.is_valid():
        plan = services.plan_get_or_create(
            agent=form.cleaned_data["agent"], created_by=request.user, focus=form.cleaned_data["focus"]
        )
        messages.success(request, f"Coaching plan created for {plan.agent}.")
        return redirect("coaching:plan-detail", pk=plan.pk)
    return render(request, "coaching/form.html", {"form": form, "title": "New coaching plan"})


def _managed_plan(request: HttpRequest, pk: int) -> CoachingPlan:
    return get_object_or_404(
        selectors.plans_for_user(user=request.user).select_related("agent__user", "agent__team"), pk=pk
    )


@lead_only
def goal_create(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _managed_plan(request, pk)
    form = forms.GoalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            goal = services.goal_create(plan=plan, created_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"Goal set. Baseline {kpis.get(goal.kpi).text(goal.baseline)} "
                f"({goal.baseline_sample or 0} {kpis.get(goal.kpi).sample_label}).",
            )
            return redirect("coaching:plan-detail", pk=plan.pk)
    return render(
        request,
        "coaching/form.html",
        {
            "form": form,
            "title": f"New goal for {plan.agent}",
            "plan": plan,
            "draft_key": f"coaching-goal-new-{plan.pk}",
        },
    )


@lead_only
def goal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    goal = get_object_or_404(selectors.goals_for_user(user=request.user), pk=pk)
    initial = {"target": goal.target, "due_date": goal.due_date, "note": goal.note}
    form = forms.GoalEditForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if request.POST.get("delete"):
            services.goal_delete(goal=goal, deleted_by=request.user)
            messages.success(request, "Goal removed.")
            return redirect("coaching:plan-detail", pk=goal.plan_id)
        if form.is_valid():
            try:
                services.goal_update(goal=goal, updated_by=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Goal updated.")
                return redirect("coaching:plan-detail", pk=goal.plan_id)
    return render(
        request,
        "coaching/form.html",
        {
            "form": form,
            "title": f"Edit goal: {goal}",
            "plan": goal.plan,
            "deletable": True,
            "draft_key": f"coaching-goal-{goal.pk}",
        },
    )


@lead_only
def assignment_create(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _managed_plan(request, pk)
    activities = selectors.activity_list()
    if request.method != "POST":  # the choices offered; a POST may name one already on the plan (a double submit)
        activities = activities.exclude(pk__in=plan.assignments.values("activity_id"))
    form = forms.AssignForm(
        request.POST or None,
        plan=plan,
        activities=activities,
        mentors=selectors.mentor_options(agent=plan.agent),
    )
    if request.method == "POST" and form.is_valid():
        activity = form.cleaned_data["activity"]
        if plan.assignments.filter(activity=activity).exists():  # submitted twice: nothing more to do
            messages.info(request, f"“{activity}” is already on the plan.")
            return redirect("coaching:plan-detail", pk=plan.pk)
        try:
            services.plan_activity_assign(plan=plan, assigned_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Activity assigned.")
            return redirect("coaching:plan-detail", pk=plan.pk)
    return render(request, "coaching/form.html", {"form": form, "title": f"Assign an activity to {plan.agent}"})


@plan_readers
def assignment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = get_object_or_404(selectors.assignments_for_user(user=request.user), pk=pk)
    form = forms.CompleteForm(request.POST or None, activity=assignment.activity)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_activity_complete(
                assignment=assignment, user=request.user, answer=form.cleaned_data.get("answer")
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"“{assignment.activity}” marked done.")
            return redirect("coaching:plan-detail", pk=assignment.plan_id)
    return render(request, "coaching/assignment_detail.html", {"assignment": assignment, "form": form})


@lead_only
def session_create(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _managed_plan(request, pk)
    form = forms.SessionForm(request.POST or None, reviews=released_for_agent(agent=plan.agent, limit=30))
    if request.method == "POST" and form.is_valid():
        try:
            services.session_create(plan=plan, coach=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Session recorded; the agent will see it on their plan.")
            return redirect("coaching:plan-detail", pk=plan.pk)
    return render(
        request,
        "coaching/form.html",
        {"form": form, "title": f"Coaching session with {plan.agent}", "draft_key": f"coaching-session-new-{plan.pk}"},
    )


@plan_readers
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(
        selectors.sessions_for_user(user=request.user).prefetch_related("reviews__contact"), pk=pk
    )
    return render(
        request,
        "coaching/session_detail.html",
        {
            "session": session,
            "is_own": session.plan.agent.user_id == request.user.pk,
            "ack_form": forms.AcknowledgeForm(),
        },
    )


@require_POST
@require_role(roles.AGENT)
def session_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(selectors.sessions_for_user(user=request.user), pk=pk)
    form = forms.AcknowledgeForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    else:
        try:
            services.session_acknowledge(session=session, user=request.user, comment=form.cleaned_data["comment"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Session acknowledged. Your lead can see it.")
    return redirect("coaching:my-plan")


@lead_only
def activity_list(request: HttpRequest) -> HttpResponse:
    """The shared catalogue (admins maintain it) and the proposals awaiting an admin (a lead sees their own)."""
    show_all = request.GET.get("all") == "1"
    is_admin = roles.is_admin(request.user)
    proposals = selectors.activity_proposals(user=request.user)
    return render(
        request,
        "coaching/activity_list.html",
        {
            "activities": selectors.activity_list(include_inactive=show_all).filter(is_proposal=False),
            "proposals": proposals,
            "show_all": show_all,
            "is_admin": is_admin,
        },
    )


@lead_only
def activity_create(request: HttpRequest) -> HttpResponse:
    """An admin adds to the catalogue; an ops lead proposes an activity for an admin to publish."""
    return _activity_form(request, None)


@lead_only
def activity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Admins edit (rename, retire) catalogue activities; a lead only their own proposal still awaiting an admin."""
    activity = get_object_or_404(selectors.activities_visible_to(user=request.user), pk=pk)
    if not services.can_edit_activity(user=request.user, activity=activity):
        raise PermissionDenied("The activity catalogue is maintained by admins.")
    return _activity_form(request, activity)


@require_POST
@require_role(roles.ADMIN)
def activity_publish(request: HttpRequest, pk: int) -> HttpResponse:
    activity = get_object_or_404(Activity, pk=pk)
    try:
        services.activity_publish(activity=activity, published_by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"“{activity}” is published: every plan can use it now.")
    return redirect("coaching:activity-list")


def _activity_form(request: HttpRequest, activity: Activity | None) -> HttpResponse:
    is_admin = roles.is_admin(request.user)
    form = forms.ActivityForm(request.POST or None, instance=activity, is_admin=is_admin)
    if request.method == "POST" and form.is_valid():
        try:
            if activity is None:
                services.activity_create(created_by=request.user, **form.service_fields())
            else:
                services.activity_update(activity=activity, updated_by=request.user, **form.service_fields())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if is_admin:
                messages.success(request, "Catalogue saved.")
            else:
                messages.success(request, "Proposal saved: an admin publishes it to the catalogue.")
            return redirect("coaching:activity-list")
    if activity is None:
        title = "New activity" if is_admin else "Propose an activity"
    else:
        title = f"Edit “{activity}”" if is_admin else f"Edit your proposal “{activity}”"
    return render(request, "coaching/form.html", {"form": form, "title": title})


@lead_only
def activity_impact(request: HttpRequest, pk: int) -> HttpResponse:
    activity = get_object_or_404(selectors.activities_visible_to(user=request.user).select_related("skill"), pk=pk)
    kpi = request.GET.get("kpi") if request.GET.get("kpi") in kpis.KEYS else kpis.SKILL_QA
    try:
        window = int(request.GET.get("window", 28))
    except ValueError:
        window = 28
    window = window if window in (14, 28, 56) else 28
    result = selectors.return_on_training(
        activity=activity,
        kpi=kpi,
        window_days=window,
        agents=selectors.coachable_agents_for_user(user=request.user),
        today=timezone.localdate(),
    )
    for key in ("completed", "not_completed"):
        group = result[key]
        group["before_text"] = kpis.get(kpi).text(group["before"])
        group["after_text"] = kpis.get(kpi).text(group["after"])
    return render(
        request,
        "coaching/activity_impact.html",
        {
            "activity": activity,
            "result": result,
            "kpi": kpi,
            "kpi_label": kpis.get(kpi).label,
            "kpis": kpis.CHOICES,
            "window": window,
            "windows": (14, 28, 56),
            "lower_is_better": kpis.get(kpi).lower_is_better,
            "sample_label": kpis.get(kpi).sample_label,
        },
    )


SUGGESTIONS_SHOWN = 300


@lead_only
def suggestion_list(request: HttpRequest) -> HttpResponse:
    """The suggestions in the lead's scope, grouped by what they propose (skill and KPI), strongest evidence first."""
    suggestions = selectors.suggestions_for_user(user=request.user)
    status = request.GET.get("status", Suggestion.Status.OPEN)
    if status not in Suggestion.Status.values:
        status = Suggestion.Status.OPEN
    suggestions = list(suggestions.filter(status=status).order_by("pk")[: SUGGESTIONS_SHOWN + 1])
    more = len(suggestions) > SUGGESTIONS_SHOWN
    groups = selectors.suggestion_groups(suggestions=suggestions[:SUGGESTIONS_SHOWN])
    return render(
        request,
        "coaching/suggestion_list.html",
        {
            "groups": groups,
            "count": min(len(suggestions), SUGGESTIONS_SHOWN),
            "more": more,
            "status": status,
            "statuses": Suggestion.Status.choices,
        },
    )


@require_POST
@lead_only
def suggestion_dismiss_bulk(request: HttpRequest) -> HttpResponse:
    """Dismiss the chosen suggestions (`suggestion` ids, repeated). One out of the lead's scope: 404, nothing done."""
    ids = {pk for pk in map(int_param, request.POST.getlist("suggestion")) if pk is not None}
    chosen = selectors.suggestions_for_user(user=request.user).filter(pk__in=ids)
    if len(ids) != chosen.count():
        raise Http404("No such suggestion.")
    try:
        dismissed = services.suggestions_dismiss(suggestions=chosen, decided_by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        skipped = len(ids) - dismissed
        note = f" ({skipped} already decided, left as they were)" if skipped else ""
        messages.info(
            request,
            f"{dismissed} suggestion{'s' if dismissed != 1 else ''} dismissed{note}; "
            f"none will be proposed again for {services.SUGGESTION_COOLDOWN_DAYS} days.",
        )
    return redirect("coaching:suggestion-list")


@require_POST
@lead_only
def suggestion_refresh(request: HttpRequest) -> HttpResponse:
    end = timezone.localdate() - timedelta(days=1)
    created = services.suggestions_generate(
        agents=selectors.coachable_agents_for_user(user=request.user),
        start=end - timedelta(days=services.DEFAULT_WINDOW_DAYS - 1),
        end=end,
    )
    messages.info(request, f"{len(created)} new suggestion(s) from the last {services.DEFAULT_WINDOW_DAYS} days.")
    return redirect("coaching:suggestion-list")


@lead_only
def suggestion_accept(request: HttpRequest, pk: int) -> HttpResponse:
    suggestion = get_object_or_404(
        selectors.suggestions_for_user(user=request.user).filter(status=Suggestion.Status.OPEN), pk=pk
    )
    initial = {
        "target": suggestion.target,
        "due_date": timezone.localdate() + timedelta(weeks=6),
        "activities": list(suggestion.activities.all()),
        "mentor": suggestion.mentor,
    }
    form = forms.SuggestionAcceptForm(
        request.POST or None,
        initial=initial,
        suggestion=suggestion,
        mentors=selectors.mentor_options(agent=suggestion.agent),
    )
    if request.method == "POST" and form.is_valid():
        try:
            goal = services.suggestion_accept(
                suggestion=suggestion,
                decided_by=request.user,
                target=form.cleaned_data["target"],
                due_date=form.cleaned_data["due_date"],
                activities=form.cleaned_data["activities"],
                mentor=form.cleaned_data["mentor"],
                use_mentor=form.cleaned_data["mentor"] is not None,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Goal added to {suggestion.agent}'s plan.")
            return redirect("coaching:plan-detail", pk=goal.plan_id)
    return render(
        request,
        "coaching/suggestion_accept.html",
        {
            "form": form,
            "suggestion": suggestion,
            "observed": kpis.get(suggestion.kpi).text(suggestion.observed),
            "target": kpis.get(suggestion.kpi).text(suggestion.target),
        },
    )


@require_POST
@lead_only
def suggestion_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    suggestion = get_object_or_404(selectors.suggestions_for_user(user=request.user), pk=pk)
    try:
        services.suggestion_dismiss(suggestion=suggestion, decided_by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.info(request, "Suggestion dismissed; it will not be proposed again for 30 days.")
    return redirect("coaching:suggestion-list")


@lead_only
def target_list(request: HttpRequest) -> HttpResponse:
    teams = list(selectors.teams_in_scope(user=request.user).select_related("vendor").order_by("name"))
    targets = selectors.targets_for_teams(team_ids=[team.pk for team in teams])
    rows = [
        (
            team,
            [
                (
                    kpis.get(kpi).text(selectors.target_for(targets=targets, team_id=team.pk, kpi=kpi)),
                    (team.pk, kpi) in targets,
                )
                for kpi in kpis.KEYS
            ],
        )
        for team in teams
    ]
    return render(request, "coaching/target_list.html", {"rows": rows, "kpis": kpis.CHOICES})


@lead_only
def team_targets(request: HttpRequest, pk: int) -> HttpResponse:
    team = get_object_or_404(selectors.teams_in_scope(user=request.user), pk=pk)
    targets = selectors.targets_for_teams(team_ids=[team.pk])
    current = {kpi: value for (_, kpi), value in targets.items()}
    form = forms.TargetForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.kpi_targets_set(
                team=team, values={kpi: form.cleaned_data[kpi] for kpi in kpis.KEYS}, updated_by=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Targets of {team} saved.")
            return redirect("coaching:target-list")
    defaults = ", ".join(f"{kpi.label} {kpi.text(kpi.default_target)}" for kpi in kpis.catalogue() if kpi.headline)
    return render(
        request,
        "coaching/form.html",
        {"form": form, "title": f"Targets of {team}", "help": f"Empty fields use the default: {defaults}."},
    )
