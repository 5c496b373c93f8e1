"""Rosters: agents and their teams from an HR or workforce export, kept as membership history.

One row per team period of an agent: employee_id, name, email, team, start_date, end_date (the last day in that
team, inclusive; blank: until the agent's next period starts, or still there), and optionally vendor (used only
when --create-teams creates a team). Agents are matched by employee_id, else by email; new ones are created. For
each agent in the file, the file's periods replace the membership history from the agent's first period in the
file onwards (what came before is kept, cut where the file starts); agents not in the file are left alone. An
agent whose last period has ended is deactivated, never deleted. Contacts imported without a team took the agent's
team of their day from the history: where the history now says another team, they move with it and their days
are marked for the rollup. Any bad row refuses the whole file with lines and reasons; nothing is written.
"""

import csv
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import BinaryIO

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from core import roles
from core.models import Agent, Team, TeamMembership, User, Vendor
from core.services.rollup_marks import rollup_enqueue, rollup_mark
from imports.agents import (
    NewAgent,
    Period,
    agents_create,
    contacts_follow_history,
    memberships_set,
    merge_adjacent,
    split_name,
)
from imports.services import MAX_REPORTED_ERRORS, ImportRejected, RowError, _refuse, _show, _text_problem, text_lines

ROSTER_FIELDS = ["employee_id", "name", "email", "team", "start_date", "end_date", "vendor"]
PROGRESS_ROWS = 500


@dataclass
class RosterSummary:
    rows: int = 0
    agents_created: int = 0
    agents_updated: int = 0  # name, email, employee id, team history or active state changed
    agents_unchanged: int = 0
    agents_deactivated: int = 0
    agents_reactivated: int = 0
    memberships_written: int = 0
    teams_created: list[str] = field(default_factory=list)
    contacts_moved_days: int = 0  # (agent, day) pairs whose contacts followed a changed history
    dry_run: bool = False


@dataclass
class _Row:
    line: int
    employee_id: str
    name: str
    email: str
    team: str
    start: date
    end: date | None  # inclusive, as in the file
    vendor: str
    team_id: int | None = None


# --- reading ----------------------------------------------------------------------------------------------------


def read_roster_csv(stream: Iterable[str]) -> Iterator[tuple[int, dict]]:
    """Rows of a roster CSV whose header names the roster fields themselves (columns in any order)."""
    reader = csv.reader(stream)
    try:
        header = next(reader, None)
        if header is None:
            raise _refuse(1, "the file is empty")
        names = [name.strip() for name in header]
        doubled = sorted({name for name in names if name and names.count(name) > 1})
        if doubled:
            raise ImportRejected([RowError(1, "", f"two columns named {name!r}") for name in doubled])
        positions = {name: index for index, name in enumerate(names) if name in ROSTER_FIELDS}
        missing = [name for name in ("team", "start_date") if name not in positions]
        if "employee_id" not in positions and "email" not in positions:
            missing.append("employee_id or email")
        if missing:
            raise ImportRejected([RowError(1, "", f"missing column {name!r}") for name in missing])
        last_line = reader.line_num
        for record in reader:
            line, last_line = last_line + 1, reader.line_num
            if not record or not any(value.strip() for value in record):
                continue
            if len(record) != len(header):
                yield line, {"__error__": f"expected {len(header)} columns, found {len(record)}"}
                continue
            yield line, {name: record[index] for name, index in positions.items()}
    except csv.Error as error:
        raise _refuse(reader.line_num, f"not valid CSV: {error}") from None


def roster_rows(binary: BinaryIO, profile=None) -> Iterator[tuple[int, dict]]:
    """(line, {field: value}) of a roster file: read by `profile` (a roster Profile, or a profile file's path or
    saved name) when given, else a UTF-8 CSV whose columns are the roster fields. Rows a profile's skip rule leaves
    out are not yielded."""
    if profile is None:
        return read_roster_csv(text_lines(binary))
    from imports import profiles

    if isinstance(profile, str):
        profile = profiles.load_profile(profile, kind=profiles.ROSTER)
    if profile.kind != profiles.ROSTER:
        raise ValidationError(f"The profile {profile.name!r} is a {profile.kind} profile, not a roster profile.")
    return _profile_rows(binary, profile)


def _profile_rows(binary: BinaryIO, profile) -> Iterator[tuple[int, dict]]:
    from imports.profiles import ExportFile, FieldReader
    from imports.profiles.reader import Bad, skip_mask, transpose

    export = ExportFile(binary, profile)
    readers = {name: FieldReader(profile, spec, export.positions) for name, spec in profile.fields.items()}

    def converted(batch: list[tuple[int, list[str]]]) -> Iterator[tuple[int, dict]]:
        columns, size = transpose([record for _, record in batch]), len(batch)
        skipped = skip_mask(profile, export.positions, columns, size)
        values = {name: reader.column(columns, size) for name, reader in readers.items()}
        for position, (line, _) in enumerate(batch):
            if skipped[position]:
                continue
            row: dict = {}
            for name, column in values.items():
                value = column[position]
                if isinstance(value, Bad):
                    row.setdefault("__bad__", []).append((name, value.message))
                    value = None
                row[name] = value
            yield line, row

    batch: list[tuple[int, list[str]]] = []
    for line, record in export.records():
        if isinstance(record, RowError):
            yield line, {"__error__": record.message}
            continue
        batch.append((line, record))
        if len(batch) >= PROGRESS_ROWS:
            yield from converted(batch)
            batch = []
    if batch:
        yield from converted(batch)


# --- checking ---------------------------------------------------------------------------------------------------


def _parse_date(value, name: str, line: int, errors: list[RowError], *, required: bool) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = "" if value is None else str(value).strip()
    if not text:
        if required:
            errors.append(RowError(line, name, "required"))
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors.append(RowError(line, name, f"not a date (YYYY-MM-DD): {_show(text)}"))
        return None


def _clean(line: int, raw: dict) -> tuple[_Row | None, list[RowError]]:
    if "__error__" in raw:
        return None, [RowError(line, "", raw["__error__"])]
    errors = [RowError(line, name, message) for name, message in raw.get("__bad__", ())]
    bad = {error.field for error in errors}

    def text(name: str, max_length: int) -> str:
        if name in bad:
            return ""
        value = raw.get(name)
        value = "" if value is None else " ".join(str(value).split())
        problem = _text_problem(value, max_length)
        if problem:
            errors.append(RowError(line, name, problem))
            return ""
        return value

    employee_id = text("employee_id", 50)
    name = text("name", 300)
    email = text("email", 254).lower()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors.append(RowError(line, "email", f"not an email address: {_show(email)}"))
    if not employee_id and not email and not bad & {"employee_id", "email"}:
        errors.append(RowError(line, "employee_id", "employee_id or email is needed to know the agent"))
    team = text("team", 100)
    if not team and "team" not in bad:
        errors.append(RowError(line, "team", "required"))
    start = _parse_date(raw.get("start_date"), "start_date", line, errors, required="start_date" not in bad)
    end = _parse_date(raw.get("end_date"), "end_date", line, errors, required=False)
    if start and end and end < start:
        errors.append(RowError(line, "end_date", f"{end} is before start_date {start}"))
    vendor = text("vendor", 100)
    if errors:
        return None, errors
    return _Row(line, employee_id, name, email, team, start, end, vendor), []


@dataclass
class _Known:
    """The agents, teams and vendors there are, loaded once."""

    agents: dict[int, dict]
    by_employee_id: dict[str, int]
    by_email: dict[str, int]
    teams: dict[str, int]
    team_names: dict[int, str]
    vendors: dict[str, int]
    in_house: list[int]
    histories: dict[int, list[Period]]

    @classmethod
    def load(cls) -> "_Known":
        agents = {
            values["pk"]: values
            for values in Agent.objects.values(
                "pk",
                "employee_id",
                "email",
                "team_id",
                "is_active",
                "user_id",
                "user__first_name",
                "user__last_name",
                "user__is_active",
            )
        }
        histories: dict[int, list[Period]] = {}
        for agent_id, start, end, team_id in TeamMembership.objects.order_by("agent_id", "start_date").values_list(
            "agent_id", "start_date", "end_date", "team_id"
        ):
            histories.setdefault(agent_id, []).append((start, end, team_id))
        teams = dict(Team.objects.values_list("pk", "name"))
        vendors = Vendor.objects.values_list("pk", "name", "kind", "is_active")
        return cls(
            agents=agents,
            by_employee_id={values["employee_id"]: pk for pk, values in agents.items()},
            by_email={values["email"].lower(): pk for pk, values in agents.items()},
            teams={name.lower(): pk for pk, name in teams.items()},
            team_names=teams,
            vendors={name.lower(): pk for pk, name, _, _ in vendors},
            in_house=[pk for pk, _, kind, active in vendors if kind == Vendor.Kind.IN_HOUSE and active],
            histories=histories,
        )


def _group_rows(rows: list[_Row], known: _Known, errors: list[RowError]) -> dict[tuple, list[_Row]]:
    """The rows of each agent: ("agent", pk) for agents SkillHub has (by employee id, else email), ("new", key)
    for the others (by employee id, else email; a row with only an email joins the new agent that has it)."""
    groups: dict[tuple, list[_Row]] = {}
    new_rows: list[_Row] = []
    for row in rows:
        by_id = known.by_employee_id.get(row.employee_id) if row.employee_id else None
        by_email = known.by_email.get(row.email) if row.email else None
        if by_id is not None and by_email is not None and by_id != by_email:
            errors.append(
                RowError(
                    row.line,
                    "email",
                    f"{_show(row.email)} is another agent's email than employee id {_show(row.employee_id)}'s",
                )
            )
            continue
        agent_id = by_id if by_id is not None else by_email
        if agent_id is not None:
            groups.setdefault(("agent", agent_id), []).append(row)
        elif not row.email:
            errors.append(RowError(row.line, "email", f"needed to create the new agent {_show(row.employee_id)}"))
        else:
            new_rows.append(row)
    owner: dict[str, tuple[str, int]] = {}  # email → (employee id, line) of the new agent that has it
    for row in new_rows:
        if row.employee_id:
            first = owner.setdefault(row.email, (row.employee_id, row.line))
            if first[0] != row.employee_id:
                errors.append(
                    RowError(
                        row.line, "email", f"{_show(row.email)} is also employee {_show(first[0])}'s (line {first[1]})"
                    )
                )
    for row in new_rows:
        employee_id = row.employee_id or owner.get(row.email, ("", 0))[0]
        key = ("new", f"id:{employee_id}" if employee_id else f"email:{row.email}")
        groups.setdefault(key, []).append(row)
    return groups


def _history(rows: list[_Row], errors: list[RowError]) -> list[Period]:
    """The file's periods of one agent as a history (exclusive ends); overlapping periods are errors."""
    rows.sort(key=lambda row: row.start)
    history: list[Period] = []
    for index, row in enumerate(rows):
        following = rows[index + 1] if index + 1 < len(rows) else None
        if following is not None:
            if following.start == row.start:
                errors.append(
                    RowError(
                        following.line,
                        "start_date",
                        f"a period of this agent also starts on {row.start} (line {row.line})",
                    )
                )
                continue
            if row.end is not None and row.end >= following.start:
                errors.append(
                    RowError(
                        following.line,
                        "start_date",
                        f"overlaps line {row.line} ({row.team}, {row.start} to {row.end}) of the same agent",
                    )
                )
                continue
        if row.end is not None:
            end = row.end + timedelta(days=1)
        else:
            end = following.start if following is not None else None
        history.append((row.start, end, row.team_id))
    return merge_adjacent(history)


def _replaced(old: list[Period], new: list[Period]) -> list[Period]:
    """`old` up to the first day of `new`, then `new`."""
    first = new[0][0]
    kept = [(start, first if end is None or end > first else end, team) for start, end, team in old if start < first]
    return merge_adjacent([*kept, *new])


# --- the import -------------------------------------------------------------------------------------------------


def roster_import(
    binary: BinaryIO,
    profile=None,
    *,
    create_teams: bool = False,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
    run=None,
    allowed_team_ids: Iterable[int] | None = None,
) -> RosterSummary:
    """Import a roster file (see the module's docstring); refuse it whole, writing nothing, if any row is bad.

    `create_teams` creates the teams the file names and SkillHub lacks, under the row's `vendor` (an existing
    vendor's name) or else the one active in-house vendor. `allowed_team_ids` (an ops lead's import) limits the
    teams rows may name and the agents they may change to those teams; such an import never creates teams.
    `run` (an ImportRun) gets its bytes_done updated while the file is read, for a progress bar.
    """
    summary = RosterSummary(dry_run=dry_run)
    errors: list[RowError] = []
    rows: list[_Row] = []
    size = _size(binary)
    try:
        pending = 0
        for line, raw in roster_rows(binary, profile):
            summary.rows += 1
            row, row_errors = _clean(line, raw)
            errors.extend(row_errors)
            if row is not None:
                rows.append(row)
            pending += 1
            if pending == PROGRESS_ROWS:
                _progress(pending, progress, run, binary)
                pending = 0
        _progress(pending, progress, run, binary, done=size)
    except ImportRejected as rejected:  # a file-level problem (a missing column, not UTF-8, broken quoting)
        raise _rejected([*errors, *rejected.errors]) from None

    allowed = None if allowed_team_ids is None else set(allowed_team_ids)
    with transaction.atomic():
        known = _Known.load()
        new_teams = _resolve_teams(rows, known, errors, create_teams=create_teams, allowed=allowed)
        groups = _group_rows(rows, known, errors)
        plans = _plan(groups, known, errors, allowed=allowed)
        if errors:
            raise _rejected(errors)
        summary.teams_created = _create_teams(new_teams, rows)
        _write(plans, known, summary, errors)
        if errors:
            raise _rejected(errors)
        if dry_run:
            transaction.set_rollback(True)
    return summary


def _rejected(errors: list[RowError]) -> ImportRejected:
    """Every bad row in line order (the first MAX_REPORTED_ERRORS of them, and how many more)."""
    errors = sorted(errors, key=lambda error: error.line)
    return ImportRejected(errors[:MAX_REPORTED_ERRORS], max(0, len(errors) - MAX_REPORTED_ERRORS))


def _size(binary: BinaryIO) -> int | None:
    """The file's size in bytes (the readers close the file when done, so it is taken first)."""
    try:
        position = binary.tell()
        size = binary.seek(0, 2)
        binary.seek(position)
    except (OSError, ValueError, AttributeError):
        return None
    return size


def _progress(rows: int, progress, run, binary, *, done: int | None = None) -> None:
    if progress is not None and rows:
        progress(rows)
    if run is not None:
        if done is None:
            try:
                done = binary.tell()  # the reader reads ahead: close enough for a progress bar
            except (OSError, ValueError):
                return
        type(run).objects.filter(pk=run.pk).update(bytes_done=done)


def _resolve_teams(rows, known: _Known, errors, *, create_teams: bool, allowed) -> dict[str, int | None]:
    """Set each row's team id; return the teams to create {lower name: vendor id} (ids filled in later)."""
    new: dict[str, int | None] = {}
    for row in rows:
        team_id = known.teams.get(row.team.lower())
        if team_id is not None:
            if allowed is not None and team_id not in allowed:
                errors.append(RowError(row.line, "team", f"{_show(row.team)} is not one of your teams"))
            row.team_id = team_id
            continue
        if not create_teams or allowed is not None:
            hint = " (only an admin can create teams)" if allowed is not None else " (use --create-teams to add it)"
            errors.append(RowError(row.line, "team", f"unknown team {_show(row.team)}{hint}"))
            continue
        if row.vendor:
            vendor_id = known.vendors.get(row.vendor.lower())
            if vendor_id is None:
                errors.append(RowError(row.line, "vendor", f"unknown vendor {_show(row.vendor)}"))
                continue
        elif len(known.in_house) == 1:
            vendor_id = known.in_house[0]
        else:
            errors.append(
                RowError(
                    row.line,
                    "vendor",
                    f"needed to create team {_show(row.team)}: there is "
                    f"{'no' if not known.in_house else 'more than one'} active in-house vendor",
                )
            )
            continue
        first = new.setdefault(row.team.lower(), vendor_id)
        if first != vendor_id:
            errors.append(RowError(row.line, "vendor", f"team {_show(row.team)} is given two vendors"))
    return new


def _create_teams(new: dict[str, int], rows: list[_Row]) -> list[str]:
    names: dict[str, str] = {}
    for row in rows:
        names.setdefault(row.team.lower(), row.team)
    created = {}
    for lower, vendor_id in new.items():
        team = Team(name=names[lower], vendor_id=vendor_id)
        team.full_clean()
        team.save()
        created[lower] = team.pk
    for row in rows:
        if row.team_id is None:
            row.team_id = created[row.team.lower()]
    return sorted(names[lower] for lower in new)


@dataclass
class _Plan:
    """What the file says of one agent."""

    agent_id: int | None  # None: a new agent
    line: int  # the agent's first line in the file
    employee_id: str
    email: str
    name: str
    rows: list[_Row]
    active: bool  # False when the last period has ended


def _plan(groups, known: _Known, errors, *, allowed) -> list[_Plan]:
    today = timezone.localdate()
    plans = []
    employee_ids: dict[str, int] = {}
    emails: dict[str, int] = {}
    for (kind, key), group in groups.items():
        group.sort(key=lambda row: row.start)
        latest = {
            name: next((getattr(row, name) for row in reversed(group) if getattr(row, name)), "")
            for name in ("employee_id", "email", "name")
        }
        agent_id = key if kind == "agent" else None
        first_line = min(row.line for row in group)
        if agent_id is not None:
            current = known.agents[agent_id]
            latest["employee_id"] = latest["employee_id"] or current["employee_id"]
            latest["email"] = latest["email"] or current["email"]
            if allowed is not None:
                start = group[0].start
                teams = {current["team_id"]} | {
                    team for _, end, team in known.histories.get(agent_id, []) if end is None or end > start
                }
                outside = sorted(known.team_names[team] for team in teams - allowed)
                if outside:
                    errors.append(
                        RowError(first_line, "", f"agent {current['email']} is in {', '.join(outside)}, not your team")
                    )
        else:
            latest["employee_id"] = latest["employee_id"] or latest["email"][:50]
        for value, seen, label in (
            (latest["employee_id"], employee_ids, "employee id"),
            (latest["email"], emails, "email"),
        ):
            owner = (known.by_employee_id if seen is employee_ids else known.by_email).get(value)
            if value in seen or (owner is not None and owner != agent_id):
                errors.append(RowError(first_line, "", f"{label} {_show(value)} would belong to two agents"))
            seen[value] = first_line
        _history(group, errors)  # overlapping periods are errors (team ids of teams to create are not known yet)
        last = group[-1]
        plans.append(
            _Plan(
                agent_id=agent_id,
                line=first_line,
                employee_id=latest["employee_id"],
                email=latest["email"],
                name=latest["name"],
                rows=group,
                active=last.end is None or last.end >= today,
            )
        )
    return plans


def _write(plans: list[_Plan], known: _Known, summary: RosterSummary, errors: list[RowError]) -> None:
    histories: dict[int, list[Period]] = {}
    changes: dict[int, tuple[list[Period], list[Period], int]] = {}
    for plan in plans:
        history = _history(plan.rows, [])  # checked by _plan
        if plan.agent_id is None:
            person = NewAgent(
                email=plan.email,
                name=plan.name,
                employee_id=plan.employee_id,
                periods=[(start, team) for start, _, team in history],
            )
            try:
                plan.agent_id = agents_create([person])[plan.email]
            except ValidationError as error:
                errors.append(RowError(plan.line, "", f"cannot create agent: {' '.join(error.messages)}"))
                continue
            histories[plan.agent_id] = history
            summary.agents_created += 1
            if not plan.active:
                _set_active(plan.agent_id, False)
                summary.agents_deactivated += 1
            continue
        current = known.agents[plan.agent_id]
        old = known.histories.get(plan.agent_id, [])
        new = _replaced(old, history)
        changed = False
        if new != old:
            histories[plan.agent_id] = new
            changes[plan.agent_id] = (old, new, current["team_id"])
            changed = True
        changed |= _update_person(plan, current)
        if current["is_active"] != plan.active:
            _set_active(plan.agent_id, plan.active, user_id=current["user_id"])
            if plan.active:
                summary.agents_reactivated += 1
            else:
                summary.agents_deactivated += 1
            changed = True
        if changed:
            summary.agents_updated += 1
        else:
            summary.agents_unchanged += 1
    if errors:
        return
    summary.memberships_written = memberships_set(histories)
    touched = contacts_follow_history(changes)
    summary.contacts_moved_days = len(touched)
    if touched:
        rollup_mark(agent_days=touched)
        rollup_enqueue()


def _update_person(plan: _Plan, current: dict) -> bool:
    """Write the file's employee id, email and name of an existing agent; True when something changed."""
    agent_fields = {}
    if plan.employee_id != current["employee_id"]:
        agent_fields["employee_id"] = plan.employee_id
    if plan.email != current["email"]:
        agent_fields["email"] = plan.email
    if agent_fields:
        Agent.objects.filter(pk=plan.agent_id).update(**agent_fields)
    user_fields = {}
    if "email" in agent_fields:
        user_fields["email"] = plan.email
    if plan.name:
        first_name, last_name = split_name(plan.name)
        if (first_name, last_name) != (current["user__first_name"], current["user__last_name"]):
            user_fields.update(first_name=first_name, last_name=last_name)
    if user_fields:
        User.objects.filter(pk=current["user_id"]).update(**user_fields)
    return bool(agent_fields or user_fields)


def _set_active(agent_id: int, active: bool, *, user_id: int | None = None) -> None:
    """A leaver's agent is deactivated (out of sampling, coaching and the active counts; figures and history stay),
    and so is their user when being an agent is all they are, so they can no longer sign in (their sessions end and
    their API token is revoked). A rejoiner gets both back."""
    Agent.objects.filter(pk=agent_id).update(is_active=active)
    if user_id is None:
        user_id = Agent.objects.values_list("user_id", flat=True).get(pk=agent_id)
    user = User.objects.get(pk=user_id)
    if user.is_staff or user.is_superuser or set(user.groups.values_list("name", flat=True)) - {roles.AGENT}:
        return
    if user.is_active != active:
        user.is_active = active
        user.save(update_fields=["is_active"])  # the save (not an update) revokes an API token
