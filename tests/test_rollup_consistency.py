"""Incremental rollups equal a full reconciliation; concurrent rollups never double count."""

import threading
from datetime import date

import pytest
from django.db import connection, connections
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.models import Contact, RollupMark
from core.services.rollup_marks import rollup_mark
from core.tests.factories import AgentFactory, TeamFactory
from imports.tests.contact_rows import row, run_import
from metrics import rollups
from metrics.models import (
    AgentChannelDay,
    AgentDay,
    AgentRunning,
    RunningDirty,
    TeamChannelDay,
    TeamDay,
    TeamReasonDay,
    TeamRunning,
)
from tests.test_contact_figures import assert_channel_rows_consistent

COLUMNS = ["day", "agent_id", "team_id", *rollups.AGENT_DAY_COLUMNS]
TEAM_COLUMNS = ["day", "team_id", *rollups.AGENT_DAY_COLUMNS]
RUNNING_COLUMNS = rollups.AGENT_DAY_COLUMNS


def table() -> list[tuple]:
    return list(AgentDay.objects.order_by("day", "agent_id", "team_id").values_list(*COLUMNS))


def team_table() -> list[tuple]:
    return list(TeamDay.objects.order_by("day", "team_id").values_list(*TEAM_COLUMNS))


def agent_days_by_team() -> list[tuple]:
    """AgentDay summed per (day, team) in Python-visible form: what TeamDay must hold."""
    sums = {name: Sum(name) for name in rollups.AGENT_DAY_COLUMNS}
    rows = AgentDay.objects.values("day", "team_id").annotate(**sums).order_by("day", "team_id")
    return [tuple(row[name] for name in TEAM_COLUMNS) for row in rows]


def detail_tables() -> list[list[tuple]]:
    """The per-channel and per-reason rows."""
    return [
        list(model.objects.order_by(*key).values_list(*key, *counts))
        for model, key, counts in (
            (AgentChannelDay, ("day", "agent_id", "team_id", "channel"), rollups.CHANNEL_COUNTS),
            (TeamChannelDay, ("day", "team_id", "channel"), rollups.CHANNEL_COUNTS),
            (TeamReasonDay, ("day", "team_id", "reason"), rollups.REASON_COUNTS),
        )
    ]


def running_table() -> list[tuple]:
    """AgentRunning and TeamRunning rows."""
    return [
        list(model.objects.order_by(key, "day").values_list(key, "day", *RUNNING_COLUMNS))
        for model, key in ((AgentRunning, "agent_id"), (TeamRunning, "team_id"))
    ]


def expected_running() -> list[tuple]:
    """Each agent's AgentDay counts (all teams) and each team's TeamDay counts added up day by day: what
    AgentRunning and TeamRunning must hold."""
    sums = {name: Sum(name) for name in RUNNING_COLUMNS}
    result = []
    for model, key in ((AgentDay, "agent_id"), (TeamDay, "team_id")):
        rows = model.objects.values(key, "day").annotate(**sums).order_by(key, "day")
        expected, totals = [], {}
        for daily in rows:
            running = totals.setdefault(daily[key], dict.fromkeys(RUNNING_COLUMNS, 0))
            for name in RUNNING_COLUMNS:
                running[name] += daily[name]
            expected.append((daily[key], daily["day"], *(running[name] for name in RUNNING_COLUMNS)))
        result.append(expected)
    return result


contact = st.fixed_dictionaries(
    {
        "external_id": st.sampled_from([f"e{n}" for n in range(10)]),
        "case_id": st.sampled_from(["K0", "K1", "K2", "K3"]),
        "agent": st.integers(0, 2),
        "team": st.sampled_from(["", "", "T-one", "T-two"]),
        "day": st.integers(1, 20),
        "hour": st.integers(0, 23),
        "resolved": st.sampled_from(["yes", "no"]),
        "first_contact_resolved": st.sampled_from(["", "", "yes", "no"]),
        "csat": st.sampled_from(["", 1, 4, 5]),
        "nps": st.sampled_from(["", 0, 7, 10]),
        "channel": st.sampled_from(["phone", "phone", "chat", "email"]),
        "reason": st.sampled_from(["", "Billing", "Delivery"]),
        "escalated": st.sampled_from([None, True, False]),
        "transferred": st.sampled_from([None, True, False]),
        "complaint": st.sampled_from([None, True, False]),
        "hold_seconds": st.sampled_from([None, 0, 45]),
    }
)
RICH_FIELDS = ("reason", "escalated", "transferred", "complaint", "hold_seconds")


@pytest.fixture
def people(db):
    one, two = TeamFactory(name="T-one"), TeamFactory(name="T-two")
    return [AgentFactory(team=one), AgentFactory(team=one), AgentFactory(team=two)]


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batches=st.lists(st.lists(contact, min_size=1, max_size=6), min_size=1, max_size=5))
def test_incremental_rollup_equals_full_reconciliation(people, batches):
    for model in (*rollups.DAILY_MODELS, AgentRunning, TeamRunning, RollupMark, Contact):
        model.objects.all().delete()
    for batch in batches:
        unique = {}
        for item in batch:
            unique[item["external_id"]] = row(
                item["external_id"],
                item["case_id"],
                people[item["agent"]],
                f"2026-04-{item['day']:02d}T{item['hour']:02d}:00:00Z",
                team=item["team"],
                resolved=item["resolved"],
                first_contact_resolved=item["first_contact_resolved"],
                csat=item["csat"],
                nps=item["nps"],
                channel=item["channel"],
            )
        run_import(list(unique.values()))
        # The richer fields, as an import that carries them writes them (marking the contacts' days).
        rich = {item["external_id"]: {name: item[name] for name in RICH_FIELDS} for item in batch}
        for external_id, fields in rich.items():
            Contact.objects.filter(external_id=external_id).update(**fields)
        rollup_mark(agent_days=Contact.objects.filter(external_id__in=list(rich)).values_list("agent_id", "day"))
        rollups.rollup_pending()
    incremental, incremental_teams, incremental_running = table(), team_table(), running_table()
    incremental_detail = detail_tables()
    assert incremental_teams == agent_days_by_team()
    assert incremental_running == expected_running()
    assert_channel_rows_consistent()
    rollups.rollup_full()
    assert table() == incremental
    assert team_table() == incremental_teams
    assert running_table() == incremental_running
    assert detail_tables() == incremental_detail
    assert sum(r[COLUMNS.index("contacts")] for r in incremental) == Contact.objects.count()


def test_full_rollup_gives_identical_table_after_pending(people):
    run_import([row(f"z{n}", f"Z{n % 3}", people[n % 3], f"2026-05-{1 + n:02d}T08:00:00Z") for n in range(12)])
    rollups.rollup_pending()
    pending, pending_teams = table(), team_table()
    assert pending_teams == agent_days_by_team() and pending_teams
    rollups.rollup_full()
    assert table() == pending and len(pending) == 12
    assert team_table() == pending_teams
    assert running_table() == expected_running() and len(running_table()[0]) == 12


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_rollups_at_once_do_not_double_count(postgres_only):
    team = TeamFactory(name="T-lock")
    agents = [AgentFactory(team=team) for _ in range(3)]
    run_import(
        [row(f"p{n}", f"P{n % 7}", agents[n % 3], f"2026-06-{1 + n % 5:02d}T{n % 24:02d}:00:00Z") for n in range(60)]
    )
    rollups.rollup_full()
    expected, expected_teams = table(), team_table()
    errors = []
    barrier = threading.Barrier(4)

    def work(kind: str):
        try:
            barrier.wait()
            for _ in range(3):
                if kind == "full":
                    rollups.rollup_full()
                else:
                    rollups.rollup_day_list(days=[date(2026, 6, d) for d in range(1, 6)])
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(kind,)) for kind in ("full", "days", "full", "days")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert table() == expected
    assert team_table() == expected_teams == agent_days_by_team()
    assert running_table() == expected_running()
    assert connection.vendor == "postgresql"


def test_a_change_on_an_old_day_rebuilds_only_that_agents_running_rows_from_that_day(people):
    first, second, third = people
    run_import(
        [row(f"o{n}", f"O{n}", people[n % 3], f"2026-05-{1 + n // 3:02d}T08:00:00Z") for n in range(30)]
    )  # ten days, every agent every day
    rollups.rollup_pending()
    before = {(r.agent_id, r.day): r.pk for r in AgentRunning.objects.all()}
    assert len(before) == 30
    # A late survey answer on day 4 for the second agent only.
    run_import([row("o10", "O10", second, "2026-05-04T08:00:00Z", csat=5)])
    rollups.rollup_pending()
    after = {(r.agent_id, r.day): r.pk for r in AgentRunning.objects.all()}
    rebuilt = {key for key, pk in after.items() if before.get(key) != pk}
    assert rebuilt == {(second.pk, date(2026, 5, day)) for day in range(4, 11)}
    assert running_table() == expected_running()
    assert not RunningDirty.objects.exists()


def test_many_marked_days_rebuild_the_running_totals_once(people, monkeypatch):
    run_import([row(f"m{n}", f"M{n}", people[n % 3], f"2026-06-{1 + n:02d}T08:00:00Z") for n in range(20)])
    calls = []
    original = rollups.running_flush

    def counted():
        calls.append(1)
        return original()

    monkeypatch.setattr(rollups, "running_flush", counted)
    result = rollups.rollup_pending()
    assert result.days == 20 and calls == [1]
    assert running_table() == expected_running()


def test_contacts_gone_from_the_start_of_history_leave_no_trace_in_the_running_totals(people):
    agent = people[0]
    run_import([row(f"s{n}", f"S{n}", agent, f"2026-07-{1 + n:02d}T08:00:00Z") for n in range(5)])
    rollups.rollup_pending()
    Contact.objects.filter(day__lt=date(2026, 7, 3)).delete()
    # As the full-rollup task does it: drop what is outside the contacts' days, then one rollup per month.
    first, last = rollups.contact_day_bounds()
    rollups.rollup_drop_outside(first=first, last=last)
    for chunk_start, chunk_end in rollups.month_chunks(first, last):
        rollups.rollup_days(start=chunk_start, end=chunk_end)
    assert running_table() == expected_running()
    assert AgentRunning.objects.get(agent=agent, day=date(2026, 7, 5)).contacts == 3
