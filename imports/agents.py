"""Agents created by imports, with their team history; membership histories replaced in bulk.

A history is a list of periods (start, end, team id) in time order: `end` is exclusive (the first day in the next
team, or after leaving), None while the period is open, as in TeamMembership. Both import paths (`--create-agents`
of contacts, and rosters) create agents here, through the core's `agent_create`, and write histories with
`memberships_set`, which also keeps each agent's team of today and start date in step with the history.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Q
from django.utils import timezone

from core.models import Agent, Contact, Team, TeamMembership, User
from core.services.org import agent_create

Period = tuple[date, date | None, int]


@dataclass
class NewAgent:
    """An agent to create: `periods` are (first day, team id) in time order, each lasting until the next starts."""

    email: str
    name: str = ""
    employee_id: str = ""
    periods: list[tuple[date, int]] = field(default_factory=list)


def history_from_starts(periods: Iterable[tuple[date, int]]) -> list[Period]:
    """(first day, team id) pairs in time order into a history: each period ends when the next starts, the last
    stays open, and consecutive periods in the same team are one. Of two teams given for one day the later wins."""
    history: list[list] = []
    for start, team_id in periods:
        if history and history[-1][0] == start:
            history.pop()
            if history:
                history[-1][1] = None
        if history and history[-1][2] == team_id:
            continue
        if history:
            history[-1][1] = start
        history.append([start, None, team_id])
    return [tuple(period) for period in history]


def merge_adjacent(history: Iterable[Period]) -> list[Period]:
    """Join a period to the previous one when it starts the day the previous ends, in the same team."""
    merged: list[Period] = []
    for start, end, team_id in sorted(history, key=lambda period: period[0]):
        if merged and merged[-1][1] == start and merged[-1][2] == team_id:
            merged[-1] = (merged[-1][0], end, team_id)
        else:
            merged.append((start, end, team_id))
    return merged


def team_on(history: list[Period], day: date, fallback: int | None = None) -> int | None:
    """The team of `day` in `history` (the first team before it, `fallback` without history): the rule contact
    imports use to give a contact without a team the agent's team of its day."""
    covering = team_covering(history, day)
    if covering is not None:
        return covering
    return history[0][2] if history else fallback


def team_covering(history: list[Period], day: date) -> int | None:
    """The team of the period containing `day`, or None."""
    for start, end, team_id in history:
        if start <= day and (end is None or day < end):
            return team_id
    return None


def team_today(history: list[Period], today: date) -> int:
    """An agent's team today: the period containing today; after the last period ended (a leaver) or in a gap, the
    latest period that began by today; before the first began (a future starter), the first."""
    covering = team_covering(history, today)
    if covering is not None:
        return covering
    begun = [period for period in history if period[0] <= today]
    return (begun[-1] if begun else history[0])[2]


def split_name(name: str) -> tuple[str, str]:
    """First and last name from a full name: "Ana Lucia Souza" → ("Ana", "Lucia Souza"), "Souza, Ana" →
    ("Ana", "Souza"). Nothing is made up: a single word is a first name only."""
    name = " ".join(name.split())
    if "," in name:
        last, _, first = name.partition(",")
        return first.strip()[:150], last.strip()[:150]
    first, _, last = name.partition(" ")
    return first[:150], last[:150]


def agents_create(new: list[NewAgent]) -> dict[str, int]:
    """Create the users and agents (Agent role, unusable password) with their membership history; {email: agent id}.

    The name comes from `name` only: without one the names stay empty and the agent shows as their email (a name
    guessed from an address, "ana.luciasouza" → "Ana Luciasouza", is wrong too often). The employee id defaults to
    the email. Raises ValidationError (nothing of that agent written) when the core refuses one, e.g. a taken
    username or employee id.
    """
    today = timezone.localdate()
    teams = Team.objects.in_bulk({team_id for person in new for _, team_id in person.periods})
    created: dict[str, int] = {}
    histories: dict[int, list[Period]] = {}
    for person in new:
        history = history_from_starts(person.periods)
        first_name, last_name = split_name(person.name)
        agent = agent_create(
            username=person.email[:150],
            email=person.email,
            first_name=first_name,
            last_name=last_name,
            employee_id=(person.employee_id or person.email)[:50],
            team=teams[team_today(history, today)],
            start_date=history[0][0],
        )
        created[person.email] = agent.pk
        histories[agent.pk] = history
    memberships_set(histories)
    return created


def memberships_set(histories: dict[int, list[Period]]) -> int:
    """Replace the memberships of these agents by their histories (one delete, one insert), and set each agent's
    team (of today) and start date (first period) to match. Returns the number of memberships written."""
    if not histories:
        return 0
    today = timezone.localdate()
    TeamMembership.objects.filter(agent_id__in=list(histories)).delete()
    rows = [
        TeamMembership(agent_id=agent_id, team_id=team_id, start_date=start, end_date=end)
        for agent_id, history in histories.items()
        for start, end, team_id in history
    ]
    TeamMembership.objects.bulk_create(rows, batch_size=1000)
    agents = list(Agent.objects.filter(pk__in=list(histories)).only("pk", "team_id", "start_date"))
    changed = []
    for agent in agents:
        history = histories[agent.pk]
        team_id, start = team_today(history, today), history[0][0]
        if (agent.team_id, agent.start_date) != (team_id, start):
            agent.team_id, agent.start_date = team_id, start
            changed.append(agent)
    Agent.objects.bulk_update(changed, ["team", "start_date"], batch_size=1000)
    return len(rows)


# Conditions per UPDATE statement: SQLite's parser nests OR terms and stops at an expression depth of 1,000.
CONDITIONS_PER_UPDATE = 200


def contacts_follow_history(
    changes: dict[int, tuple[list[Period], list[Period], int]],
) -> set[tuple[int, date]]:
    """Move the contacts that followed an agent's old history to their new team, where the history changed.

    `changes` is {agent id: (old history, new history, team before the change)}. A contact imported without a team
    took the agent's team of its day from the memberships (its `team_from_history` is set); when the history now
    says another team for that day, the contact moves with it (the figures follow the move). Only such contacts
    move — a team the file named is kept, even the one the history had — and only those in the old history's team
    of their day, on days a new period covers (a leaver's later contacts stay put). Returns the (agent, day) pairs
    whose contacts moved, for the rollup.
    """
    moves: dict[tuple[int, int], list[Q]] = {}
    for agent_id, (old, new, fallback) in changes.items():
        bounds = sorted({day for start, end, _ in [*old, *new] for day in (start, end) if day is not None})
        edges = [date.min, *bounds]
        for index, start in enumerate(edges):
            end = edges[index + 1] if index + 1 < len(edges) else None
            new_team = team_covering(new, start)
            old_team = team_on(old, start, fallback)
            if new_team is None or new_team == old_team:
                continue
            condition = Q(agent_id=agent_id, day__gte=start) & (Q(day__lt=end) if end is not None else Q())
            moves.setdefault((old_team, new_team), []).append(condition)
    touched: set[tuple[int, date]] = set()
    for (old_team, new_team), conditions in moves.items():
        for offset in range(0, len(conditions), CONDITIONS_PER_UPDATE):
            where = Q()
            for condition in conditions[offset : offset + CONDITIONS_PER_UPDATE]:
                where |= condition
            contacts = Contact.objects.filter(where, team_id=old_team, team_from_history=True)
            touched.update(contacts.values_list("agent_id", "day").distinct().order_by())
            contacts.update(team_id=new_team)
    return touched


@dataclass
class CreatedAgentRows:
    """What the contact rows of an agent `--create-agents` created say: the team of each day (the team of the day's
    last contact) and the name of the latest contact that gives one."""

    created_name: str
    days: dict[date, tuple[datetime, int]] = field(default_factory=dict)
    name: tuple[datetime, str] | None = None

    def add(self, row: dict) -> None:
        known = self.days.get(row["day"])
        if known is None or row["started_at"] >= known[0]:
            self.days[row["day"]] = (row["started_at"], row["team_id"])
        if row["agent_name"] and (self.name is None or row["started_at"] >= self.name[0]):
            self.name = (row["started_at"], row["agent_name"])


def created_agents_finish(new_agents: dict[int, CreatedAgentRows]) -> None:
    """Give the agents an import created the membership history their rows show — the (day, team) sequence in time
    order, whatever the file's order, a new period where the team changes — and the latest name given."""
    histories = {}
    renamed = []
    for agent_id, rows_seen in new_agents.items():
        starts = [(day, team_id) for day, (_, team_id) in sorted(rows_seen.days.items())]
        histories[agent_id] = history_from_starts(starts)
        if rows_seen.name is not None and rows_seen.name[1] != rows_seen.created_name:
            first_name, last_name = split_name(rows_seen.name[1])
            renamed.append((agent_id, first_name, last_name))
    memberships_set(histories)
    if renamed:
        users = dict(Agent.objects.filter(pk__in=[agent_id for agent_id, _, _ in renamed]).values_list("pk", "user_id"))
        User.objects.bulk_update(
            [User(pk=users[agent_id], first_name=first, last_name=last) for agent_id, first, last in renamed],
            ["first_name", "last_name"],
        )
