"""Period sums read from the running totals (AgentRunning, TeamRunning) in raw SQL, for the dashboards.

A period's sums are the latest running row on or before its end minus the latest before its start: a few index
lookups per agent or team whatever the period's length. Periods are anything with `start` and `end` dates. Tables
are named through their models; the callers derive figures with `metrics.selectors.figures` (divide last).
"""

from datetime import date, timedelta
from typing import Protocol

from django.db import connection
from django.db.models import QuerySet

from core.models import Agent, Team, User, Vendor
from metrics.models import AgentRunning, TeamRunning
from metrics.selectors import COUNT_FIELDS, roster_sql


class Period(Protocol):
    start: date
    end: date


class Bounds:
    """SQL pieces reading running totals (AgentRunning, TeamRunning) at the bounds of `periods`.

    Each period's sums are the latest running row on or before its end minus the latest before its start: one
    index lookup per bound and key, a LATERAL join on `outer` (`joins`) that brings the whole row (SQLite, without
    LATERAL: the row's id from a correlated subquery, then the row); `diff(period, name)` is the period's sum of
    count `name`.
    """

    def __init__(self, periods: list[Period], *, target: str, key: str, outer: str):
        days = sorted({p.end for p in periods} | {p.start - timedelta(days=1) for p in periods})
        self.alias = {day: f"x{n}" for n, day in enumerate(days)}
        self.params = days
        latest = f"FROM {target} r WHERE r.{key} = {outer}.id AND r.day <= %s ORDER BY r.day DESC LIMIT 1"
        if connection.vendor == "postgresql":
            self.joins = " ".join(
                f"LEFT JOIN LATERAL (SELECT * {latest}) {name} ON TRUE" for name in self.alias.values()
            )
        else:  # SQLite has no LATERAL: the row's id from a correlated subquery, then the row by id
            self.joins = " ".join(
                f"LEFT JOIN {target} {name} ON {name}.id = (SELECT r.id {latest})" for name in self.alias.values()
            )

    def diff(self, period: Period, name: str) -> str:
        end, before = self.alias[period.end], self.alias[period.start - timedelta(days=1)]
        return f"(COALESCE({end}.{name}, 0) - COALESCE({before}.{name}, 0))"


def sum_sql(expression: str, name: str) -> str:
    """SQL SUM of a count (kept an integer: PostgreSQL sums bigints as numeric) or of the QA score sum (decimal)."""
    return f"SUM({expression})" if name == "qa_score_sum" else f"CAST(SUM({expression}) AS BIGINT)"


def _windowsum_sql(expression: str, name: str) -> str:
    """SQL sum of a per-group aggregate over all the groups (kept an integer, as _sum)."""
    return f"SUM({expression}) OVER ()" if name == "qa_score_sum" else f"CAST(SUM({expression}) OVER () AS BIGINT)"


def fetch(sql: str, params: list) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]


def team_sums(*, team_ids: list[int], periods: dict[str, Period], group: str) -> list[dict]:
    """Sums of each labelled period over the teams of `team_ids`, from TeamRunning: per team (`group="team"`, with
    team_id, team_name, vendor_id, vendor_name, vendor_kind), per vendor (`"vendor"`: vendor_id, vendor_name,
    vendor_kind) or all together (`"all"`: one row). Counts are keyed `<label>__<count>`. One query, whatever the
    periods' length: a few index lookups per team."""
    return fetch(*team_sums_query(team_ids=team_ids, periods=periods, group=group))


def team_sums_query(
    *, team_ids: list[int], periods: dict[str, Period], group: str, totals: bool = False
) -> tuple[str, list]:
    """team_sums' SQL; with `totals` (group "team") every row also carries the sums over all the teams, keyed
    `all__<label>__<count>` (a window over the per-team sums: the KPI cards of the same selection, no second query)."""
    bounds = Bounds(list(periods.values()), target=TeamRunning._meta.db_table, key="team_id", outer="k")
    sums = ", ".join(
        f"{sum_sql(bounds.diff(p, name), name)} AS {label}__{name}"
        for label, p in periods.items()
        for name in COUNT_FIELDS
    )
    if totals:
        sums += "".join(
            f", {_windowsum_sql(sum_sql(bounds.diff(p, name), name), name)} AS all__{label}__{name}"
            for label, p in periods.items()
            for name in COUNT_FIELDS
        )
    heads = {
        "team": "k.id AS team_id, k.name AS team_name, k.vendor_id, v.name AS vendor_name, v.kind AS vendor_kind, ",
        "vendor": "v.id AS vendor_id, v.name AS vendor_name, v.kind AS vendor_kind, ",
        "all": "",
    }
    tails = {
        "team": "GROUP BY k.id, k.name, k.vendor_id, v.name, v.kind ORDER BY v.name, k.name, k.id",
        "vendor": "GROUP BY v.id, v.name, v.kind ORDER BY v.name, v.id",
        "all": "",
    }
    ids = list(team_ids) or [0]  # no team: no rows (ids start at 1), and one row of NULL sums for "all"
    placeholders = ", ".join(["%s"] * len(ids))
    sql = f"""
SELECT {heads[group]}{sums}
FROM {Team._meta.db_table} k
JOIN {Vendor._meta.db_table} v ON v.id = k.vendor_id
{bounds.joins}
WHERE k.id IN ({placeholders})
{tails[group]}
"""
    return sql, [*bounds.params, *ids]


def agent_sums_query(*, agent_id: int, periods: dict[str, Period]) -> tuple[str, list]:
    """One row of the agent's sums of each labelled period (`<label>__<count>`, over all their teams), from
    AgentRunning: a few index lookups, whatever the periods' length."""
    bounds = Bounds(list(periods.values()), target=AgentRunning._meta.db_table, key="agent_id", outer="k")
    sums = ", ".join(
        f"{bounds.diff(p, name)} AS {label}__{name}" for label, p in periods.items() for name in COUNT_FIELDS
    )
    return f"SELECT {sums} FROM {Agent._meta.db_table} k {bounds.joins} WHERE k.id = %s", [*bounds.params, agent_id]


def agent_period_sums(*, agents: QuerySet[Agent] | list[int], periods: list, flag_fields: list[str]) -> list[dict]:
    """Per agent (by name): id, first_name, last_name, team_id, name (the team's), the sums of the first of
    `periods` (by count name), `p<step>_<field>` for `flag_fields` in each later period, and over the whole list
    `agents_worked`, `agents_reviewed` and `roster_reviews`. One query: each period's sums are the agent's running
    totals at its end minus those before its start."""
    period = periods[0]
    bounds = Bounds(periods, target=AgentRunning._meta.db_table, key="agent_id", outer="k")
    diff = bounds.diff
    columns = [f"{diff(period, name)} AS {name}" for name in COUNT_FIELDS]
    for step, p in enumerate(periods[1:], start=1):
        columns += [f"{diff(p, name)} AS p{step}_{name}" for name in flag_fields]
    columns += [
        f"CAST(SUM(CASE WHEN {diff(period, 'contacts')} > 0 THEN 1 ELSE 0 END) OVER () AS BIGINT) AS agents_worked",
        f"CAST(SUM(CASE WHEN {diff(period, 'reviews')} > 0 THEN 1 ELSE 0 END) OVER () AS BIGINT) AS agents_reviewed",
        f"CAST(SUM({diff(period, 'reviews')}) OVER () AS BIGINT) AS roster_reviews",
    ]
    roster = roster_sql(agents)
    if roster is None:
        return []
    roster, roster_params = roster
    sql = f"""
SELECT k.id, u.first_name, u.last_name, k.team_id, t.name, {", ".join(columns)}
FROM {Agent._meta.db_table} k
JOIN {User._meta.db_table} u ON u.id = k.user_id
LEFT JOIN {Team._meta.db_table} t ON t.id = k.team_id
{bounds.joins}
WHERE k.id IN ({roster})
ORDER BY u.last_name, u.first_name, k.id
"""
    return fetch(sql, [*bounds.params, *roster_params])
