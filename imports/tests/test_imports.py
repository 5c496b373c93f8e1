import json
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from core.models import Agent, Contact, RollupMark
from imports import services as imports
from imports.tests.contact_rows import row, run_import, to_csv
from metrics.models import AgentDay


@pytest.fixture
def north(team):
    team.name = "North"
    team.save()
    return team


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def good_rows(agent):
    return [
        row("e1", "K1", agent, "2026-03-01T09:00:00Z", csat=5, nps=9),
        row("e2", "K1", agent, "2026-03-03T09:00:00Z", channel="email", resolved="no"),
        row("e3", "K2", agent, "2026-03-02 10:30:00", ces=2, transcript="Hi, my card was charged twice."),
    ]


def test_import_command_reads_csv_and_reimport_changes_nothing(tmp_path, agent, capsys):
    path = write(tmp_path, "contacts.csv", to_csv(good_rows(agent)))
    call_command("import_interactions", path)
    assert "3 created, 0 updated, 0 unchanged" in capsys.readouterr().out
    snapshot = list(Contact.objects.order_by("external_id").values())
    call_command("import_interactions", path)
    assert "0 created, 0 updated, 3 unchanged" in capsys.readouterr().out
    assert list(Contact.objects.order_by("external_id").values()) == snapshot
    contact = Contact.objects.get(external_id="e3")
    assert (contact.day, contact.team_id, contact.ces, contact.resolved) == (date(2026, 3, 2), agent.team_id, 2, True)


def test_import_command_reads_json_lines_with_a_column_map(tmp_path, agent, capsys):
    lines = []
    for item in good_rows(agent):
        item["ticket"] = item.pop("external_id")
        item["agent"] = item.pop("agent_email")
        lines.append(json.dumps(item))
    path = write(tmp_path, "export.jsonl", "\n".join(lines) + "\n")
    call_command("import_interactions", path, "--map", "external_id=ticket", "--map", "agent_email=agent")
    assert Contact.objects.filter(external_id__in=["e1", "e2", "e3"]).count() == 3


def test_import_changed_row_updates_and_marks_old_and_new_place(agent, other_agent):
    run_import(good_rows(agent))
    RollupMark.objects.all().delete()
    moved = {**good_rows(agent)[2], "agent_email": other_agent.email, "started_at": "2026-03-05T10:00:00Z"}
    summary = run_import([moved])
    assert (summary.created, summary.updated, summary.unchanged) == (0, 1, 0)
    marks = set(RollupMark.objects.values_list("agent_id", "day"))
    assert marks == {(agent.pk, date(2026, 3, 2)), (other_agent.pk, date(2026, 3, 5))}


def test_import_dry_run_writes_nothing(tmp_path, agent, capsys):
    path = write(tmp_path, "contacts.csv", to_csv(good_rows(agent)))
    call_command("import_interactions", path, "--dry-run")
    assert "Would import 3 rows: 3 created" in capsys.readouterr().out
    assert not Contact.objects.exists() and not RollupMark.objects.exists()


def test_import_unknown_agent_is_an_error_unless_create_agents(tmp_path, north, capsys):
    rows = [row("n1", "K", "new.person@example.test", "2026-03-01T09:00:00Z", team="North")]
    path = write(tmp_path, "contacts.csv", to_csv(rows))
    with pytest.raises(CommandError):
        call_command("import_interactions", path)
    assert "line 2: agent_email: unknown agent 'new.person@example.test'" in capsys.readouterr().err
    call_command("import_interactions", path, "--create-agents")
    agent = Agent.objects.get(email="new.person@example.test")
    assert (agent.team, Contact.objects.get().agent) == (north, agent)
    # No name column: no name made up from the address; the agent shows as their email.
    assert (agent.user.first_name, agent.user.last_name, str(agent)) == ("", "", "new.person@example.test")


BAD_ROWS = [
    ("started_at", "not-a-date", "started_at: not a date and time"),
    ("csat", "6", "csat: 6 is out of range 1–5"),
    ("ces", "0", "ces: 0 is out of range 1–7"),
    ("nps", "11", "nps: 11 is out of range 0–10"),
    ("nps", "x", "nps: not a whole number"),
    ("channel", "fax", "channel: unknown channel 'fax'"),
    ("resolved", "maybe", "resolved: not yes or no"),
    ("team", "Atlantis", "team: unknown team 'Atlantis'"),
    ("handle_seconds", "-5", "handle_seconds: -5 is out of range"),
    ("agent_email", "ghost@example.test", "agent_email: unknown agent"),
    ("external_id", "", "external_id: required"),
]


@pytest.mark.parametrize(("field", "value", "message"), BAD_ROWS)
def test_import_refuses_bad_row_with_its_line_and_writes_nothing(agent, field, value, message):
    rows = [*good_rows(agent), {**good_rows(agent)[0], "external_id": "bad", field: value}]
    with pytest.raises(imports.ImportRejected) as refused:
        run_import(rows)
    errors = refused.value.errors
    assert len(errors) == 1 and str(errors[0]).startswith(f"line 4: {message}")
    assert not Contact.objects.exists() and not RollupMark.objects.exists() and not AgentDay.objects.exists()


def test_import_lists_every_bad_row_across_chunks_and_duplicates(agent, monkeypatch):
    monkeypatch.setattr(imports, "CHUNK_ROWS", 2)
    rows = [row(f"d{n}", f"K{n}", agent, "2026-03-01T09:00:00Z") for n in range(6)]
    rows[1]["csat"] = "9"
    rows[3]["external_id"] = "d0"  # duplicate of line 1, in another chunk
    rows[4]["external_id"] = "d5"  # duplicate of line 6 inside the same chunk later
    with pytest.raises(imports.ImportRejected) as refused:
        run_import(rows)
    assert [str(error) for error in refused.value.errors] == [
        "line 2: csat: 9 is out of range 1–5",
        "line 4: external_id: duplicate 'd0' (first at line 1)",
        "line 6: external_id: duplicate 'd5' (first at line 5)",
    ]
    assert not Contact.objects.exists()


def test_import_refuses_csv_missing_a_column(tmp_path, agent, capsys):
    text = to_csv(good_rows(agent)).replace("started_at", "start_time", 1)
    path = write(tmp_path, "contacts.csv", text)
    with pytest.raises(CommandError, match="refused"):
        call_command("import_interactions", path)
    assert "line 1: missing column 'started_at'" in capsys.readouterr().err
    assert not Contact.objects.exists()


def test_import_refuses_a_short_csv_line_and_bad_json_line(tmp_path, agent):
    text = to_csv(good_rows(agent)) + "only,three,fields\n"
    with pytest.raises(imports.ImportRejected) as refused:
        imports.interactions_import(rows=imports.read_csv(open(write(tmp_path, "a.csv", text))))
    assert str(refused.value.errors[0]).startswith("line 5: expected 13 columns")
    text = json.dumps(good_rows(agent)[0]) + "\n{not json\n"
    with pytest.raises(imports.ImportRejected) as refused:
        imports.interactions_import(rows=imports.read_json_lines(open(write(tmp_path, "a.jsonl", text))))
    assert str(refused.value.errors[0]).startswith("line 2: not valid JSON")
    assert not Contact.objects.exists()


def test_import_commits_then_rolls_up(agent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        run_import(good_rows(agent))
    assert len(callbacks) == 1
    assert AgentDay.objects.get(day=date(2026, 3, 1)).contacts == 1
    assert not RollupMark.objects.exists()


def test_import_twice_and_rollup_twice_change_nothing(agent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run_import(good_rows(agent))
    before = list(AgentDay.objects.order_by("day").values())
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        summary = run_import(good_rows(agent))
    assert summary.unchanged == 3 and callbacks == []
    call_command("rollup_metrics")
    call_command("rollup_metrics", "--full")
    assert list(AgentDay.objects.order_by("day").values("day", "contacts", "cases", "fcr_cases")) == [
        {k: r[k] for k in ("day", "contacts", "cases", "fcr_cases")} for r in before
    ]


def test_parse_mapping_rejects_unknown_fields():
    assert imports.parse_mapping(["csat=Satisfaction"]) == {"csat": "Satisfaction"}
    with pytest.raises(Exception, match="unknown field"):
        imports.parse_mapping(["colour=Blue"])


def test_import_keeps_transcripts_with_tabs_newlines_and_backslashes(agent):
    text = "Customer:\tHi\\there\nAgent: Hello\r\nCustomer: N/A \\N"
    run_import([row("tr1", "K", agent, "2026-03-01T09:00:00Z", channel="chat", transcript=text)])
    assert Contact.objects.get().transcript == text
    assert run_import([row("tr1", "K", agent, "2026-03-01T09:00:00Z", channel="chat", transcript=text)]).unchanged == 1
