"""KPI figures for any period: sum the AgentDay counts in the database, divide last.

Team and vendor figures sum TeamDay instead (the same counts already summed per day and team, rebuilt with AgentDay).

Every function returns the raw counts and the derived figures (None where there is no data):
fcr_pct, csat_pct, csat_avg, ces_avg, nps, aht_seconds, acw_seconds, qa_score, qa_reviews, repeat_contact_pct,
escalation_pct, transfer_pct, complaint_fcr_pct, escalated_csat_pct, hold_seconds.
With `channel`, the per-agent and per-team functions read the per-channel rows (AgentChannelDay, TeamChannelDay) and
give the figures of that channel's contacts; QA reviews are not split by channel, so their counts and figures are
None there.
Dashboards, coaching and QA call these; callers pass querysets already scoped with selectors.scope.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import F, QuerySet, Sum

from core.models import Agent, Team, Vendor
from metrics.models import (
    CHANNEL_COUNTS,
    ROLLUP_COUNTS,
    AgentChannelDay,
    AgentDay,
    AgentSkillDay,
    AgentSkillRunning,
    TeamChannelDay,
    TeamDay,
)

COUNT_FIELDS = list(ROLLUP_COUNTS)
_SUMS = {f"sum_{name}": Sum(name) for name in COUNT_FIELDS}
_CHANNEL_SUMS = {f"sum_{name}": Sum(name) for name in CHANNEL_COUNTS}
# What per-channel rows cannot say: QA reviews are not split by channel.
NOT_BY_CHANNEL = ("reviews", "qa_score_sum", "qa_score", "qa_reviews")


def _ratio(numerator, denominator, scale: float = 1.0) -> float | None:
    if not denominator:
        return None
    return float(numerator) * scale / float(denominator)


def figures(counts: dict) -> dict:
    """The raw counts (zeros where absent) and the figures derived from them."""
    row = {name: counts.get(name) or 0 for name in COUNT_FIELDS}
    row["qa_score_sum"] = float(row["qa_score_sum"] or Decimal(0))
    row.update(
        fcr_pct=_ratio(row["fcr_cases"], row["cases"], 100),
        csat_pct=_ratio(row["csat_satisfied"], row["csat_responses"], 100),
        csat_avg=_ratio(row["csat_sum"], row["csat_responses"]),
        ces_avg=_ratio(row["ces_sum"], row["ces_responses"]),
        nps=_ratio(row["promoters"] - row["detractors"], row["nps_responses"], 100),
        aht_seconds=_ratio(row["handle_seconds"] + row["after_seconds"], row["contacts"]),
        acw_seconds=_ratio(row["after_seconds"], row["contacts"]),
        qa_score=_ratio(row["qa_score_sum"], row["reviews"]),
        qa_reviews=row["reviews"],
        repeat_contact_pct=_ratio(row["repeat_contacts"], row["contacts"], 100),
        escalation_pct=_ratio(row["escalated_contacts"], row["contacts"], 100),
        transfer_pct=_ratio(row["transferred_contacts"], row["contacts"], 100),
        complaint_fcr_pct=_ratio(row["complaint_fcr_cases"], row["complaint_cases"], 100),
        escalated_csat_pct=_ratio(row["escalated_csat_satisfied"], row["escalated_csat_responses"], 100),
        # Mean over the contacts with a hold time: a contact without one is unknown, not 0 s of hold.
        hold_seconds=_ratio(row["hold_seconds_sum"], row["hold_contacts"]),
    )
    return row


def channel_figures(counts: dict) -> dict:
    """figures() of per-channel counts: the QA counts and figures, which no channel row holds, are None."""
    return {**figures(counts), **dict.fromkeys(NOT_BY_CHANNEL)}


def _unprefix(values: dict) -> dict:
    return {name: values.get(f"sum_{name}") for name in COUNT_FIELDS}


def _period(start: date, end: date) -> QuerySet[AgentDay]:
    return AgentDay.objects.filter(day__range=(start, end))


def _team_period(start: date, end: date) -> QuerySet[TeamDay]:
    """TeamDay rows (AgentDay summed per day and team) of the period: what team and vendor figures read."""
    return TeamDay.objects.filter(day__range=(start, end))


def metrics_by_agent(*, agents: QuerySet[Agent], start: date, end: date, channel: str | None = None) -> list[dict]:
    """One row per agent of `agents` (by name), with figures of all the teams they worked in during the period (only
    their contacts on `channel`, a channel code, when given)."""
    if channel is not None:
        days = AgentChannelDay.objects.filter(day__range=(start, end), channel=channel)
        return _agent_rows(agents=agents, days=days, sums=_CHANNEL_SUMS, derive=channel_figures)
    return _agent_rows(agents=agents, days=_period(start, end))


def metrics_by_agent_from_start(*, agents: QuerySet[Agent], days: int) -> list[dict]:
    """As metrics_by_agent, each agent over their own first `days` days from their start date (a new hire's
    early figures): the same as metrics_by_agent from start_date to start_date + days − 1 for each agent."""
    window = AgentDay.objects.filter(
        day__gte=F("agent__start_date"), day__lt=F("agent__start_date") + timedelta(days=days)
    )
    return _agent_rows(agents=agents, days=window)


def _agent_rows(*, agents: QuerySet[Agent], days: QuerySet, sums: dict = _SUMS, derive=figures) -> list[dict]:
    totals = {
        values["agent_id"]: _unprefix(values)
        for values in days.filter(agent__in=agents.values("pk")).values("agent_id").annotate(**sums)
    }
    rows = []
    for pk, first, last, team_id, team_name in agents.order_by("user__last_name", "user__first_name", "pk").values_list(
        "pk", "user__first_name", "user__last_name", "team_id", "team__name"
    ):
        rows.append(
            {
                "agent_id": pk,
                "agent_name": f"{first} {last}".strip(),
                "team_id": team_id,
                "team_name": team_name,
                **derive(totals.get(pk, {})),
            }
        )
    return rows


def metrics_by_team(*, teams: QuerySet[Team], start: date, end: date, channel: str | None = None) -> list[dict]:
    """One row per team of `teams`: contacts count for the team they were handled in (only those on `channel`, a
    channel code, when given)."""
    rows, sums_of, derive = _team_period(start, end), _SUMS, figures
    if channel is not None:
        rows = TeamChannelDay.objects.filter(day__range=(start, end), channel=channel)
        sums_of, derive = _CHANNEL_SUMS, channel_figures
    sums = {
        values["team_id"]: _unprefix(values)
        for values in rows.filter(team__in=teams.values("pk")).values("team_id").annotate(**sums_of)
    }
    return [
        {
            "team_id": pk,
            "team_name": name,
            "vendor_id": vendor_id,
            "vendor_name": vendor_name,
            "vendor_kind": vendor_kind,
            **derive(sums.get(pk, {})),
        }
        for pk, name, vendor_id, vendor_name, vendor_kind in teams.order_by("name", "pk").values_list(
            "pk", "name", "vendor_id", "vendor__name", "vendor__kind"
        )
    ]


def metrics_by_vendor(
    *, vendors: QuerySet[Vendor], start: date, end: date, teams: QuerySet[Team] | None = None
) -> list[dict]:
    """One row per vendor of `vendors`, summing the teams it runs (only those of `teams` when given)."""
    rows = _team_period(start, end).filter(team__vendor__in=vendors.values("pk"))
    if teams is not None:
        rows = rows.filter(team__in=teams.values("pk"))
    sums = {values["team__vendor_id"]: _unprefix(values) for values in rows.values("team__vendor_id").annotate(**_SUMS)}
    return [
        {"vendor_id": pk, "vendor_name": name, "vendor_kind": kind, **figures(sums.get(pk, {}))}
        for pk, name, kind in vendors.order_by("name", "pk").values_list("pk", "name", "kind")
    ]


def metrics_total(*, agents: QuerySet[Agent], start: date, end: date) -> dict:
    """The figures of all of `agents` together over the period."""
    return figures(_unprefix(_period(start, end).filter(agent__in=agents.values("pk")).aggregate(**_SUMS)))


def metrics_by_day(*, agents: QuerySet[Agent], start: date, end: date) -> list[dict]:
    """One row per day from start to end (days without data have zero counts and None figures), for charts."""
    sums = {
        values["day"]: _unprefix(values)
        for values in _period(start, end)
        .filter(agent__in=agents.values("pk"))
        .values("day")
        .annotate(**_SUMS)
        .order_by("day")
    }
    days = (end - start).days + 1
    return [
        {"day": day, **figures(sums.get(day, {}))} for day in (start + timedelta(days=n) for n in range(max(days, 0)))
    ]


def roster_sql(agents: QuerySet[Agent] | list[int]) -> tuple[str, list] | None:
    """SQL for `k.id IN (…)` of raw queries over agents: placeholders for a list of ids, or the queryset's own SQL
    (with its parameters); None when the queryset is known to be empty (e.g. no teams in scope)."""
    if isinstance(agents, list | tuple):
        ids = [int(pk) for pk in agents] or [0]  # no agent: no rows (ids start at 1)
        return ", ".join(["%s"] * len(ids)), ids
    try:
        sql, params = agents.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:
        return None
    return sql, list(params)


# Periods at least this long read the per-skill running totals (AgentSkillRunning: two lookups per agent, whatever
# the length); shorter ones sum their few AgentSkillDay rows, which is cheaper there (bench/dashboard.py measures both).
SKILL_RUNNING_MIN_DAYS = 28


def skill_scores_by_agent(
    *, agents: QuerySet[Agent] | list[int], start: date, end: date, source: str = "auto"
) -> list[dict]:
    """Per agent and skill (by ids): counted reviews, score sum and mean QA skill score over the period.

    `agents` is a queryset or a list of ids (a literal list lets PostgreSQL read the indexes directly). Periods of
    SKILL_RUNNING_MIN_DAYS or more read the running totals, shorter ones the daily rows; `source` ("daily" or
    "running") forces one (both give the same rows).
    """
    days = (end - start).days + 1
    running = source == "running" or (source == "auto" and days >= SKILL_RUNNING_MIN_DAYS)
    rows = _skill_sums_running(agents, start, end) if running else _skill_sums_daily(agents, start, end)
    return [
        {
            "agent_id": agent_id,
            "skill_id": skill_id,
            "reviews": int(reviews),
            "score_sum": round(float(score_sum), 2),
            "score": _ratio(round(float(score_sum), 2), reviews),
        }
        for agent_id, skill_id, reviews, score_sum in rows
    ]


def _skill_sums_daily(agents: QuerySet[Agent] | list[int], start: date, end: date) -> list[tuple]:
    ids = agents if isinstance(agents, list | tuple) else agents.values("pk")
    return list(
        AgentSkillDay.objects.filter(day__range=(start, end), agent_id__in=ids)
        .values("agent_id", "skill_id")
        .annotate(reviews=Sum("reviews"), score_sum=Sum("score_sum"))
        .order_by("agent_id", "skill_id")
        .values_list("agent_id", "skill_id", "reviews", "score_sum")
    )


def _skill_sums_running(agents: QuerySet[Agent] | list[int], start: date, end: date) -> list[tuple]:
    """Per agent and skill with reviews in start..end: the AgentSkillRunning rows of the agent's latest day on or
    before `end` minus those of its latest day before `start` (one query: two day lookups per agent)."""
    roster = roster_sql(agents)
    if roster is None:
        return []
    roster, roster_params = roster
    table = AgentSkillRunning._meta.db_table
    latest = "SELECT {pick} FROM " + table + " r WHERE r.agent_id = k.id AND r.day {op} %s"
    if connection.vendor == "postgresql":
        at_end = f"JOIN LATERAL ({latest.format(pick='r.day', op='<=')} ORDER BY r.day DESC LIMIT 1) ed ON TRUE"
        before = f"LEFT JOIN LATERAL ({latest.format(pick='r.day', op='<')} ORDER BY r.day DESC LIMIT 1) bd ON TRUE"
        joins = f"""{at_end}
JOIN {table} e ON e.agent_id = k.id AND e.day = ed.day
{before}
LEFT JOIN {table} b ON b.agent_id = k.id AND b.day = bd.day AND b.skill_id = e.skill_id"""
    else:  # SQLite has no LATERAL: the days from correlated subqueries
        joins = f"""JOIN {table} e ON e.agent_id = k.id AND e.day = ({latest.format(pick="MAX(r.day)", op="<=")})
LEFT JOIN {table} b ON b.agent_id = k.id AND b.skill_id = e.skill_id
    AND b.day = ({latest.format(pick="MAX(r.day)", op="<")})"""
    sql = f"""
SELECT k.id, e.skill_id, e.reviews - COALESCE(b.reviews, 0), e.score_sum - COALESCE(b.score_sum, 0)
FROM {Agent._meta.db_table} k
{joins}
WHERE k.id IN ({roster}) AND e.reviews > COALESCE(b.reviews, 0)
ORDER BY k.id, e.skill_id
"""
    with connection.cursor() as cursor:
        cursor.execute(sql, [end, start, *roster_params])
        return cursor.fetchall()
