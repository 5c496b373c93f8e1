"""Dashboard pages: the ops lead's team dashboard, the vendor comparison, the agent's dashboard, hiring.

Every figure comes from the daily rollups (metrics.selectors and .selectors here); pages run a constant
number of queries whatever the number of agents. `?export=<table>` answers the same filters as CSV.
"""

import hashlib
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from assessments import selectors as hiring_selectors
from assessments.models import Stage
from assessments.selectors import requisitions_for_user
from coaching import selectors as coaching_selectors
from coaching.status import GoalStatus
from core import exports, roles
from core.models import Agent, Skill, Team, Vendor
from core.selectors.scope import agents_for_user, team_ids_for_user, teams_for_user
from core.views import int_param, require_role
from metrics import selectors as metrics
from qa.disputes.selectors import open_disputes_count
from qa.reviews import selectors as qa_selectors

from . import definitions
from . import selectors as dash
from .charts import HEAT_MIN_REVIEWS, flag_text, heatmap_rows, kpi_cards, skill_groups, trend_charts
from .periods import AGENT_DAILY_MAX_DAYS, Filters, PeriodForm, default_filters, filters_from

AGENT_COLUMNS = [
    ("Agent", "agent_name"),
    ("Team today", "team_name"),
    ("Contacts", "contacts"),
    ("Cases", "cases"),
    ("FCR %", "fcr_pct"),
    ("CSAT responses", "csat_responses"),
    ("CSAT %", "csat_pct"),
    ("CSAT mean", "csat_avg"),
    ("CES responses", "ces_responses"),
    ("CES", "ces_avg"),
    ("NPS responses", "nps_responses"),
    ("NPS", "nps"),
    ("AHT s", "aht_seconds"),
    ("ACW s", "acw_seconds"),
    ("QA reviews", "qa_reviews"),
    ("QA score", "qa_score"),
]
TEAM_COLUMNS = [("Team", "team_name"), ("Vendor", "vendor_name")] + AGENT_COLUMNS[2:]
VENDOR_COLUMNS = [("Vendor", "vendor_name"), ("Kind", "vendor_kind")] + AGENT_COLUMNS[2:]
TREND_COLUMNS = [("Period start", "bucket")] + AGENT_COLUMNS[2:]


def _filters(request: HttpRequest, *, teams: list[tuple[int, str]]) -> tuple[PeriodForm, Filters]:
    """The period form bound to the GET parameters, and its filters (the defaults when the form has errors)."""
    params = request.GET.copy()
    params.pop("export", None)
    form = PeriodForm(params or None, teams=teams)
    filters = filters_from(form) if form.is_bound else None
    if filters is None:
        filters = default_filters(form.today)
        if not form.is_bound:
            form = PeriodForm({"preset": filters.preset}, teams=teams)
            form.is_valid()
    return form, filters


def _csv(filename: str, columns: list[tuple[str, str]], rows: list[dict], extra: list[tuple[str, str]] = ()):
    columns = list(columns) + list(extra)
    return exports.csv_response(
        filename=filename,
        header=[label for label, _ in columns],
        rows=([row.get(key) for _, key in columns] for row in rows),
    )


def _kpi_columns(kpi_list) -> list[tuple[str, str]]:
    """CSV columns of KPIs: each figure, then its n."""
    return [column for kpi in kpi_list for column in ((kpi.column, kpi.figure), (f"{kpi.short} n", kpi.sample))]


def _period_name(filters: Filters) -> str:
    return f"{filters.period.start:%Y%m%d}-{filters.period.end:%Y%m%d}"


def _skills() -> list[Skill]:
    """The skill catalogue in display order, the core ten first, cached briefly: it changes only in the admin."""
    return cache.get_or_set("dashboards:skills", lambda: list(Skill.objects.order_by("-is_core", "position", "pk")), 60)


def _team_scope(request: HttpRequest):
    """(form, filters, team choices, team rows, the selected teams' figures now and before, selected teams, their
    agents) of the team dashboard's GET."""
    scope = _scope_teams(request)
    # The choices come with the figures of the selected teams in one query; the form is bound to them afterwards.
    params = request.GET.copy()
    params.pop("export", None)
    wanted = [pk for pk in map(int_param, params.getlist("team")) if pk is not None]
    probe = PeriodForm(params or None, teams=[(pk, str(pk)) for pk in wanted])
    filters = (filters_from(probe) if probe.is_bound else None) or default_filters(probe.today)
    choices, team_rows, sums = dash.team_table(
        scope=scope, selected_ids=filters.team_ids, period=filters.period, compare=True
    )
    form, checked = _filters(request, teams=[(pk, name) for pk, name, _ in choices])
    if (checked.period, checked.team_ids) != (filters.period, filters.team_ids):
        # A team out of scope or bad dates: the form shows the error; figures are of the defaults (rare: 1 query).
        choices, team_rows, sums = dash.team_table(
            scope=scope, selected_ids=checked.team_ids, period=checked.period, compare=True
        )
    filters = checked
    # The scope resolved to literal ids once (from the query above), so the rollup queries use their indexes.
    team_ids = filters.team_ids or [pk for pk, _, _ in choices]
    teams = team_ids
    # The teams are the user's scope (or checked against it), so their agents need no second scope subquery.
    agents = Agent.objects.filter(team_id__in=team_ids)
    team_rows = [row for row in team_rows if not filters.team_ids or row["team_id"] in filters.team_ids]
    return form, filters, choices, team_rows, sums, teams, agents


def _page(request: HttpRequest, *, name: str, title: str, build, key: str = "") -> HttpResponse:
    """Render dashboard `name`: `build()` gives its context (or a CSV response for `?export=`).

    The rendered body is cached for DASHBOARD_CACHE_SECONDS per user, page, filters and what the user may see (the
    rollups themselves are rebuilt every few minutes, so a minute of staleness changes nothing a reader can tell);
    base.html with its per-request CSRF token and CSP nonce is rendered each time around it. The key holds the
    user's roles and the teams in their scope (one query), so a lead taken off a team, or a user losing a role, never
    gets a body drawn with the old access.
    """
    seconds = settings.DASHBOARD_CACHE_SECONDS
    exporting = "export" in request.GET
    cache_key = None
    if seconds and not exporting:
        params = urlencode(sorted(request.GET.lists()), doseq=True)
        access = _access_fingerprint(request)
        digest = hashlib.sha256(
            f"{name}|{key}|{request.user.pk}|{access}|{params}|{timezone.localdate()}".encode()
        ).hexdigest()
        cache_key = f"dashboards:page:{digest}"
        body = cache.get(cache_key)
        if body is not None:
            return render(request, "dashboards/dashboard_page.html", {"body": mark_safe(body), "page_title": title})
    context = build()
    if isinstance(context, HttpResponse):
        return context
    body = render_to_string(f"dashboards/dashboard_{name}.html", context, request)
    if cache_key:
        cache.set(cache_key, body, seconds)
    return render(request, "dashboards/dashboard_page.html", {"body": mark_safe(body), "page_title": title})


def _scope_teams(request: HttpRequest) -> list[tuple[int, str, str, str]]:
    """(id, name, vendor name, vendor kind) of the teams in the user's scope, by vendor and name: one query, kept on
    the request (the cache key, the team picker and the vendor page share it)."""
    if not hasattr(request, "_dashboard_scope"):
        teams = teams_for_user(user=request.user).order_by("vendor__name", "name", "pk")
        request._dashboard_scope = list(teams.values_list("pk", "name", "vendor__name", "vendor__kind"))
    return request._dashboard_scope


def _access_fingerprint(request: HttpRequest) -> str:
    """The user's roles and the ids of the teams in their scope (what their dashboards may show), as text."""
    return f"{sorted(roles.role_names(request.user))}|{team_ids_for_user(user=request.user)}"


@require_role(roles.OPS_LEAD)
def team_dashboard(request: HttpRequest) -> HttpResponse:
    """The ops lead's dashboard of the teams in their scope for a period."""
    return _page(request, name="team", title="Team dashboard", build=lambda: _team_dashboard(request))


def _team_dashboard(request: HttpRequest):
    form, filters, team_choices, team_rows, sums, teams, agents = _team_scope(request)
    period = filters.period
    export = request.GET.get("export")
    name = _period_name(filters)

    if export == "agents":
        rows = dash.agent_table(agents=agents, period=period)
        for row in rows:
            row["flags"] = (
                "; ".join(flag_text(flag) for flag in row["flags"]) if row["history"] else "not enough history"
            )
        return _csv(f"agents-{name}.csv", AGENT_COLUMNS, rows, [("Below target (3 periods)", "flags")])
    if export == "teams":
        return _csv(f"teams-{name}.csv", TEAM_COLUMNS, team_rows)
    if export == "channels":
        rows = dash.channels_and_reasons(team_ids=teams, period=period)["channels"]
        columns = [("Channel", "name"), ("Code", "code"), ("Contacts", "contacts")]
        return _csv(f"channels-{name}.csv", columns + _kpi_columns(definitions.channel_kpis()), rows)
    if export == "reasons":
        rows = dash.channels_and_reasons(team_ids=teams, period=period)["reasons"]
        columns = [("Reason", "reason"), ("Contacts", "contacts"), ("Share %", "share_pct")]
        return _csv(f"reasons-{name}.csv", columns + _kpi_columns(definitions.reason_kpis()), rows)
    if export == "trend":
        rows = dash.trend(period=period, grain=filters.chart_grain, teams=teams)
        return _csv(f"trend-{name}.csv", TREND_COLUMNS, rows)
    if export == "skills":
        skills = _skills()
        agent_rows = dash.agent_table(agents=agents, period=period)
        scores = metrics.skill_scores_by_agent(
            agents=[row["agent_id"] for row in agent_rows], start=period.start, end=period.end
        )
        rows = heatmap_rows(agent_rows=agent_rows, skills=skills, scores=scores)
        header = ["Agent", "Team today"] + [f"{s.name} score" for s in skills] + [f"{s.name} reviews" for s in skills]
        return exports.csv_response(
            filename=f"skills-{name}.csv",
            header=header,
            rows=(
                [row["agent_name"], row["team_name"]]
                + [cell["score"] for cell in row["cells"]]
                + [cell["reviews"] for cell in row["cells"]]
                for row in rows
            ),
        )

    agent_rows = dash.agent_table(agents=agents, period=period)
    goals = coaching_selectors.goals_by_agent(agents=agents)
    for row in agent_rows:
        row["url"] = f"{reverse('dashboards:agent-dashboard', args=[row['agent_id']])}?{filters.query()}"
        row["goals_open"] = goals.get(row["agent_id"], {}).get("open", 0)
        row["goals_at_risk"] = goals.get(row["agent_id"], {}).get("at_risk", 0)
    for row in team_rows:
        row["query"] = filters.with_teams([row["team_id"]])
    skills = _skills()
    scores = metrics.skill_scores_by_agent(
        agents=[row["agent_id"] for row in agent_rows], start=period.start, end=period.end
    )
    trend_rows = dash.trend(period=period, grain=filters.chart_grain, teams=teams)
    open_disputes = open_disputes_count(team_ids=[row["team_id"] for row in team_rows])
    breakdown = dash.channels_and_reasons(team_ids=teams, period=period)
    now = sums["now"]
    at_risk = [row for row in agent_rows if row["goals_at_risk"]]
    coaching = {
        "agents_with_goals": sum(1 for row in agent_rows if row["goals_open"]),
        "open_goals": sum(row["goals_open"] for row in agent_rows),
        "at_risk_count": sum(row["goals_at_risk"] for row in agent_rows),
        "at_risk": at_risk[:10],
        "more": max(len(at_risk) - 10, 0),
    }
    context = {
        "coaching": coaching,
        "form": form,
        "filters": filters,
        "team_choices": team_choices,
        "selected_team_names": [n for pk, n, _ in team_choices if pk in filters.team_ids],
        "cards": kpi_cards(now=now, before=sums["before"]),
        "totals": now,
        "previous_period": period.previous(),
        "agent_rows": agent_rows,
        "flagged_count": sum(1 for row in agent_rows if row["flags"]),
        "no_history_count": sum(1 for row in agent_rows if not row["history"]),
        "flag_history_start": period.previous(definitions.FLAG_PERIODS - 1).start,
        "team_rows": team_rows,
        "skills": skills,
        "skill_groups": skill_groups(skills),
        "heat_min_reviews": HEAT_MIN_REVIEWS,
        "heatmap": heatmap_rows(agent_rows=agent_rows, skills=skills, scores=scores),
        "charts": trend_charts(trend_rows, grain=filters.chart_grain, period=period),
        "trend_rows": trend_rows,
        "coverage": coverage(agent_rows, open_disputes=open_disputes),
        "targets": definitions.TARGETS,
        "definitions_kpis": definitions.kpi_list(),
        "flag_periods": definitions.FLAG_PERIODS,
        "presets": _presets(filters),
        "channel_rows": breakdown["channels"],
        "channel_kpis": definitions.channel_kpis(),
        "channel_columns": 2 + sum(1 if kpi.sample == "contacts" else 2 for kpi in definitions.channel_kpis()),
        "detail_kpis": definitions.detail_kpis(),
        "reason_rows": breakdown["reasons"],
        "no_reason": breakdown["no_reason"],
        "reason_kpis": definitions.reason_kpis(),
    }
    return context


def coverage(agent_rows: list[dict], *, open_disputes: int) -> dict:
    """QA coverage of the agents listed (the selected teams' agents today), from agent_table's window columns."""
    first = agent_rows[0] if agent_rows else {}
    worked, reviewed = first.get("agents_worked") or 0, first.get("agents_reviewed") or 0
    reviews = first.get("roster_reviews") or 0
    return {
        "agents_worked": worked,
        "agents_reviewed": reviewed,
        "reviewed_share": 100 * reviewed / worked if worked else None,
        "reviews": reviews,
        "reviews_per_agent": reviews / worked if worked else None,
        "open_disputes": open_disputes,
    }


def _presets(filters: Filters) -> list[dict]:
    from .periods import PRESETS

    return [
        {"days": days, "label": label, "query": filters.preset_query(days), "active": filters.preset == days}
        for days, label in PRESETS
    ]


@require_role(roles.OPS_LEAD)
def vendor_comparison(request: HttpRequest) -> HttpResponse:
    """In-house against outsourced partners on the same figures and period (vendors in the user's scope)."""
    return _page(request, name="vendor", title="Vendor comparison", build=lambda: _vendor_comparison(request))


def _vendor_comparison(request: HttpRequest):
    form, filters = _filters(request, teams=[])
    period = filters.period
    # The scope resolved to literal ids once, so the rollup queries use their indexes.
    team_kinds = [(pk, kind) for pk, _, _, kind in _scope_teams(request)]
    team_ids = [pk for pk, _ in team_kinds]
    teams = Team.objects.filter(pk__in=team_ids)
    vendors = Vendor.objects.filter(pk__in=teams.values("vendor_id"))
    export = request.GET.get("export")
    name = _period_name(filters)
    if export == "vendors":
        rows = metrics.metrics_by_vendor(vendors=vendors, start=period.start, end=period.end, teams=teams)
        return _csv(f"vendors-{name}.csv", VENDOR_COLUMNS, rows)
    if export == "teams":
        rows = metrics.metrics_by_team(teams=teams, start=period.start, end=period.end)
        return _csv(f"vendor-teams-{name}.csv", TEAM_COLUMNS, rows)

    table = dash.vendor_table(team_ids=team_ids, periods={"now": period, "before": period.previous()})
    in_house_rows = [entry["now"] for entry in table if entry["vendor_kind"] == Vendor.Kind.IN_HOUSE]
    has_in_house = bool(in_house_rows)
    if len(in_house_rows) == 1:
        in_house = in_house_rows[0]  # the usual case: one in-house vendor, its row is the reference
    else:
        in_house_ids = [pk for pk, kind in team_kinds if kind == Vendor.Kind.IN_HOUSE]
        in_house = dash.totals(periods={"now": period}, team_ids=in_house_ids)["now"]
    vendor_rows = []
    for entry in table:
        row = {**entry["now"], **{k: entry[k] for k in ("vendor_id", "vendor_name", "vendor_kind")}}
        row["cards"] = kpi_cards(now=entry["now"], before=entry["before"])
        is_partner = row["vendor_kind"] == Vendor.Kind.PARTNER
        row["against_in_house"] = kpi_cards(now=entry["now"], before=in_house) if is_partner and has_in_house else None
        vendor_rows.append(row)
    _, team_rows, _ = dash.team_table(scope=_scope_teams(request), selected_ids=[], period=period)
    for row in team_rows:
        row["query"] = filters.with_teams([row["team_id"]])
    vendor_names = {row["vendor_id"]: row["vendor_name"] for row in vendor_rows}
    by_vendor = dash.trend_by_vendor(period=period, teams=team_ids, grain=filters.chart_grain)
    calibration = dash.calibration_by_vendor(team_ids=team_ids, vendor_ids=[row["vendor_id"] for row in vendor_rows])
    context = {
        "calibration": calibration,
        "calibration_definition": (
            "QA calibration alignment: mean agreement (%) of this vendor's reviewers with the calibrator's benchmark "
            "answers in closed calibration sessions on conversations of your teams; n = reviewer participations "
            "(sessions × reviewers)."
        ),
        "form": form,
        "filters": filters,
        "vendor_rows": vendor_rows,
        "team_rows": team_rows,
        # The reference row is shown when it is not simply the one in-house vendor's own row.
        "in_house": in_house if len(in_house_rows) > 1 else None,
        "definitions_kpis": definitions.kpi_list(),
        "targets": definitions.TARGETS,
        "flag_periods": definitions.FLAG_PERIODS,
        "charts": trend_charts(
            None, grain=filters.chart_grain, period=period, by_vendor=by_vendor, vendor_names=vendor_names
        ),
        "presets": _presets(filters),
    }
    return context


def _agent_page(request: HttpRequest, agent: Agent) -> HttpResponse:
    title = "My dashboard" if agent.user_id == request.user.pk else agent.name
    return _page(request, name="agent", title=title, key=str(agent.pk), build=lambda: _agent_dashboard(request, agent))


def _agent_dashboard(request: HttpRequest, agent: Agent):
    # The teams picked on the team dashboard ride along (for the links back to it) but do not filter the agent's page:
    # they are checked against the scope there, so here they are only whole numbers carried in the links.
    carried = [pk for pk in map(int_param, request.GET.getlist("team")) if pk is not None]
    form, filters = _filters(request, teams=[(pk, str(pk)) for pk in carried])
    filters.team_ids = carried
    filters.daily_max_days = AGENT_DAILY_MAX_DAYS
    period = filters.period
    agent_qs = Agent.objects.filter(pk=agent.pk)
    export = request.GET.get("export")
    if export == "trend":
        rows = dash.trend(period=period, grain=filters.chart_grain, agents=agent_qs)
        return _csv(f"agent-{agent.pk}-trend-{_period_name(filters)}.csv", TREND_COLUMNS, rows)

    data = dash.agent_and_team(agent=agent, period=period, grain=filters.chart_grain)
    own, before, team = data["totals"]["own"], data["totals"]["before"], data["totals"]["team"]
    skills = _skills()
    skill_rows = [{"skill": skill, **(data["skills"].get(skill.pk) or {"own": None, "team": None})} for skill in skills]
    for row in skill_rows:  # a heading before the first additional (role-specific) skill
        row["group"] = ""
    first_extra = next((row for row in skill_rows if not row["skill"].is_core), None)
    if first_extra and first_extra is not skill_rows[0]:
        first_extra["group"] = "Additional (role-specific) skills"
    (agent_row,) = dash.agent_table(agents=agent_qs, period=period)  # the team dashboard's row: the same flags
    reviews = list(
        qa_selectors.counted_for_agent(agent=agent)
        .select_related("contact", "reviewer")
        .order_by("-submitted_at", "-pk")[:5]
    )
    trend_rows, team_trend = data["trends"]["own"], data["trends"]["team"]
    goals = list(coaching_selectors.goal_list_for_agent(agent=agent))
    cards = kpi_cards(now=own, before=before, team=team)
    open_goals = {}
    for goal in goals:  # the open goal due first, per KPI, shown on that KPI's card
        if goal.status in (GoalStatus.ON_TRACK, GoalStatus.AT_RISK):
            open_goals.setdefault(goal.kpi, goal)
    for card in cards:
        card["goal"] = open_goals.get(card["kpi"].key)
    context = {
        "agent": agent,
        "form": form,
        "filters": filters,
        "cards": cards,
        "totals": own,
        "team_totals": team,
        "previous_period": period.previous(),
        "skill_rows": skill_rows,
        "flags": agent_row["flags"],
        "flag_history": agent_row["history"],
        "flag_history_start": period.previous(definitions.FLAG_PERIODS - 1).start,
        "targets": definitions.TARGETS,
        "definitions_kpis": definitions.kpi_list(),
        "flag_periods": definitions.FLAG_PERIODS,
        "reviews": reviews,
        "charts": trend_charts(trend_rows, grain=filters.chart_grain, period=period, team_rows=team_trend),
        "trend_rows": trend_rows,
        "team_trend": team_trend,
        "presets": _presets(filters),
        "is_own": agent.user_id == request.user.pk,
        "team_query": filters.with_teams(filters.team_ids or [agent.team_id]),
        "goals": goals,
    }
    return context


@require_role(roles.OPS_LEAD, roles.AGENT)
def agent_dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    """One agent's figures against their team and goals (an agent: only their own)."""
    agent = get_object_or_404(agents_for_user(user=request.user).select_related("user", "team__vendor"), pk=pk)
    return _agent_page(request, agent)


@require_role(roles.AGENT)
def my_dashboard(request: HttpRequest) -> HttpResponse:
    """The signed-in agent's own dashboard (their landing page)."""
    agent = get_object_or_404(Agent.objects.select_related("user", "team__vendor"), user_id=request.user.pk)
    return _agent_page(request, agent)


@require_role(roles.HIRING_MANAGER)
def hiring_dashboard(request: HttpRequest) -> HttpResponse:
    """Candidates per stage per requisition, time in stage and pass rate per stage (requisitions the user is on)."""
    requisitions = requisitions_for_user(user=request.user)
    rows = hiring_selectors.pipeline(requisitions=requisitions)
    stages = hiring_selectors.stage_stats(requisitions=requisitions)
    labels = [Stage(stage).label for stage in hiring_selectors.PIPELINE]
    export = request.GET.get("export")
    if export == "pipeline":
        return exports.csv_response(
            filename="hiring-pipeline.csv",
            header=["Requisition", "Status", "Openings", *labels, "Total"],
            rows=([row["title"], row["status"], row["openings"], *row["stages"], row["total"]] for row in rows),
        )
    if export == "stages":
        return exports.csv_response(
            filename="hiring-stages.csv",
            header=["Stage", "Entered", "Left", "Passed", "Pass rate %", "Mean days in stage"],
            rows=([s["stage"], s["entered"], s["left"], s["passed"], s["pass_rate"], s["mean_days"]] for s in stages),
        )
    chart = {
        "id": "pipeline",
        "labels": [row["title"] for row in rows],
        "datasets": [{"label": label, "data": [row["stages"][i] for row in rows]} for i, label in enumerate(labels)],
    }
    context = {"rows": rows, "stages": stages, "labels": labels, "chart": chart}
    return render(request, "dashboards/dashboard_hiring.html", context)
