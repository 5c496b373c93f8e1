"""The profile format: parsing a YAML or JSON profile into a Profile, and reading cells with it.

A profile says which column (or constant) feeds each SkillHub field and how its text is read. Everything in it
is compared as a string: YAML is loaded with yaml.BaseLoader, so "Y", "On" and "1:02:03" stay text.
"""

import codecs
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from django.conf import settings
from django.core.exceptions import ValidationError

from core.models.contacts import YEARS

from . import values as read

CONTACTS = "contacts"
ROSTER = "roster"
KINDS = (CONTACTS, ROSTER)
MAX_TEXT_CHARS = 100_000  # survey comments and transcripts (below csv's field limit of 131,072)


@dataclass(frozen=True)
class FieldType:
    """How one SkillHub field is read: a kind of value and, for text, its longest length."""

    kind: str  # text, key (lowered), name (lowered, spaces collapsed), tags, moment, date, duration, number, flag, url
    max_length: int | None = None


CONTACT_FIELDS: dict[str, FieldType] = {
    "external_id": FieldType("text", 100),
    "case_id": FieldType("text", 100),
    "agent_email": FieldType("key", 254),
    "agent_employee_id": FieldType("text", 50),
    "agent_name": FieldType("text", 301),
    "team": FieldType("text", 100),
    "channel": FieldType("key", 30),
    "started_at": FieldType("moment"),
    "handle_seconds": FieldType("duration"),
    "after_contact_seconds": FieldType("duration"),
    "hold_seconds": FieldType("duration"),
    "resolved": FieldType("flag"),
    "first_contact_resolved": FieldType("flag"),
    "escalated": FieldType("flag"),
    "transferred": FieldType("flag"),
    "complaint": FieldType("flag"),
    "csat": FieldType("number"),
    "ces": FieldType("number"),
    "nps": FieldType("number"),
    "reason": FieldType("text", 100),
    "tags": FieldType("tags", 100),
    "language": FieldType("text", 35),
    "customer_id": FieldType("text", 100),
    "survey_comment": FieldType("text", MAX_TEXT_CHARS),
    "recording_url": FieldType("url", 500),
    "transcript": FieldType("text", MAX_TEXT_CHARS),
}
AGENT_FIELDS = ("agent_email", "agent_employee_id", "agent_name")
CONTACT_REQUIRED = (
    "external_id",
    "case_id",
    "team",
    "channel",
    "started_at",
    "handle_seconds",
    "after_contact_seconds",
    "resolved",
)
ROSTER_FIELDS: dict[str, FieldType] = {
    "employee_id": FieldType("text", 50),
    "name": FieldType("text", 301),
    "email": FieldType("key", 254),
    "team": FieldType("text", 100),
    "start_date": FieldType("date"),
    "end_date": FieldType("date"),
}
ROSTER_REQUIRED = ("employee_id", "name", "email", "team", "start_date")
CATALOGUE = {CONTACTS: CONTACT_FIELDS, ROSTER: ROSTER_FIELDS}

PROFILE_KEYS = {"name", "kind", "description", "encoding", "delimiter", "timezone", "fields", "skip"}
FIELD_KEYS = {
    "column",
    "columns",
    "value",
    "format",
    "unit",
    "values",
    "empty",
    "case",
    "otherwise",
    "repeated",
    "split_after",
    "blank",
}
DELIMITERS = {",": ",", ";": ";", "\t": "\t", "tab": "\t", "\\t": "\t", "|": "|"}


@dataclass(frozen=True)
class FieldSpec:
    """Where one field comes from in the file and how its text is read."""

    name: str
    type: FieldType
    columns: tuple[str, ...] = ()  # one column, or several that are summed; empty for a constant
    value: str | None = None  # a constant for every row
    format: str | None = None  # strftime format for dates; "duration" for durations
    unit: str = "s"
    values: dict[str, str] | None = None  # exact (after trimming) value map; anything else is an error
    case_insensitive: bool = False
    empty: tuple[str, ...] = ("",)  # cells that mean "no value"
    otherwise: str | None = None  # another column read when this one is empty
    repeated: str | None = None  # "number": an id met again in the file gets -2, -3 …
    split_after: str | None = None  # "window": a new case when the requester's next contact is after the window
    blank: str | None = None  # team only: "agent_team", a blank cell is the agent's team that day

    @property
    def source_columns(self) -> tuple[str, ...]:
        """Every column this field reads (the file must have them all)."""
        return self.columns + ((self.otherwise,) if self.otherwise else ())

    def describe(self) -> str:
        if self.value is not None:
            return f"always {self.value!r}"
        text = " + ".join(self.columns)
        if self.otherwise:
            text += f" (else {self.otherwise})"
        return text

    def is_empty(self, cell: str) -> bool:
        if self.case_insensitive:
            return cell.lower() in self._empty_folded
        return cell in self.empty

    @property
    def _empty_folded(self) -> frozenset[str]:
        return frozenset(item.lower() for item in self.empty)


@dataclass(frozen=True)
class SkipRule:
    """Rows left out before any validation (abandoned calls, test tickets), counted in the summary."""

    column: str
    when: tuple[str, ...]


@dataclass(frozen=True)
class Profile:
    """A parsed import profile."""

    name: str
    kind: str
    fields: dict[str, FieldSpec]
    encoding: str = "utf-8"
    delimiter: str | None = None  # None: detected among , ; tab |
    timezone: str = ""  # the zone of times without an offset; "" is settings.TIME_ZONE
    skip: tuple[SkipRule, ...] = ()
    description: str = ""
    text: str = ""  # the definition as written
    _zone: ZoneInfo | None = field(default=None, compare=False, repr=False)

    @property
    def zone(self) -> ZoneInfo:
        return self._zone or ZoneInfo(self.timezone or settings.TIME_ZONE)

    @property
    def zone_name(self) -> str:
        return self.timezone or settings.TIME_ZONE

    @property
    def agent_field(self) -> str | None:
        return next((name for name in AGENT_FIELDS if name in self.fields), None)

    @property
    def columns(self) -> list[str]:
        """Every column the file must have, in the order the profile names them."""
        seen: dict[str, None] = {}
        for spec in self.fields.values():
            for column in spec.source_columns:
                seen.setdefault(column, None)
        for rule in self.skip:
            seen.setdefault(rule.column, None)
        return list(seen)

    def columns_doc(self) -> list[tuple[str, str]]:
        """(field, where it comes from) for the documentation and the upload page."""
        return [(name, spec.describe()) for name, spec in self.fields.items()]

    def converter(self, name: str) -> Callable[[str], object]:
        """A function from a non-empty, trimmed, already-mapped cell to the stored value (ValueError if bad)."""
        return _converter(self.fields[name], self.zone)


def _converter(spec: FieldSpec, zone: ZoneInfo) -> Callable[[str], object]:
    kind, max_length = spec.type.kind, spec.type.max_length

    def as_text(text: str) -> str:
        problem = read.text_problem(text, max_length)
        if problem:
            raise ValueError(problem)
        return text

    if kind == "text":
        return as_text
    if kind == "key":
        return lambda text: as_text(text).lower()
    if kind == "name":
        return lambda text: " ".join(as_text(text).lower().split())
    if kind == "tags":

        def tags(text: str) -> list[str]:
            items = [item.strip() for item in text.split(";")]
            return [as_text(item) for item in items if item]

        return tags
    if kind == "url":
        return lambda text: read.url(as_text(text))
    if kind == "duration":
        return lambda text: read.duration(text, unit=spec.unit)
    if kind == "number":
        return read.whole_number
    if kind == "flag":
        return read.flag
    if kind == "date":

        def calendar_day(text: str):
            value = read.day(text, fmt=spec.format)
            if not YEARS[0] <= value.year <= YEARS[1]:
                raise ValueError(f"{read.show(text)} is not between {YEARS[0]} and {YEARS[1]}")
            return value

        return calendar_day
    if kind == "moment":

        def moment(text: str):
            value, has_offset = read.moment(text, fmt=spec.format, zone=zone)
            if not YEARS[0] <= value.year <= YEARS[1]:
                raise ValueError(f"{read.show(text)} is not between {YEARS[0]} and {YEARS[1]}")
            return value, has_offset

        return moment
    raise AssertionError(kind)


# --- parsing ---------------------------------------------------------------------------------------------------


def parse_profile(text: str, *, kind: str = CONTACTS, name: str = "") -> Profile:
    """A Profile from YAML or JSON text; every problem is listed in one ValidationError."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}")
    data = _load(text)
    problems: list[str] = []
    if not isinstance(data, dict):
        raise ValidationError("A profile is a mapping with at least a 'fields' key.")
    for key in data:
        if key not in PROFILE_KEYS:
            problems.append(f"unknown key {key!r} (keys are {', '.join(sorted(PROFILE_KEYS))})")
    profile_name = _string(data.get("name", name), "name", problems) or name
    declared = _string(data.get("kind", kind), "kind", problems)
    if declared and declared != kind:
        problems.append(f"this is a {declared!r} profile, a {kind!r} profile is needed here")
    encoding = _string(data.get("encoding", "utf-8"), "encoding", problems) or "utf-8"
    try:
        codecs.lookup(encoding)
    except LookupError:
        problems.append(f"encoding: unknown encoding {encoding!r} (e.g. utf-8, cp1252, latin-1, utf-16)")
    delimiter = None
    if "delimiter" in data:
        raw = data["delimiter"]
        delimiter = DELIMITERS.get(raw.lower() if isinstance(raw, str) else raw)
        if delimiter is None:
            problems.append(f"delimiter: {raw!r} is not one of ',', ';', tab, '|' (leave it out to detect it)")
    # Without a timezone the profile follows settings.TIME_ZONE as it is when the file is read.
    zone_name = _string(data.get("timezone", ""), "timezone", problems)
    zone = None
    if zone_name:
        try:
            zone = ZoneInfo(zone_name)
        except (ZoneInfoNotFoundError, ValueError):
            problems.append(f"timezone: unknown time zone {zone_name!r} (e.g. Europe/Lisbon, America/New_York)")
    fields = _fields(data.get("fields"), kind, problems)
    skip = _skip(data.get("skip"), problems)
    description = _string(data.get("description", ""), "description", problems)
    if problems:
        raise ValidationError([f"Profile {profile_name!r}: {p}" if profile_name else p for p in problems])
    return Profile(
        name=profile_name,
        kind=kind,
        fields=fields,
        encoding=encoding,
        delimiter=delimiter,
        timezone=zone_name,
        skip=skip,
        description=description,
        text=text,
        _zone=zone,
    )


def _load(text: str):
    stripped = text.lstrip("\ufeff").strip()
    if not stripped:
        raise ValidationError("The profile is empty.")
    if stripped.startswith("{"):
        try:
            return json.loads(stripped)
        except ValueError as error:
            raise ValidationError(f"The profile is not valid JSON: {error}") from None
    try:
        # BaseLoader: every scalar stays a string ("Y", "On", "1:02:03", "0" are never booleans or numbers).
        return yaml.load(stripped, Loader=yaml.BaseLoader)  # noqa: S506 (BaseLoader builds no objects)
    except yaml.YAMLError as error:
        raise ValidationError(f"The profile is not valid YAML: {error}") from None


def _scalar(value) -> str | None:
    """A scalar as the string the file would contain (JSON true is "true", 5 is "5"); None if not a scalar."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, int | float | str):
        return str(value)
    return None


def _string(value, where: str, problems: list[str]) -> str:
    text = _scalar(value)
    if text is None:
        problems.append(f"{where}: expected a single value")
        return ""
    return text.strip()


def _strings(value, where: str, problems: list[str]) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    out = []
    for item in items:
        text = _scalar(item)
        if text is None:
            problems.append(f"{where}: expected a value or a list of values")
            return ()
        out.append(text.strip())
    return tuple(out)


def _fields(raw, kind: str, problems: list[str]) -> dict[str, FieldSpec]:
    catalogue = CATALOGUE[kind]
    if not isinstance(raw, dict) or not raw:
        problems.append("fields: expected a mapping of SkillHub field to column")
        return {}
    fields: dict[str, FieldSpec] = {}
    for name, definition in raw.items():
        if name not in catalogue:
            problems.append(f"fields: unknown field {name!r} (fields are {', '.join(catalogue)})")
            continue
        spec = _field(name, catalogue[name], definition, problems)
        if spec is not None:
            fields[name] = spec
    required = CONTACT_REQUIRED if kind == CONTACTS else ROSTER_REQUIRED
    for name in required:
        if name not in raw:
            problems.append(f"fields: {name} is required")
    if kind == CONTACTS:
        # Several may be given: the first of email, employee id, name identifies the agent; the others are used
        # for agents that --create-agents creates (their name and employee id).
        if not any(name in raw for name in AGENT_FIELDS):
            problems.append("fields: one of agent_email, agent_employee_id or agent_name is required")
    return fields


def _field(name: str, type_: FieldType, definition, problems: list[str]) -> FieldSpec | None:
    where = f"fields: {name}"
    if not isinstance(definition, dict):
        column = _string(definition, where, problems)
        if not column:
            problems.append(f"{where}: a column name is needed")
            return None
        return FieldSpec(name=name, type=type_, columns=(column,))
    before = len(problems)
    for key in definition:
        if key not in FIELD_KEYS:
            problems.append(f"{where}: unknown key {key!r} (keys are {', '.join(sorted(FIELD_KEYS))})")
    sources = [key for key in ("column", "columns", "value") if key in definition]
    if len(sources) != 1:
        problems.append(f"{where}: give exactly one of column, columns or value")
        return None
    columns: tuple[str, ...] = ()
    value = None
    if "column" in definition:
        columns = (_string(definition["column"], f"{where}: column", problems),)
    elif "columns" in definition:
        columns = _strings(definition["columns"], f"{where}: columns", problems)
        if type_.kind not in ("duration", "number"):
            problems.append(f"{where}: several columns are summed, so only durations and numbers take columns")
    else:
        value = _string(definition["value"], f"{where}: value", problems)
    if any(not column for column in columns) or (not columns and value is None):
        problems.append(f"{where}: a column name is needed")
    fmt = None
    if "format" in definition:
        fmt = _string(definition["format"], f"{where}: format", problems)
        if type_.kind == "duration":
            if fmt != "duration":
                problems.append(f"{where}: format of a duration is 'duration' (h:mm:ss, mm:ss or seconds)")
            fmt = None
        elif type_.kind not in ("moment", "date"):
            problems.append(f"{where}: format applies to dates, times and durations only")
            fmt = None
        elif "%" not in fmt:
            problems.append(f"{where}: format {fmt!r} is not a strftime format like '%m/%d/%Y %H:%M'")
    unit = _string(definition.get("unit", "s"), f"{where}: unit", problems)
    if unit not in ("s", "ms") or (unit == "ms" and type_.kind != "duration"):
        problems.append(f"{where}: unit is 's' or 'ms', for durations only")
    values = None
    if "values" in definition:
        raw_values = definition["values"]
        if not isinstance(raw_values, dict):
            problems.append(f"{where}: values is a mapping of file value to SkillHub value")
        else:
            values = {}
            for key, mapped in raw_values.items():
                text = _scalar(mapped)
                if text is None:
                    problems.append(f"{where}: values: {key!r} must map to a single value")
                    continue
                values[str(key).strip()] = text.strip()
    case = _string(definition.get("case", "sensitive"), f"{where}: case", problems)
    if case not in ("sensitive", "insensitive"):
        problems.append(f"{where}: case is 'insensitive' (or leave it out)")
    insensitive = case == "insensitive"
    if values is not None and insensitive:
        folded: dict[str, str] = {}
        for key, mapped in values.items():
            if key.lower() in folded and folded[key.lower()] != mapped:
                problems.append(f"{where}: values: {key!r} differs from another key only by case")
            folded[key.lower()] = mapped
        values = folded
    empty = _strings(definition.get("empty", [""]), f"{where}: empty", problems)
    otherwise = None
    if "otherwise" in definition:
        otherwise = _string(definition["otherwise"], f"{where}: otherwise", problems)
        if value is not None or "columns" in definition:
            problems.append(f"{where}: otherwise goes with a single column")
    repeated = None
    if "repeated" in definition:
        repeated = _string(definition["repeated"], f"{where}: repeated", problems)
        if name != "external_id" or repeated != "number":
            problems.append(f"{where}: 'repeated: number' is for external_id only")
    split_after = None
    if "split_after" in definition:
        split_after = _string(definition["split_after"], f"{where}: split_after", problems)
        if name != "case_id" or split_after != "window" or "column" not in definition:
            problems.append(f"{where}: 'split_after: window' is for a case_id read from one column")
    blank = None
    if "blank" in definition:
        blank = _string(definition["blank"], f"{where}: blank", problems)
        if name != "team" or blank != "agent_team":
            problems.append(f"{where}: 'blank: agent_team' is for team only")
    if len(problems) > before:
        return None
    return FieldSpec(
        name=name,
        type=type_,
        columns=columns,
        value=value,
        format=fmt,
        unit=unit,
        values=values,
        case_insensitive=insensitive,
        empty=empty,
        otherwise=otherwise,
        repeated=repeated,
        split_after=split_after,
        blank=blank,
    )


def _skip(raw, problems: list[str]) -> tuple[SkipRule, ...]:
    if raw is None:
        return ()
    rules = raw if isinstance(raw, list) else [raw]
    out = []
    for rule in rules:
        if not isinstance(rule, dict) or set(rule) - {"column", "when"} or "column" not in rule:
            problems.append("skip: expected {column: NAME, when: [values]}")
            continue
        column = _string(rule["column"], "skip: column", problems)
        when = _strings(rule.get("when", [""]), "skip: when", problems)
        out.append(SkipRule(column=column, when=when))
    return tuple(out)
