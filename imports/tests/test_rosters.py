import io
from datetime import date, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from core import roles
from core.models import Agent, Contact, RollupMark, Team, TeamMembership, User
from core.tests.factories import AgentFactory, TeamFactory, UserFactory, VendorFactory
from imports import services as imports
from imports.profiles import BUILTIN
from imports.rosters import roster_import
from imports.staged import profile_import
from imports.tests.contact_rows import row, run_import, to_csv
from metrics import rollups
from metrics.selectors import metrics_by_agent, metrics_by_team

MARCH = (date(2026, 3, 1), date(2026, 3, 11))
HEADER = "employee_id,name,email,team,start_date,end_date\n"
# The product's worked example: Ben moves from North to South on 5 March (his last day in North is 4 March).
ROSTER = (
    HEADER + "E1,Ana Alves,ana@example.test,North,2026-01-01,\n"
    "E2,Ben Brown,ben@example.test,South,2026-03-05,\n"  # not in time order: the dates decide
    "E2,Ben Brown,ben@example.test,North,2026-01-01,2026-03-04\n"
)


def at(day: int, hour: int = 10) -> str:
    return f"2026-03-{day:02d}T{hour:02d}:00:00+00:00"


def contacts(ana="ana@example.test", ben="ben@example.test", **extra):
    """The worked example's contacts, without a team: each takes the agent's team of its day."""
    return [
        row("c1", "A", ana, at(1), csat=5, ces=2, nps=10, handle_seconds=300, after_contact_seconds=60, **extra),
        row("c2", "A", ben, at(4), csat=3, handle_seconds=200, after_contact_seconds=40, **extra),
        row("c3", "B", ana, at(1, 11), ces=6, nps=6, handle_seconds=400, after_contact_seconds=0, **extra),
        row(
            "c4", "C", ana, at(2), resolved="no", csat=4, nps=8, handle_seconds=500, after_contact_seconds=100, **extra
        ),
        row("c5", "D", ben, at(5), first_contact_resolved="no", handle_seconds=100, after_contact_seconds=20, **extra),
        row("c6", "E", ben, at(1, 9), handle_seconds=250, after_contact_seconds=50, **extra),
        row("c7", "E", ana, at(11), csat=1, handle_seconds=150, after_contact_seconds=30, **extra),
    ]


@pytest.fixture
def teams(db, settings):
    settings.REPEAT_WINDOW_DAYS = 7
    vendor = VendorFactory(name="In-house")
    return {
        "vendor": vendor,
        "north": TeamFactory(name="North", vendor=vendor),
        "south": TeamFactory(name="South", vendor=vendor),
    }


def load(text: str, **options):
    return roster_import(io.BytesIO(text.encode()), **options)


def history(agent) -> list[tuple]:
    return list(
        TeamMembership.objects.filter(agent=agent)
        .order_by("start_date")
        .values_list("team__name", "start_date", "end_date")
    )


def by(rows, key, value):
    return next(r for r in rows if r[key] == value)


def assert_worked_example_figures():
    """The worked example's per-agent and per-team figures, from the rollups."""
    agents = metrics_by_agent(agents=Agent.objects.all(), start=MARCH[0], end=MARCH[1])
    ana, ben = by(agents, "agent_name", "Ana Alves"), by(agents, "agent_name", "Ben Brown")
    assert (ana["contacts"], ana["cases"], ana["fcr_cases"], ana["csat_responses"], ana["csat_satisfied"]) == (
        4,
        3,
        1,
        3,
        2,
    )
    assert (ben["contacts"], ben["cases"], ben["fcr_cases"], ben["csat_responses"]) == (3, 2, 1, 1)
    found = metrics_by_team(teams=Team.objects.all(), start=MARCH[0], end=MARCH[1])
    north, south = by(found, "team_name", "North"), by(found, "team_name", "South")
    assert (north["contacts"], north["cases"], north["fcr_cases"], north["csat_responses"]) == (6, 4, 2, 4)
    assert north["fcr_pct"] == pytest.approx(50.0) and north["csat_pct"] == pytest.approx(50.0)
    assert north["ces_avg"] == pytest.approx(4.0) and north["nps"] == pytest.approx(0)
    assert north["aht_seconds"] == pytest.approx(2080 / 6) and north["acw_seconds"] == pytest.approx(280 / 6)
    assert (south["contacts"], south["cases"], south["fcr_cases"], south["csat_responses"]) == (1, 1, 0, 0)
    assert (
        south["fcr_pct"] == 0
        and south["csat_pct"] is None
        and south["aht_seconds"] == 120
        and south["acw_seconds"] == 20
    )


def test_roster_then_contacts_without_team_give_the_worked_example(teams):
    summary = load(ROSTER)
    assert (summary.rows, summary.agents_created, summary.memberships_written) == (3, 2, 3)
    ben = Agent.objects.get(employee_id="E2")
    assert history(ben) == [("North", date(2026, 1, 1), date(2026, 3, 5)), ("South", date(2026, 3, 5), None)]
    assert (ben.team, ben.start_date, str(ben)) == (teams["south"], date(2026, 1, 1), "Ben Brown")
    run_import(contacts())
    rollups.rollup_full()
    assert Contact.objects.get(external_id="c2").team == teams["north"]
    assert Contact.objects.get(external_id="c5").team == teams["south"]
    assert_worked_example_figures()


def test_roster_after_contacts_moves_the_derived_contacts_and_marks_their_days(teams):
    # Both agents known only in North: every contact without a team counts for North.
    ana = AgentFactory(
        employee_id="E1",
        email="ana@example.test",
        team=teams["north"],
        start_date=date(2026, 1, 1),
        user=UserFactory(username="ana", first_name="Ana", last_name="Alves"),
    )
    ben = AgentFactory(
        employee_id="E2",
        email="ben@example.test",
        team=teams["north"],
        start_date=date(2026, 1, 1),
        user=UserFactory(username="ben", first_name="Ben", last_name="Brown"),
    )
    rows = contacts()
    central = TeamFactory(name="Central", vendor=teams["vendor"])
    rows.append(row("c8", "F", ben, at(5), team="Central"))  # the file named another team: it stays there
    run_import(rows)
    rollups.rollup_full()
    assert Contact.objects.filter(team=teams["south"]).count() == 0
    summary = load(ROSTER)
    assert (summary.agents_created, summary.agents_updated, summary.agents_unchanged) == (0, 1, 1)
    assert summary.contacts_moved_days == 1  # Ben's 5 March
    assert Contact.objects.get(external_id="c5").team == teams["south"]
    assert Contact.objects.get(external_id="c8").team == central
    assert set(RollupMark.objects.values_list("agent_id", "day")) == {(ben.pk, date(2026, 3, 5))}
    rollups.rollup_pending()  # the marked day alone moves the figures: South gets c5
    assert metrics_by_team(teams=Team.objects.filter(name="South"), start=MARCH[0], end=MARCH[1])[0]["contacts"] == 1
    Contact.objects.filter(external_id="c8").delete()
    rollups.rollup_full()
    assert_worked_example_figures()
    assert history(ana) == [("North", date(2026, 1, 1), None)]


def test_create_agents_gives_the_same_history_as_the_roster_in_time_order_across_chunks(teams, monkeypatch):
    monkeypatch.setattr(imports, "CHUNK_ROWS", 2)
    rows = [
        row("m1", "K1", "ben@example.test", at(6), team="South", agent_name="Ben Brown"),  # first in the file
        row("m2", "K2", "ben@example.test", at(1), team="North", agent_name="Ben Brown"),
        row("m3", "K3", "ana@example.test", at(2), team="North", agent_name="Ana  Alves"),
        row("m4", "K4", "ben@example.test", at(4), team="North", agent_name="Ben Brown"),
        row("m5", "K5", "ben@example.test", at(5), team="South", agent_name="Ben Brown"),
    ]
    summary = run_import(rows, create_agents=True)
    assert summary.agents_created == 2
    ben = Agent.objects.get(email="ben@example.test")
    assert history(ben) == [("North", date(2026, 3, 1), date(2026, 3, 5)), ("South", date(2026, 3, 5), None)]
    assert (ben.team, ben.start_date, ben.user.first_name, ben.user.last_name) == (
        teams["south"],
        date(2026, 3, 1),
        "Ben",
        "Brown",
    )
    assert str(Agent.objects.get(email="ana@example.test")) == "Ana Alves"
    # The roster saying the same thing from 1 March changes nothing.
    roster = (
        HEADER
        + "E2,Ben Brown,ben@example.test,North,2026-03-01,2026-03-04\nE2,Ben Brown,ben@example.test,South,2026-03-05,\n"
    )
    summary = load(roster)
    assert summary.memberships_written == 0
    assert Agent.objects.get(pk=ben.pk).employee_id == "E2"  # matched by email, the HR id replaces the email one


def test_create_agents_without_a_name_column_makes_no_name_up(teams):
    run_import([row("n1", "K", "ana.luciasouza@example.test", at(1), team="North")], create_agents=True)
    agent = Agent.objects.get(email="ana.luciasouza@example.test")
    assert (agent.user.first_name, agent.user.last_name, str(agent)) == ("", "", "ana.luciasouza@example.test")


def test_roster_names_from_the_name_column_and_updates_name_and_email(teams):
    load(HEADER + 'E7,"Souza, Ana Lucia",ana.souza@example.test,North,2026-01-01,\n')
    agent = Agent.objects.get(employee_id="E7")
    assert (agent.user.first_name, agent.user.last_name) == ("Ana Lucia", "Souza")
    summary = load(HEADER + "E7,Ana Lucia Souza Lima,ana.lima@example.test,North,2026-01-01,\n")
    assert (summary.agents_updated, summary.agents_created) == (1, 0)
    agent.refresh_from_db()
    agent.user.refresh_from_db()
    assert (agent.email, agent.user.email, str(agent)) == ("ana.lima@example.test",) * 2 + ("Ana Lucia Souza Lima",)


def test_roster_refuses_overlapping_periods_with_their_lines_and_writes_nothing(teams):
    text = HEADER + (
        "E2,Ben Brown,ben@example.test,North,2026-01-01,2026-03-10\n"
        "E2,Ben Brown,ben@example.test,South,2026-03-05,\n"
        "E3,Cy Cole,cy@example.test,North,2026-01-01,\n"
    )
    with pytest.raises(imports.ImportRejected) as refused:
        load(text)
    assert [str(error) for error in refused.value.errors] == [
        "line 3: start_date: overlaps line 2 (North, 2026-01-01 to 2026-03-10) of the same agent"
    ]
    assert not Agent.objects.exists() and not TeamMembership.objects.exists()


def test_roster_unknown_team_refused_unless_create_teams(teams, tmp_path, capsys):
    path = tmp_path / "roster.csv"
    path.write_text(
        HEADER + "E1,Ana Alves,ana@example.test,West,2026-01-01,\nE2,Ben Brown,ben@example.test,West,2026-01-01,\n"
    )
    with pytest.raises(CommandError, match="refused"):
        call_command("import_roster", str(path))
    err = capsys.readouterr().err
    assert "team: unknown team 'West' (use --create-teams to add it): 2 rows, first at lines 2, 3" in err
    assert not Team.objects.filter(name="West").exists() and not Agent.objects.exists()
    call_command("import_roster", str(path), "--create-teams")
    assert "1 team created (West)" in capsys.readouterr().out
    west = Team.objects.get(name="West")
    assert west.vendor == teams["vendor"] and Agent.objects.filter(team=west).count() == 2


def test_roster_created_team_takes_the_vendor_column_and_an_unknown_vendor_is_refused(teams):
    partner = VendorFactory(name="Lisbon BPO", kind="partner")
    text = "employee_id,email,team,start_date,vendor\nE1,ana@example.test,Lisbon Voice,2026-01-01,{}\n"
    with pytest.raises(imports.ImportRejected, match="unknown vendor 'Nowhere'"):
        load(text.format("Nowhere"), create_teams=True)
    summary = load(text.format("lisbon bpo"), create_teams=True)
    assert summary.teams_created == ["Lisbon Voice"] and Team.objects.get(name="Lisbon Voice").vendor == partner


def test_roster_leaver_is_deactivated_not_deleted_and_cannot_sign_in(teams, client):
    yesterday = timezone.localdate() - timedelta(days=1)
    load(ROSTER)
    ben = Agent.objects.get(employee_id="E2")
    ben.user.set_password("pw-for-tests")
    ben.user.save()
    assert client.login(username=ben.user.username, password="pw-for-tests")
    summary = load(ROSTER.replace("South,2026-03-05,", f"South,2026-03-05,{yesterday}"))
    assert (summary.agents_deactivated, summary.agents_updated) == (1, 1)
    ben.refresh_from_db()
    assert not ben.is_active and not ben.user.is_active
    assert history(ben)[-1] == ("South", date(2026, 3, 5), yesterday + timedelta(days=1))
    assert client.get("/").wsgi_request.user.is_anonymous  # the session ended with the account
    assert not client.login(username=ben.user.username, password="pw-for-tests")
    assert Agent.objects.filter(employee_id="E2").exists()


def test_roster_leaver_who_is_also_a_reviewer_keeps_signing_in(teams):
    load(ROSTER)
    ben = Agent.objects.get(employee_id="E2")
    ben.user.groups.add(*UserFactory(roles=[roles.QA_REVIEWER]).groups.all())
    load(ROSTER.replace("South,2026-03-05,", "South,2026-03-05,2026-03-31"))
    ben.refresh_from_db()
    assert not ben.is_active and User.objects.get(pk=ben.user_id).is_active


def test_roster_dry_run_writes_nothing(teams, tmp_path, capsys):
    path = tmp_path / "roster.csv"
    path.write_text(ROSTER)
    call_command("import_roster", str(path), "--dry-run")
    out = capsys.readouterr().out
    assert "Would import 3 rows: 2 agents created" in out and "3 memberships written" in out and "dry run" in out
    assert not Agent.objects.exists() and not User.objects.exists() and not TeamMembership.objects.exists()


def test_roster_reimport_changes_nothing(teams):
    load(ROSTER)
    before = list(TeamMembership.objects.order_by("pk").values())
    agents = list(Agent.objects.order_by("pk").values())
    summary = load(ROSTER)
    assert (summary.agents_created, summary.agents_updated, summary.agents_unchanged) == (0, 0, 2)
    assert (summary.memberships_written, summary.agents_deactivated, summary.contacts_moved_days) == (0, 0, 0)
    assert list(TeamMembership.objects.order_by("pk").values()) == before
    assert list(Agent.objects.order_by("pk").values()) == agents


def test_roster_keeps_history_before_the_files_first_period(teams):
    old = TeamFactory(name="Onboarding", vendor=teams["vendor"])
    ben = AgentFactory(employee_id="E2", email="ben@example.test", team=old, start_date=date(2025, 6, 1))
    load(HEADER + "E2,Ben Brown,ben@example.test,South,2026-03-05,\n")
    assert history(ben) == [("Onboarding", date(2025, 6, 1), date(2026, 3, 5)), ("South", date(2026, 3, 5), None)]
    ben.refresh_from_db()
    assert (ben.team, ben.start_date) == (teams["south"], date(2025, 6, 1))


def test_roster_refuses_bad_rows_with_lines(teams):
    text = HEADER + (
        "E1,Ana,not-an-email,North,2026-01-01,\n"
        "E2,Ben,ben@example.test,North,01/03/2026,\n"
        "E3,Cy,cy@example.test,North,2026-03-05,2026-03-01\n"
        ",Dee,,North,2026-03-05,\n"
    )
    with pytest.raises(imports.ImportRejected) as refused:
        load(text)
    assert [str(error) for error in refused.value.errors] == [
        "line 2: email: not an email address: 'not-an-email'",
        "line 3: start_date: not a date (YYYY-MM-DD): '01/03/2026'",
        "line 4: end_date: 2026-03-01 is before start_date 2026-03-05",
        "line 5: employee_id: employee_id or email is needed to know the agent",
    ]


def test_roster_refuses_a_file_without_the_needed_columns(teams):
    with pytest.raises(imports.ImportRejected) as refused:
        load("name,team\nAna,North\n")
    assert [str(error) for error in refused.value.errors] == [
        "line 1: missing column 'start_date'",
        "line 1: missing column 'employee_id or email'",
    ]


def test_roster_of_a_lead_may_only_name_and_move_their_teams(teams):
    AgentFactory(employee_id="E2", email="ben@example.test", team=teams["south"], start_date=date(2026, 1, 1))
    allowed = [teams["north"].pk]
    with pytest.raises(imports.ImportRejected) as refused:
        load(ROSTER, allowed_team_ids=allowed)
    messages = [str(error) for error in refused.value.errors]
    assert "line 3: team: 'South' is not one of your teams" in messages
    assert "line 3: agent ben@example.test is in South, not your team" in messages
    with pytest.raises(imports.ImportRejected, match="only an admin can create teams"):
        load(HEADER + "E9,Eve,eve@example.test,West,2026-01-01,\n", allowed_team_ids=allowed, create_teams=True)
    summary = load(HEADER + "E1,Ana Alves,ana@example.test,North,2026-01-01,\n", allowed_team_ids=allowed)
    assert summary.agents_created == 1


HR_PROFILE = """
name: hr-export
kind: roster
encoding: cp1252
delimiter: ";"
fields:
  employee_id: Personnel No
  name: Full name
  email: Mail
  team: {column: Department, values: {CS-N: North, CS-S: South}}
  start_date: {column: From, format: "%d.%m.%Y"}
  end_date: {column: To, format: "%d.%m.%Y", empty: ["", "31.12.9999"]}
"""


def test_roster_read_with_a_profile_gives_the_worked_example_history(teams, tmp_path, capsys):
    profile = tmp_path / "hr.yaml"
    profile.write_text(HR_PROFILE)
    export = tmp_path / "hr.csv"
    export.write_bytes(
        "Personnel No;Full name;Mail;Department;From;To\r\n"
        "E2;Ben Brown;BEN@example.test;CS-N;01.01.2026;04.03.2026\r\n"
        "E2;Ben Brown;ben@example.test;CS-S;05.03.2026;31.12.9999\r\n"
        "E1;Ana Alves;ana@example.test;CS-N;01.01.2026;\r\n"
        "E3;Zoë Ávila;zoe@example.test;CS-S;01.03.2026;\r\n".encode("cp1252")
    )
    call_command("import_roster", str(export), "--profile", str(profile))
    assert "3 agents created" in capsys.readouterr().out
    ben = Agent.objects.get(employee_id="E2")
    assert history(ben) == [("North", date(2026, 1, 1), date(2026, 3, 5)), ("South", date(2026, 3, 5), None)]
    assert str(Agent.objects.get(employee_id="E3")) == "Zoë Ávila"
    export.write_bytes(export.read_bytes().replace(b"CS-S;01.03", b"CS-X;01.03"))
    with pytest.raises(CommandError):
        call_command("import_roster", str(export), "--profile", str(profile))
    assert (
        "team: no mapping for 'CS-X' (the profile maps 'CS-N', 'CS-S'): 1 row, first at line 5"
        in capsys.readouterr().err
    )


def test_roster_rejoiner_is_reactivated(teams):
    load(ROSTER.replace("South,2026-03-05,", "South,2026-03-05,2026-03-31"))
    ben = Agent.objects.get(employee_id="E2")
    assert not ben.is_active and not ben.user.is_active
    summary = load(ROSTER.replace("South,2026-03-05,", "South,2026-03-05,2026-03-31") + "E2,,,North,2026-06-01,\n")
    assert (summary.agents_reactivated, summary.memberships_written) == (1, 3)
    ben.refresh_from_db()
    assert ben.is_active and ben.user.is_active and ben.team == teams["north"]
    assert history(ben)[-2:] == [("South", date(2026, 3, 5), date(2026, 4, 1)), ("North", date(2026, 6, 1), None)]


def test_roster_import_reports_progress_on_its_run(teams):
    from imports.models import ImportRun

    data = ROSTER.encode()
    run = ImportRun.objects.create(kind="roster", file_name="roster.csv", bytes_total=len(data))
    seen = []
    roster_import(io.BytesIO(data), run=run, progress=seen.append)
    run.refresh_from_db()
    assert (run.bytes_done, sum(seen)) == (len(data), 3)


def test_profile_import_create_agents_gives_the_moved_agent_the_rosters_history(teams):
    from imports.profiles import load_profile
    from imports.staged import profile_import
    from imports.tests.contact_rows import to_csv

    rows = [
        row("m1", "K1", "ben@example.test", at(6), team="South"),
        row("m2", "K2", "ben@example.test", at(1), team="North"),
        row("m3", "K3", "ben@example.test", at(4), team="North"),
        row("m4", "K4", "ben@example.test", at(5), team="South"),
    ]
    summary = profile_import(io.BytesIO(to_csv(rows).encode()), load_profile("skillhub"), create_agents=True)
    assert summary.agents_created == 1
    ben = Agent.objects.get(email="ben@example.test")
    assert history(ben) == [("North", date(2026, 3, 1), date(2026, 3, 5)), ("South", date(2026, 3, 5), None)]
    assert ben.team == teams["south"]
    roster = (
        HEADER + "E2,Ben Brown,ben@example.test,North,2026-03-01,2026-03-04\nE2,,ben@example.test,South,2026-03-05,\n"
    )
    assert load(roster).memberships_written == 0


def test_create_agents_takes_the_latest_name_given_even_after_the_creating_row(teams, monkeypatch):
    monkeypatch.setattr(imports, "CHUNK_ROWS", 1)
    rows = [
        row("r1", "K1", "cy@example.test", at(2), team="North"),  # creates Cy, no name yet
        row("r2", "K2", "cy@example.test", at(3), team="North", agent_name="Cy Old"),
        row("r3", "K3", "cy@example.test", at(1), team="North", agent_name="Cy Earliest"),
        row("r4", "K4", "cy@example.test", at(4), team="North", agent_name="Cy Cole"),
    ]
    run_import(rows, create_agents=True)
    cy = Agent.objects.get(email="cy@example.test")
    assert (str(cy), history(cy)) == ("Cy Cole", [("North", date(2026, 3, 1), None)])


def test_roster_reports_at_most_the_capped_number_of_errors_and_counts_the_rest(teams, monkeypatch):
    from imports import rosters

    monkeypatch.setattr(rosters, "MAX_REPORTED_ERRORS", 2)
    text = HEADER + "".join(f"E{n},,e{n}@example.test,Nowhere,2026-01-01,\n" for n in range(5))
    with pytest.raises(imports.ImportRejected) as refused:
        load(text)
    assert [error.line for error in refused.value.errors] == [2, 3] and refused.value.more == 3


def _import_by(path: str, rows: list[dict]):
    """Import contact rows through the plain import (`services`) or the profile import (`staged`, whose SkillHub
    profile fills a blank team from the agent's history)."""
    if path == "services":
        return run_import(rows)
    return profile_import(io.BytesIO(to_csv(rows).encode()), BUILTIN["skillhub"])


@pytest.mark.parametrize("path", ["services", "staged"])
def test_roster_moves_only_contacts_whose_team_came_from_the_history(teams, path):
    # Ben in North; on 6 March one contact names North in the file, the other has no team (North from history).
    ben = AgentFactory(email="ben@example.test", team=teams["north"], start_date=date(2026, 1, 1))
    _import_by(path, [row("c9", "K9", ben, at(6), team="North"), row("c10", "K10", ben, at(6))])
    flags = dict(Contact.objects.values_list("external_id", "team_from_history"))
    assert flags == {"c9": False, "c10": True}
    RollupMark.objects.all().delete()
    summary = load(
        HEADER + "E2,Ben Brown,ben@example.test,North,2026-01-01,2026-03-04\n"
        "E2,Ben Brown,ben@example.test,South,2026-03-05,\n"
    )
    assert summary.contacts_moved_days == 1
    assert Contact.objects.get(external_id="c9").team == teams["north"]  # the file said North: it stays
    moved = Contact.objects.get(external_id="c10")
    assert (moved.team, moved.team_from_history) == (teams["south"], True)
    assert set(RollupMark.objects.values_list("agent_id", "day")) == {(ben.pk, date(2026, 3, 6))}


@pytest.mark.parametrize("path", ["services", "staged"])
def test_both_import_paths_set_and_clear_the_team_from_history_flag(teams, path):
    ben = AgentFactory(email="ben@example.test", team=teams["north"], start_date=date(2026, 1, 1))
    _import_by(path, [row("c1", "K1", ben, at(6))])
    assert Contact.objects.get(external_id="c1").team_from_history is True
    # The same team, now named by the file: the contact is updated and no longer follows the history.
    summary = _import_by(path, [row("c1", "K1", ben, at(6), team="North")])
    assert (summary.updated, summary.unchanged) == (1, 0)
    contact = Contact.objects.get(external_id="c1")
    assert (contact.team, contact.team_from_history) == (teams["north"], False)
    summary = _import_by(path, [row("c1", "K1", ben, at(6))])
    assert summary.updated == 1 and Contact.objects.get(external_id="c1").team_from_history is True
    assert _import_by(path, [row("c1", "K1", ben, at(6))]).unchanged == 1
