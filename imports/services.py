"""Importing contacts from helpdesk exports: one validation path for CSV, JSON lines and the bulk API.

The rows are streamed in chunks inside one transaction. Every row is checked; good chunks are upserted on
external_id as they come (so memory does not grow with the file), and if any row is bad the transaction is
rolled back and every bad row is reported with its line: nothing is half-imported. Duplicate external ids
inside a file are caught with a temporary table, not a Python set, for the same reason.

Files must be UTF-8 text (a UTF-8 byte-order mark is fine, and lines may end in LF, CRLF or CR, mixed): UTF-16,
Latin-1, NUL bytes, binary files, over-long lines and broken CSV quoting refuse the file with the line and the
reason, never a traceback.
"""

import codecs
import csv
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import BinaryIO
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import connection, transaction
from django.utils import timezone

from core.models import Agent, Contact, ContactTurn, RollupMark, Team, TeamMembership, TurnAuthor
from core.models.contacts import YEARS
from core.selectors.channels import channel_codes
from core.services.rollup_marks import rollup_enqueue, rollup_mark
from imports.agents import CreatedAgentRows, NewAgent, agents_create, created_agents_finish

# Fields every row must carry (a missing column refuses the file; a blank cell in one is an error).
REQUIRED = [
    "external_id",
    "case_id",
    "agent_email",
    "channel",
    "started_at",
    "handle_seconds",
    "after_contact_seconds",
    "resolved",
]
# Optional contact fields: written only when the input carries them (an absent column or key leaves the stored
# value alone; a present, empty one clears it). Each is a column of the contact of the same name.
OPTIONAL = [
    "first_contact_resolved",
    "csat",
    "ces",
    "nps",
    "transcript",
    "reason",
    "tags",
    "escalated",
    "transferred",
    "complaint",
    "hold_seconds",
    "language",
    "customer_id",
    "survey_comment",
    "recording_url",
]
# agent_name: the name of an agent --create-agents adds (read only for that).
FIELDS = [*REQUIRED[:3], "team", *REQUIRED[3:], *OPTIONAL, "messages", "agent_name"]
CSV_FIELDS = [name for name in FIELDS if name != "messages"]  # turns come only in JSON lines and the API
# Columns written on every upsert (what the required fields decide), then what an optional field clears to.
ALWAYS_WRITTEN = [
    "case_id",
    "agent_id",
    "team_id",
    "team_from_history",  # true when no team was given and the agent's membership of the day supplied it
    "channel",
    "started_at",
    "day",
    "handle_seconds",
    "after_contact_seconds",
    "resolved",
]
CLEARED = {
    "first_contact_resolved": None,
    "csat": None,
    "ces": None,
    "nps": None,
    "transcript": "",
    "reason": "",
    "tags": [],
    "escalated": None,
    "transferred": None,
    "complaint": None,
    "hold_seconds": None,
    "language": "",
    "customer_id": "",
    "survey_comment": "",
    "recording_url": "",
}
# What a row without the key writes (callers such as the demo give a team: not from the history).
ROW_DEFAULTS = {**CLEARED, "team_from_history": False}
UPSERT_FIELDS = [*ALWAYS_WRITTEN, *OPTIONAL]  # every contact column an import may write
CHUNK_ROWS = 5000
VALUES_BATCH = 1000  # rows per INSERT … VALUES statement (SQLite allows 32,766 parameters)
MAX_REPORTED_ERRORS = 10_000
MAX_SECONDS = 24 * 3600
MAX_LINE_CHARS = 1_048_576  # a physical line of the file; a longer one is not a contact export
MAX_TRANSCRIPT_CHARS = 100_000  # below csv's field limit (131,072), so a long transcript is a row error
TRUE_WORDS = {"1", "true", "t", "yes", "y"}
FALSE_WORDS = {"0", "false", "f", "no", "n"}
NUMBER_RANGES = {"csat": (1, 5), "ces": None, "nps": (0, 10), "hold_seconds": (0, MAX_SECONDS)}  # ces: settings
FLAGS = ("first_contact_resolved", "escalated", "transferred", "complaint")
MAX_TURNS = 2_000  # turns of one conversation
MAX_TAGS = 50
# BCP 47 as exports write it: a language, then an optional script, region and variants (en, pt-PT, zh-Hant-TW).
LANGUAGE = re.compile(
    r"[A-Za-z]{2,3}(-[A-Za-z]{4})?(-(?:[A-Za-z]{2}|[0-9]{3}))?(-(?:[A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*"
)


@dataclass(frozen=True)
class RowError:
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line else "file"
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class ImportRejected(ValidationError):
    """The file was refused whole; `errors` lists every bad row (line, field, reason)."""

    def __init__(self, errors: list[RowError], more: int = 0):
        self.errors = errors
        self.more = more
        messages = [str(error) for error in errors]
        if more:
            messages.append(f"… and {more} more bad rows")
        super().__init__(messages)


@dataclass
class ImportSummary:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    agents_created: int = 0
    dry_run: bool = False
    skipped: int = 0  # rows a profile's skip rule left out
    fields: list[str] = field(default_factory=list)  # the fields this input writes (absent ones are left alone)
    timezone: str = ""  # the zone that read times written without an offset
    no_offset_rows: int = 0  # how many rows it read so


@dataclass(frozen=True)
class ErrorGroup:
    """Bad rows of one kind: "unknown channel 'web': 758 rows, first at lines 2, 5, 9"."""

    field: str
    message: str
    count: int
    lines: list[int]

    def __str__(self) -> str:
        where = ", ".join(str(line) for line in self.lines)
        rows = "1 row" if self.count == 1 else f"{self.count:,} rows"
        label = f"{self.field}: {self.message}" if self.field else self.message
        return f"{label}: {rows}, first at line{'s' if len(self.lines) > 1 else ''} {where}"


def error_groups(errors: Iterable[RowError], first: int = 3) -> list[ErrorGroup]:
    """Errors grouped by field and message (in order of first appearance), each with its count and first lines."""
    groups: dict[tuple[str, str], list] = {}
    for error in errors:
        entry = groups.setdefault((error.field, error.message), [0, []])
        entry[0] += 1
        if len(entry[1]) < first:
            entry[1].append(error.line)
    return [ErrorGroup(field, message, count, lines) for (field, message), (count, lines) in groups.items()]


# --- readers: (line number, {field: raw value}) -------------------------------------------------------------

# Files that start like this are not text: what they are, for the message.
_NOT_TEXT = {
    b"\x1f\x8b": "a gzip archive",
    b"PK\x03\x04": "a zip archive (an Excel .xlsx workbook?)",
    b"\xd0\xcf\x11\xe0": "an old Excel (.xls) workbook",
    b"%PDF": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"7z\xbc\xaf": "a 7-Zip archive",
    b"\xfd7zXZ": "an xz archive",
}
# UTF-32 first: its little-endian mark starts with UTF-16's.
_OTHER_BOMS = [
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
]
_UNDECODED = re.compile("[\udc80-\udcff]")  # bytes that were not UTF-8, as errors="surrogateescape" keeps them
SAVE_AS_UTF8 = "save the file as UTF-8 (in Excel: CSV UTF-8)"


def _refuse(line: int, message: str) -> ImportRejected:
    return ImportRejected([RowError(line, "", message)])


def text_lines(binary: BinaryIO) -> Iterator[str]:
    """The lines of a UTF-8 file (with or without a byte-order mark), each ending as in the file.

    Anything that is not UTF-8 text refuses the file with the line and the reason: another encoding's byte-order
    mark, a binary file, bytes that are not UTF-8 (Latin-1, Windows-1252), a NUL byte, a line over MAX_LINE_CHARS.
    """
    head = binary.read(4096)
    binary.seek(0)
    for bom, name in _OTHER_BOMS:
        if head.startswith(bom):
            raise _refuse(1, f"the file is {name} text, not UTF-8 — {SAVE_AS_UTF8}")
    for magic, kind in _NOT_TEXT.items():
        if head.startswith(magic):
            raise _refuse(1, f"the file is {kind}, not a CSV or JSON-lines text file")
    if head.count(0) > len(head) // 4:  # every other byte NUL: UTF-16 without a byte-order mark
        raise _refuse(1, f"the file looks like UTF-16 text, not UTF-8 — {SAVE_AS_UTF8}")
    # newline="": lines end at LF, CRLF or CR and keep their ending (csv needs it for quoted newlines).
    stream = io.TextIOWrapper(binary, encoding="utf-8-sig", errors="surrogateescape", newline="")
    line = 0
    while text := stream.readline(MAX_LINE_CHARS + 1):
        line += 1
        if len(text) > MAX_LINE_CHARS:
            raise _refuse(line, f"longer than {MAX_LINE_CHARS:,} characters — is this a CSV or JSON-lines file?")
        if not text.isascii():
            bad = _UNDECODED.search(text)
            if bad:
                byte = ord(bad.group()) - 0xDC00
                raise _refuse(
                    line, f"not valid UTF-8 (byte 0x{byte:02X} at character {bad.start() + 1}) — {SAVE_AS_UTF8}"
                )
        if "\x00" in text:
            raise _refuse(line, "contains a NUL byte — this is not a text file")
        yield text


def parse_mapping(pairs: Iterable[str]) -> dict[str, str]:
    """FIELD=COLUMN pairs from --map into {field: column}."""
    mapping = {}
    for pair in pairs:
        name, sep, column = pair.partition("=")
        name, column = name.strip(), column.strip()
        if not sep or not name or not column:
            raise ValidationError(f"--map expects FIELD=COLUMN, got {pair!r}.")
        if name not in FIELDS:
            raise ValidationError(f"--map: unknown field {name!r}; fields are {', '.join(FIELDS)}.")
        mapping[name] = column
    return mapping


def read_csv(stream: Iterable[str], mapping: dict[str, str] | None = None) -> Iterator[tuple[int, dict]]:
    """Rows of a CSV file with a header line; a missing required column refuses the file at line 1."""
    mapping = mapping or {}
    reader = csv.reader(stream)
    try:
        yield from _csv_rows(reader, mapping)
    except csv.Error as error:
        reason = str(error)
        if "field limit" in reason:
            reason = f"a field is longer than {csv.field_size_limit():,} characters (a quote left open?)"
        raise _refuse(reader.line_num, f"not valid CSV: {reason}") from None


def _csv_rows(reader, mapping: dict[str, str]) -> Iterator[tuple[int, dict]]:
    header = next(reader, None)
    if header is None:
        raise _refuse(1, "the file is empty")
    positions = {name.strip(): index for index, name in enumerate(header)}
    columns = {name: mapping.get(name, name) for name in CSV_FIELDS}
    missing = [columns[name] for name in REQUIRED if columns[name] not in positions]
    if missing:
        raise ImportRejected([RowError(1, "", f"missing column {column!r}") for column in missing])
    take = [(name, positions[columns[name]]) for name in CSV_FIELDS if columns[name] in positions]
    width = len(header)
    last_line = reader.line_num
    for record in reader:
        line, last_line = last_line + 1, reader.line_num
        if not record:
            continue
        if len(record) != width:
            yield line, {"__error__": f"expected {width} columns, found {len(record)}"}
            continue
        yield line, {name: record[index] for name, index in take}


def read_json_lines(stream: Iterable[str], mapping: dict[str, str] | None = None) -> Iterator[tuple[int, dict]]:
    """Rows of a JSON-lines file: one object per line."""
    mapping = mapping or {}
    columns = {name: mapping.get(name, name) for name in FIELDS}
    for line, text in enumerate(stream, start=1):
        if not text.strip():
            continue
        try:
            obj = json.loads(text)
        except ValueError as error:
            yield line, {"__error__": f"not valid JSON ({getattr(error, 'msg', error)})"}
            continue
        except RecursionError:
            yield line, {"__error__": "not valid JSON (nested too deeply)"}
            continue
        if not isinstance(obj, dict):
            yield line, {"__error__": "expected a JSON object"}
            continue
        yield line, _from_object(obj, columns)


def read_objects(objects: Iterable) -> Iterator[tuple[int, dict]]:
    """Rows of a JSON list (the bulk API): the 'line' is the item's position, from 1."""
    columns = {name: name for name in FIELDS}
    for line, obj in enumerate(objects, start=1):
        if not isinstance(obj, dict):
            yield line, {"__error__": "expected a JSON object"}
            continue
        yield line, _from_object(obj, columns)


def _from_object(obj: dict, columns: dict[str, str]) -> dict:
    row = {name: obj[column] for name, column in columns.items() if column in obj}
    missing = [name for name in REQUIRED if name not in row]
    if missing:
        row["__missing__"] = missing
    return row


def open_rows(path: str, mapping: dict[str, str] | None = None) -> tuple[BinaryIO, Iterator[tuple[int, dict]]]:
    """Open a CSV or JSON-lines file (by extension, or by a first character of '{')."""
    stream = open(path, "rb")  # noqa: SIM115 (the caller closes it)
    lower = path.lower()
    is_json = lower.endswith((".jsonl", ".ndjson", ".json"))
    if not is_json and not lower.endswith(".csv"):
        is_json = stream.read(4).removeprefix(codecs.BOM_UTF8).startswith(b"{")
        stream.seek(0)
    lines = text_lines(stream)
    return stream, (read_json_lines(lines, mapping) if is_json else read_csv(lines, mapping))


# --- the shared validation and write path --------------------------------------------------------------------


@dataclass
class Lookups:
    """Agents, teams and team history, loaded once (their size does not grow with the file)."""

    agents: dict[str, int]
    teams: dict[str, int]
    memberships: dict[int, list[tuple[date, date | None, int]]]
    agent_team: dict[int, int]
    # Agents --create-agents added in this import, with what their rows say (their team history and name).
    new_agents: dict[int, CreatedAgentRows] = field(default_factory=dict)
    channels: frozenset[str] = frozenset()  # the active codes of the channel catalogue

    @classmethod
    def load(cls) -> "Lookups":
        agents, agent_team = {}, {}
        for pk, email, team_id in Agent.objects.values_list("pk", "email", "team_id"):
            agents[email.lower()] = pk
            agent_team[pk] = team_id
        memberships: dict[int, list] = {}
        for agent_id, start, end, team_id in TeamMembership.objects.order_by("start_date").values_list(
            "agent_id", "start_date", "end_date", "team_id"
        ):
            memberships.setdefault(agent_id, []).append((start, end, team_id))
        teams = {name.lower(): pk for pk, name in Team.objects.values_list("pk", "name")}
        channels = frozenset(channel_codes())
        return cls(agents=agents, teams=teams, memberships=memberships, agent_team=agent_team, channels=channels)

    def team_on(self, agent_id: int, day: date) -> int:
        """Same rule as selectors.scope.team_of_agent_on, without a query per row."""
        history = self.memberships.get(agent_id, [])
        for start, end, team_id in history:
            if start <= day and (end is None or end > day):
                return team_id
        return history[0][2] if history else self.agent_team[agent_id]


def interactions_import(
    *,
    rows: Iterable[tuple[int, dict]],
    create_agents: bool = False,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportSummary:
    """Validate and upsert contacts (external_id is the key); refuse the whole input if any row is bad.

    Marks the (agent, day) pairs touched — old and new place of a changed contact, and every contact of the
    cases it belongs to, so a repeat contact re-rolls its case's first day — and enqueues the rollup on commit.
    """
    summary = ImportSummary(dry_run=dry_run, timezone=settings.TIME_ZONE)
    errors: list[RowError] = []
    more_errors = 0
    tz = ZoneInfo(settings.TIME_ZONE)
    with transaction.atomic():
        lookups = Lookups.load()
        seen = _SeenIds()
        chunk: list[tuple[int, dict]] = []

        def flush():
            nonlocal more_errors
            chunk_errors = _process_chunk(
                chunk, lookups=lookups, seen=seen, tz=tz, create_agents=create_agents, summary=summary, write=not errors
            )
            for error in chunk_errors:
                if len(errors) < MAX_REPORTED_ERRORS:
                    errors.append(error)
                else:
                    more_errors += 1
            if progress is not None:
                progress(len(chunk))
            chunk.clear()

        try:
            for item in rows:
                chunk.append(item)
                summary.rows += 1
                if len(chunk) >= CHUNK_ROWS:
                    flush()
            if chunk:
                flush()
        except ImportRejected as rejected:  # a file-level problem (a missing column, not UTF-8, broken quoting)
            errors.extend(rejected.errors)
            errors.sort(key=lambda error: error.line)
        if errors:
            raise ImportRejected(errors, more_errors)
        if lookups.new_agents:
            created_agents_finish(lookups.new_agents)
        seen.drop()
        if dry_run:
            transaction.set_rollback(True)
        elif summary.created or summary.updated:
            rollup_enqueue()
    return summary


class _SeenIds:
    """External ids already met in this import, with their line, in a temporary table."""

    TABLE = "skillhub_import_seen"

    def __init__(self):
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.TABLE}")
            cursor.execute(f"CREATE TEMPORARY TABLE {self.TABLE} (external_id varchar(100) PRIMARY KEY, line integer)")

    def earlier(self, pairs: list[tuple[str, int]]) -> dict[str, int]:
        """Record these (id, line) pairs; return {id: earlier line} for ids met in a previous chunk."""
        if not pairs:
            return {}
        placeholders = ", ".join(["%s"] * len(pairs))
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT external_id, line FROM {self.TABLE} WHERE external_id IN ({placeholders})",
                [external_id for external_id, _ in pairs],
            )
            found = dict(cursor.fetchall())
            fresh = [(external_id, line) for external_id, line in pairs if external_id not in found]
            if fresh and connection.vendor == "postgresql":
                buffer = io.StringIO("".join(f"{_copy_value(external_id)}\t{line}\n" for external_id, line in fresh))
                cursor.cursor.copy_expert(f"COPY {self.TABLE} (external_id, line) FROM STDIN", buffer)
            elif fresh:
                values = ", ".join(["(%s, %s)"] * len(fresh))
                cursor.execute(
                    f"INSERT INTO {self.TABLE} (external_id, line) VALUES {values}",
                    [value for pair in fresh for value in pair],
                )
        return found

    def drop(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.TABLE}")
            cursor.execute(f"DROP TABLE IF EXISTS {STAGE_TABLE}")


def _process_chunk(chunk, *, lookups, seen, tz, create_agents, summary, write) -> list[RowError]:
    errors: list[RowError] = []
    cleaned: list[tuple[int, dict]] = []
    first_line: dict[str, int] = {}
    for line, raw in chunk:
        row, row_errors = _clean(line, raw, lookups=lookups, tz=tz, create_agents=create_agents)
        if row.pop("no_offset", False):  # read in the import's zone: the summary says how many
            summary.no_offset_rows += 1
        external_id = row.get("external_id")
        if external_id:
            if external_id in first_line:
                row_errors.append(
                    RowError(
                        line, "external_id", f"duplicate {external_id!r} (first at line {first_line[external_id]})"
                    )
                )
            else:
                first_line[external_id] = line
        if row_errors:
            errors.extend(row_errors)
        else:
            cleaned.append((line, row))
    earlier = seen.earlier(list(first_line.items()))
    if earlier:
        for line, row in cleaned:
            if row["external_id"] in earlier:
                errors.append(
                    RowError(
                        line,
                        "external_id",
                        f"duplicate {row['external_id']!r} (first at line {earlier[row['external_id']]})",
                    )
                )
        cleaned = [(line, row) for line, row in cleaned if row["external_id"] not in earlier]
    # Unknown agents: created (with --create-agents) only once the whole file so far is good.
    if create_agents:
        errors.extend(_create_agents(cleaned, lookups=lookups, summary=summary, write=write and not errors))
    errors.sort(key=lambda error: error.line)
    if write and not errors:
        _upsert([row for _, row in cleaned], summary=summary)
    return errors


def _clean(line: int, raw: dict, *, lookups: Lookups, tz: ZoneInfo, create_agents: bool):
    errors: list[RowError] = []
    if "__error__" in raw:
        return {}, [RowError(line, "", raw["__error__"])]
    for name in raw.get("__missing__", ()):
        errors.append(RowError(line, name, "missing"))
    row: dict = {}

    def text(name: str, max_length: int, required: bool, strip: bool = True) -> str:
        """The field as text, or "" with an error when it is not usable text (the error names why)."""
        value = raw.get(name)
        if isinstance(value, dict | list):
            errors.append(RowError(line, name, "expected a single value, not a list or object"))
            return ""
        value = "" if value is None else str(value)
        value = value.strip() if strip else value
        problem = _text_problem(value, max_length)
        if problem:
            errors.append(RowError(line, name, problem))
            return ""
        if not value and required and name in raw:
            errors.append(RowError(line, name, "required"))
        return value

    row["external_id"] = text("external_id", 100, True)
    row["case_id"] = text("case_id", 100, True)
    email = text("agent_email", 254, True).lower()
    team_name = text("team", 100, False)
    channel = text("channel", 30, True).lower()
    if channel and channel not in lookups.channels:
        known = ", ".join(sorted(lookups.channels))
        errors.append(RowError(line, "channel", f"unknown channel {_show(channel)} (one of {known})"))
    row["channel"] = channel

    started_raw = text("started_at", 64, True)
    started_at = day = None
    if started_raw:
        try:
            started_at = datetime.fromisoformat(started_raw)
        except ValueError:
            errors.append(RowError(line, "started_at", f"not a date and time: {_show(started_raw)}"))
        else:
            row["no_offset"] = started_at.tzinfo is None
            if started_at.tzinfo is None:
                started_at = started_at.replace(tzinfo=tz)
            try:
                day = started_at.astimezone(tz).date()
            except OverflowError:  # within a day of year 1 or 9999
                day = None
            if day is None or not YEARS[0] <= day.year <= YEARS[1]:
                errors.append(
                    RowError(line, "started_at", f"{_show(started_raw)} is not between {YEARS[0]} and {YEARS[1]}")
                )
                started_at = day = None
    row["started_at"] = started_at
    row["day"] = day

    # A blank duration is missing, not zero (a 0 would lower the average handle time).
    row["handle_seconds"] = _number(raw, "handle_seconds", 0, MAX_SECONDS, line, errors, required=True)
    row["after_contact_seconds"] = _number(raw, "after_contact_seconds", 0, MAX_SECONDS, line, errors, required=True)
    row["resolved"] = _flag(raw, "resolved", line, errors, required=True)
    # Optional fields: only those the input carries are written (the rest keep what is stored).
    written = [name for name in OPTIONAL if name in raw]
    row["__written__"] = tuple(written)
    for name in written:
        if name in NUMBER_RANGES:
            low, high = (1, settings.CES_SCALE_MAX) if name == "ces" else NUMBER_RANGES[name]
            row[name] = _number(raw, name, low, high, line, errors)
        elif name in FLAGS:
            row[name] = _flag(raw, name, line, errors, required=False)
        elif name in ("transcript", "survey_comment"):
            row[name] = text(name, MAX_TRANSCRIPT_CHARS, False, strip=name != "transcript")
        elif name == "tags":
            row[name] = _tags(raw, line, errors)
        elif name == "language":
            row[name] = _language(text(name, 35, False), line, errors)
        elif name == "recording_url":
            row[name] = _url(text(name, 500, False), line, errors)
        else:  # reason, customer_id
            row[name] = text(name, 100, False)
    row["__turns__"] = _turns(raw, line, errors, tz) if "messages" in raw else None
    row["agent_name"] = " ".join(text("agent_name", 300, False).split())

    agent_id = lookups.agents.get(email) if email else None
    if email and agent_id is None:
        if not create_agents:
            errors.append(RowError(line, "agent_email", f"unknown agent {_show(email)} (use --create-agents to add)"))
        elif "@" not in email:
            errors.append(RowError(line, "agent_email", f"not an email address: {_show(email)}"))
        elif not team_name:
            errors.append(RowError(line, "team", f"needed to create the new agent {_show(email)}"))
    row["agent_email"] = email
    row["agent_id"] = agent_id

    team_id = None
    if team_name:
        team_id = lookups.teams.get(team_name.lower())
        if team_id is None:
            errors.append(RowError(line, "team", f"unknown team {_show(team_name)}"))
    elif agent_id is not None and row["day"] is not None:
        team_id = lookups.team_on(agent_id, row["day"])
    row["team_id"] = team_id
    row["team_from_history"] = not team_name
    return row, errors


_SURROGATE = re.compile("[\ud800-\udfff]")  # a JSON "\\ud800" escape without its pair: not text


def _text_problem(value: str, max_length: int) -> str:
    """Why `value` cannot be stored as text ("" when it can)."""
    if len(value) > max_length:
        return f"longer than {max_length:,} characters"
    if "\x00" in value:
        return "contains a NUL character"
    if not value.isascii() and _SURROGATE.search(value):
        return "contains an unpaired surrogate (\\ud800–\\udfff), which is not text"
    return ""


def _show(value, limit: int = 40) -> str:
    """A raw value quoted for a message, cut short: a bad 1 MB value must not make a 1 MB message."""
    shown = repr(value)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def _number(raw, name, low, high, line, errors, *, required=False):
    value = raw.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required and name in raw:
            errors.append(RowError(line, name, "required"))
        return None
    if isinstance(value, bool):
        errors.append(RowError(line, name, f"not a whole number: {_show(value)}"))
        return None
    try:
        number = int(value) if not isinstance(value, float) or value.is_integer() else None
        if number is None:
            raise ValueError
    except (TypeError, ValueError):
        try:
            as_float = float(value)
        except (TypeError, ValueError):
            as_float = None
        if as_float is None or not as_float.is_integer():
            errors.append(RowError(line, name, f"not a whole number: {_show(value)}"))
            return None
        number = int(as_float)
    if not low <= number <= high:
        errors.append(RowError(line, name, f"{number} is out of range {low}–{high}"))
        return None
    return number


def _flag(raw, name, line, errors, *, required):
    value = raw.get(name)
    if isinstance(value, bool):
        return value
    word = "" if value is None else str(value).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    if not word:
        if required and name in raw:
            errors.append(RowError(line, name, "required (yes or no)"))
        return None
    errors.append(RowError(line, name, f"not yes or no: {_show(value)}"))
    return None


def _tags(raw, line, errors) -> list[str]:
    """Tags: `;`-separated text (CSV) or a JSON list of strings; trimmed, blanks dropped, repeats once."""
    value = raw.get("tags")
    if value is None:
        return []
    if isinstance(value, str):
        parts = value.split(";")
    elif isinstance(value, list) and all(isinstance(part, str) for part in value):
        parts = value
    else:
        errors.append(RowError(line, "tags", "expected text separated by ';' or a list of strings"))
        return []
    tags = list(dict.fromkeys(part.strip() for part in parts if part.strip()))
    if len(tags) > MAX_TAGS:
        errors.append(RowError(line, "tags", f"{len(tags)} tags; at most {MAX_TAGS}"))
        return []
    for tag in tags:
        problem = _text_problem(tag, 50)
        if problem:
            errors.append(RowError(line, "tags", f"tag {_show(tag)}: {problem}"))
            return []
    return tags


def _language(value: str, line, errors) -> str:
    if value and not LANGUAGE.fullmatch(value):
        errors.append(RowError(line, "language", f"not a language tag like en or pt-PT: {_show(value)}"))
        return ""
    return value


_URL = URLValidator(schemes=["http", "https"])


def _url(value: str, line, errors) -> str:
    if value:
        try:
            _URL(value)
        except ValidationError:
            errors.append(RowError(line, "recording_url", f"not an http or https URL: {_show(value)}"))
            return ""
    return value


def _turns(raw, line, errors, tz) -> list[tuple[str, datetime | None, str]]:
    """The conversation as (author, at, text) turns; the texts together obey the transcript's size limit."""
    value = raw.get("messages")
    if value is None:
        return []
    if not isinstance(value, list):
        errors.append(RowError(line, "messages", "expected a list of turns"))
        return []
    if len(value) > MAX_TURNS:
        errors.append(RowError(line, "messages", f"{len(value):,} turns; at most {MAX_TURNS:,}"))
        return []
    turns, total, authors = [], 0, set(TurnAuthor.values)
    for index, turn in enumerate(value):
        where = f"messages[{index}]"
        if not isinstance(turn, dict):
            errors.append(RowError(line, where, 'expected an object {"author", "at", "text"}'))
            continue
        unknown = sorted(set(turn) - {"author", "at", "text"})
        if unknown:
            errors.append(RowError(line, where, f"unknown key {_show(unknown[0])} (keys are author, at, text)"))
        author = turn.get("author")
        if not isinstance(author, str) or author not in authors:
            errors.append(RowError(line, f"{where}.author", f"{_show(author)} is not one of agent, customer, bot"))
        text = turn.get("text")
        if not isinstance(text, str):
            errors.append(RowError(line, f"{where}.text", "expected text"))
            text = ""
        problem = _text_problem(text, MAX_TRANSCRIPT_CHARS)
        if problem:
            errors.append(RowError(line, f"{where}.text", problem))
        total += len(text)
        at = turn.get("at")
        if at is not None:
            at = _moment(at, tz)
            if at is None:
                errors.append(RowError(line, f"{where}.at", f"not a date and time: {_show(turn.get('at'))}"))
        turns.append((author, at, text))
    if total > MAX_TRANSCRIPT_CHARS:
        errors.append(
            RowError(line, "messages", f"the turns' texts total {total:,} characters; at most {MAX_TRANSCRIPT_CHARS:,}")
        )
    return turns


def _moment(value, tz) -> datetime | None:
    """An ISO 8601 time (a naive one in `tz`) within YEARS, or None."""
    if not isinstance(value, str) or len(value) > 64:
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    try:
        year = moment.astimezone(tz).year
    except OverflowError:
        return None
    return moment if YEARS[0] <= year <= YEARS[1] else None


def _create_agents(cleaned, *, lookups: Lookups, summary: ImportSummary, write: bool) -> list[RowError]:
    """Create the agents the file names but SkillHub lacks (their first row gives a provisional team), and note
    every row of the agents created in this import: `created_agents_finish` gives them their history."""
    errors = []
    for line, row in cleaned:
        email = row["agent_email"]
        if row["agent_id"] is None and lookups.agents.get(email) is not None:
            row["agent_id"] = lookups.agents[email]
        if row["agent_id"] is None:
            if not write:
                lookups.agents.setdefault(email, None)
                continue
            person = NewAgent(email=email, name=row["agent_name"], periods=[(row["day"], row["team_id"])])
            try:
                agent_id = agents_create([person])[email]
            except ValidationError as error:
                errors.append(RowError(line, "agent_email", f"cannot create agent: {' '.join(error.messages)}"))
                continue
            lookups.agents[email] = agent_id
            lookups.agent_team[agent_id] = row["team_id"]
            lookups.memberships[agent_id] = [(row["day"], None, row["team_id"])]
            lookups.new_agents[agent_id] = CreatedAgentRows(created_name=row["agent_name"])
            row["agent_id"] = agent_id
            summary.agents_created += 1
        rows_seen = lookups.new_agents.get(row["agent_id"])
        if rows_seen is not None:
            rows_seen.add(row)
    return errors


def _upsert(rows: list[dict], *, summary: ImportSummary) -> None:
    """Upsert the chunk's rows, writing for each only the fields its input carries.

    Rows are grouped by the optional fields they carry (one group for a CSV file, whose header decides; JSON rows
    may differ), and each group is one set-wise upsert that writes, compares and counts only those fields.
    """
    if not rows:
        return
    groups: dict[tuple[str, ...], list[dict]] = {}
    for row in rows:
        groups.setdefault(row["__written__"], []).append(row)
    written = set()
    for optional in groups:
        written.update(optional)
    has_turns = any(row["__turns__"] is not None for row in rows)
    present = {*summary.fields, *written, *(["messages"] if has_turns else [])}
    summary.fields = [
        name for name in FIELDS if name != "agent_name" and (name in present or name not in [*OPTIONAL, "messages"])
    ]
    turns_changed = _turns_changed(rows) if has_turns else set()
    for optional, group in groups.items():
        fields = [*ALWAYS_WRITTEN, *optional]
        if connection.vendor == "postgresql":
            _upsert_postgresql(group, fields=fields, summary=summary, turns_changed=turns_changed)
        else:
            _upsert_sqlite(group, fields=fields, summary=summary, turns_changed=turns_changed)
    if turns_changed:
        _turns_replace([row for row in rows if row["external_id"] in turns_changed])


def _upsert_sqlite(rows: list[dict], *, fields: list[str], summary: ImportSummary, turns_changed: set[str]) -> None:
    by_id = {row["external_id"]: row for row in rows}
    existing = {
        values[0]: values
        for values in Contact.objects.filter(external_id__in=list(by_id)).values_list("external_id", *fields)
    }
    writes: list[dict] = []
    touched: set[tuple[int, date]] = set()
    cases: set[str] = set()
    for external_id, row in by_id.items():
        values = tuple(row[name] for name in fields)
        old = existing.get(external_id)
        if old is not None and old[1:] == values:
            if external_id in turns_changed:
                summary.updated += 1
            else:
                summary.unchanged += 1
            continue
        if old is None:
            summary.created += 1
        else:
            summary.updated += 1
            touched.add((old[1 + fields.index("agent_id")], old[1 + fields.index("day")]))
            cases.add(old[1])
        touched.add((row["agent_id"], row["day"]))
        cases.add(row["case_id"])
        writes.append(row)
    if not writes:
        return
    contacts_upsert(writes, fields=fields)
    # Every contact of the cases touched: a repeat contact changes its case's first day.
    touched.update(Contact.objects.filter(case_id__in=list(cases)).values_list("agent_id", "day").distinct().order_by())
    rollup_mark(agent_days=touched)


def _turns_changed(rows: list[dict]) -> set[str]:
    """External ids of the rows whose turns differ from the stored ones (one query for the chunk)."""
    given = {row["external_id"]: row["__turns__"] for row in rows if row["__turns__"] is not None}
    stored: dict[str, list] = {external_id: [] for external_id in given}
    for external_id, author, at, text in (
        ContactTurn.objects.filter(contact__external_id__in=list(given))
        .order_by("contact_id", "position")
        .values_list("contact__external_id", "author", "at", "text")
    ):
        stored[external_id].append((author, at, text))
    return {external_id for external_id, turns in given.items() if turns != stored[external_id]}


def _turns_replace(rows: list[dict]) -> None:
    """Replace the turns of these (already upserted) contacts by the rows' turns."""
    ids = dict(
        Contact.objects.filter(external_id__in=[row["external_id"] for row in rows]).values_list("external_id", "pk")
    )
    ContactTurn.objects.filter(contact_id__in=list(ids.values())).delete()
    ContactTurn.objects.bulk_create(
        (
            ContactTurn(contact_id=ids[row["external_id"]], position=position, author=author, at=at, text=text)
            for row in rows
            for position, (author, at, text) in enumerate(row["__turns__"])
        ),
        batch_size=VALUES_BATCH,
    )


WRITE_COLUMNS = ["external_id", *UPSERT_FIELDS, "created_at", "updated_at"]


def contacts_upsert(rows: list[dict], *, update: bool = True, fields: list[str] | None = None) -> None:
    """INSERT … ON CONFLICT (external_id) DO UPDATE (or DO NOTHING) of already-validated contact rows.

    A new contact gets every column (an optional field the row lacks takes its empty value); an existing one has
    only `fields` overwritten (default: every column an import writes). One multi-row statement per VALUES_BATCH
    rows: the same upsert bulk_create(update_conflicts=True) writes, without building a model instance per row.
    """
    if not rows:
        return
    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    columns = ", ".join(WRITE_COLUMNS)
    if update:
        assignments = ", ".join(f"{name} = EXCLUDED.{name}" for name in [*(fields or UPSERT_FIELDS), "updated_at"])
        conflict = f"ON CONFLICT (external_id) DO UPDATE SET {assignments}"
    else:
        conflict = "ON CONFLICT (external_id) DO NOTHING"
    # A multi-row VALUES list types a quoted parameter as text: the JSON column needs its cast on PostgreSQL.
    json_param = "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"
    placeholder = "(" + ", ".join(json_param if name == "tags" else "%s" for name in WRITE_COLUMNS) + ")"
    names = ["external_id", *UPSERT_FIELDS]
    defaults = [(name, ROW_DEFAULTS.get(name)) for name in names]
    started, day, tags = names.index("started_at"), names.index("day"), names.index("tags")
    with connection.cursor() as cursor:
        for offset in range(0, len(rows), VALUES_BATCH):
            batch = rows[offset : offset + VALUES_BATCH]
            params = []
            for row in batch:
                values = [row.get(name, default) for name, default in defaults]
                values[started] = ops.adapt_datetimefield_value(values[started])
                values[day] = ops.adapt_datefield_value(values[day])
                values[tags] = json.dumps(values[tags])
                params.extend(values)
                params.extend((now, now))
            values = ", ".join([placeholder] * len(batch))
            cursor.execute(f"INSERT INTO {CONTACT} ({columns}) VALUES {values} {conflict}", params)


STAGE_TABLE = "skillhub_import_stage"
CONTACT = Contact._meta.db_table
MARKS = RollupMark._meta.db_table
STAGE_COLUMNS = ["external_id", *UPSERT_FIELDS]
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_value(value) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        return value.translate(_COPY_ESCAPES)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list):
        return json.dumps(value).translate(_COPY_ESCAPES)
    return str(value)


def _upsert_postgresql(rows: list[dict], *, fields: list[str], summary: ImportSummary, turns_changed: set[str]) -> None:
    """The same upsert on PostgreSQL, set-wise: COPY the rows into a temporary table, then compare (`fields`
    only), upsert and mark the touched (agent, day) pairs with a few statements, whatever the chunk's size."""
    columns = ", ".join(STAGE_COLUMNS)
    same = " AND ".join(f"c.{name} IS NOT DISTINCT FROM s.{name}" for name in fields)
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join(_copy_value(row.get(name, ROW_DEFAULTS.get(name))) for name in STAGE_COLUMNS))
        buffer.write("\n")
    buffer.seek(0)
    assignments = ", ".join(f"{name} = EXCLUDED.{name}" for name in [*fields, "updated_at"])
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {STAGE_TABLE} ("
            "external_id varchar(100), case_id varchar(100), agent_id bigint, team_id bigint, "
            "team_from_history boolean, channel varchar(30), "
            "started_at timestamptz, day date, handle_seconds integer, after_contact_seconds integer, "
            "resolved boolean, first_contact_resolved boolean, csat smallint, ces smallint, nps smallint, "
            "transcript text, reason varchar(100), tags jsonb, escalated boolean, transferred boolean, "
            "complaint boolean, hold_seconds integer, language varchar(35), customer_id varchar(100), "
            "survey_comment text, recording_url varchar(500), old_agent_id bigint, old_day date, "
            "old_case_id varchar(100), unchanged boolean NOT NULL DEFAULT false)"
        )
        cursor.execute(f"TRUNCATE {STAGE_TABLE}")
        cursor.cursor.copy_expert(f"COPY {STAGE_TABLE} ({columns}) FROM STDIN", buffer)
        cursor.execute(
            f"UPDATE {STAGE_TABLE} s SET old_agent_id = c.agent_id, old_day = c.day, old_case_id = c.case_id, "
            f"unchanged = ({same}) FROM {CONTACT} c WHERE c.external_id = s.external_id"
        )
        cursor.execute(
            f"SELECT COUNT(*) FILTER (WHERE old_agent_id IS NULL), "
            f"COUNT(*) FILTER (WHERE old_agent_id IS NOT NULL AND NOT unchanged), COUNT(*) FILTER (WHERE unchanged) "
            f"FROM {STAGE_TABLE}"
        )
        created, updated, unchanged = cursor.fetchone()
        rewritten = created + updated  # rows whose fields change (the rest at most change their turns)
        if turns_changed and unchanged:
            # Same fields but new turns: the contact counts as updated.
            cursor.execute(
                f"SELECT COUNT(*) FROM {STAGE_TABLE} WHERE unchanged AND external_id = ANY(%s)", [list(turns_changed)]
            )
            (turns_only,) = cursor.fetchone()
            updated, unchanged = updated + turns_only, unchanged - turns_only
        summary.created += created
        summary.updated += updated
        summary.unchanged += unchanged
        if not rewritten:
            return
        cursor.execute(
            f"INSERT INTO {CONTACT} ({columns}, created_at, updated_at) "
            f"SELECT {columns}, now(), now() FROM {STAGE_TABLE} WHERE NOT unchanged "
            f"ON CONFLICT (external_id) DO UPDATE SET {assignments}"
        )
        # Old and new place of each written contact, and every contact of the cases they belong to.
        cursor.execute(
            f"""
            INSERT INTO {MARKS} (agent_id, day, marked_at)
            SELECT agent_id, day, now() FROM (
                SELECT agent_id, day FROM {STAGE_TABLE} WHERE NOT unchanged
                UNION SELECT old_agent_id, old_day FROM {STAGE_TABLE} WHERE NOT unchanged AND old_agent_id IS NOT NULL
                UNION SELECT c.agent_id, c.day FROM {CONTACT} c WHERE c.case_id IN (
                    SELECT case_id FROM {STAGE_TABLE} WHERE NOT unchanged
                    UNION SELECT old_case_id FROM {STAGE_TABLE} WHERE NOT unchanged AND old_case_id IS NOT NULL
                )
            ) touched
            ORDER BY agent_id, day
            ON CONFLICT (agent_id, day) DO UPDATE SET marked_at = EXCLUDED.marked_at
            """
        )
