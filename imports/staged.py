"""The profile import path: a file read column by column into a staging table and validated there in SQL.

    profile_import(binary, profile) -> ImportSummary

The file is read in chunks; each chunk is turned into columns and each field's cells are converted once per
distinct value (dates, durations and labels repeat), then the chunk is loaded into a temporary staging table with
its line numbers (COPY on PostgreSQL). Everything that needs the data as a whole is SQL over that table: agents,
teams and channels by joins, duplicate ids by GROUP BY, required blanks, ranges, cases cut from a requester's
contacts and repeated ids numbered with window functions. One bad row refuses the whole file, every bad row
reported with its line. A good file is upserted with one INSERT … SELECT … ON CONFLICT that writes only the
fields the profile lists: a field the file does not carry never changes what is stored.
"""

import functools
import io
import json
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import BinaryIO
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone

from core.models import Agent, Contact, ContactChannel, RollupMark, Team, TeamMembership
from core.services.rollup_marks import WHOLE_DAY_UPSERT, rollup_enqueue
from imports.agents import NewAgent, agents_create
from imports.models import ImportCreated, ImportRun
from imports.profiles import CONTACT_REQUIRED, ExportFile, FieldReader, Profile
from imports.profiles.reader import Bad, skip_mask, transpose
from imports.services import (
    _COPY_ESCAPES,
    MAX_REPORTED_ERRORS,
    MAX_SECONDS,
    ImportRejected,
    ImportSummary,
    RowError,
)

CHUNK_ROWS = 20_000
STAGE = "skillhub_profile_stage"
KEYS = "skillhub_profile_keys"
SEEDS = "skillhub_profile_seeds"
INSERT_BATCH = 500  # rows per executemany batch on SQLite


@dataclass(frozen=True)
class Column:
    """A column of the staging table: its PostgreSQL type and the contact column it is written to (if any)."""

    name: str
    pg_type: str
    contact: str | None = None


# Staging columns filled from the file (in COPY order), then those the SQL steps fill.
LOADED = [
    Column("line", "integer"),
    Column("bad", "text"),  # ",field,field," of cells that could not be read (not reported again as blank)
    Column("external_id", "text", "external_id"),
    Column("case_id", "text", "case_id"),
    Column("split_key", "text"),
    Column("agent_key", "text"),
    Column("agent_email", "text"),
    Column("agent_employee_id", "text"),
    Column("agent_name", "text"),
    Column("team", "text"),
    Column("team_key", "text"),
    Column("channel", "text", "channel"),
    Column("started_at", "timestamptz", "started_at"),
    Column("started_epoch", "bigint"),
    Column("day", "date", "day"),
    Column("handle_seconds", "bigint", "handle_seconds"),
    Column("after_contact_seconds", "bigint", "after_contact_seconds"),
    Column("hold_seconds", "bigint", "hold_seconds"),
    Column("resolved", "boolean", "resolved"),
    Column("first_contact_resolved", "boolean", "first_contact_resolved"),
    Column("escalated", "boolean", "escalated"),
    Column("transferred", "boolean", "transferred"),
    Column("complaint", "boolean", "complaint"),
    Column("csat", "bigint", "csat"),
    Column("ces", "bigint", "ces"),
    Column("nps", "bigint", "nps"),
    Column("reason", "text", "reason"),
    Column("tags", "text", "tags"),
    Column("language", "text", "language"),
    Column("customer_id", "text", "customer_id"),
    Column("survey_comment", "text", "survey_comment"),
    Column("recording_url", "text", "recording_url"),
    Column("transcript", "text", "transcript"),
]
COMPUTED = [
    Column("agent_id", "bigint", "agent_id"),
    Column("team_id", "bigint", "team_id"),
    Column("old_id", "bigint"),
    Column("old_day", "date"),
    Column("old_case_id", "text"),
]
LOADED_NAMES = [column.name for column in LOADED]
# Optional fields: written only when the profile lists them; a blank cell stores this.
OPTIONAL_BLANK = {
    "first_contact_resolved": None,
    "hold_seconds": None,
    "escalated": None,
    "transferred": None,
    "complaint": None,
    "csat": None,
    "ces": None,
    "nps": None,
    "reason": "''",
    "tags": "'[]'",
    "language": "''",
    "customer_id": "''",
    "survey_comment": "''",
    "recording_url": "''",
    "transcript": "''",
}
ALWAYS_WRITTEN = [
    "case_id",
    "agent_id",
    "team_id",
    "team_from_history",  # a blank team the agent's membership filled (the stage's team_key is NULL)
    "channel",
    "started_at",
    "day",
    "handle_seconds",
    "after_contact_seconds",
    "resolved",
]
RANGES = {
    "csat": (1, 5),
    "nps": (0, 10),
    "handle_seconds": (0, MAX_SECONDS),
    "after_contact_seconds": (0, MAX_SECONDS),
    "hold_seconds": (0, MAX_SECONDS),
}


class _Errors:
    """The errors found so far, capped: the first MAX_REPORTED_ERRORS kept, the rest counted."""

    def __init__(self):
        self.items: list[RowError] = []
        self.more = 0

    def add(self, line: int, field: str, message: str) -> None:
        if len(self.items) < MAX_REPORTED_ERRORS:
            self.items.append(RowError(line, field, message))
        else:
            self.more += 1

    @property
    def room(self) -> int:
        return max(0, MAX_REPORTED_ERRORS - len(self.items))

    def __bool__(self) -> bool:
        return bool(self.items) or bool(self.more)

    def reject(self) -> ImportRejected:
        return ImportRejected(sorted(self.items, key=lambda error: (error.line, error.field)), self.more)


def profile_import(
    binary: BinaryIO,
    profile: Profile,
    *,
    create_agents: bool = False,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
    run: ImportRun | None = None,
    allowed_team_ids: set[int] | None = None,
) -> ImportSummary:
    """Import a contacts export with a profile; refuse the whole file (ImportRejected) if any row is bad.

    `progress` gets the bytes read since its last call (only while no COPY streams: it may use the database);
    `run` records the contacts this import created (for undo); `allowed_team_ids` refuses rows of any other team (a
    lead's upload). Marks the (agent, day) pairs touched — old and new place of each written contact and every
    contact of its cases — and enqueues the rollup
    when the transaction commits.
    """
    summary = ImportSummary(dry_run=dry_run, fields=list(profile.fields), timezone=profile.zone_name)
    errors = _Errors()
    with transaction.atomic():
        stage = _Stage()
        try:
            catalogue = _Catalogue(profile)
            _Loader(profile, stage, summary, errors, catalogue).run(binary, progress)
            _check(profile, stage, errors, catalogue, create_agents=create_agents, allowed_team_ids=allowed_team_ids)
            if errors:
                raise errors.reject()
            if create_agents:
                summary.agents_created = _create_agents(profile, stage, errors)
                if errors:
                    raise errors.reject()
            with stage.probing():
                _write(profile, stage, summary, run)
        finally:
            stage.drop()
        if dry_run:
            transaction.set_rollback(True)
        elif summary.created or summary.updated:
            rollup_enqueue()
    return summary


# --- the staging table ---------------------------------------------------------------------------------------


class _Stage:
    def __init__(self):
        self.postgresql = connection.vendor == "postgresql"
        self.ops = connection.ops
        self._copier: ThreadPoolExecutor | None = None
        self._copying: Future | None = None
        self._when_idle: list[Callable[[], None]] = []
        columns = LOADED + COMPUTED
        types = ", ".join(
            f"{column.name} {column.pg_type if self.postgresql else _sqlite_type(column.pg_type)}" for column in columns
        )
        if self.postgresql:
            _tune_session()
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
            cursor.execute(f"DROP TABLE IF EXISTS {KEYS}")
            cursor.execute(f"CREATE TEMPORARY TABLE {STAGE} ({types}, unchanged boolean NOT NULL DEFAULT false)")
            cursor.execute(f"CREATE TEMPORARY TABLE {KEYS} (kind text, key text, id bigint, n integer)")

    def load(self, data: dict[str, list]) -> None:
        """Append a chunk given as {stage column: values}."""
        names = list(data)
        if not data or not data["line"]:
            return
        if self.postgresql:
            texts = [_copy_texts(data[name], TYPES[name]) for name in names]
            buffer = io.StringIO()
            buffer.write("\n".join(map("\t".join, zip(*texts, strict=True))))
            buffer.write("\n")
            buffer.seek(0)
            self.wait()
            # The COPY runs in a helper thread while this one reads and converts the next chunk (the database and
            # Python each keep a core busy); nothing else uses the connection until wait() returns.
            if self._copier is None:
                self._copier = ThreadPoolExecutor(max_workers=1, thread_name_prefix="profile-copy")
            raw = connection.connection.cursor()
            self._copying = self._copier.submit(
                raw.copy_expert, f"COPY {STAGE} ({', '.join(names)}) FROM STDIN", buffer
            )
            return
        with connection.cursor() as cursor:
            rows = list(zip(*(data[name] for name in names), strict=True))
            statement = f"INSERT INTO {STAGE} ({', '.join(names)}) VALUES ({', '.join(['%s'] * len(names))})"
            for offset in range(0, len(rows), INSERT_BATCH):
                cursor.executemany(statement, rows[offset : offset + INSERT_BATCH])

    def wait(self) -> None:
        """Until the last chunk's COPY is done (its error, if any, raised here); then the calls kept for then."""
        copying, self._copying = self._copying, None
        if copying is not None:
            copying.result()
        waiting, self._when_idle = self._when_idle, []
        for call in waiting:
            call()

    def when_idle(self, call: Callable[[], None]) -> None:
        """Call now, or once the COPY in flight is done: a caller's callback (progress) may use the connection, which
        must not be used while a COPY streams."""
        if self._copying is None:
            call()
        else:
            self._when_idle.append(call)

    def close(self) -> None:
        if self._copier is not None:
            try:
                self.wait()
            finally:
                self._copier.shutdown()
                self._copier = None

    def moment(self, value: datetime) -> str:
        """A moment as the stage stores it: ISO text for COPY, the backend's own text on SQLite."""
        return value.isoformat() if self.postgresql else self.ops.adapt_datetimefield_value(value)

    def execute(self, sql: str, params=None) -> int:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.rowcount

    @contextmanager
    def probing(self):
        """Join the stage to the contacts by their indexes (one probe per stage row), never by reading the whole
        contact table into a hash: PostgreSQL's estimate prefers the hash once the stage is large, but 100,000
        probes take 150–190 ms where the hash join over a million contacts takes 550 ms (measured, bench/README)."""
        if not self.postgresql:
            yield
            return
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('enable_hashjoin'), current_setting('enable_mergejoin')")
            hashjoin, mergejoin = cursor.fetchone()
            cursor.execute("SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off")
        try:
            yield
        finally:
            if not connection.needs_rollback:
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT set_config('enable_hashjoin', %s, true), set_config('enable_mergejoin', %s, true)",
                        [hashjoin, mergejoin],
                    )

    def rows(self, sql: str, params=None) -> list[tuple]:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def drop(self) -> None:
        try:
            self.close()
        except Exception:  # a COPY failed while another error was being raised: that one says why
            connection.needs_rollback = True
        if connection.needs_rollback:  # an error aborted the transaction: the rollback drops the tables
            return
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
            cursor.execute(f"DROP TABLE IF EXISTS {KEYS}")
            cursor.execute(f"DROP TABLE IF EXISTS {SEEDS}")


# PostgreSQL settings of the import's transaction (SET LOCAL: they end with it).
#  - work_mem: the stage's sorts and hashes (DISTINCT pairs for the marks, duplicate ids, the cases' contacts) fit
#    in memory; with the default 4 MB a 100,000-row file spilled each of them to disk.
#  - jit off: compiling the few large statements cost more than it saved (they read 10^5 rows, not 10^8).
#  - random_page_cost 1.1 (the default 4 is for spinning disks): the stage's ids and cases are looked up in the
#    contact table's indexes (external_id, case_id) instead of reading the whole table, once the table is large
#    against the file; a 20,000-row file's lookups went from 160–200 ms to 25–35 ms against 1 million contacts.
#  - synchronous_commit stays on: the commit's WAL flush is a few milliseconds, and an import the user was told
#    is stored must survive a crash right after.
TRANSACTION_SETTINGS = {"work_mem": "64MB", "jit": "off", "random_page_cost": "1.1"}
# The stage is a temporary table, held in the session's own buffers (8 MB by default, less than a 100,000-row
# stage: past it every page goes through a temporary file). PostgreSQL accepts a new size only before the
# session's first temporary table, so it is tried once per connection, in a savepoint, and kept if it fails.
TEMP_BUFFERS = "128MB"


def _tune_session() -> None:
    with connection.cursor() as cursor:
        raw = id(connection.connection)
        if getattr(connection, "_profile_sized", None) != raw:
            connection._profile_sized = raw
            try:
                with transaction.atomic():
                    cursor.execute(f"SET temp_buffers = '{TEMP_BUFFERS}'")
            except DatabaseError:  # temporary tables were used before on this connection: the default stays
                pass
        cursor.execute("; ".join(f"SET LOCAL {name} = '{value}'" for name, value in TRANSACTION_SETTINGS.items()))


TYPES = {column.name: column.pg_type for column in LOADED + COMPUTED}
_COPY_FLAGS = {True: "t", False: "f", None: "\\N"}


def _copy_texts(values: list, pg_type: str) -> list[str]:
    """A column's values as COPY text, a whole column at a time."""
    if pg_type == "boolean":
        return [_COPY_FLAGS[value] for value in values]
    if pg_type in ("bigint", "integer"):
        return ["\\N" if value is None else str(value) for value in values]
    texts = ["\\N" if value is None else value for value in values]
    probe = "".join(value for value in values if value is not None)
    if "\\" in probe or "\t" in probe or "\n" in probe or "\r" in probe:  # rare: escape only then
        texts = ["\\N" if value is None else value.translate(_COPY_ESCAPES) for value in values]
    return texts


def _sqlite_type(pg_type: str) -> str:
    return {"bigint": "integer", "integer": "integer", "boolean": "integer"}.get(pg_type, "text")


# --- reading the file into the stage -------------------------------------------------------------------------


@dataclass
class _Loader:
    """Reads the file a chunk at a time into the stage; remembers what repeats across chunks (converted cells,
    moments and their days, agent names folded for matching), each memo bounded so memory stays flat."""

    profile: Profile
    stage: _Stage
    summary: ImportSummary
    errors: _Errors
    catalogue: "_Catalogue"
    readers: dict[str, FieldReader] = field(default_factory=dict)
    positions: dict[str, int] = field(default_factory=dict)
    days: dict[datetime, tuple] = field(default_factory=dict)  # moment -> (stage text, epoch, day)
    name_keys: dict[str, str] = field(default_factory=dict)

    def __post_init__(self):
        self.day_zone = ZoneInfo(settings.TIME_ZONE)

    def run(self, binary: BinaryIO, progress: Callable[[int], None] | None) -> None:
        export = ExportFile(binary, self.profile)
        self.positions = export.positions
        self.readers = {
            name: FieldReader(self.profile, spec, export.positions) for name, spec in self.profile.fields.items()
        }
        records: list[list[str]] = []
        lines: list[int] = []

        def flush():
            if records:
                self.load_chunk(records, lines)
                records.clear()
                lines.clear()
            if progress is not None:
                self.stage.when_idle(functools.partial(progress, export.bytes_read()))

        for line, record in export.records():
            if isinstance(record, RowError):
                self.errors.add(record.line, record.field, record.message)
                continue
            records.append(record)
            lines.append(line)
            if len(records) >= CHUNK_ROWS:
                flush()
        flush()
        self.stage.wait()
        if self.stage.postgresql:
            # Statistics of the join keys only (the whole table's would cost more than they save).
            self.stage.execute(f"ANALYZE {STAGE} (external_id, case_id, split_key, agent_key, team_key)")

    def load_chunk(self, records: list[list[str]], lines: list[int]) -> None:
        """Convert a chunk a column at a time and append it to the stage."""
        profile, readers, positions, stage = self.profile, self.readers, self.positions, self.stage
        summary, errors, days, day_zone, name_keys = self.summary, self.errors, self.days, self.day_zone, self.name_keys
        columns = transpose(records)
        size = len(records)
        skipped = skip_mask(profile, positions, columns, size) if profile.skip else None
        if skipped is not None and any(skipped):
            keep = [position for position in range(size) if not skipped[position]]
            summary.skipped += size - len(keep)
            columns = [tuple(column[position] for position in keep) for column in columns]
            lines = [lines[position] for position in keep]
            size = len(keep)
            if not size:
                return
        summary.rows += size
        values: dict[str, list] = {}
        bad: dict[int, list[str]] = {}
        for name, reader in readers.items():
            column = reader.column(columns, size)
            if not reader.has_bad:  # no cell of this field has failed yet: nothing to look for
                values[name] = column
                continue
            for position, value in enumerate(column):
                if isinstance(value, Bad):
                    errors.add(lines[position], name, value.message)
                    bad.setdefault(position, []).append(name)
                    column[position] = None
            values[name] = column
        none = [None] * size

        started = values.get("started_at", none)
        stored, epochs, day_values = [], [], []
        no_offset = 0
        for value in started:
            if value is None:
                stored.append(None)
                epochs.append(None)
                day_values.append(None)
                continue
            moment, has_offset = value
            no_offset += not has_offset
            known = days.get(moment)
            if known is None:
                if len(days) > CHUNK_ROWS:
                    days.clear()
                known = days[moment] = (
                    stage.moment(moment),
                    int(moment.timestamp()),
                    _day(moment, day_zone),
                )
            stored.append(known[0])
            epochs.append(known[1])
            day_values.append(known[2])
        summary.no_offset_rows += no_offset

        agent_field = profile.agent_field
        agent_values = values.get(agent_field, none)
        if agent_field == "agent_email":
            agent_keys = agent_values
        elif agent_field == "agent_name":
            agent_keys = [_name_key(value, name_keys) for value in agent_values]
        else:
            agent_keys = agent_values
        team = values.get("team", none)
        team_keys = [None if value is None else value.lower() for value in team]
        catalogue = self.catalogue
        known_agents, known_teams = catalogue.agents, catalogue.teams
        agent_ids = [None if key is None else known_agents.get(key) for key in agent_keys]
        team_ids = [None if key is None else known_teams.get(key) for key in team_keys]
        if catalogue.periods is not None:  # a blank team: the membership covering the day
            team_on, single = catalogue.team_on, catalogue.single
            for position, team_id in enumerate(team_ids):
                if team_id is None and team_keys[position] is None:
                    agent_id, day = agent_ids[position], day_values[position]
                    if agent_id is not None and day is not None:
                        only = single.get(agent_id)
                        if only is not None:
                            team_ids[position] = only[1] if only[0] <= day else None
                        else:
                            team_ids[position] = team_on(agent_id, day)
        case_spec = profile.fields.get("case_id")
        split = case_spec is not None and case_spec.split_after is not None
        case_values = values.get("case_id", none)
        tags = values.get("tags")
        tag_text = [None if value is None else json.dumps(value) for value in tags] if tags is not None else none
        bad_text = [None] * size
        for position, names in bad.items():
            bad_text[position] = "," + ",".join(names) + ","

        data = {
            "line": lines,
            "bad": bad_text,
            "external_id": values.get("external_id", none),
            "case_id": none if split else case_values,
            "split_key": case_values if split else none,
            "agent_key": agent_keys,
            "team": team,
            "team_key": team_keys,
            "agent_id": agent_ids,
            "team_id": team_ids,
            "started_at": stored,
            "started_epoch": epochs,
            "day": day_values,
            "tags": tag_text,
        }
        for name in LOADED_NAMES:
            if name not in data:
                data[name] = values.get(name, none)
        # Only the columns this profile fills are sent (absent fields stay NULL in the stage).
        stage.load({name: column for name, column in data.items() if column is not none})


def _day(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).date().isoformat()


def _name_key(value: str | None, memo: dict[str, str]) -> str | None:
    """An agent name as it is matched: without regard to case or to spaces around and between the words."""
    if value is None:
        return None
    key = memo.get(value)
    if key is None:
        key = memo[value] = " ".join(value.lower().split())
    return key


# --- validation in SQL ---------------------------------------------------------------------------------------


def _check(
    profile: Profile, stage: _Stage, errors: _Errors, catalogue: "_Catalogue", *, create_agents: bool, allowed_team_ids
) -> None:
    fields = profile.fields

    def report(sql: str, params, field: str, message: Callable[[tuple], str]) -> None:
        if errors.room:
            for row in stage.rows(f"{sql} ORDER BY 1 LIMIT {errors.room + 1}", params):
                errors.add(row[0], field, message(row))
        else:
            (count,) = stage.rows(f"SELECT COUNT(*) FROM ({sql}) counted", params)[0]
            errors.more += count

    def not_bad(field: str) -> str:
        return f"(bad IS NULL OR bad NOT LIKE '%%,{field},%%')"

    # Repeated ids numbered in file order before duplicates are looked for: the first keeps its id.
    if fields["external_id"].repeated:
        stage.execute(
            f"UPDATE {STAGE} SET external_id = {STAGE}.external_id || '-' || numbered.n FROM ("
            f"SELECT line, row_number() OVER (PARTITION BY external_id ORDER BY line) AS n FROM {STAGE} "
            f"WHERE external_id IS NOT NULL) numbered WHERE {STAGE}.line = numbered.line AND numbered.n > 1"
        )
        report(
            f"SELECT line, external_id FROM {STAGE} WHERE LENGTH(external_id) > 100",
            None,
            "external_id",
            lambda row: f"{_show(row[1])} is longer than 100 characters once numbered",
        )

    # Required blanks (a cell that could not be read is reported once, as unreadable) and ranges: counted in one
    # pass over the stage; only a check that found something reads its lines.
    scans: list[tuple[str, list, str, str, Callable[[tuple], str]]] = []
    for name in [*CONTACT_REQUIRED, profile.agent_field]:
        if name == "team" and fields["team"].blank:
            continue
        column = name
        if name == profile.agent_field:
            column = "agent_key"
        elif name == "case_id" and fields["case_id"].split_after:
            column = "split_key"
        scans.append((f"{column} IS NULL AND {not_bad(name)}", [], "", name, lambda row: "required"))
    ranges = dict(RANGES, ces=(1, settings.CES_SCALE_MAX))
    for name, (low, high) in ranges.items():
        if name in fields:
            scans.append(
                (
                    f"{name} IS NOT NULL AND ({name} < %s OR {name} > %s)",
                    [low, high],
                    f", {name}",
                    name,
                    lambda row, low=low, high=high: f"{row[1]} is out of range {low}–{high}",
                )
            )
    counts = stage.rows(
        "SELECT " + ", ".join(f"COUNT(*) FILTER (WHERE {condition})" for condition, *_ in scans) + f" FROM {STAGE}",
        [param for _, params, *_ in scans for param in params],
    )[0]
    for count, (condition, params, extra, name, message) in zip(counts, scans, strict=True):
        if count:
            report(f"SELECT line{extra} FROM {STAGE} WHERE {condition}", params or None, name, message)

    # Cases cut from a requester's contacts: a new case when the next contact comes after the repeat window.
    if fields["case_id"].split_after:
        window = settings.REPEAT_WINDOW_DAYS * 86400
        _seed_cases(stage, window)
        stage.execute(
            f"""
            UPDATE {STAGE} SET case_id = cases.case_id FROM (
                SELECT line, FIRST_VALUE(base) OVER (
                    PARTITION BY split_key, case_no ORDER BY started_epoch, line) AS case_id
                FROM (
                    SELECT line, split_key, base, started_epoch, SUM(new_case) OVER (
                        PARTITION BY split_key ORDER BY started_epoch, line ROWS UNBOUNDED PRECEDING) AS case_no
                    FROM (
                        SELECT line, split_key, base, started_epoch,
                               CASE WHEN started_epoch - LAG(started_epoch) OVER (
                                   PARTITION BY split_key ORDER BY started_epoch, line) <= %s THEN 0 ELSE 1 END
                               AS new_case
                        FROM (
                            SELECT line, split_key, split_key || ':' || external_id AS base, started_epoch
                            FROM {STAGE} WHERE split_key IS NOT NULL AND started_epoch IS NOT NULL
                            UNION ALL
                            SELECT 0, split_key, case_id, started_epoch FROM {SEEDS}
                        ) contacts
                    ) gaps
                ) numbered
            ) cases WHERE {STAGE}.line = cases.line
            """,
            [window],
        )
        stage.execute(f"DROP TABLE {SEEDS}")
        report(
            f"SELECT line, case_id FROM {STAGE} WHERE LENGTH(case_id) > 100",
            None,
            "case_id",
            lambda row: f"the case built from the requester, {_show(row[1])}, is longer than 100 characters",
        )

    # Duplicate ids: every line after the first of an id.
    report(
        f"SELECT s.line, s.external_id, firsts.first_line FROM {STAGE} s JOIN ("
        f"SELECT external_id, MIN(line) AS first_line FROM {STAGE} WHERE external_id IS NOT NULL "
        f"GROUP BY external_id HAVING COUNT(*) > 1) firsts ON firsts.external_id = s.external_id "
        f"WHERE s.line > firsts.first_line",
        None,
        "external_id",
        lambda row: f"duplicate {_show(row[1])} (first at line {row[2]})",
    )

    # Channels: codes of the active catalogue.
    channel = ContactChannel._meta.db_table
    codes = ", ".join(ContactChannel.objects.filter(is_active=True).order_by("code").values_list("code", flat=True))
    report(
        f"SELECT line, channel FROM {STAGE} s WHERE channel IS NOT NULL AND NOT EXISTS ("
        f"SELECT 1 FROM {channel} c WHERE c.code = s.channel AND c.is_active)",
        None,
        "channel",
        lambda row: f"unknown channel {_show(row[1])} (active channels: {codes})",
    )

    # Agents and teams: agent_id and team_id were filled from the catalogue as the stage was loaded; the keys'
    # table explains the rows left without them.
    _fill_keys(catalogue)
    agent_field = profile.agent_field
    report(
        f"SELECT s.line, s.agent_key, k.n FROM {STAGE} s JOIN {KEYS} k ON k.kind = 'agent' AND k.key = s.agent_key "
        f"WHERE k.n > 1",
        None,
        agent_field,
        lambda row: f"{row[2]} agents are named {_show(row[1])}: identify agents by agent_email or agent_employee_id",
    )
    can_create = create_agents and agent_field == "agent_email"
    if not can_create:
        hint = (
            " (use --create-agents to add)"
            if agent_field == "agent_email"
            else " (agents can be created only from agent_email)"
            if create_agents
            else ""
        )
        report(
            f"SELECT line, agent_key FROM {STAGE} s WHERE agent_key IS NOT NULL AND agent_id IS NULL AND NOT EXISTS ("
            f"SELECT 1 FROM {KEYS} k WHERE k.kind = 'agent' AND k.key = s.agent_key)",
            None,
            agent_field,
            lambda row: f"unknown agent {_show(row[1])}{hint}",
        )
    else:
        report(
            f"SELECT line, agent_key FROM {STAGE} WHERE agent_key IS NOT NULL AND agent_id IS NULL "
            f"AND agent_key NOT LIKE '%%_@_%%'",
            None,
            agent_field,
            lambda row: f"not an email address: {_show(row[1])}",
        )

    report(
        f"SELECT line, team FROM {STAGE} WHERE team_key IS NOT NULL AND team_id IS NULL",
        None,
        "team",
        lambda row: f"unknown team {_show(row[1])}",
    )
    if fields["team"].blank:
        _team_from_history(stage, covered=True)
        if can_create:
            report(
                f"SELECT line, agent_key FROM {STAGE} WHERE team_key IS NULL AND agent_id IS NULL "
                f"AND agent_key IS NOT NULL",
                None,
                "team",
                lambda row: f"needed to create the new agent {_show(row[1])}",
            )
    if allowed_team_ids is not None:
        allowed = sorted(allowed_team_ids) or [0]
        placeholders = ", ".join(["%s"] * len(allowed))
        report(
            f"SELECT s.line, t.name FROM {STAGE} s JOIN {Team._meta.db_table} t ON t.id = s.team_id "
            f"WHERE s.team_id NOT IN ({placeholders})",
            allowed,
            "team",
            lambda row: f"{_show(row[1])} is not one of the teams you may import for",
        )
        # Nor may it touch what belongs to other teams: a stored contact of another team (its id in the file)...
        report(
            f"SELECT s.line, s.external_id FROM {STAGE} s JOIN {Contact._meta.db_table} c "
            f"ON c.external_id = s.external_id WHERE c.team_id NOT IN ({placeholders})",
            allowed,
            "external_id",
            lambda row: f"{_show(row[1])} is a contact of a team you may not import for",
        )
        # ...or an agent who was not in one of the lead's teams that day (by membership; without any, by team today).
        membership, agent = TeamMembership._meta.db_table, Agent._meta.db_table
        report(
            f"SELECT s.line, s.agent_key FROM {STAGE} s WHERE s.agent_id IS NOT NULL AND s.day IS NOT NULL "
            f"AND NOT EXISTS (SELECT 1 FROM {membership} m WHERE m.agent_id = s.agent_id "
            f"AND m.team_id IN ({placeholders}) AND m.start_date <= s.day "
            f"AND (m.end_date IS NULL OR m.end_date > s.day)) "
            f"AND NOT EXISTS (SELECT 1 FROM {agent} a WHERE a.id = s.agent_id AND a.team_id IN ({placeholders}) "
            f"AND NOT EXISTS (SELECT 1 FROM {membership} m2 WHERE m2.agent_id = a.id))",
            allowed + allowed,
            agent_field,
            lambda row: f"{_show(row[1])} was not in a team you may import for on that day",
        )


def _seed_cases(stage: _Stage, window: int) -> None:
    """For each requester of the file, the latest stored contact of theirs that started before the file's first
    contact of theirs and within the window of it (the file's own ids left out): the file's first case continues
    that contact's case when it comes within the window, so a case whose contacts fall in two weekly exports stays
    one case.

    A requester's stored contacts are those whose case id starts with `<requester>:` (the ids this step builds). A
    prefix match cannot use the case index under PostgreSQL's default collation, so the stored contacts are first
    restricted by time (the started_at index: from the file's earliest contact minus the window to its latest),
    and the prefix is matched on that subset."""
    contact = Contact._meta.db_table
    stage.execute(f"DROP TABLE IF EXISTS {SEEDS}")
    stage.execute(f"CREATE TEMPORARY TABLE {SEEDS} (split_key text, started_epoch bigint, case_id text)")
    low, high = stage.rows(
        f"SELECT MIN(started_epoch), MAX(started_epoch) FROM {STAGE} "
        f"WHERE split_key IS NOT NULL AND started_epoch IS NOT NULL"
    )[0]
    if low is None:
        return
    first, last = (stage.moment(datetime.fromtimestamp(epoch, UTC)) for epoch in (low - window, high))
    if stage.postgresql:
        epoch = "CAST(EXTRACT(EPOCH FROM c.started_at) AS bigint)"
    else:
        epoch = "CAST(strftime('%%s', c.started_at) AS integer)"
    stage.execute(
        f"""
        INSERT INTO {SEEDS} (split_key, started_epoch, case_id)
        SELECT split_key, started_epoch, case_id FROM (
            SELECT f.split_key, nearby.started_epoch, nearby.case_id, ROW_NUMBER() OVER (
                PARTITION BY f.split_key ORDER BY nearby.started_epoch DESC, nearby.id DESC) AS n
            FROM (
                SELECT split_key, MIN(started_epoch) AS first_epoch FROM {STAGE}
                WHERE split_key IS NOT NULL AND started_epoch IS NOT NULL GROUP BY split_key
            ) f
            JOIN (
                SELECT c.id, c.case_id, {epoch} AS started_epoch FROM {contact} c
                WHERE c.started_at >= %s AND c.started_at <= %s
                AND NOT EXISTS (SELECT 1 FROM {STAGE} s WHERE s.external_id = c.external_id)
            ) nearby
            ON SUBSTR(nearby.case_id, 1, LENGTH(f.split_key) + 1) = f.split_key || ':'
            AND nearby.started_epoch < f.first_epoch AND nearby.started_epoch >= f.first_epoch - %s
        ) latest WHERE n = 1
        """,
        [first, last, window],
    )


class _Catalogue:
    """Agents by the profile's agent key, teams by lower-cased name and, for a blank team, each agent's membership
    periods: read once per import (the catalogue, not the file's rows), so the stage's agent_id and team_id are
    filled as it is loaded, a lookup per distinct key, instead of by UPDATEs rewriting every row of the stage.

    Keys are folded exactly as the file's cells are (Python's lower() on both sides, whatever the database's
    collation).
    """

    def __init__(self, profile: Profile):
        agent_field = profile.agent_field
        counts: dict[str, list] = {}
        if agent_field == "agent_email":
            pairs = ((email.lower(), pk) for pk, email in Agent.objects.values_list("pk", "email"))
        elif agent_field == "agent_employee_id":
            pairs = ((employee.strip(), pk) for pk, employee in Agent.objects.values_list("pk", "employee_id"))
        else:
            pairs = (
                (" ".join(f"{first} {last}".lower().split()), pk)
                for pk, first, last in Agent.objects.values_list("pk", "user__first_name", "user__last_name")
            )
        for key, pk in pairs:
            if not key:
                continue
            entry = counts.setdefault(key, [pk, 0])
            entry[1] += 1
        self.agent_counts = counts
        # The agent a key names, when exactly one agent has it (None: unknown, or shared by several).
        self.agents = {key: (pk if n == 1 else None) for key, (pk, n) in counts.items()}
        self.teams = {name.lower(): pk for pk, name in Team.objects.values_list("pk", "name")}
        self.periods: dict[int, list[tuple[str, str | None, int]]] | None = None
        if profile.fields["team"].blank:
            self.periods = {}
            for agent_id, start, end, team_id in TeamMembership.objects.order_by("start_date", "pk").values_list(
                "agent_id", "start_date", "end_date", "team_id"
            ):
                self.periods.setdefault(agent_id, []).append(
                    (start.isoformat(), end.isoformat() if end else None, team_id)
                )
        # Agents with one open-ended period (most): their team from its first day on, without a lookup.
        self.single = {
            agent_id: (periods[0][0], periods[0][2])
            for agent_id, periods in (self.periods or {}).items()
            if len(periods) == 1 and periods[0][1] is None
        }
        self.day_teams: dict[tuple[int, str], int | None] = {}

    def team_on(self, agent_id: int, day: str) -> int | None:
        """The team of the agent's membership covering `day` (ISO), if any (other cases are left to SQL)."""
        memo = self.day_teams
        key = (agent_id, day)
        team = memo.get(key, _MISSING)
        if team is _MISSING:
            if len(memo) > CHUNK_ROWS:
                memo.clear()
            team = None
            for start, end, team_id in self.periods.get(agent_id, ()):
                if start <= day and (end is None or end > day):
                    team = team_id
                    break
            memo[key] = team
        return team


_MISSING = object()


def _fill_keys(catalogue: _Catalogue) -> None:
    """The lookup keys of agents and teams in a small temporary table, for the checks' joins."""
    rows = [("agent", key, pk, n) for key, (pk, n) in catalogue.agent_counts.items()]
    rows += [("team", key, pk, 1) for key, pk in catalogue.teams.items()]
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {KEYS}")
        for offset in range(0, len(rows), 1000):
            batch = rows[offset : offset + 1000]
            cursor.execute(
                f"INSERT INTO {KEYS} (kind, key, id, n) VALUES {', '.join(['(%s, %s, %s, %s)'] * len(batch))}",
                [value for row in batch for value in row],
            )


def _team_from_history(stage: _Stage, *, covered: bool = False) -> None:
    """A blank team is the agent's team that day: the membership covering it, else the first, else today's.

    `covered`: the covering membership was already looked up while loading (the catalogue's periods).
    """
    membership = TeamMembership._meta.db_table
    agent = Agent._meta.db_table
    if not covered:
        stage.execute(
            f"UPDATE {STAGE} SET team_id = m.team_id FROM {membership} m WHERE {STAGE}.team_key IS NULL "
            f"AND {STAGE}.team_id IS NULL "
            f"AND m.agent_id = {STAGE}.agent_id AND m.start_date <= {STAGE}.day "
            f"AND (m.end_date IS NULL OR m.end_date > {STAGE}.day)"
        )
    # Before the first period (or in a gap): the first team, else the agent's team today; few rows.
    stage.execute(
        f"""
        UPDATE {STAGE} SET team_id = COALESCE(
            (SELECT m.team_id FROM {membership} m WHERE m.agent_id = {STAGE}.agent_id ORDER BY m.start_date LIMIT 1),
            (SELECT a.team_id FROM {agent} a WHERE a.id = {STAGE}.agent_id))
        WHERE team_key IS NULL AND team_id IS NULL AND agent_id IS NOT NULL AND day IS NOT NULL
        """
    )


def _show(value, limit: int = 40) -> str:
    shown = repr(value)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


# --- agents the file names that do not exist yet ----------------------------------------------------------------


def _create_agents(profile: Profile, stage: _Stage, errors: _Errors) -> int:
    """Create the unknown agents (by email) with the team history their rows show and the name of the file."""
    rows = stage.rows(
        f"SELECT agent_key, day, team_id, MIN(agent_name), MIN(agent_employee_id) FROM {STAGE} "
        f"WHERE agent_id IS NULL AND agent_key IS NOT NULL GROUP BY agent_key, day, team_id ORDER BY agent_key, day"
    )
    if not rows:
        return 0
    people: dict[str, NewAgent] = {}
    for email, day, team_id, name, employee_id in rows:
        person = people.setdefault(email, NewAgent(email=email))
        person.name = person.name or (name or "")
        person.employee_id = person.employee_id or (employee_id or "")
        person.periods.append((day if isinstance(day, date) else date.fromisoformat(day), team_id))
    try:
        with transaction.atomic():
            agents_create(list(people.values()))
    except ValidationError as error:
        first = stage.rows(f"SELECT MIN(line) FROM {STAGE} WHERE agent_id IS NULL AND agent_key IS NOT NULL")[0][0]
        errors.add(first, profile.agent_field, f"cannot create agents: {' '.join(error.messages)}")
        return 0
    _fill_keys(_Catalogue(profile))
    stage.execute(
        f"UPDATE {STAGE} SET agent_id = k.id FROM {KEYS} k "
        f"WHERE k.kind = 'agent' AND k.key = {STAGE}.agent_key AND k.n = 1 AND {STAGE}.agent_id IS NULL"
    )
    if profile.fields["team"].blank:
        _team_from_history(stage)
    return len(people)


# --- writing ----------------------------------------------------------------------------------------------------


def _write(profile: Profile, stage: _Stage, summary: ImportSummary, run: ImportRun | None) -> None:
    """Compare with what is stored, then upsert only the fields the profile lists, mark the rollups, record the
    created contacts for the run."""
    contact = Contact._meta.db_table
    written = ALWAYS_WRITTEN + [name for name in OPTIONAL_BLANK if name in profile.fields]
    postgresql = stage.postgresql

    def source(name: str, table: str = "s") -> str:
        """The stage expression stored in contact column `name`."""
        expression = f"{table}.{name}"
        if name == "team_from_history":
            expression = f"({table}.team_key IS NULL)"
        elif name == "tags":
            expression = f"COALESCE({table}.tags, '[]')" + ("::jsonb" if postgresql else "")
        elif OPTIONAL_BLANK.get(name):
            expression = f"COALESCE({table}.{name}, {OPTIONAL_BLANK[name]})"
        return expression

    same = " AND ".join(f"c.{name} IS NOT DISTINCT FROM {source(name, STAGE)}" for name in written)
    stage.execute(
        f"UPDATE {STAGE} SET old_id = c.id, old_day = c.day, old_case_id = c.case_id, "
        f"unchanged = ({same}) FROM {contact} c WHERE c.external_id = {STAGE}.external_id"
    )
    created, updated, unchanged = stage.rows(
        f"SELECT COALESCE(SUM(CASE WHEN old_id IS NULL THEN 1 ELSE 0 END), 0), "
        f"COALESCE(SUM(CASE WHEN old_id IS NOT NULL AND NOT unchanged THEN 1 ELSE 0 END), 0), "
        f"COALESCE(SUM(CASE WHEN unchanged THEN 1 ELSE 0 END), 0) FROM {STAGE}"
    )[0]
    summary.created, summary.updated, summary.unchanged = created, updated, unchanged
    if not created and not updated:
        return
    now = stage.moment(timezone.now())
    # The old and new day of each written contact, and the days of every stored contact of the cases they belong to
    # (a repeat contact changes its case's first day). Read before the upsert: the file's own contacts are in the
    # stage. Each stored contact once (semi-joins); the old days and old cases only when stored contacts change.
    touched = [
        f"SELECT day FROM {STAGE} WHERE NOT unchanged",
        f"SELECT c.day FROM {contact} c WHERE EXISTS ("
        f"SELECT 1 FROM {STAGE} s WHERE s.case_id = c.case_id AND NOT s.unchanged)",
    ]
    if updated:
        touched += [
            f"SELECT old_day FROM {STAGE} WHERE NOT unchanged AND old_id IS NOT NULL",
            f"SELECT c.day FROM {contact} c WHERE EXISTS ("
            f"SELECT 1 FROM {STAGE} s WHERE s.old_case_id = c.case_id AND NOT s.unchanged)",
        ]
    # Whole days, not (agent, day) pairs: a backfill spread over a year touches a few hundred days but tens of
    # thousands of agent-days (93,000 for 100,000 rows), and the rollup rebuilds whole days either way.
    stage.execute(WHOLE_DAY_UPSERT.format(marks=RollupMark._meta.db_table, days=" UNION ALL ".join(touched)), [now])
    # A contact already stored gets only the columns the profile lists, by its id (found above); a new one every
    # column (the blank of each field the file does not carry), with a plain INSERT: no ON CONFLICT arbitration per
    # row, since the comparison above already split the stage into new and stored ids.
    if updated:
        assignments = ", ".join(f"{name} = {source(name)}" for name in written)
        stage.execute(
            f"UPDATE {contact} SET {assignments}, updated_at = %s FROM {STAGE} s "
            f"WHERE {contact}.id = s.old_id AND NOT s.unchanged",
            [now],
        )
    if created:
        _insert_new(stage, written, source, now, run)


def _insert_new(stage: _Stage, written: list[str], source: Callable[[str], str], now, run: ImportRun | None) -> None:
    """INSERT the stage's new contacts (and, for a run, record them); another import that stored one of the same
    ids since they were compared refuses this file, at those lines, with nothing written."""
    contact = Contact._meta.db_table
    postgresql = stage.postgresql
    inserted = ["external_id", *written]
    for name, blank in OPTIONAL_BLANK.items():
        if name not in written and blank is not None:
            inserted.append(name)
    values = []
    for name in inserted:
        if name in written or name == "external_id":
            values.append(source(name))
        else:
            values.append(OPTIONAL_BLANK[name] + ("::jsonb" if name == "tags" and postgresql else ""))
    insert = (
        f"INSERT INTO {contact} ({', '.join(inserted)}, created_at, updated_at) "
        f"SELECT {', '.join(values)}, %s, %s FROM {STAGE} s WHERE s.old_id IS NULL"
    )
    created_table = ImportCreated._meta.db_table
    try:
        with transaction.atomic():
            if run is not None and postgresql:  # the new ids straight from the INSERT
                stage.execute(
                    f"WITH new AS ({insert} RETURNING id) INSERT INTO {created_table} (run_id, contact_id) "
                    f"SELECT %s, id FROM new",
                    [now, now, run.pk],
                )
            else:
                stage.execute(insert, [now, now])
                if run is not None:
                    stage.execute(
                        f"INSERT INTO {created_table} (run_id, contact_id) "
                        f"SELECT %s, c.id FROM {contact} c JOIN {STAGE} s ON s.external_id = c.external_id "
                        f"WHERE s.old_id IS NULL",
                        [run.pk],
                    )
    except IntegrityError:
        taken = stage.rows(
            f"SELECT s.line, s.external_id FROM {STAGE} s JOIN {contact} c ON c.external_id = s.external_id "
            f"WHERE s.old_id IS NULL ORDER BY s.line LIMIT {MAX_REPORTED_ERRORS}"
        )
        if not taken:
            raise
        raise ImportRejected(
            [
                RowError(
                    line,
                    "external_id",
                    f"{_show(external_id)} was stored by another import meanwhile: import the file again",
                )
                for line, external_id in taken
            ]
        ) from None
