"""The upload pages' side of import profiles: which profile a choice names, the profile builder (a field per
SkillHub field, filled from a file's header) and its preview of the first rows."""

import io
import re
from dataclasses import dataclass
from datetime import date, datetime

import yaml
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from core import roles
from core.models import User
from imports import profiles
from imports.models import ImportFile, ImportProfile
from imports.profiles.spec import AGENT_FIELDS, CATALOGUE, CONTACT_REQUIRED, ROSTER_REQUIRED
from imports.profiles.spec import DELIMITERS as SPEC_DELIMITERS
from imports.services import _NOT_TEXT as NOT_TEXT
from imports.services import ImportRejected

PREVIEW_ROWS = 10
OWN_COLUMNS = "own"  # the upload form's choice: the file uses SkillHub's own column names
BUILD = "build"  # the upload form's choice: build a profile from this file's header
# Fields whose cells are often codes worth a value map (besides flags and scores): queue names, channel codes.
MAPPED_FIELDS = {"team", "channel", "reason"}
ENCODINGS = [
    ("utf-8", "UTF-8"),
    ("cp1252", "Windows-1252 (Western European Windows)"),
    ("latin-1", "Latin-1 (ISO 8859-1)"),
    ("utf-16", "UTF-16"),
]
DELIMITERS = [("", "Detect it"), (",", "Comma ,"), (";", "Semicolon ;"), ("tab", "Tab"), ("|", "Pipe |")]
DURATION_FORMATS = [
    ("", "Seconds (123 or 123.5)"),
    ("duration", "Duration (1:02:03, 02:03 or seconds)"),
    ("ms", "Milliseconds"),
]


def builtin_names() -> list[str]:
    return sorted(profiles.builtin_profiles())


def check_definition(text: str, *, kind: str):
    """The parsed profile, or ValidationError with every problem."""
    return profiles.parse_profile(text, kind=kind)


def _binary(file: ImportFile) -> io.BytesIO:
    return io.BytesIO(bytes(file.content))


def header(*, file: ImportFile, kind: str, definition: str | None = None) -> list[str]:
    """The file's column names (with the profile's encoding and delimiter when one is given)."""
    profile = check_definition(definition, kind=kind) if definition else None
    check_readable(file)
    return profiles.read_header(_binary(file), profile)


def reading(data) -> tuple[str, str]:
    """(encoding, delimiter) the builder reads the file with, from its request data; unknown values are the
    defaults (UTF-8, detected)."""
    encoding = data.get("encoding") or ENCODINGS[0][0]
    delimiter = data.get("delimiter") or ""
    return (
        encoding if encoding in dict(ENCODINGS) else ENCODINGS[0][0],
        delimiter if delimiter in dict(DELIMITERS) else "",
    )


def builder_header(*, file: ImportFile, kind: str, encoding: str, delimiter: str) -> list[str]:
    """The header as the builder reads it: with the encoding and delimiter chosen on its page."""
    check_readable(file)
    reader = profiles.Profile(
        name="",
        kind=kind,
        fields={},
        encoding=encoding,
        delimiter=SPEC_DELIMITERS.get(delimiter) if delimiter else None,
    )
    return profiles.read_header(_binary(file), reader)


def check_readable(file: ImportFile) -> None:
    """Refuse, naming what it is, a file the profiles cannot read: not text, or JSON lines."""
    head = bytes(file.content[:64])
    for magic, what in NOT_TEXT.items():
        if head.startswith(magic):
            raise ValidationError(f"{file.name} is {what}, not a CSV text file.")
    if head.removeprefix(b"\xef\xbb\xbf").lstrip().startswith((b"{", b"[")):
        raise ValidationError(
            f"{file.name} is JSON; the upload page reads CSV exports (comma, semicolon, tab or pipe separated). "
            "Import JSON lines with `manage.py import_interactions FILE` or the bulk API "
            "(POST /api/v1/interactions/bulk/)."
        )


def own_columns_definition(*, columns: list[str], kind: str) -> str:
    """A profile for a file that already uses SkillHub's field names: each column it has, read as it is."""
    fields: dict = {name: name for name in CATALOGUE[kind] if name in columns}
    if kind == "contacts" and "team" in fields:
        fields["team"] = {"column": "team", "blank": "agent_team"}  # a blank team: the agent's team that day
    return yaml.safe_dump({"kind": kind, "fields": fields}, sort_keys=False, allow_unicode=True)


def resolve(choice: str, *, file: ImportFile, kind: str) -> tuple[str, str]:
    """(profile name, profile text) for the upload form's choice; ValidationError when it cannot be used."""
    check_readable(file)
    if choice == OWN_COLUMNS:
        columns = header(file=file, kind=kind)
        if not any(column in CATALOGUE[kind] for column in columns):
            shown = ", ".join(repr(column) for column in columns[:8]) or "none"
            raise ValidationError(
                f"None of the file's columns ({shown}) is a SkillHub field name: choose a profile, or build one "
                "from this file's header."
            )
        name, text = "", own_columns_definition(columns=columns, kind=kind)
    elif choice.startswith("builtin:"):
        name = choice.removeprefix("builtin:")
        builtin = profiles.builtin_profiles().get(name)
        if builtin is None:
            raise ValidationError(f"There is no built-in profile {name!r}.")
        if builtin.kind != kind:
            raise ValidationError(f"{name!r} is a {builtin.kind} profile; choose the kind {builtin.kind!r} for it.")
        text = builtin.text
    elif choice.startswith("saved:"):
        name = choice.removeprefix("saved:")
        saved = ImportProfile.objects.filter(name=name).first()
        if saved is None:
            raise ValidationError(f"There is no saved profile {name!r} (deleted meanwhile?).")
        if saved.kind != kind:
            raise ValidationError(f"{name!r} is a {saved.kind} profile; choose the kind {saved.kind!r} for it.")
        text = saved.definition
    else:
        raise ValidationError("Choose a profile.")
    check_definition(text, kind=kind)
    return name, text


@transaction.atomic
def profile_save(*, name: str, kind: str, definition: str, user: User) -> ImportProfile:
    """Save a profile by name. A lead adds new ones; only an admin replaces a saved profile."""
    check_definition(definition, kind=kind)
    existing = ImportProfile.objects.select_for_update().filter(name=name).first()
    if existing is not None:
        if not roles.is_admin(user):
            raise ValidationError({"name": f"A profile named {name!r} exists; choose another name."})
        existing.kind, existing.definition = kind, definition
        existing.save(update_fields=["kind", "definition", "updated_at"])
        return existing
    try:
        with transaction.atomic():
            return ImportProfile.objects.create(name=name, kind=kind, definition=definition, created_by=user)
    except IntegrityError:
        raise ValidationError({"name": f"A profile named {name!r} exists; choose another name."}) from None


# --- the builder form -------------------------------------------------------------------------------------------


def _squash(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _guess(name: str, columns: list[str]) -> str:
    """The column that looks like the field (same name ignoring case, spaces and underscores), else ""."""
    wanted = {_squash(name), _squash(name.removesuffix("_seconds")), _squash(name.removeprefix("agent_"))}
    for column in columns:
        if _squash(column) in wanted:
            return column
    return ""


def _required_fields(kind: str) -> tuple[str, ...]:
    return CONTACT_REQUIRED if kind == "contacts" else ROSTER_REQUIRED


@dataclass
class FieldRow:
    """One SkillHub field in the builder: its inputs, in the order the template shows them."""

    name: str
    kind: str
    required: bool
    column: forms.BoundField
    value: forms.BoundField | None
    format: forms.BoundField | None
    values: forms.BoundField | None


# The placeholder of each value map: what such a map usually turns into what.
VALUE_MAP_EXAMPLES = {
    "team": "BILL_EN = Voice Billing\nTECH_1 = Tech Support",
    "channel": "Inbound call = phone\nWeb Widget = chat",
    "reason": "BILLING = Billing question\nPWD = Password reset",
    "nps": "Promoter 10 = 10\nDetractor 0 = 0",
    "language": "English = en\nPortuguês = pt-PT",
}


class BuilderForm(forms.Form):
    """A select per SkillHub field over the file's columns, with format, constant and value-map inputs."""

    name = forms.SlugField(max_length=60, help_text="Lower-case letters, digits and dashes, e.g. acd-voice.")
    timezone = forms.CharField(
        max_length=64, required=False, help_text="The zone of times written without an offset, e.g. Europe/Lisbon."
    )
    encoding = forms.ChoiceField(
        choices=ENCODINGS,
        required=False,
        initial="utf-8",
        help_text="How the file's text is written; a Windows export is often Windows-1252.",
    )
    delimiter = forms.ChoiceField(
        choices=DELIMITERS, required=False, initial="", help_text="What separates the columns."
    )

    def __init__(self, *args, header: list[str], kind: str, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind if kind in CATALOGUE else "contacts"
        self.header = header
        self.fields["timezone"].initial = settings.TIME_ZONE
        choices = [("", "— not in this file —"), *[(column, column) for column in header]]
        # A minimum width: on a phone the table scrolls sideways instead of squeezing every input.
        select = {"class": "form-select form-select-sm", "style": "min-width: 10rem"}
        text = {"class": "form-control form-control-sm", "style": "min-width: 10rem"}
        for name, field_type in CATALOGUE[self.kind].items():
            self.fields[f"{name}__column"] = forms.ChoiceField(
                choices=choices, required=False, initial=_guess(name, header), widget=forms.Select(attrs=select)
            )
            self.fields[f"{name}__value"] = forms.CharField(
                required=False,
                max_length=100,
                widget=forms.TextInput(attrs={**text, "placeholder": "same for every row"}),
            )
            if field_type.kind in ("moment", "date"):
                self.fields[f"{name}__format"] = forms.CharField(
                    required=False,
                    max_length=64,
                    widget=forms.TextInput(attrs={**text, "placeholder": "ISO 8601, or e.g. %m/%d/%Y %H:%M"}),
                )
            elif field_type.kind == "duration":
                self.fields[f"{name}__format"] = forms.ChoiceField(
                    choices=DURATION_FORMATS, required=False, widget=forms.Select(attrs=select)
                )
            if name in MAPPED_FIELDS or field_type.kind in ("flag", "number"):
                example = VALUE_MAP_EXAMPLES.get(name) or {
                    "flag": "Y = true\nN = false",
                    "number": "Very satisfied = 5\nSatisfied = 4",
                }.get(field_type.kind, "")
                self.fields[f"{name}__values"] = forms.CharField(
                    required=False,
                    max_length=5000,
                    widget=forms.Textarea(attrs={**text, "rows": 2, "placeholder": example, "spellcheck": "false"}),
                )

    def rows(self) -> list[FieldRow]:
        required = _required_fields(self.kind)
        rows = []
        for name, field_type in CATALOGUE[self.kind].items():
            rows.append(
                FieldRow(
                    name=name,
                    kind=field_type.kind,
                    required=name in required,
                    column=self[f"{name}__column"],
                    value=self[f"{name}__value"],
                    format=self[f"{name}__format"] if f"{name}__format" in self.fields else None,
                    values=self[f"{name}__values"] if f"{name}__values" in self.fields else None,
                )
            )
        return rows

    def agent_fields(self) -> tuple[str, ...]:
        return AGENT_FIELDS if self.kind == "contacts" else ()

    def _field_spec(self, name: str) -> object | None:
        data = self.cleaned_data
        column, value = data.get(f"{name}__column") or "", (data.get(f"{name}__value") or "").strip()
        form = data.get(f"{name}__format") or ""
        text = data.get(f"{name}__values") or ""
        mapping = self._mapping(name, text) if text.strip() else None
        if not column and not value:
            if form or mapping:
                self.add_error(f"{name}__column", "Pick the column this format or value map reads.")
            return None
        spec: dict = {"value": value} if value else {"column": column}
        if form == "ms":
            spec.update(format="duration", unit="ms")
        elif form:
            spec["format"] = form
        if mapping:
            spec["values"] = mapping
        return spec["column"] if spec == {"column": column} else spec

    def _mapping(self, name: str, text: str) -> dict[str, str]:
        mapping = {}
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            source, sep, target = line.partition("=")
            if not sep or not source.strip():
                self.add_error(f"{name}__values", f"Line {number}: write FROM = TO, e.g. Y = true.")
                continue
            mapping[source.strip()] = target.strip()
        return mapping

    def clean(self):
        cleaned = super().clean()
        fields = {}
        for name in CATALOGUE[self.kind]:
            spec = self._field_spec(name)
            if spec is not None:
                fields[name] = spec
        data: dict = {"name": cleaned.get("name") or "new-profile", "kind": self.kind}
        if cleaned.get("encoding") and cleaned["encoding"] != "utf-8":
            data["encoding"] = cleaned["encoding"]
        if cleaned.get("delimiter"):
            data["delimiter"] = cleaned["delimiter"]
        if cleaned.get("timezone"):
            data["timezone"] = cleaned["timezone"].strip()
        data["fields"] = fields
        self._definition = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
        if not self.errors:
            try:
                check_definition(self._definition, kind=self.kind)
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned

    def definition(self) -> str:
        return self._definition


# --- the preview --------------------------------------------------------------------------------------------


@dataclass
class Preview:
    """The first rows as SkillHub will read them: a column per profile field, a cell per value with its error."""

    fields: list[str]
    rows: list[dict]
    problems: list[str]


def _shown(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "; ".join(str(item) for item in value)
    return str(value)


def preview(*, file: ImportFile, definition: str, kind: str) -> Preview:
    """The builder's preview; a file the profile cannot open gives its problems instead of rows."""
    try:
        profile = check_definition(definition, kind=kind)
        read = profiles.preview(_binary(file), profile, limit=PREVIEW_ROWS)
    except ImportRejected as rejected:
        return Preview(fields=[], rows=[], problems=[str(error) for error in rejected.errors[:20]])
    except ValidationError as error:
        return Preview(fields=[], rows=[], problems=error.messages)
    names = list(profile.fields)
    rows = []
    for row in read:
        errors: dict[str, list[str]] = {}
        for error in row.errors:
            errors.setdefault(error.field, []).append(error.message)
        cells = [{"value": _shown(row.values.get(name)), "errors": errors.get(name, [])} for name in names]
        rows.append({"line": row.line, "cells": cells, "skipped": row.skipped, "row_errors": errors.get("", [])})
    return Preview(fields=names, rows=rows, problems=[])
