"""The figures richer contacts unlock (repeats, escalations, transfers, complaint FCR, CSAT of escalated, hold), per
channel and per reason: the worked example by hand, and the rollup against an independent computation."""

from collections import defaultdict
from datetime import date, timedelta

from django.conf import settings as django_settings
from django.db.models import Sum

from core.models import Agent, Contact, Team
from imports.tests.contact_rows import run_import
from metrics import rollups
from metrics.models import CHANNEL_COUNTS, AgentChannelDay, AgentDay, TeamChannelDay, TeamDay, TeamReasonDay
from metrics.selectors import metrics_by_agent, metrics_by_team, metrics_total
from tests import test_rollups
from tests.test_rollups import MARCH, assert_figures, by

example = test_rollups.example  # the product's worked example (a fixture)

# The worked example's contacts with the richer fields (channel, reason, escalated, transferred, complaint, hold).
RICH = {
    "c1": {"channel": "phone", "reason": "Billing", "escalated": True, "complaint": True, "hold_seconds": 30},
    "c2": {"channel": "chat", "reason": "Billing", "transferred": True},
    "c3": {"channel": "email", "reason": "Delivery", "complaint": True, "hold_seconds": 0},
    "c4": {"channel": "phone", "reason": "Billing", "escalated": True, "complaint": True, "hold_seconds": 60},
    "c5": {"channel": "phone", "reason": "Refund", "complaint": True, "transferred": True},
    "c6": {"channel": "chat", "reason": "", "hold_seconds": 90},
    "c7": {"channel": "chat", "reason": "Delivery", "escalated": True, "complaint": False},
}


def rich_example(example):
    run_import([{**row, "channel": RICH[row["external_id"]]["channel"]} for row in example["rows"]])
    for external_id, fields in RICH.items():
        Contact.objects.filter(external_id=external_id).update(**fields)
    rollups.rollup_full()


def test_worked_example_contact_detail_figures_by_hand(example):
    rich_example(example)
    agents = metrics_by_agent(agents=Agent.objects.all(), start=MARCH[0], end=MARCH[1])
    ana, ben = by(agents, "agent_name", "Ana Alves"), by(agents, "agent_name", "Ben Brown")
    # Ana: c1 (repeated by c2 within 7 days), c3, c4, c7; escalated c1, c4, c7; complaint cases A, B, C (B is FCR);
    # escalated with CSAT: c1 (5), c4 (4), c7 (1); hold known on c1, c3, c4: 30 + 0 + 60 over 3 (c7 has none).
    assert (ana["repeat_contacts"], ana["escalated_contacts"], ana["transferred_contacts"]) == (1, 3, 0)
    assert (ana["complaint_cases"], ana["complaint_fcr_cases"]) == (3, 1)
    assert (ana["escalated_csat_responses"], ana["escalated_csat_satisfied"]) == (3, 2)
    assert (ana["hold_seconds_sum"], ana["hold_contacts"]) == (90, 3)
    assert_figures(
        ana,
        repeat_contact_pct=25.0,
        escalation_pct=75.0,
        transfer_pct=0.0,
        complaint_fcr_pct=33.3,
        escalated_csat_pct=66.7,
        hold_seconds=30.0,
    )
    # Ben: c2, c5 transferred; c6 (case E) came back after 10 days: no repeat; complaint case D (flag says not FCR).
    assert_figures(
        ben,
        repeat_contact_pct=0.0,
        escalation_pct=0.0,
        transfer_pct=66.7,
        complaint_fcr_pct=0.0,
        escalated_csat_pct=None,
        hold_seconds=90.0,
    )
    teams = metrics_by_team(teams=Team.objects.all(), start=MARCH[0], end=MARCH[1])
    north, south = by(teams, "team_name", "North"), by(teams, "team_name", "South")
    assert_figures(
        north,
        repeat_contact_pct=16.7,
        escalation_pct=50.0,
        transfer_pct=16.7,
        complaint_fcr_pct=33.3,
        escalated_csat_pct=66.7,
        hold_seconds=45.0,
    )
    assert_figures(
        south,
        repeat_contact_pct=0.0,
        escalation_pct=0.0,
        transfer_pct=100.0,
        complaint_fcr_pct=0.0,
        escalated_csat_pct=None,
        hold_seconds=None,
    )


def test_worked_example_per_channel_figures_by_hand_add_up_to_the_whole(example):
    rich_example(example)
    everyone = Agent.objects.all()
    rows = {
        channel: metrics_by_team(teams=Team.objects.all(), start=MARCH[0], end=MARCH[1], channel=channel)
        for channel in ("phone", "chat", "email", "social")
    }
    phone = {name: sum(r[name] for r in rows["phone"]) for name in ("contacts", "cases", "fcr_cases", "csat_responses")}
    # Phone: c1, c4, c5, first contacts of A, C, D (none first-contact resolved), CSAT 5 and 4.
    assert phone == {"contacts": 3, "cases": 3, "fcr_cases": 0, "csat_responses": 2}
    (north_chat,) = [r for r in rows["chat"] if r["team_name"] == "North"]
    # Chat in North: c2 (not the first of A), c6 (first of E, resolved, repeat after the window), c7; CSAT 3 and 1.
    assert (north_chat["contacts"], north_chat["cases"], north_chat["fcr_cases"]) == (3, 1, 1)
    assert_figures(north_chat, fcr_pct=100.0, csat_pct=0.0, aht_seconds=240, escalation_pct=33.3, transfer_pct=33.3)
    assert north_chat["qa_score"] is None and north_chat["reviews"] is None  # reviews are not split by channel
    assert all(r["contacts"] == 0 and r["fcr_pct"] is None for r in rows["social"])
    # Every count of the channels adds up to the team's, and the agents' channel rows to the agents' totals.
    total = metrics_total(agents=everyone, start=MARCH[0], end=MARCH[1])
    for name in CHANNEL_COUNTS:
        assert sum(r[name] for rs in rows.values() for r in rs) == total[name], name
    for agent in metrics_by_agent(agents=everyone, start=MARCH[0], end=MARCH[1]):
        per_channel = [
            by(
                metrics_by_agent(agents=everyone, start=MARCH[0], end=MARCH[1], channel=code),
                "agent_id",
                agent["agent_id"],
            )
            for code in ("phone", "chat", "email")
        ]
        for name in CHANNEL_COUNTS:
            assert sum(r[name] for r in per_channel) == agent[name], name


def test_worked_example_reasons_count_cases_on_the_first_contacts_reason(example):
    rich_example(example)
    north = example["north"]
    rows = {
        r["reason"]: r
        for r in TeamReasonDay.objects.filter(team=north)
        .values("reason")
        .annotate(
            contacts=Sum("contacts"),
            cases=Sum("cases"),
            fcr_cases=Sum("fcr_cases"),
            csat_responses=Sum("csat_responses"),
            csat_satisfied=Sum("csat_satisfied"),
        )
    }
    assert {
        k: tuple(v[n] for n in ("contacts", "cases", "fcr_cases", "csat_responses", "csat_satisfied"))
        for k, v in rows.items()
    } == {
        "Billing": (3, 2, 0, 3, 2),  # c1, c2, c4: cases A and C
        "Delivery": (2, 1, 1, 1, 0),  # c3 (case B, resolved first time), c7 (the repeat of E counts no case)
        "": (1, 1, 1, 0, 0),  # c6, no reason recorded
    }


def test_a_later_repeat_changes_the_repeated_contacts_day_and_channel(example):
    ana, ben = example["ana"], example["ben"]
    c1, c2 = example["rows"][0], example["rows"][1]
    run_import([c1])
    rollups.rollup_pending()
    assert AgentChannelDay.objects.get(agent=ana, day=date(2026, 3, 1), channel="phone").repeat_contacts == 0
    run_import([{**c2, "channel": "chat"}])
    rollups.rollup_pending()
    assert AgentChannelDay.objects.get(agent=ana, day=date(2026, 3, 1), channel="phone").repeat_contacts == 1
    assert AgentDay.objects.get(agent=ana, day=date(2026, 3, 1)).repeat_contacts == 1
    assert AgentChannelDay.objects.get(agent=ben, day=date(2026, 3, 4), channel="chat").repeat_contacts == 0


def test_repeat_window_is_the_setting(example, settings):
    rich_example(example)
    ben_day = AgentDay.objects.get(agent=example["ben"], day=date(2026, 3, 1))
    assert ben_day.repeat_contacts == 0  # c6 repeated by c7 after 10 days
    settings.REPEAT_WINDOW_DAYS = 14
    rollups.rollup_full()
    ben_day = AgentDay.objects.get(agent=example["ben"], day=date(2026, 3, 1))
    assert (ben_day.repeat_contacts, ben_day.fcr_cases) == (1, 0)


def test_migration_marks_already_rolled_up_days(example):
    """The new counts of past days are filled by the next rollup: the migration marks every rolled-up day."""
    from importlib import import_module
    from types import SimpleNamespace

    from django.apps import apps
    from django.db import connection

    from core.models import RollupMark

    rich_example(example)
    assert not RollupMark.objects.exists()
    migration = import_module("metrics.migrations.0003_richer_contact_figures")
    migration.mark_rolled_up_days(apps, SimpleNamespace(connection=connection))
    assert set(RollupMark.objects.values_list("agent_id", "day")) == set(
        AgentDay.objects.values_list("agent_id", "day")
    )


# An independent computation of the per-channel rows from the contacts, in Python: what the rollup must hold.


def expected_channel_rows() -> dict[tuple, dict]:
    window = timedelta(days=django_settings.REPEAT_WINDOW_DAYS)
    cases = defaultdict(list)
    for contact in Contact.objects.all():
        cases[contact.case_id].append(contact)
    rows: dict[tuple, dict] = {}
    for contacts in cases.values():
        contacts.sort(key=lambda c: (c.started_at, c.pk))
        for n, c in enumerate(contacts):
            following = contacts[n + 1].started_at if n + 1 < len(contacts) else None
            repeated = following is not None and following <= c.started_at + window
            first = n == 0
            fcr = first and (
                c.first_contact_resolved if c.first_contact_resolved is not None else c.resolved and not repeated
            )
            row = rows.setdefault((c.day, c.agent_id, c.team_id, c.channel), dict.fromkeys(CHANNEL_COUNTS, 0))
            row["contacts"] += 1
            row["cases"] += first
            row["fcr_cases"] += bool(fcr)
            if c.csat is not None:
                row["csat_responses"] += 1
                row["csat_satisfied"] += c.csat >= 4
                row["csat_sum"] += c.csat
                row["escalated_csat_responses"] += bool(c.escalated)
                row["escalated_csat_satisfied"] += bool(c.escalated) and c.csat >= 4
            if c.ces is not None:
                row["ces_responses"] += 1
                row["ces_sum"] += c.ces
            if c.nps is not None:
                row["nps_responses"] += 1
                row["promoters"] += c.nps >= 9
                row["detractors"] += c.nps <= 6
            row["handle_seconds"] += c.handle_seconds
            row["after_seconds"] += c.after_contact_seconds
            row["repeat_contacts"] += repeated
            row["escalated_contacts"] += bool(c.escalated)
            row["transferred_contacts"] += bool(c.transferred)
            row["complaint_cases"] += first and bool(c.complaint)
            row["complaint_fcr_cases"] += first and bool(c.complaint) and bool(fcr)
            if c.hold_seconds is not None:
                row["hold_seconds_sum"] += c.hold_seconds
                row["hold_contacts"] += 1
    return rows


def channel_table() -> dict[tuple, dict]:
    return {
        (r["day"], r["agent_id"], r["team_id"], r["channel"]): {name: r[name] for name in CHANNEL_COUNTS}
        for r in AgentChannelDay.objects.values("day", "agent_id", "team_id", "channel", *CHANNEL_COUNTS)
    }


def assert_channel_rows_consistent() -> None:
    """AgentChannelDay equals the Python computation; AgentDay, TeamChannelDay and TeamDay are its sums."""
    assert channel_table() == expected_channel_rows()
    sums = {name: Sum(name) for name in CHANNEL_COUNTS}
    by_agent_day = {
        (r["day"], r["agent_id"], r["team_id"]): {name: r[name] for name in CHANNEL_COUNTS}
        for r in AgentChannelDay.objects.values("day", "agent_id", "team_id").annotate(**sums)
    }
    assert by_agent_day == {
        (r["day"], r["agent_id"], r["team_id"]): {name: r[name] for name in CHANNEL_COUNTS}
        for r in AgentDay.objects.values("day", "agent_id", "team_id", *CHANNEL_COUNTS)
    }
    by_team_channel = {
        (r["day"], r["team_id"], r["channel"]): {name: r[name] for name in CHANNEL_COUNTS}
        for r in AgentChannelDay.objects.values("day", "team_id", "channel").annotate(**sums)
    }
    assert by_team_channel == {
        (r["day"], r["team_id"], r["channel"]): {name: r[name] for name in CHANNEL_COUNTS}
        for r in TeamChannelDay.objects.values("day", "team_id", "channel", *CHANNEL_COUNTS)
    }
    by_team = {
        (r["day"], r["team_id"]): {name: r[name] for name in CHANNEL_COUNTS}
        for r in TeamChannelDay.objects.values("day", "team_id").annotate(**sums)
    }
    assert by_team == {
        (r["day"], r["team_id"]): {name: r[name] for name in CHANNEL_COUNTS}
        for r in TeamDay.objects.values("day", "team_id", *CHANNEL_COUNTS)
    }
    reasons = TeamReasonDay.objects.aggregate(contacts=Sum("contacts"), cases=Sum("cases"), fcr=Sum("fcr_cases"))
    totals = TeamDay.objects.aggregate(contacts=Sum("contacts"), cases=Sum("cases"), fcr=Sum("fcr_cases"))
    assert reasons == totals


def test_rollup_per_channel_rows_equal_an_independent_computation(example):
    rich_example(example)
    assert_channel_rows_consistent()
    assert len(channel_table()) == 7  # every example contact is on its own (day, agent, team, channel)
