"""Dashboard reads on top of metrics.selectors, each one query over the rollups.

The metrics service gives per-agent, per-team and per-vendor rows; the dashboards also need several periods in one
query (now and before, the flag periods), per-day/per-week buckets of chosen teams and per-skill team means, so those
are here. Period sums of teams, vendors and agents are running-total differences (TeamRunning, AgentRunning: a few
index lookups per key, whatever the period's length); trends sum the daily rows of their buckets (TeamDay, AgentDay);
figures are derived with `metrics.figures` (divide last).
"""

from datetime import date, datetime, timedelta

from django.db.models import (
    Avg,
    Count,
    F,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import TruncWeek

from core.models import Agent, ContactChannel, Team
from metrics import kpis, running
from metrics import selectors as metrics
from metrics.models import (
    CHANNEL_COUNTS,
    REASON_COUNTS,
    AgentDay,
    AgentSkillDay,
    TeamChannelDay,
    TeamDay,
    TeamReasonDay,
)

from .definitions import FLAG_COUNTS, FLAG_PERIODS, TARGETS
from .periods import Period

# The counts the flags (_flags) read: each flagged KPI's count and sample, and contacts (was the agent working then?).
FLAG_FIELDS = ["contacts", "fcr_cases", "cases", "csat_satisfied", "csat_responses", "reviews", "qa_score_sum"]


def _sums() -> dict:
    return {name: Sum(name) for name in metrics.COUNT_FIELDS}


def _unprefix(values: dict, prefix: str) -> dict:
    return {name: values.get(f"{prefix}{name}") for name in metrics.COUNT_FIELDS}


def _ids(objects) -> list[int] | QuerySet:
    """A list of ids stays a literal list (so PostgreSQL uses the (team, day) index); a queryset becomes a subquery."""
    return objects if isinstance(objects, list | tuple) else objects.values("pk")


def _rows(*, teams=None, agents=None) -> QuerySet[AgentDay] | QuerySet[TeamDay]:
    """AgentDay rows of `teams` and/or `agents` (querysets, or lists of ids); TeamDay rows when only teams are given."""
    rows = AgentDay.objects.all() if agents is not None or teams is None else TeamDay.objects.all()
    if teams is not None:
        rows = rows.filter(team_id__in=_ids(teams))
    if agents is not None:
        rows = rows.filter(agent_id__in=_ids(agents))
    return rows


def totals(*, periods: dict[str, Period], team_ids: list[int]) -> dict[str, dict]:
    """Figures of several periods for the contacts handled in the teams of `team_ids`, together: one query over
    TeamRunning, whatever the periods' length."""
    values = running.team_sums(team_ids=team_ids, periods=periods, group="all")[0]
    return {label: metrics.figures(_unprefix(values, f"{label}__")) for label in periods}


def _buckets(period: Period, grain: str) -> list[date]:
    if grain == "week":
        first = period.start - timedelta(days=period.start.weekday())
        return [first + timedelta(weeks=n) for n in range((period.end - first).days // 7 + 1)]
    return [period.start + timedelta(days=n) for n in range(period.days)]


def _bucketed(rows: QuerySet[AgentDay], grain: str, *group: str) -> QuerySet:
    bucket = TruncWeek("day") if grain == "week" else F("day")
    return rows.annotate(bucket=bucket).values(*group, "bucket").annotate(**_sums()).order_by(*group, "bucket")


def _as_date(value) -> date:
    return value.date() if isinstance(value, datetime) else value


def trend(
    *, period: Period, grain: str, teams: QuerySet[Team] | None = None, agents: QuerySet[Agent] | None = None
) -> list[dict]:
    """One row per day or week (weeks start on Monday; the first and last may be partial), zeros where no data."""
    rows = _rows(teams=teams, agents=agents).filter(day__range=(period.start, period.end))
    sums = {_as_date(values["bucket"]): _unprefix(values, "") for values in _bucketed(rows, grain)}
    return [{"bucket": b, **metrics.figures(sums.get(b, {}))} for b in _buckets(period, grain)]


def trend_by_vendor(*, period: Period, teams: QuerySet[Team], grain: str) -> dict[int, list[dict]]:
    """Per vendor id: the trend rows (as `trend`) of the vendor's teams among `teams`."""
    rows = _rows(teams=teams).filter(day__range=(period.start, period.end))
    sums: dict[int, dict] = {}
    for values in _bucketed(rows, grain, "team__vendor_id"):
        sums.setdefault(values["team__vendor_id"], {})[_as_date(values["bucket"])] = _unprefix(values, "")
    buckets = _buckets(period, grain)
    return {
        vendor_id: [{"bucket": b, **metrics.figures(by_bucket.get(b, {}))} for b in buckets]
        for vendor_id, by_bucket in sums.items()
    }


def team_table(
    *, scope: list[tuple], selected_ids: list[int], period: Period, compare: bool = False
) -> tuple[list[tuple], list[dict], dict | None]:
    """The team picker's choices (every team in `scope`: (id, name, vendor name, …) tuples, the user's scope resolved
    by the caller), the figures of the selected teams (all when none) and, with `compare`, the figures of those teams
    together for the period and the one before ({"now": …, "before": …}: the KPI cards).

    One query, reading the running totals with literal team ids. Rows are as metrics.metrics_by_team rows; contacts
    count for the team that handled them.
    """
    choices = [(pk, name, vendor_name) for pk, name, vendor_name, *_ in scope]
    ids = [pk for pk, _, _ in choices if not selected_ids or pk in selected_ids]
    periods = {"now": period, "before": period.previous()} if compare else {"now": period}
    rows = (
        running.fetch(*running.team_sums_query(team_ids=ids, periods=periods, group="team", totals=compare))
        if ids
        else []
    )
    table = [
        {
            **{key: values[key] for key in ("team_id", "team_name", "vendor_id", "vendor_name", "vendor_kind")},
            **metrics.figures(_unprefix(values, "now__")),
        }
        for values in rows
    ]
    if not compare:
        return choices, table, None
    first = rows[0] if rows else {}
    return choices, table, {label: metrics.figures(_unprefix(first, f"all__{label}__")) for label in periods}


def team_figures_by_period(*, team_ids: list[int], periods: dict[str, Period]) -> tuple[list[dict], dict]:
    """Per team of `team_ids` (by vendor and name): team_id, team_name, vendor_id, vendor_name, vendor_kind and, per
    labelled period, its figures dict (as metrics.metrics_by_team rows); and the same teams together ({label:
    figures}). One query over TeamRunning, as team_table's."""
    if not team_ids:
        return [], {label: metrics.figures({}) for label in periods}
    rows = running.fetch(*running.team_sums_query(team_ids=team_ids, periods=periods, group="team", totals=True))
    table = [
        {
            **{key: values[key] for key in ("team_id", "team_name", "vendor_id", "vendor_name", "vendor_kind")},
            **{label: metrics.figures(_unprefix(values, f"{label}__")) for label in periods},
        }
        for values in rows
    ]
    first = rows[0] if rows else {}
    return table, {label: metrics.figures(_unprefix(first, f"all__{label}__")) for label in periods}


def agent_table(*, agents: QuerySet[Agent], period: Period) -> list[dict]:
    """Per agent (by name): the figures of metrics.metrics_by_agent over `period`, the below-target flags and the QA
    coverage of the list (`agents_worked`, `agents_reviewed` and `roster_reviews`, the same on every row).

    Flags (definitions.FLAGGED): `flags`, one dict per KPI below its target in each of the last FLAG_PERIODS periods
    of the same length (this one and those before it), each with at least the KPI's minimum sample and short of the
    target beyond chance (one-sided, p < 0.05): the KPI, the target and each period's figure, n and p, oldest first;
    `flag_keys` their figure names; `history` False when the agent has no contacts in one of those periods (too
    little history to flag anyone).

    One query, whatever the periods' length: each period's sums are the agent's running totals (AgentRunning) at
    its end minus those before its start, four index lookups per agent for the period and the FLAG_PERIODS − 1
    periods before it.
    """
    periods = [period.previous(step) for step in range(FLAG_PERIODS)]
    fetched = running.agent_period_sums(agents=agents, periods=periods, flag_fields=FLAG_FIELDS)
    result = []
    for values in fetched:
        row = {
            "agent_id": values["id"],
            "agent_name": f"{values['first_name']} {values['last_name']}".strip(),
            "team_id": values["team_id"],
            "team_name": values["name"],
            **metrics.figures(_unprefix(values, "")),
            "agents_worked": values["agents_worked"],
            "agents_reviewed": values["agents_reviewed"],
            "roster_reviews": values["roster_reviews"],
        }
        for name in FLAG_FIELDS:
            values[f"p0_{name}"] = values[name]
        row["history"] = all(values[f"p{step}_contacts"] for step in range(FLAG_PERIODS))
        row["flags"] = _flags(values, periods) if row["history"] else []
        row["flag_keys"] = [flag["kpi"].figure for flag in row["flags"]]
        result.append(row)
    return result


def _flags(values: dict, periods: list[Period]) -> list[dict]:
    """The flags of one agent's period sums (`p<step>_<count>`, step 0 the latest period)."""
    flags = []
    for key, count in FLAG_COUNTS.items():
        kpi = kpis.get(key)
        target = TARGETS[kpi.figure]
        checked = []
        for step in reversed(range(FLAG_PERIODS)):  # oldest first, as read
            total, n = values[f"p{step}_{count}"] or 0, values[f"p{step}_{kpi.sample}"] or 0
            if n < kpi.min_sample:
                break
            scale = 100 if kpi.unit == "%" else 1
            value = float(total) * scale / n
            shortfall = kpi.short_of_target(value=value, successes=int(total), n=n, target=target)
            if kpi.meets(value, target) or not shortfall.significant:
                break
            checked.append({"period": periods[step], "value": value, "n": n, "p": shortfall.p})
        else:
            flags.append({"kpi": kpi, "target": target, "periods": checked})
    return flags


def vendor_table(*, team_ids: list[int], periods: dict[str, Period]) -> list[dict]:
    """Per vendor of the teams `team_ids` (the user's scope; by name): metrics.metrics_by_vendor figures for each
    labelled period, one query over TeamRunning. Each row: vendor_id, vendor_name, vendor_kind and, per label, a
    figures dict."""
    return [
        {
            "vendor_id": values["vendor_id"],
            "vendor_name": values["vendor_name"],
            "vendor_kind": values["vendor_kind"],
            **{label: metrics.figures(_unprefix(values, f"{label}__")) for label in periods},
        }
        for values in running.team_sums(team_ids=team_ids, periods=periods, group="vendor")
    ]


def agent_and_team(*, agent: Agent, period: Period, grain: str) -> dict:
    """The agent's figures now and before, their team's now, both trends and per-skill scores: four queries.

    The figures are running-total differences (the agent's AgentRunning over all their teams, the team's
    TeamRunning: contacts handled in the team), a few index lookups whatever the period's length."""
    before = period.previous()
    own, team = Q(agent_id=agent.pk), Q(team_id=agent.team_id)
    own_sql, own_params = running.agent_sums_query(agent_id=agent.pk, periods={"own": period, "before": before})
    team_ids = [agent.team_id] if agent.team_id else []
    team_sql, team_params = running.team_sums_query(team_ids=team_ids, periods={"team": period}, group="all")
    (values,) = running.fetch(f"SELECT * FROM ({own_sql}) a CROSS JOIN ({team_sql}) t", [*own_params, *team_params])
    totals = {label: metrics.figures(_unprefix(values, f"{label}__")) for label in ("own", "before", "team")}

    # The agent's days (all teams) from AgentDay, the team's from TeamDay: a few rows each, whatever the team's size.
    trends = {
        "own": trend(period=period, grain=grain, agents=[agent.pk]),
        "team": trend(period=period, grain=grain, teams=team_ids),
    }

    skill_rows = (
        AgentSkillDay.objects.filter(own | team, day__range=(period.start, period.end))
        .values("skill_id")
        .annotate(
            own_reviews=Sum("reviews", filter=own),
            own_sum=Sum("score_sum", filter=own),
            team_reviews=Sum("reviews", filter=team),
            team_sum=Sum("score_sum", filter=team),
        )
    )
    skills = {}
    for row in skill_rows:
        skills[row["skill_id"]] = {
            label: {"reviews": row[f"{label}_reviews"], "score": float(row[f"{label}_sum"]) / row[f"{label}_reviews"]}
            if row[f"{label}_reviews"]
            else None
            for label in ("own", "team")
        }
    return {"totals": totals, "trends": trends, "skills": skills}


TOP_REASONS = 10


def channels_and_reasons(*, team_ids: list[int], period: Period, top: int = TOP_REASONS) -> dict:
    """The contacts handled in the teams of `team_ids` over `period`, split two ways, in one query:

    - `channels`: per channel (most contacts first), its code, name (the catalogue's) and metrics.channel_figures
      (cases and FCR on the channel of the case's first contact, so the rows add up to the teams' figures; no QA);
    - `reasons`: the `top` contact reasons by contacts, each with contacts, cases, fcr_cases, csat_responses,
      csat_satisfied, fcr_pct, csat_pct and share_pct (of all the contacts);
    - `no_reason`: the contacts without a recorded reason (left out of the reasons).
    """
    if not team_ids:
        return {"channels": [], "reasons": [], "no_reason": 0}
    teams = ", ".join(["%s"] * len(team_ids))
    counts = ", ".join(f"CAST(SUM(t.{name}) AS BIGINT) AS {name}" for name in CHANNEL_COUNTS)
    reason_counts = ", ".join(
        f"CAST(SUM(r.{name}) AS BIGINT) AS {name}" if name in REASON_COUNTS else f"CAST(0 AS BIGINT) AS {name}"
        for name in CHANNEL_COUNTS
    )
    reason_from = f"FROM {TeamReasonDay._meta.db_table} r WHERE r.team_id IN ({teams}) AND r.day BETWEEN %s AND %s"
    sql = f"""
SELECT 'channel' AS kind, t.channel AS code, MAX(ch.name) AS name, {counts}
FROM {TeamChannelDay._meta.db_table} t
LEFT JOIN {ContactChannel._meta.db_table} ch ON ch.code = t.channel
WHERE t.team_id IN ({teams}) AND t.day BETWEEN %s AND %s
GROUP BY t.channel
UNION ALL
SELECT * FROM (
    SELECT 'reason' AS kind, r.reason AS code, r.reason AS name, {reason_counts}
    {reason_from} AND r.reason <> ''
    GROUP BY r.reason
    ORDER BY SUM(r.contacts) DESC, r.reason
    LIMIT {int(top)}
) top_reasons
UNION ALL
SELECT 'none' AS kind, '' AS code, '' AS name, {reason_counts}
{reason_from} AND r.reason = ''
"""
    params = [*team_ids, period.start, period.end] * 3
    channels, reasons, no_reason = [], [], 0
    for values in running.fetch(sql, params):
        sums = {name: values[name] for name in CHANNEL_COUNTS}
        if values["kind"] == "channel":
            channels.append(
                {"code": values["code"], "name": values["name"] or values["code"], **metrics.channel_figures(sums)}
            )
        elif values["kind"] == "reason":
            reasons.append({"reason": values["code"], **metrics.figures(sums)})
        else:
            no_reason = values["contacts"] or 0
    channels.sort(key=lambda row: (-row["contacts"], row["name"]))
    reasons.sort(key=lambda row: (-row["contacts"], row["reason"]))
    total = sum(row["contacts"] for row in channels)
    for row in reasons:
        row["share_pct"] = 100 * row["contacts"] / total if total else None
    return {"channels": channels, "reasons": reasons, "no_reason": no_reason}


def calibration_by_vendor(*, team_ids: list[int], vendor_ids: list[int]) -> dict[int, dict]:
    """Per vendor id: how its QA reviewers align with the benchmark in closed calibration sessions on conversations
    of `team_ids` (mean agreement %, mean absolute distance in points, sessions, reviewers). One query."""
    from qa.calibration.selectors import closed_participations_on_teams

    rows = (
        closed_participations_on_teams(team_ids=team_ids)
        .filter(vendor_id__in=vendor_ids)
        .values("vendor_id")
        .annotate(
            sessions=Count("session", distinct=True),
            reviewers=Count("user", distinct=True),
            agreement=Avg("agreement_pct"),
            abs_distance=Avg("abs_distance"),
        )
        .order_by()
    )
    return {row["vendor_id"]: row for row in rows}
