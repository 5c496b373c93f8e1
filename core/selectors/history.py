"""Readable audit history from django-simple-history records: who, when, what changed (label, old → new).

Callers fetch the records (one query, `select_related("history_user", <the foreign keys shown>)`, ordered by
`history_date, history_id`) and name the fields a reader may see with their labels; ids, lock versions and
timestamps stay out. Each record is compared with the previous record of the same object (`diff_against`).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.formats import date_format
from simple_history.models import DeletedObject

EMPTY = "—"


@dataclass
class Change:
    what: str
    old: str
    new: str


@dataclass
class Entry:
    when: datetime
    who: object  # the user, or None for the system (nightly jobs, imports)
    why: str
    subject: str = ""
    changes: list[Change] = field(default_factory=list)
    note: str = ""


def show(record, name: str, value) -> str:
    """A value as a reader sees it: choice labels, names of people and things, Yes/No, dates; '—' when empty."""
    if isinstance(value, DeletedObject):  # diff_against's stand-in for an empty or deleted foreign key
        return EMPTY if value.pk is None else "(removed)"
    if value is None or value == "":
        return EMPTY
    model_field = record._meta.get_field(name)
    if model_field.flatchoices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if hasattr(value, "get_full_name"):
        return value.get_full_name() or value.get_username()
    if isinstance(value, datetime):
        return date_format(timezone.localtime(value), "j M Y H:i")
    if isinstance(value, date):
        return date_format(value, "j M Y")
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return str(value)


def history_entries(
    records: Iterable,
    *,
    fields: dict[str, str],
    subject: Callable[[object], str] | None = None,
    why: Callable[[object, object], str] | None = None,
    with_initial: bool = False,
    skip: Callable[[object], bool] | None = None,
    formats: dict[str, Callable[[object, object], str]] | None = None,
) -> list[Entry]:
    """One entry per record that changed a shown field (oldest first).

    `fields` maps field name → label, in display order. A creation is one entry (with the initial values when
    `with_initial`), a removal another. `skip(record)` hides a record from the list while it still serves as
    the base the next record is compared with. `formats` maps a field name to `f(record, value) -> str` where
    the plain rendering is not enough (a KPI's unit, an answer's scale label)."""
    formats = formats or {}

    def text(record, name: str, value) -> str:
        if name in formats and value is not None and value != "":
            return formats[name](record, value)
        return show(record, name, value)

    entries: list[Entry] = []
    previous: dict = {}
    names = list(fields)
    for record in records:
        before = previous.get(_pk(record))
        previous[_pk(record)] = record
        if skip is not None and skip(record):
            continue
        changes: list[Change] = []
        if record.history_type == "-":
            default = "Removed"
        elif before is None:
            # The first record: a creation, or the first change to an object older than its history.
            default = "Created" if record.history_type == "+" else "Changed"
            if with_initial:
                values = {name: text(record, name, getattr(record, name)) for name in names}
                changes = [
                    Change(label, EMPTY, values[name]) for name, label in fields.items() if values[name] != EMPTY
                ]
        else:
            default = "Changed"
            delta = record.diff_against(before, included_fields=names, foreign_keys_are_objs=True)
            by_name = {change.field: change for change in delta.changes}
            changes = [
                Change(fields[name], text(before, name, by_name[name].old), text(record, name, by_name[name].new))
                for name in names
                if name in by_name
            ]
            if not changes:
                continue  # only hidden fields changed (a lock version, a measured value)
        entries.append(
            Entry(
                when=record.history_date,
                who=record.history_user,
                why=(why(record, before) if why else "") or record.history_change_reason or default,
                subject=subject(record) if subject else "",
                changes=changes,
            )
        )
    return entries


def _pk(record):
    return getattr(record, record.instance_type._meta.pk.attname)
