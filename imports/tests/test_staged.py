"""The profile import path: a file staged column by column and validated in SQL (run on SQLite and PostgreSQL)."""

import io
from datetime import UTC, date, datetime

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from core.models import Agent, Contact, ContactChannel, RollupMark, TeamMembership
from core.tests.factories import AgentFactory, TeamFactory, UserFactory
from imports.models import ImportCreated, ImportRun
from imports.profiles import BUILTIN, parse_profile
from imports.services import ImportRejected
from imports.staged import profile_import
from metrics import rollups
from metrics.models import AgentDay

SKILLHUB_HEADER = (
    "external_id,case_id,agent_email,team,channel,started_at,handle_seconds,after_contact_seconds,resolved,"
    "first_contact_resolved,csat,ces,nps"
)


def csv_bytes(*lines: str, encoding: str = "utf-8") -> io.BytesIO:
    return io.BytesIO(("\n".join(lines) + "\n").encode(encoding))


def skillhub_file(agent, *rows: str) -> io.BytesIO:
    return csv_bytes(SKILLHUB_HEADER, *(row.format(email=agent.email) for row in rows))


def errors_of(rejected: pytest.ExceptionInfo) -> list[tuple[int, str, str]]:
    return [(error.line, error.field, error.message) for error in rejected.value.errors]


BASIC = """
name: basic
fields:
  external_id: Id
  case_id: Case
  agent_email: Agent
  team: Team
  channel: Channel
  started_at: Start
  handle_seconds: {column: Talk, format: duration}
  after_contact_seconds: {column: Wrap, format: duration}
  resolved: {column: Done, values: {"Y": "true", "N": "false"}}
"""
BASIC_HEADER = "Id,Case,Agent,Team,Channel,Start,Talk,Wrap,Done"


def basic(extra_fields: str = "", **replace) -> object:
    text = BASIC + extra_fields
    for old, new in replace.items():
        text = text.replace(old, new)
    return parse_profile(text)


def test_skillhub_profile_imports_and_reimport_changes_nothing(agent):
    rows = (
        "e1,K1,{email},,phone,2026-03-01T09:00:00Z,300,60,yes,,5,,9",
        "e2,K1,{email},,email,2026-03-03T09:00:00+01:00,200,40,no,,,,",
        "e3,K2,{email},,chat,2026-03-02 10:30:00,100,0,yes,no,,2,0",
    )
    summary = profile_import(skillhub_file(agent, *rows), BUILTIN["skillhub"])
    assert (summary.rows, summary.created, summary.updated, summary.unchanged) == (3, 3, 0, 0)
    assert summary.no_offset_rows == 1 and summary.timezone == "UTC"
    assert "nps" in summary.fields and "tags" not in summary.fields
    e3 = Contact.objects.get(external_id="e3")
    assert (e3.team_id, e3.day, e3.ces, e3.nps, e3.first_contact_resolved) == (
        agent.team_id,
        date(2026, 3, 2),
        2,
        0,
        False,
    )
    assert Contact.objects.get(external_id="e2").started_at == datetime(2026, 3, 3, 8, 0, tzinfo=UTC)
    snapshot = list(Contact.objects.order_by("external_id").values())
    again = profile_import(skillhub_file(agent, *rows), BUILTIN["skillhub"])
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert list(Contact.objects.order_by("external_id").values()) == snapshot


def test_blank_team_is_the_agents_team_on_the_contacts_day(agent, partner_team):
    TeamMembership.objects.filter(agent=agent).update(end_date=date(2026, 3, 5))
    TeamMembership.objects.create(agent=agent, team=partner_team, start_date=date(2026, 3, 5))
    profile_import(
        skillhub_file(
            agent,
            "e1,K1,{email},,phone,2026-03-04T09:00:00Z,300,60,yes,,,,",
            "e2,K2,{email},,phone,2026-03-05T09:00:00Z,300,60,yes,,,,",
        ),
        BUILTIN["skillhub"],
    )
    teams = dict(Contact.objects.values_list("external_id", "team_id"))
    assert teams == {"e1": agent.team_id, "e2": partner_team.pk}


def test_an_absent_field_leaves_stored_values_alone_and_an_empty_cell_clears(agent, team):
    with_survey = basic("  csat: CSAT\n  ces: CES\n")
    header = BASIC_HEADER + ",CSAT,CES"
    profile_import(
        csv_bytes(header, f"e1,K1,{agent.email},{team.name},phone,2026-03-01T09:00:00Z,300,60,Y,5,3"), with_survey
    )
    without_ces = basic("  csat: CSAT\n")
    summary = profile_import(
        csv_bytes(BASIC_HEADER + ",CSAT", f"e1,K1,{agent.email},{team.name},phone,2026-03-01T09:00:00Z,300,60,Y,4"),
        without_ces,
    )
    assert (summary.updated, summary.fields.count("ces")) == (1, 0)
    assert Contact.objects.values_list("csat", "ces").get() == (4, 3)
    summary = profile_import(
        csv_bytes(header, f"e1,K1,{agent.email},{team.name},phone,2026-03-01T09:00:00Z,300,60,Y,4,"), with_survey
    )
    assert summary.updated == 1
    assert Contact.objects.values_list("csat", "ces").get() == (4, None)


def test_blank_handle_time_is_refused_never_stored_as_zero(agent, team):
    with pytest.raises(ImportRejected) as rejected:
        profile_import(
            csv_bytes(BASIC_HEADER, f"e1,K1,{agent.email},{team.name},phone,2026-03-01T09:00:00Z,,60,Y"), basic()
        )
    assert errors_of(rejected) == [(2, "handle_seconds", "required")]
    assert not Contact.objects.exists()


def test_a_file_that_does_not_fit_is_refused_whole_with_every_line(agent, team):
    ContactChannel.objects.create(code="fax", name="Fax", kind="written", is_active=False)
    lines = [
        BASIC_HEADER,
        f"e1,K1,{agent.email},{team.name},phone,2026-03-01T09:00:00Z,300,60,Y",
        f"e2,K1,{agent.email},{team.name},pigeon,2026-03-01T10:00:00Z,300,60,Y",
        f"e3,K1,{agent.email},{team.name},fax,2026-03-01T10:00:00Z,300,60,Y",
        f"e4,K1,nobody@example.test,{team.name},phone,2026-03-01T10:00:00Z,300,60,Y",
        f"e5,K1,{agent.email},Nowhere,phone,2026-03-01T10:00:00Z,300,60,Y",
        f"e6,K1,{agent.email},{team.name},phone,yesterday,300,60,Y",
        f"e7,K1,{agent.email},{team.name},phone,2026-03-01T10:00:00Z,25:00:00,60,Maybe",
        f"e1,K1,{agent.email},{team.name},phone,2026-03-01T10:00:00Z,300,60,Y",
        "e9,K1",
    ]
    with pytest.raises(ImportRejected) as rejected:
        profile_import(csv_bytes(*lines), basic())
    found = errors_of(rejected)
    assert (
        3,
        "channel",
        "unknown channel 'pigeon' (active channels: chat, email, phone, sms, social, web, whatsapp)",
    ) in found
    assert any(line == 4 and field == "channel" for line, field, _ in found)
    assert (5, "agent_email", "unknown agent 'nobody@example.test' (use --create-agents to add)") in found
    assert (6, "team", "unknown team 'Nowhere'") in found
    assert any(
        line == 7 and field == "started_at" and "not a date and time" in message for line, field, message in found
    )
    assert (8, "handle_seconds", "90000 is out of range 0–86400") in found
    assert any(
        line == 8 and field == "resolved" and "no mapping for 'Maybe'" in message for line, field, message in found
    )
    assert (9, "external_id", "duplicate 'e1' (first at line 2)") in found
    assert (10, "", "expected 9 columns, found 2") in found
    assert not any(line == 2 for line, _, _ in found)
    assert not Contact.objects.exists()


def test_missing_column_is_refused_at_line_1(agent):
    with pytest.raises(ImportRejected) as rejected:
        profile_import(csv_bytes("Id,Case,Agent,Team,Channel,Start,Talk,Wrap"), basic())
    assert rejected.value.errors[0].line == 1
    assert "missing column 'Done'" in rejected.value.errors[0].message


def test_repeated_number_gives_later_rows_a_suffix(agent, team):
    profile = basic(**{"  external_id: Id": "  external_id: {column: Id, repeated: number}"})
    lines = [BASIC_HEADER] + [
        f"{ident},K{n},{agent.email},{team.name},phone,2026-03-01T0{n}:00:00Z,300,60,Y"
        for n, ident in enumerate(["c1", "c2", "c1", "c1"], start=1)
    ]
    profile_import(csv_bytes(*lines), profile)
    assert dict(Contact.objects.values_list("case_id", "external_id")) == {
        "K1": "c1",
        "K2": "c2",
        "K3": "c1-2",
        "K4": "c1-3",
    }


def test_split_after_window_cuts_cases_from_a_requesters_contacts(agent, team, settings):
    settings.REPEAT_WINDOW_DAYS = 7
    profile = basic(**{"  case_id: Case": "  case_id: {column: Case, split_after: window}"})
    lines = [BASIC_HEADER] + [
        f"{ident},{requester},{agent.email},{team.name},email,{start},300,60,Y"
        for ident, requester, start in [
            ("t3", "R1", "2026-03-08T09:00:00Z"),  # 7 days after t1: same case
            ("t1", "R1", "2026-03-01T09:00:00Z"),
            ("t4", "R1", "2026-03-15T09:00:01Z"),  # 7 days and a second after t3: a new case
            ("t5", "R2", "2026-03-02T09:00:00Z"),
        ]
    ]
    profile_import(csv_bytes(*lines), profile)
    cases = dict(Contact.objects.values_list("external_id", "case_id"))
    assert cases == {"t1": "R1:t1", "t3": "R1:t1", "t4": "R1:t4", "t5": "R2:t5"}


def test_otherwise_columns_summed_and_skip(agent, team):
    profile = parse_profile(
        BASIC.replace("  case_id: Case", "  case_id: {column: Case, otherwise: Id}").replace(
            "  handle_seconds: {column: Talk, format: duration}",
            "  handle_seconds: {columns: [Talk, Hold], format: duration}\n"
            "  hold_seconds: {column: Hold, format: duration}",
        )
        + "skip: {column: Agent, when: ['']}\n"
    )
    lines = [
        BASIC_HEADER + ",Hold",
        f"c1,,{agent.email},{team.name},phone,2026-03-01T09:00:00Z,1:00,60,Y,0:30",
        f"c2,K9,{agent.email},{team.name},phone,2026-03-01T09:00:00Z,1:00,60,Y,",
        f"c3,,,{team.name},phone,2026-03-01T09:00:00Z,,,,",
    ]
    summary = profile_import(csv_bytes(*lines), profile)
    assert (summary.rows, summary.skipped, summary.created) == (2, 1, 2)
    got = {
        row[0]: row[1:]
        for row in Contact.objects.values_list("external_id", "case_id", "handle_seconds", "hold_seconds")
    }
    assert got == {"c1": ("c1", 90, 30), "c2": ("K9", 60, None)}


def test_agent_name_is_matched_without_case_or_spaces_and_a_shared_name_is_an_error(team):
    ana = AgentFactory(team=team, user=UserFactory(first_name="Ana", last_name="Souza"))
    profile = basic(**{"  agent_email: Agent": "  agent_name: Agent"})
    profile_import(
        csv_bytes(BASIC_HEADER, f"e1,K1,  ana   SOUZA ,{team.name},phone,2026-03-01T09:00:00Z,300,60,Y"), profile
    )
    assert Contact.objects.get().agent_id == ana.pk
    AgentFactory(team=team, user=UserFactory(first_name="ana", last_name="souza"))
    with pytest.raises(ImportRejected) as rejected:
        profile_import(
            csv_bytes(BASIC_HEADER, f"e2,K1,Ana Souza,{team.name},phone,2026-03-01T09:00:00Z,300,60,Y"), profile
        )
    assert errors_of(rejected) == [
        (2, "agent_name", "2 agents are named 'ana souza': identify agents by agent_email or agent_employee_id")
    ]


def test_agent_employee_id(agent, team):
    profile = basic(**{"  agent_email: Agent": "  agent_employee_id: Agent"})
    profile_import(
        csv_bytes(BASIC_HEADER, f"e1,K1,{agent.employee_id},{team.name},phone,2026-03-01T09:00:00Z,3,6,Y"), profile
    )
    assert Contact.objects.get().agent_id == agent.pk


def test_allowed_team_ids_refuses_rows_of_other_teams(agent, team, partner_team):
    lines = [
        BASIC_HEADER,
        f"e1,K1,{agent.email},{team.name},phone,2026-03-01T09:00:00Z,300,60,Y",
        f"e2,K2,{agent.email},{partner_team.name},phone,2026-03-01T09:00:00Z,300,60,Y",
    ]
    with pytest.raises(ImportRejected) as rejected:
        profile_import(csv_bytes(*lines), basic(), allowed_team_ids={team.pk})
    assert errors_of(rejected) == [(3, "team", f"{partner_team.name!r} is not one of the teams you may import for")]
    profile_import(csv_bytes(*lines[:2]), basic(), allowed_team_ids={team.pk})
    assert Contact.objects.count() == 1


def test_a_leads_upload_cannot_rewrite_another_teams_contact(agent, other_agent, team, partner_team):
    """The row names the lead's own team and agent, but its id is a stored contact of the partner's team."""
    profile_import(
        csv_bytes(BASIC_HEADER, f"X1,K1,{other_agent.email},{partner_team.name},phone,2026-03-01T09:00:00Z,300,60,Y"),
        basic(),
    )
    with pytest.raises(ImportRejected) as rejected:
        profile_import(
            csv_bytes(BASIC_HEADER, f"X1,K1,{agent.email},{team.name},phone,2026-03-01T09:00:00Z,1,1,N"),
            basic(),
            allowed_team_ids={team.pk},
        )
    assert errors_of(rejected) == [(2, "external_id", "'X1' is a contact of a team you may not import for")]
    stored = Contact.objects.get()
    assert (stored.agent_id, stored.team_id, stored.handle_seconds) == (other_agent.pk, partner_team.pk, 300)


def test_a_leads_upload_cannot_write_contacts_onto_another_teams_agent(agent, other_agent, team):
    """The team column names the lead's team, but the agent worked in the partner's team that day."""
    with pytest.raises(ImportRejected) as rejected:
        profile_import(
            csv_bytes(BASIC_HEADER, f"e1,K1,{other_agent.email},{team.name},phone,2026-03-01T09:00:00Z,300,60,Y"),
            basic(),
            allowed_team_ids={team.pk},
        )
    assert errors_of(rejected) == [
        (2, "agent_email", f"{other_agent.email!r} was not in a team you may import for on that day")
    ]
    assert not Contact.objects.exists()


def test_dry_run_writes_nothing(agent, team):
    line = f"e1,K1,{agent.email},{team.name},phone,2026-03-01T09:00:00Z,300,60,Y"
    summary = profile_import(csv_bytes(BASIC_HEADER, line), basic(), dry_run=True)
    assert (summary.created, summary.dry_run) == (1, True)
    assert not Contact.objects.exists() and not RollupMark.objects.exists()


def test_run_records_the_contacts_it_created(agent, team):
    line = f"e1,K1,{agent.email},{team.name},phone,2026-03-01T09:00:00Z,300,60,Y"
    profile_import(csv_bytes(BASIC_HEADER, line), basic())
    run = ImportRun.objects.create(file_name="x.csv")
    lines = [BASIC_HEADER, line.replace(",300,", ",301,"), line.replace("e1,K1", "e2,K2")]
    summary = profile_import(csv_bytes(*lines), basic(), run=run)
    assert (summary.created, summary.updated) == (1, 1)
    assert list(ImportCreated.objects.filter(run=run).values_list("contact__external_id", flat=True)) == ["e2"]


def test_changed_contact_marks_old_and_new_place_and_its_case(agent, other_agent, team, partner_team):
    lines = [
        BASIC_HEADER,
        f"e1,K1,{agent.email},{team.name},phone,2026-03-01T09:00:00Z,300,60,Y",
        f"e2,K1,{agent.email},{team.name},phone,2026-03-02T09:00:00Z,300,60,Y",
    ]
    profile_import(csv_bytes(*lines), basic())
    RollupMark.objects.all().delete()
    moved = f"e2,K1,{other_agent.email},{partner_team.name},phone,2026-03-04T09:00:00Z,300,60,Y"
    profile_import(csv_bytes(BASIC_HEADER, moved), basic())
    marks = set(RollupMark.objects.values_list("agent_id", "day"))  # whole days: the rollup rebuilds days
    assert marks == {(None, date(2026, 3, 1)), (None, date(2026, 3, 2)), (None, date(2026, 3, 4))}


def test_richer_fields_are_stored(agent, team):
    extra = (
        "  tags: Tags\n  reason: Reason\n  escalated: {column: Esc, values: {'TRUE': 'true', 'FALSE': 'false'}}\n"
        "  language: Lang\n  customer_id: Customer\n  survey_comment: Comment\n  recording_url: Recording\n"
        "  complaint: Complaint\n  transferred: Transferred\n  nps: NPS\n"
    )
    header = BASIC_HEADER + ",Tags,Reason,Esc,Lang,Customer,Comment,Recording,Complaint,Transferred,NPS"
    line = (
        f"e1,K1,{agent.email},{team.name},phone,2026-03-01T09:00:00Z,300,60,Y,"
        "billing; refund ;;vip,Billing,TRUE,pt-PT,C-9,Too slow,https://rec.example.test/1,no,yes,0"
    )
    profile_import(csv_bytes(header, line), basic(extra))
    contact = Contact.objects.get()
    assert contact.tags == ["billing", "refund", "vip"]
    assert (contact.reason, contact.escalated, contact.language, contact.customer_id) == (
        "Billing",
        True,
        "pt-PT",
        "C-9",
    )
    assert (contact.survey_comment, contact.recording_url) == ("Too slow", "https://rec.example.test/1")
    assert (contact.complaint, contact.transferred, contact.nps) == (False, True, 0)
    again = profile_import(csv_bytes(header, line), basic(extra))
    assert again.unchanged == 1


def test_create_agents_takes_the_history_and_name_from_the_file(team, partner_team):
    profile = basic("  agent_name: Name\n")
    lines = [
        BASIC_HEADER + ",Name",
        f"e1,K1,new.person@example.test,{team.name},phone,2026-03-01T09:00:00Z,300,60,Y,Ana Lucia Souza",
        f"e2,K2,new.person@example.test,{partner_team.name},phone,2026-03-05T09:00:00Z,300,60,Y,Ana Lucia Souza",
    ]
    with pytest.raises(ImportRejected):
        profile_import(csv_bytes(*lines), profile)
    summary = profile_import(csv_bytes(*lines), profile, create_agents=True)
    assert (summary.agents_created, summary.created) == (1, 2)
    agent = Agent.objects.get(email="new.person@example.test")
    assert (agent.user.first_name, agent.user.last_name) == ("Ana", "Lucia Souza")
    history = list(
        TeamMembership.objects.filter(agent=agent).order_by("start_date").values_list("team_id", "start_date")
    )
    assert history == [(team.pk, date(2026, 3, 1)), (partner_team.pk, date(2026, 3, 5))]


def test_progress_gets_every_byte(agent, team):
    lines = [BASIC_HEADER] + [
        f"e{n},K{n},{agent.email},{team.name},phone,2026-03-01T09:00:00Z,300,60,Y" for n in range(50)
    ]
    binary = csv_bytes(*lines)
    seen = []
    profile_import(binary, basic(), progress=seen.append)
    assert sum(seen) == len(binary.getvalue())


def test_command_with_a_profile_prints_the_summary_and_grouped_errors(tmp_path, agent, team, capsys):
    path = tmp_path / "calls.csv"
    path.write_text(
        "\n".join(
            [
                BASIC_HEADER,
                f"e1,K1,{agent.email},{team.name},phone,2026-03-01 09:00,300,60,Y",
                f"e2,K2,{agent.email},{team.name},phone,2026-03-01 10:00,300,60,Y",
            ]
        )
        + "\n"
    )
    profile_path = tmp_path / "basic.yaml"
    profile_path.write_text(BASIC)
    call_command("import_interactions", str(path), "--profile", str(profile_path))
    out = capsys.readouterr().out
    assert "Imported 2 rows: 2 created, 0 updated, 0 unchanged" in out
    assert "2 rows had no UTC offset and were read in UTC" in out
    assert "Fields written: external_id, case_id" in out
    path.write_text(
        "\n".join(
            [BASIC_HEADER] + [f"x{n},K,{agent.email},{team.name},pigeon,2026-03-01 09:00,1,1,Y" for n in range(5)]
        )
    )
    with pytest.raises(CommandError):
        call_command("import_interactions", str(path), "--profile", str(profile_path), "--show-lines", "2")
    err = capsys.readouterr().err
    assert "channel: unknown channel 'pigeon' (active channels: chat, email, phone, sms, social, web, whatsapp)" in err
    assert "whatsapp): 5 rows, first at lines 2, 3, 4" in err
    assert err.count("\n  line ") == 2  # two lines shown after the group


def test_command_refuses_an_unknown_profile(tmp_path, db):
    path = tmp_path / "x.csv"
    path.write_text("a\n")
    with pytest.raises(CommandError, match="No profile 'nope'"):
        call_command("import_interactions", str(path), "--profile", "nope")


def test_days_are_counted_in_time_zone_and_naive_times_read_in_the_profiles_zone(agent, team, settings):
    settings.TIME_ZONE = "Europe/Lisbon"
    profile = basic("timezone: America/New_York\n")
    lines = [
        BASIC_HEADER,
        f"e1,K1,{agent.email},{team.name},phone,2026-03-29T23:30:00+00:00,300,60,Y",  # 00:30 on the 30th in Lisbon
        f"e2,K2,{agent.email},{team.name},phone,2026-03-07T20:30:00,300,60,Y",  # New York, UTC-5: 01:30 UTC
    ]
    summary = profile_import(csv_bytes(*lines), profile)
    assert (summary.no_offset_rows, summary.timezone) == (1, "America/New_York")
    got = {row[0]: row[1:] for row in Contact.objects.values_list("external_id", "day", "started_at")}
    assert got["e1"][0] == date(2026, 3, 30)
    assert got["e2"] == (date(2026, 3, 8), datetime(2026, 3, 8, 1, 30, tzinfo=UTC))


def test_a_time_in_the_spring_gap_refuses_the_file_at_its_line(agent, team):
    profile = basic("timezone: Europe/Lisbon\n")
    lines = [
        BASIC_HEADER,
        f"e1,K1,{agent.email},{team.name},phone,2026-03-29T00:30,300,60,Y",
        f"e2,K2,{agent.email},{team.name},phone,2026-03-29T01:30,300,60,Y",
        f"e3,K3,{agent.email},{team.name},phone,2026-10-25T01:30,300,60,Y",
    ]
    with pytest.raises(ImportRejected) as rejected:
        profile_import(csv_bytes(*lines), profile)
    assert errors_of(rejected) == [
        (3, "started_at", "'2026-03-29T01:30' does not exist in Europe/Lisbon (the clocks went forward that night)")
    ]
    profile_import(csv_bytes(lines[0], lines[1], lines[3]), profile)
    assert Contact.objects.get(external_id="e3").started_at == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


def test_zero_placeholder_for_ces_and_a_real_nps_of_zero(agent, team):
    profile = basic("  ces: {column: CES, empty: ['', '0']}\n  nps: NPS\n  csat: CSAT\n")
    lines = [
        BASIC_HEADER + ",CES,NPS,CSAT",
        f"e1,K1,{agent.email},{team.name},phone,2026-03-01T09:00:00Z,300,60,Y,0,0,",
        f"e2,K2,{agent.email},{team.name},phone,2026-03-01T09:00:00Z,300,60,Y,8,11,0",
    ]
    with pytest.raises(ImportRejected) as rejected:
        profile_import(csv_bytes(*lines), profile)
    assert errors_of(rejected) == [
        (3, "ces", "8 is out of range 1–7"),
        (3, "csat", "0 is out of range 1–5"),
        (3, "nps", "11 is out of range 0–10"),
    ]
    profile_import(csv_bytes(*lines[:2]), profile)
    assert Contact.objects.values_list("ces", "nps", "csat").get() == (None, 0, None)


@pytest.mark.parametrize("rows", [3, 120])
def test_the_number_of_queries_does_not_grow_with_the_file(agent, team, rows, django_assert_max_num_queries):
    lines = [BASIC_HEADER] + [
        f"e{n},K{n % 7},{agent.email},{team.name},phone,2026-03-01T09:{n % 60:02d}:00Z,300,60,Y" for n in range(rows)
    ]
    with django_assert_max_num_queries(40):
        summary = profile_import(csv_bytes(*lines), basic())
    assert summary.created == rows


def test_a_profile_without_a_zone_follows_time_zone_when_the_file_is_read(agent, settings):
    BUILTIN["skillhub"]  # parsed under the default zone
    settings.TIME_ZONE = "Europe/Lisbon"
    summary = profile_import(
        skillhub_file(agent, "e1,K1,{email},,phone,2026-07-01 09:00:00,300,60,yes,,,,"), BUILTIN["skillhub"]
    )
    assert (summary.timezone, summary.no_offset_rows) == ("Europe/Lisbon", 1)
    assert Contact.objects.get().started_at == datetime(2026, 7, 1, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "the file is empty"),
        (b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\xff\xfe\x80", "the file is a zip archive"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "the file is a PDF document"),
        (b"Id;Case\n\xe9t\xe9;x\n", "line 2: not valid utf-8 text (byte 0xE9)"),
        (BASIC_HEADER.encode() + b'\n"e1,K1' + b"x" * 200_000 + b"\n", "not valid CSV"),
        (BASIC_HEADER.encode() + b"\ne1,K1,a\x00b,T,phone,2026-03-01T09:00Z,1,1,Y\n", ""),
    ],
)
def test_hostile_files_are_refused_with_a_reason_never_a_traceback(db, content, expected):
    with pytest.raises(ImportRejected) as rejected:
        profile_import(io.BytesIO(content), basic())
    assert rejected.value.errors
    assert expected in str(rejected.value.errors[0])
    assert not Contact.objects.exists()


def test_summed_columns_with_a_blank_first_part_are_missing_not_the_other_parts(db):
    """A blank talk time is a missing handle time (an error, since it is required), never the hold alone or 0."""
    team = TeamFactory(name="North")
    AgentFactory(team=team, employee_id="A-1")
    header = (
        "Call ID;Case ID;Agent ID;Agent Name;Queue;Start Time;Talk Time;Hold Time;Wrap Time;Resolved;FCR;"
        "Transferred;CSAT;Effort;Recording URL\r\n"
    )
    rows = (
        "C1;K1;A-1;Ana;North;03/01/2026 09:00:00;;00:00:30;10;Y;;N;;;\r\n"
        "C2;K2;A-1;Ana;North;03/01/2026 10:00:00;;0;10;Y;;N;;;\r\n"
        "C3;K3;A-1;Ana;North;03/01/2026 11:00:00;02:00;;10;Y;;N;;;\r\n"
    )
    with pytest.raises(ImportRejected) as refused:
        profile_import(io.BytesIO((header + rows).encode()), BUILTIN["acd"])
    bad = {(error.line, error.field) for error in refused.value.errors}
    assert bad == {(2, "handle_seconds"), (3, "handle_seconds")}
    assert not Contact.objects.exists()


def test_a_new_contact_joining_a_case_of_an_earlier_import_marks_the_cases_stored_contacts(agent, other_agent, team):
    """A repeat contact changes its case's first day: the earlier import's contacts of that case are marked too."""
    first = f"e1,K1,{agent.email},{team.name},phone,2026-03-01T09:00:00Z,300,60,Y"
    profile_import(csv_bytes(BASIC_HEADER, first), basic())
    RollupMark.objects.all().delete()
    repeat = f"e2,K1,{other_agent.email},{team.name},phone,2026-03-03T09:00:00Z,300,60,Y"
    summary = profile_import(csv_bytes(BASIC_HEADER, repeat), basic())
    assert (summary.created, summary.updated) == (1, 0)
    marks = set(RollupMark.objects.values_list("agent_id", "day"))
    assert marks == {(None, date(2026, 3, 1)), (None, date(2026, 3, 3))}


def test_an_id_stored_by_another_import_meanwhile_refuses_the_file_and_writes_nothing(agent, team, monkeypatch):
    """New ids are written by a plain INSERT: one that another import stored after the comparison refuses the file
    at its line (never a database error), and nothing of the file is written."""
    import imports.staged as staged

    insert_new = staged._insert_new

    def racing(*args, **kwargs):
        Contact.objects.create(
            external_id="e2",
            case_id="K9",
            agent=agent,
            team=team,
            channel="phone",
            started_at=datetime(2026, 3, 1, 8, tzinfo=UTC),
            day=date(2026, 3, 1),
            handle_seconds=1,
            after_contact_seconds=0,
            resolved=True,
        )
        return insert_new(*args, **kwargs)

    monkeypatch.setattr(staged, "_insert_new", racing)
    lines = [BASIC_HEADER] + [
        f"e{n},K{n},{agent.email},{team.name},phone,2026-03-01T09:00:00Z,300,60,Y" for n in range(1, 4)
    ]
    with pytest.raises(ImportRejected) as rejected:
        profile_import(csv_bytes(*lines), basic())
    assert errors_of(rejected) == [
        (3, "external_id", "'e2' was stored by another import meanwhile: import the file again")
    ]
    assert not Contact.objects.exists()
    assert not RollupMark.objects.exists()


def test_text_cells_too_long_or_with_nul_are_reported_at_their_lines(agent, team):
    """Text columns are checked a column at a time; a problem sends that column through the per-cell reading."""
    lines = [
        BASIC_HEADER,
        f"e1,K1,{agent.email},{team.name},phone,2026-03-01T09:00:00Z,300,60,Y",
        f"{'x' * 101},K2,{agent.email},{team.name},phone,2026-03-01T09:00:00Z,300,60,Y",
        f"e3,K\x003,{agent.email},{team.name},phone,2026-03-01T09:00:00Z,300,60,Y",
        f"e4,Kö4,{agent.email},{team.name},phone,2026-03-01T09:00:00Z,300,60,Y",
    ]
    with pytest.raises(ImportRejected) as rejected:
        profile_import(csv_bytes(*lines), basic())
    assert errors_of(rejected) == [
        (3, "external_id", "longer than 100 characters"),
        (4, "case_id", "contains a NUL character"),
    ]
    assert not Contact.objects.exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL session settings")
def test_an_import_on_a_connection_that_used_temporary_tables_before_keeps_the_default_buffers(agent, team):
    line = f"e1,K1,{agent.email},{team.name},phone,2026-03-01T09:00:00Z,300,60,Y"
    profile_import(csv_bytes(BASIC_HEADER, line), basic())  # the session's temporary tables are in use now
    connection._profile_sized = None  # as if this connection had never tried
    summary = profile_import(csv_bytes(BASIC_HEADER, line.replace("e1,K1", "e2,K2")), basic())
    assert summary.created == 1
    with connection.cursor() as cursor:
        cursor.execute("SHOW work_mem")
        assert cursor.fetchone()[0] == "64MB"  # the transaction's settings still apply


def _requester_file(agent, team, *rows: tuple[str, str, str]) -> io.BytesIO:
    return csv_bytes(
        BASIC_HEADER,
        *(f"{ident},{requester},{agent.email},{team.name},email,{start},300,60,Y" for ident, requester, start in rows),
    )


def _requester_profile():
    return basic(**{"  case_id: Case": "  case_id: {column: Case, split_after: window}"})


def _case_figures(agent) -> dict[date, tuple[int, int, int]]:
    rollups.rollup_pending()
    return {row.day: (row.contacts, row.cases, row.fcr_cases) for row in AgentDay.objects.filter(agent=agent)}


def test_split_after_cases_continue_across_files(agent, team, settings):
    """Weekly exports: a requester's contact in the second file within the window of their contact in the first
    continues that case (one case, not FCR), the chain goes on from there, and the stored contact's day is marked."""
    settings.REPEAT_WINDOW_DAYS = 7
    profile = _requester_profile()
    profile_import(_requester_file(agent, team, ("t1", "R1", "2026-03-06T09:00:00Z")), profile)
    assert _case_figures(agent) == {date(2026, 3, 6): (1, 1, 1)}
    second = (("t2", "R1", "2026-03-09T09:00:00Z"), ("t3", "R1", "2026-03-12T09:00:00Z"))
    profile_import(_requester_file(agent, team, *second), profile)
    cases = dict(Contact.objects.values_list("external_id", "case_id"))
    assert cases == {"t1": "R1:t1", "t2": "R1:t1", "t3": "R1:t1"}
    assert (None, date(2026, 3, 6)) in set(RollupMark.objects.values_list("agent_id", "day"))
    assert _case_figures(agent) == {
        date(2026, 3, 6): (1, 1, 0),
        date(2026, 3, 9): (1, 0, 0),
        date(2026, 3, 12): (1, 0, 0),
    }


def test_split_after_gap_longer_than_the_window_across_files_starts_a_new_case(agent, team, settings):
    settings.REPEAT_WINDOW_DAYS = 7
    profile = _requester_profile()
    first = (("t1", "R1", "2026-03-01T09:00:00Z"), ("u1", "R10", "2026-03-06T09:00:00Z"))
    profile_import(_requester_file(agent, team, *first), profile)
    # t2 comes 7 days and a second after t1; R1 is a prefix of R10, whose case stays its own.
    second = (("t2", "R1", "2026-03-08T09:00:01Z"), ("u2", "R10", "2026-03-09T09:00:00Z"))
    profile_import(_requester_file(agent, team, *second), profile)
    cases = dict(Contact.objects.values_list("external_id", "case_id"))
    assert cases == {"t1": "R1:t1", "t2": "R1:t2", "u1": "R10:u1", "u2": "R10:u1"}
    assert _case_figures(agent)[date(2026, 3, 1)] == (1, 1, 1)
    assert _case_figures(agent)[date(2026, 3, 8)] == (1, 1, 1)


def test_split_after_reimporting_the_files_keeps_the_case_ids(agent, team, settings):
    settings.REPEAT_WINDOW_DAYS = 7
    profile = _requester_profile()
    first = (("t1", "R1", "2026-03-06T09:00:00Z"),)
    second = (("t2", "R1", "2026-03-09T09:00:00Z"), ("t3", "R2", "2026-03-10T09:00:00Z"))
    profile_import(_requester_file(agent, team, *first), profile)
    profile_import(_requester_file(agent, team, *second), profile)
    expected = {"t1": "R1:t1", "t2": "R1:t1", "t3": "R2:t3"}
    assert dict(Contact.objects.values_list("external_id", "case_id")) == expected
    for rows in (second, first, second):
        summary = profile_import(_requester_file(agent, team, *rows), profile)
        assert (summary.created, summary.updated, summary.unchanged) == (0, 0, len(rows))
    assert dict(Contact.objects.values_list("external_id", "case_id")) == expected


def test_progress_may_use_the_database_while_chunks_are_copied(agent, team, monkeypatch):
    """A chunk's COPY runs while the next chunk is read: progress is called only when no COPY is streaming."""
    import imports.staged as staged

    monkeypatch.setattr(staged, "CHUNK_ROWS", 2)
    lines = [BASIC_HEADER] + [
        f"e{n},K{n},{agent.email},{team.name},phone,2026-03-01T09:{n:02d}:00Z,300,60,Y" for n in range(7)
    ]
    binary = csv_bytes(*lines)
    seen = []

    def progress(read):
        seen.append((read, Contact.objects.count()))

    summary = profile_import(binary, basic(), progress=progress)
    assert summary.created == 7
    assert sum(read for read, _ in seen) == len(binary.getvalue())
    assert len(seen) >= 4 and all(count == 0 for _, count in seen)
