"""KPI rollups: which (agent, day) pairs need recomputing, and recomputing them in the database.

A rollup rebuilds whole days: it deletes the days' daily rows (DAILY_MODELS) and inserts them again with one
INSERT … SELECT … GROUP BY each: the contacts, numbered within their cases once, into a temporary table per (day,
agent, team, channel, reason); AgentChannelDay and TeamReasonDay from it; AgentDay from AgentChannelDay and the
registered sources; TeamDay and TeamChannelDay from those. Running it twice gives the same rows. The agents and
teams whose daily sums changed get their running totals (AgentRunning, TeamRunning, and the agents' per-skill
AgentSkillRunning) rebuilt from their first changed day. Each day is locked
while it is rebuilt (a PostgreSQL advisory lock; SQLite has one writer at a time), so two rollups never double
count. Imports and reviews mark the (agent, day) pairs they touch; `rollup_pending` rebuilds the marked days.
"""

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max, Min
from django.utils import timezone

from core.models import Contact, RollupMark
from metrics.models import (
    CHANNEL_COUNTS,
    REASON_COUNTS,
    ROLLUP_COUNTS,
    AgentChannelDay,
    AgentDay,
    AgentRunning,
    AgentSkillDay,
    AgentSkillRunning,
    RunningDirty,
    TeamChannelDay,
    TeamDay,
    TeamReasonDay,
    TeamRunning,
)
from metrics.registry import agent_day_sources, skill_day_sources

logger = logging.getLogger(__name__)

# First half of the two-int advisory-lock key; the second is the day's ordinal.
LOCK_NAMESPACE = 74_201

AGENT_DAY_COLUMNS = list(ROLLUP_COUNTS)
# Second half of the running totals' lock key (day ordinals start at 1).
RUNNING_LOCK = 0

DAILY_MODELS = (AgentDay, TeamDay, AgentSkillDay, AgentChannelDay, TeamChannelDay, TeamReasonDay)
# The contacts of the range counted per (day, agent, team, channel, reason): a temporary table the per-channel,
# per-agent and per-reason rows are summed from, so the contacts are numbered within their cases once.
GRAIN = "rollup_contact_grain"
DIRTY = RunningDirty._meta.db_table
CONTACT = Contact._meta.db_table
RUNNING_MODELS = (AgentRunning, TeamRunning, AgentSkillRunning)


@dataclass
class RollupResult:
    days: int = 0
    rows: int = 0

    def __iadd__(self, other: "RollupResult") -> "RollupResult":
        self.days += other.days
        self.rows += other.rows
        return self


def rollup_pending(*, limit_days: int | None = None) -> RollupResult:
    """Rebuild every day that has marks (oldest first), one day per transaction, and clear those marks; then the
    running totals of what changed, once."""
    days = list(RollupMark.objects.order_by("day").values_list("day", flat=True).distinct())
    if limit_days is not None:
        days = days[:limit_days]
    result = RollupResult()
    for day in days:
        result += rollup_days(start=day, end=day, flush=False)
    running_flush()
    return result


def rollup_days(*, start: date, end: date, running: bool = True, flush: bool = True) -> RollupResult:
    """Rebuild the days from start to end inclusive, in one transaction, and clear their marks; then (`flush`) the
    running totals of the agents and teams whose figures changed.

    `running=False` leaves the running totals alone (the caller rebuilds them afterwards, as `rollup_full` does);
    `flush=False` leaves the changes marked for one `running_flush` after several calls (`rollup_pending`).
    """
    with transaction.atomic():
        _lock_days(start, end)
        mark_ids = list(_marks_between(start, end))
        rows = _rebuild(start, end, running=running)
        if mark_ids:
            RollupMark.objects.filter(pk__in=mark_ids).delete()
    if running and flush:
        running_flush()
    return RollupResult(days=(end - start).days + 1, rows=rows)


def rollup_day_list(*, days: Iterable[date]) -> RollupResult:
    """Rebuild each of `days` (one transaction per day)."""
    result = RollupResult()
    for day in sorted(set(days)):
        result += rollup_days(start=day, end=day, flush=False)
    running_flush()
    return result


def rollup_full(*, start: date | None = None, end: date | None = None) -> RollupResult:
    """Full reconciliation: rebuild every day with data (or start..end), chunked by month, one transaction each.

    Gives the same table as the incremental rollups; rows of days without any contact left disappear.
    """
    first, last = contact_day_bounds()
    if start is None and end is None:
        rollup_drop_outside(first=first, last=last)
    first, last = start or first, end or last
    result = RollupResult()
    if first is None or last is None:
        return result
    for chunk_start, chunk_end in month_chunks(first, last):
        result += rollup_days(start=chunk_start, end=chunk_end, running=False)
    running_rebuild(start=None if start is None and end is None else first)
    return result


def contact_day_bounds() -> tuple[date | None, date | None]:
    bounds = Contact.objects.aggregate(first=Min("day"), last=Max("day"))
    return bounds["first"], bounds["last"]


@transaction.atomic
def rollup_drop_outside(*, first: date | None, last: date | None) -> None:
    """Delete rollup rows and marks of days outside first..last (everything when there are no contacts).

    Running rows outside go too; when daily rows before `first` went, every running total from `first` on still
    counts them, so all are marked for rebuilding from `first` (the full rollup's flush or rebuild does it).
    """
    if first is None or last is None:
        for model in (*DAILY_MODELS, *RUNNING_MODELS, RunningDirty, RollupMark):
            model.objects.all()._raw_delete(model.objects.db)
        return
    dropped_before = AgentDay.objects.filter(day__lt=first).exists() or TeamDay.objects.filter(day__lt=first).exists()
    for model in (*DAILY_MODELS, *RUNNING_MODELS, RollupMark):
        model.objects.exclude(day__range=(first, last)).delete()
    if dropped_before:
        with connection.cursor() as cursor:
            for table in RUNNING:
                cursor.execute(
                    f"""
INSERT INTO {DIRTY} (kind, key_id, first_day)
SELECT DISTINCT %s, {table.key}, %s FROM {table.target} WHERE 1 = 1
ON CONFLICT (kind, key_id) DO UPDATE SET first_day = excluded.first_day
""",
                    [table.kind, first],
                )


def month_chunks(first: date, last: date) -> Iterator[tuple[date, date]]:
    """(start, end) pairs covering first..last, cut at calendar month ends."""
    current = first
    while current <= last:
        next_month = (current.replace(day=1) + timedelta(days=32)).replace(day=1)
        chunk_end = min(last, next_month - timedelta(days=1))
        yield current, chunk_end
        current = chunk_end + timedelta(days=1)


def _lock_days(start: date, end: date) -> None:
    """Hold each day's lock until the transaction ends (ascending order, so two rollups never deadlock).

    SQLite has no advisory locks, but it admits one writer at a time: the DELETE that starts the rebuild takes
    the database's write lock and keeps it until commit, which serialises rollups just the same.
    """
    if connection.vendor != "postgresql":
        return
    ordinals = list(range(start.toordinal(), end.toordinal() + 1))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, d) FROM unnest(%s::int[]) AS d ORDER BY d",
            [LOCK_NAMESPACE, ordinals],
        )


def _lock_running() -> None:
    """Hold the running totals' lock until the transaction ends: a rollup marking what it changed and a flush (or
    rebuild) of the running rows take turns, so a flush never deletes a mark it did not rebuild from. Taken after
    the day locks, always, so it never deadlocks with them. SQLite: one writer at a time anyway."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE, RUNNING_LOCK])


def _marks_between(start: date, end: date):
    marks = RollupMark.objects.filter(day__range=(start, end))
    if connection.features.has_select_for_update:
        marks = marks.select_for_update()
    return marks.values_list("pk", flat=True)


@dataclass(frozen=True)
class Running:
    """A running-totals table (`target`) kept from the daily rows of `source`, per `key` (agent or team).

    `kind` names it in RunningDirty and in its temporary tables; `skills` marks AgentSkillRunning (per agent, day and
    skill, its own rebuild), whose changed keys carry the day of their base rows rather than a base row's id.
    """

    source: str
    target: str
    key: str
    kind: str
    skills: bool = False

    @property
    def base(self) -> str:
        return "CAST(NULL AS DATE) AS base_day" if self.skills else "CAST(NULL AS BIGINT) AS base_id"


RUNNING = (
    Running(AgentDay._meta.db_table, AgentRunning._meta.db_table, "agent_id", "agent_id"),
    Running(TeamDay._meta.db_table, TeamRunning._meta.db_table, "team_id", "team_id"),
    Running(AgentSkillDay._meta.db_table, AgentSkillRunning._meta.db_table, "agent_id", "skills", skills=True),
)


def _rebuild(start: date, end: date, *, running: bool = True) -> int:
    """Delete and re-insert the AgentDay, TeamDay and AgentSkillDay rows of start..end; returns the AgentDay rows.

    With `running`, the agents and teams whose daily sums changed are recorded in RunningDirty with their first
    changed day (the days' sums before the rebuild are kept in temporary tables and compared with the new ones);
    `running_flush` then rebuilds their running totals once, however many days were rolled up.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Group a month of contacts and daily rows in memory rather than in spill files (the default is 4 MB).
            cursor.execute("SET LOCAL work_mem = '64MB'")
        if running:
            for table in RUNNING:
                cursor.execute(f"DROP TABLE IF EXISTS before_{table.kind}")
                cursor.execute(f"CREATE TEMPORARY TABLE before_{table.kind} AS {_daily_sums_sql(table)}", [start, end])
        for model in DAILY_MODELS:
            model.objects.filter(day__range=(start, end))._raw_delete(model.objects.db)
        cursor.execute(f"DROP TABLE IF EXISTS {GRAIN}")
        cursor.execute(contact_grain_sql(), [start, end, start, end])
        cursor.execute(agent_channel_day_sql())
        cursor.execute(agent_day_sql(), agent_day_params(start, end))
        rows = cursor.rowcount
        cursor.execute(team_day_sql(), [start, end])
        cursor.execute(team_channel_day_sql(), [start, end])
        cursor.execute(team_reason_day_sql())
        cursor.execute(f"DROP TABLE {GRAIN}")
        skill_sql = agent_skill_day_sql()
        if skill_sql:
            cursor.execute(skill_sql, agent_skill_day_params(start, end))
        if running:
            _mark_running_dirty(cursor, start, end)
    return rows


def _mark_running_dirty(cursor, start: date, end: date) -> None:
    """Record in RunningDirty (keeping each key's earliest day) the agents and teams whose daily sums in start..end
    differ from the before_<kind> snapshots, then drop the snapshots. Under the running lock: a flush in progress
    finishes first, and the next flush sees these marks. (`WHERE 1 = 1` keeps SQLite's parser from reading the
    upsert's ON as a join's.)"""
    _lock_running()
    for table in RUNNING:
        daily, before = _daily_sums_sql(table), f"before_{table.kind}"
        cursor.execute(
            f"""
INSERT INTO {DIRTY} (kind, key_id, first_day)
SELECT %s, {table.key}, MIN(day) FROM (
    SELECT * FROM ({daily} EXCEPT SELECT * FROM {before}) added
    UNION ALL
    SELECT * FROM (SELECT * FROM {before} EXCEPT {daily}) removed
) changed
WHERE 1 = 1
GROUP BY {table.key}
ON CONFLICT (kind, key_id) DO UPDATE SET first_day = CASE
    WHEN excluded.first_day < {DIRTY}.first_day THEN excluded.first_day
    ELSE {DIRTY}.first_day END
""",
            [table.kind, start, end, start, end],
        )
        cursor.execute(f"DROP TABLE {before}")


def running_flush() -> int:
    """Rebuild the running totals of every agent and team marked in RunningDirty from its first changed day, in one
    statement per table, and clear the marks; returns how many were rebuilt. Rollups call it after their days
    (until then the running totals lag the day rows by that moment)."""
    with transaction.atomic(), connection.cursor() as cursor:
        _lock_running()
        done = 0
        for table in RUNNING:
            cursor.execute(f"DROP TABLE IF EXISTS changed_{table.kind}")
            cursor.execute(
                f"""
CREATE TEMPORARY TABLE changed_{table.kind} AS
SELECT key_id AS {table.key}, first_day, {table.base}
FROM {DIRTY} WHERE kind = %s
""",
                [table.kind],
            )
            cursor.execute(f"DELETE FROM {DIRTY} WHERE kind = %s", [table.kind])
            marked = cursor.rowcount
            if marked:
                _running_rebuild_changed(cursor, table)
            else:
                cursor.execute(f"DROP TABLE changed_{table.kind}")
            done += marked
        return done


def _daily_sums_sql(table: Running) -> str:
    """SELECT of the daily rows' counts summed per key and day (an agent's teams together; and skill, for the skill
    rows) for the days %s..%s."""
    if table.skills:
        return (
            f"SELECT {table.key}, day, skill_id, SUM(reviews) AS reviews, SUM(score_sum) AS score_sum "
            f"FROM {table.source} WHERE day BETWEEN %s AND %s GROUP BY {table.key}, day, skill_id"
        )
    sums = ", ".join(f"SUM({name}) AS {name}" for name in AGENT_DAY_COLUMNS)
    return f"SELECT {table.key}, day, {sums} FROM {table.source} WHERE day BETWEEN %s AND %s GROUP BY {table.key}, day"


def running_rebuild(*, start: date | None = None) -> None:
    """Rebuild the running totals of every agent and team from `start` (all of them when None) from the daily rows."""
    first = start or date.min
    with transaction.atomic(), connection.cursor() as cursor:
        _lock_running()
        for table in RUNNING:
            if start is None:  # everything: no base rows, no key list to join
                if connection.vendor == "postgresql":
                    cursor.execute("SET LOCAL work_mem = '256MB'")  # sort a year of day (and skill) rows in memory
                cursor.execute(f"DELETE FROM {table.target}")
                cursor.execute(f"DELETE FROM {DIRTY} WHERE kind = %s", [table.kind])
                insert = _skill_running_insert_sql if table.skills else _running_insert_sql
                cursor.execute(insert(table, changed=None))
                continue
            cursor.execute(f"DROP TABLE IF EXISTS changed_{table.kind}")
            # Every key with rows from `first`, and every key marked dirty (from its own first day if earlier).
            cursor.execute(
                f"""
CREATE TEMPORARY TABLE changed_{table.kind} AS
SELECT {table.key}, MIN(first_day) AS first_day, {table.base} FROM (
    SELECT {table.key}, %s AS first_day FROM {table.source} WHERE day >= %s
    UNION SELECT {table.key}, %s FROM {table.target} WHERE day >= %s
    UNION SELECT key_id, first_day FROM {DIRTY} WHERE kind = %s
) keys
GROUP BY {table.key}
""",
                [first, first, first, first, table.kind],
            )
            cursor.execute(f"DELETE FROM {DIRTY} WHERE kind = %s", [table.kind])
            _running_rebuild_changed(cursor, table)


def _running_rebuild_changed(cursor, table: Running) -> None:
    """Rebuild the running rows of the keys in the temporary table changed_<kind> from their first_day: delete them,
    find each key's last row before first_day (the base; the skill rows: its day), insert base + the running sums
    of the daily rows."""
    key, target, changed = table.key, table.target, f"changed_{table.kind}"
    if connection.vendor == "postgresql":
        cursor.execute(f"ANALYZE {changed}")  # temporary tables have no statistics: plan for the real count
    cursor.execute(
        f"""
DELETE FROM {target} WHERE EXISTS (
    SELECT 1 FROM {changed} c WHERE c.{key} = {target}.{key} AND {target}.day >= c.first_day
)
"""
    )
    if table.skills:
        cursor.execute(
            f"""
UPDATE {changed} SET base_day = (
    SELECT MAX(r.day) FROM {target} r WHERE r.{key} = {changed}.{key} AND r.day < {changed}.first_day
)
"""
        )
        cursor.execute(_skill_running_insert_sql(table, changed=changed))
    else:
        cursor.execute(
            f"""
UPDATE {changed} SET base_id = (
    SELECT r.id FROM {target} r WHERE r.{key} = {changed}.{key} AND r.day < {changed}.first_day
    ORDER BY r.day DESC LIMIT 1
)
"""
        )
        cursor.execute(_running_insert_sql(table, changed=changed))
    cursor.execute(f"DROP TABLE {changed}")


def _running_insert_sql(table: Running, *, changed: str | None) -> str:
    """INSERT … SELECT of running rows: for the keys of the temporary table `changed` from their first_day on top of
    their base row, or (None) for every key from its first day."""
    key, target = table.key, table.target
    columns = ", ".join(AGENT_DAY_COLUMNS)
    # A day's sums fit an integer; summing integers gives bigints (summing bigints would give slow numerics).
    sums = ", ".join(
        f"SUM(a.{name}) AS {name}" if name == "qa_score_sum" else f"CAST(SUM(a.{name}) AS INTEGER) AS {name}"
        for name in AGENT_DAY_COLUMNS
    )
    if changed is None:
        running = ", ".join(f"SUM(d.{name}) OVER w" for name in AGENT_DAY_COLUMNS)
        source, joins = f"SELECT a.{key}, a.day, {sums} FROM {table.source} a GROUP BY a.{key}, a.day", ""
    else:
        running = ", ".join(f"COALESCE(b.{name}, 0) + SUM(d.{name}) OVER w" for name in AGENT_DAY_COLUMNS)
        source = f"""SELECT a.{key}, a.day, {sums}
    FROM {table.source} a JOIN {changed} c ON c.{key} = a.{key}
    WHERE a.day >= c.first_day
    GROUP BY a.{key}, a.day"""
        joins = f"JOIN {changed} c ON c.{key} = d.{key} LEFT JOIN {target} b ON b.id = c.base_id"
    return f"""
INSERT INTO {target} ({key}, day, {columns})
SELECT d.{key}, d.day, {running}
FROM ({source}) d
{joins}
WINDOW w AS (PARTITION BY d.{key} ORDER BY d.day)
"""


def _skill_running_insert_sql(table: Running, *, changed: str | None) -> str:
    """INSERT … SELECT of AgentSkillRunning rows: on each day an agent has skill rows, one row for every skill they
    were scored on by then (a skill not scored that day carries its total forward; none before its first score).
    For the agents of the temporary table `changed` from their first_day, on top of the rows of their base day; or
    (None) for every agent from their first day."""
    key, target = table.key, table.target
    if changed is None:
        per_join, base = (
            "WHERE 1 = 1",
            f"SELECT r.{key}, r.skill_id, r.reviews, r.score_sum FROM {target} r WHERE 1 = 0",
        )
    else:
        per_join = f"JOIN {changed} c ON c.{key} = a.{key} WHERE a.day >= c.first_day"
        base = f"""SELECT r.{key}, r.skill_id, r.reviews, r.score_sum
    FROM {target} r JOIN {changed} c ON c.{key} = r.{key} AND r.day = c.base_day"""
    # A day's sums fit an integer; summing integers gives bigints (summing bigints would give slow numerics).
    return f"""
WITH per AS (
    SELECT a.{key}, a.day, a.skill_id, CAST(SUM(a.reviews) AS INTEGER) AS reviews, SUM(a.score_sum) AS score_sum
    FROM {table.source} a {per_join}
    GROUP BY a.{key}, a.day, a.skill_id
), base AS (
    {base}
), grid AS (
    SELECT d.{key}, d.day, s.skill_id
    FROM (SELECT DISTINCT {key}, day FROM per) d
    JOIN (SELECT {key}, skill_id FROM per UNION SELECT {key}, skill_id FROM base) s ON s.{key} = d.{key}
)
INSERT INTO {target} ({key}, day, skill_id, reviews, score_sum)
SELECT {key}, day, skill_id, reviews, score_sum FROM (
    SELECT g.{key}, g.day, g.skill_id,
           COALESCE(b.reviews, 0) + SUM(COALESCE(p.reviews, 0)) OVER w AS reviews,
           COALESCE(b.score_sum, 0) + SUM(COALESCE(p.score_sum, 0)) OVER w AS score_sum
    FROM grid g
    LEFT JOIN per p ON p.{key} = g.{key} AND p.day = g.day AND p.skill_id = g.skill_id
    LEFT JOIN base b ON b.{key} = g.{key} AND b.skill_id = g.skill_id
    WINDOW w AS (PARTITION BY g.{key}, g.skill_id ORDER BY g.day)
) totals
WHERE reviews > 0
"""


def derived_rebuild(*, start: date, end: date) -> int:
    """Rebuild the TeamDay and TeamChannelDay rows of start..end and the running totals from `start` from the AgentDay
    and AgentChannelDay rows already there (one transaction); returns the TeamDay rows.

    The rollup does this itself; this is for AgentDay rows written directly (test data, generated benchmark data).
    """
    with transaction.atomic():
        TeamDay.objects.filter(day__range=(start, end))._raw_delete(TeamDay.objects.db)
        TeamChannelDay.objects.filter(day__range=(start, end))._raw_delete(TeamChannelDay.objects.db)
        with connection.cursor() as cursor:
            cursor.execute(team_day_sql(), [start, end])
            rows = cursor.rowcount
            cursor.execute(team_channel_day_sql(), [start, end])
        running_rebuild(start=start)
        return rows


def team_day_sql() -> str:
    """INSERT … SELECT of the TeamDay rows of the days start..end: the AgentDay rows summed per (day, team)."""
    columns = ", ".join(AGENT_DAY_COLUMNS)
    sums = ", ".join(f"SUM({name})" for name in AGENT_DAY_COLUMNS)
    return f"""
INSERT INTO {TeamDay._meta.db_table} (day, team_id, {columns})
SELECT day, team_id, {sums}
FROM {AgentDay._meta.db_table}
WHERE day BETWEEN %s AND %s
GROUP BY day, team_id
"""


# The bigint columns of the daily rows: one row's value fits an integer, and PostgreSQL sums integers as bigints but
# bigints as slow numerics, so the sums over daily rows cast them first.
BIGINT_COUNTS = ("handle_seconds", "after_seconds", "hold_seconds_sum")


def _as_integer(expression: str, name: str) -> str:
    return f"CAST({expression} AS INTEGER) AS {name}" if name in BIGINT_COUNTS else f"{expression} AS {name}"


def team_channel_day_sql() -> str:
    """INSERT … SELECT of the TeamChannelDay rows of the days start..end: AgentChannelDay summed per (day, team,
    channel)."""
    columns = ", ".join(CHANNEL_COUNTS)
    sums = ", ".join(
        f"SUM(CAST({name} AS INTEGER))" if name in BIGINT_COUNTS else f"SUM({name})" for name in CHANNEL_COUNTS
    )
    return f"""
INSERT INTO {TeamChannelDay._meta.db_table} (day, team_id, channel, {columns})
SELECT day, team_id, channel, {sums}
FROM {AgentChannelDay._meta.db_table}
WHERE day BETWEEN %s AND %s
GROUP BY day, team_id, channel
"""


def _within_window(later: str, first: str) -> str:
    """SQL: `later` started at most REPEAT_WINDOW_DAYS (an integer setting, written into the SQL) after `first`."""
    days = int(settings.REPEAT_WINDOW_DAYS)
    if connection.vendor == "postgresql":
        return f"{later} <= {first} + make_interval(days => {days})"
    return f"julianday({later}) <= julianday({first}) + {days}"


# How each count of CHANNEL_COUNTS is made of the numbered contacts `x` (rn: place in the case, next_at: the start
# of the case's next contact); {fcr} is the first-contact resolution of a case's first contact, {repeat} whether
# the next contact came within the repeat window.
_GRAIN_SQL = {
    "contacts": "COUNT(*)",
    "cases": "SUM(CASE WHEN x.rn = 1 THEN 1 ELSE 0 END)",
    "fcr_cases": "SUM(CASE WHEN x.rn = 1 AND {fcr} THEN 1 ELSE 0 END)",
    "csat_responses": "COUNT(x.csat)",
    "csat_satisfied": "SUM(CASE WHEN x.csat >= 4 THEN 1 ELSE 0 END)",
    "csat_sum": "COALESCE(SUM(x.csat), 0)",
    "ces_responses": "COUNT(x.ces)",
    "ces_sum": "COALESCE(SUM(x.ces), 0)",
    "nps_responses": "COUNT(x.nps)",
    "promoters": "SUM(CASE WHEN x.nps >= 9 THEN 1 ELSE 0 END)",
    "detractors": "SUM(CASE WHEN x.nps <= 6 THEN 1 ELSE 0 END)",
    "handle_seconds": "SUM(x.handle_seconds)",
    "after_seconds": "SUM(x.after_contact_seconds)",
    "repeat_contacts": "SUM(CASE WHEN {repeat} THEN 1 ELSE 0 END)",
    "escalated_contacts": "SUM(CASE WHEN x.escalated THEN 1 ELSE 0 END)",
    "transferred_contacts": "SUM(CASE WHEN x.transferred THEN 1 ELSE 0 END)",
    "complaint_cases": "SUM(CASE WHEN x.rn = 1 AND x.complaint THEN 1 ELSE 0 END)",
    "complaint_fcr_cases": "SUM(CASE WHEN x.rn = 1 AND x.complaint AND {fcr} THEN 1 ELSE 0 END)",
    "escalated_csat_responses": "SUM(CASE WHEN x.escalated AND x.csat IS NOT NULL THEN 1 ELSE 0 END)",
    "escalated_csat_satisfied": "SUM(CASE WHEN x.escalated AND x.csat >= 4 THEN 1 ELSE 0 END)",
    "hold_seconds_sum": "COALESCE(SUM(x.hold_seconds), 0)",
    "hold_contacts": "COUNT(x.hold_seconds)",
}


def contact_grain_sql() -> str:
    """CREATE TEMPORARY TABLE … AS SELECT: the contacts of the days start..end counted per (day, agent, team, channel,
    reason), every count of CHANNEL_COUNTS.

    One pass over the contacts of the cases that have a contact in the range, numbered within their case (earliest
    started_at first, then lowest id), with the start of the case's next contact:
    - contacts, surveys, seconds, escalations, transfers, hold: every contact of the range on its own day, agent,
      team, channel and reason;
    - cases: the contacts numbered 1 (a case counts on the day, agent, team, channel and reason of its first
      contact); first-contact resolved when its explicit flag says so, else when it is resolved and the case's next
      contact started more than REPEAT_WINDOW_DAYS later (or never); complaint cases: those whose first contact is
      flagged complaint;
    - repeat contacts: contacts whose case's next contact started within REPEAT_WINDOW_DAYS of them (so a later
      contact changes the earlier contact's day: imports mark every contact of the cases they touch).
    Parameters: start, end, start, end.
    """
    fcr = f"COALESCE(x.first_contact_resolved, x.resolved AND NOT ({_repeat()}))"
    # Integers: PostgreSQL sums integers as bigints, but bigints (COUNT's type) as slow numerics.
    counts = ",\n       ".join(
        f"CAST({expression.format(fcr=fcr, repeat=_repeat())} AS INTEGER) AS {name}"
        for name, expression in _GRAIN_SQL.items()
    )
    return f"""
CREATE TEMPORARY TABLE {GRAIN} AS
SELECT x.day, x.agent_id, x.team_id, x.channel, x.reason,
       {counts}
FROM (
    SELECT c.day, c.agent_id, c.team_id, c.channel, c.reason, c.started_at, c.resolved, c.first_contact_resolved,
           c.csat, c.ces, c.nps, c.handle_seconds, c.after_contact_seconds, c.escalated, c.transferred,
           c.complaint, c.hold_seconds,
           ROW_NUMBER() OVER w AS rn, LEAD(c.started_at) OVER w AS next_at
    FROM {CONTACT} c
    WHERE c.case_id IN (SELECT k.case_id FROM {CONTACT} k WHERE k.day BETWEEN %s AND %s)
    WINDOW w AS (PARTITION BY c.case_id ORDER BY c.started_at, c.id)
) x
WHERE x.day BETWEEN %s AND %s
GROUP BY x.day, x.agent_id, x.team_id, x.channel, x.reason
"""


def _repeat() -> str:
    return f"(x.next_at IS NOT NULL AND {_within_window('x.next_at', 'x.started_at')})"


def agent_channel_day_sql() -> str:
    """INSERT … SELECT of the AgentChannelDay rows of the range from the contact grain (reasons summed)."""
    columns = ", ".join(CHANNEL_COUNTS)
    sums = ", ".join(f"SUM({name})" for name in CHANNEL_COUNTS)
    return f"""
INSERT INTO {AgentChannelDay._meta.db_table} (day, agent_id, team_id, channel, {columns})
SELECT day, agent_id, team_id, channel, {sums}
FROM {GRAIN}
GROUP BY day, agent_id, team_id, channel
"""


def team_reason_day_sql() -> str:
    """INSERT … SELECT of the TeamReasonDay rows of the range from the contact grain."""
    columns = ", ".join(REASON_COUNTS)
    sums = ", ".join(f"SUM({name})" for name in REASON_COUNTS)
    return f"""
INSERT INTO {TeamReasonDay._meta.db_table} (day, team_id, reason, {columns})
SELECT day, team_id, reason, {sums}
FROM {GRAIN}
GROUP BY day, team_id, reason
"""


def agent_day_sql() -> str:
    """INSERT … SELECT of the AgentDay rows of the days start..end, grouped by (day, agent, team): the
    AgentChannelDay rows just written (the contacts' counts, see contact_grain_sql) summed over the channels, then
    the rows of every registered AgentDaySource (QA's reviews and score sums), each on the day, agent and team its
    SELECT gives; counts a source does not fill are 0 (and the channel rows have no reviews)."""
    columns = ", ".join(["day", "agent_id", "team_id", *AGENT_DAY_COLUMNS])
    sums = ", ".join(f"SUM(u.{name})" for name in AGENT_DAY_COLUMNS)
    channel = ", ".join(
        _as_integer(f"a.{name}", name) if name in CHANNEL_COUNTS else f"0 AS {name}" for name in AGENT_DAY_COLUMNS
    )
    return f"""
INSERT INTO {AgentDay._meta.db_table} ({columns})
SELECT u.day, u.agent_id, u.team_id, {sums}
FROM (
    SELECT a.day, a.agent_id, a.team_id, {channel}
    FROM {AgentChannelDay._meta.db_table} a
    WHERE a.day BETWEEN %s AND %s
{_sources_sql()}) u
GROUP BY u.day, u.agent_id, u.team_id
"""


def _sources_sql() -> str:
    """UNION ALL branches of the registered AgentDay sources, each as the full row of counts (0 where it has none)."""
    branches = []
    for source in agent_day_sources():
        counts = ", ".join(f"s.{name}" if name in source.columns else f"0 AS {name}" for name in AGENT_DAY_COLUMNS)
        branches.append(
            f"    UNION ALL\n    SELECT s.day, s.agent_id, s.team_id, {counts}\n    FROM ({source.sql()}) s\n"
        )
    return "".join(branches)


def agent_day_params(start: date, end: date) -> list:
    params = [start, end]
    for source in agent_day_sources():
        params += source.params(start, end)
    return params


def agent_skill_day_sql() -> str | None:
    """INSERT … SELECT of the AgentSkillDay rows of the days start..end from the registered skill sources (None
    when no app registered one)."""
    sources = skill_day_sources()
    if not sources:
        return None
    columns = "day, agent_id, team_id, skill_id, reviews, score_sum"
    if len(sources) == 1:
        select = sources[0].sql()
    else:
        union = " UNION ALL ".join(f"SELECT {columns} FROM ({source.sql()}) s{n}" for n, source in enumerate(sources))
        select = (
            f"SELECT day, agent_id, team_id, skill_id, SUM(reviews), SUM(score_sum) FROM ({union}) u "
            "GROUP BY day, agent_id, team_id, skill_id"
        )
    return f"INSERT INTO {AgentSkillDay._meta.db_table} ({columns})\n{select}"


def agent_skill_day_params(start: date, end: date) -> list:
    return [param for source in skill_day_sources() for param in source.params(start, end)]


def today() -> date:
    return timezone.localdate()
