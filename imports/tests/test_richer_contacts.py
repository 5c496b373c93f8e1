"""Imports against the channel catalogue, the richer contact fields and turns, and fields a file lacks."""

import csv
import io
import json
from datetime import UTC, datetime

import pytest
from django.core.management import call_command
from django.urls import reverse

from core.models import Contact, ContactChannel, ContactTurn
from imports import services as imports
from imports.tests.contact_rows import row, run_import

pytestmark = pytest.mark.django_db

REQUIRED_ONLY = ["external_id", "case_id", "agent_email", "channel", "started_at", "handle_seconds",
                 "after_contact_seconds", "resolved"]  # fmt: skip


def csv_text(rows: list[dict], columns: list[str]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def csv_import(text: str, **options) -> imports.ImportSummary:
    lines = imports.text_lines(io.BytesIO(text.encode()))
    return imports.interactions_import(rows=imports.read_csv(lines), **options)


def bare(external_id, agent, **fields) -> dict:
    """A row with the required fields only (and `fields`)."""
    base = {key: value for key, value in row(external_id, "K1", agent, "2026-03-01T09:00:00Z").items()}
    return {key: base[key] for key in REQUIRED_ONLY} | fields


def refused(rows) -> list[str]:
    with pytest.raises(imports.ImportRejected) as rejected:
        run_import(rows)
    return [str(error) for error in rejected.value.errors]


# --- channels -------------------------------------------------------------------------------------------------


def test_import_takes_a_catalogue_channel_whatever_its_case(agent):
    run_import([bare("w1", agent, channel="WhatsApp"), bare("w2", agent, channel="sms")])
    assert dict(Contact.objects.values_list("external_id", "channel")) == {"w1": "whatsapp", "w2": "sms"}


def test_import_takes_a_channel_an_admin_added(agent):
    ContactChannel.objects.create(code="line", name="LINE", kind="messaging")
    run_import([bare("l1", agent, channel="line")])
    assert Contact.objects.get().channel == "line"


def test_import_refuses_an_unknown_or_inactive_channel_listing_the_codes(agent):
    ContactChannel.objects.filter(code="sms").update(is_active=False)
    errors = refused([bare("f1", agent, channel="fax"), bare("f2", agent, channel="sms")])
    assert errors[0].startswith("line 1: channel: unknown channel 'fax' (one of chat, email, phone, social, web, ")
    assert errors[1].startswith("line 2: channel: unknown channel 'sms'") and "sms," not in errors[1]


# --- the richer fields ----------------------------------------------------------------------------------------

RICH = {
    "reason": "billing",
    "tags": "vip; refund;;vip",
    "escalated": "yes",
    "transferred": "no",
    "complaint": "Y",
    "hold_seconds": "45",
    "language": "pt-PT",
    "customer_id": "CUST-7",
    "survey_comment": "Quick and kind.",
    "recording_url": "https://recordings.example/calls/7.mp3",
}


def test_csv_import_stores_the_richer_fields_and_a_reimport_changes_nothing(agent):
    text = csv_text([bare("r1", agent, **RICH)], [*REQUIRED_ONLY, *RICH])
    assert csv_import(text).created == 1
    contact = Contact.objects.get()
    assert (contact.reason, contact.tags, contact.escalated, contact.transferred, contact.complaint) == (
        "billing",
        ["vip", "refund"],
        True,
        False,
        True,
    )
    assert (contact.hold_seconds, contact.language, contact.customer_id) == (45, "pt-PT", "CUST-7")
    assert contact.survey_comment == "Quick and kind."
    assert contact.recording_url == "https://recordings.example/calls/7.mp3"
    summary = csv_import(text)
    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 1)


def test_api_rows_take_tags_as_a_json_list(agent):
    run_import([bare("j1", agent, tags=["vip", " refund "], hold_seconds=12, escalated=True)])
    contact = Contact.objects.get()
    assert (contact.tags, contact.hold_seconds, contact.escalated) == (["vip", "refund"], 12, True)
    assert run_import([bare("j1", agent, tags=["vip", "refund"], hold_seconds=12, escalated=True)]).unchanged == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("language", "portuguese!", "language: not a language tag like en or pt-PT"),
        ("language", "p", "language: not a language tag"),
        ("recording_url", "ftp://recordings.example/1", "recording_url: not an http or https URL"),
        ("recording_url", "not a url", "recording_url: not an http or https URL"),
        ("tags", {"a": 1}, "tags: expected text separated by ';' or a list of strings"),
        ("tags", ["ok", 3], "tags: expected text separated by ';' or a list of strings"),
        ("escalated", "maybe", "escalated: not yes or no"),
        ("complaint", "sometimes", "complaint: not yes or no"),
        ("hold_seconds", "-1", "hold_seconds: -1 is out of range"),
        ("hold_seconds", "1.5", "hold_seconds: not a whole number"),
        ("reason", "x" * 101, "reason: longer than 100 characters"),
        ("customer_id", ["C1"], "customer_id: expected a single value"),
        ("survey_comment", "x" * (imports.MAX_TRANSCRIPT_CHARS + 1), "survey_comment: longer than 100,000"),
    ],
)
def test_import_refuses_a_bad_richer_field_with_its_line_and_field(agent, field, value, message):
    errors = refused([bare("ok", agent), bare("bad", agent, **{field: value})])
    assert len(errors) == 1 and errors[0].startswith(f"line 2: {message}"), errors
    assert not Contact.objects.exists()


def test_language_takes_bcp47_shapes(agent):
    for n, tag in enumerate(["en", "pt-PT", "zh-Hant-TW", "es-419", "de-CH-1996"]):
        run_import([bare(f"lang{n}", agent, language=tag)])
    assert Contact.objects.count() == 5


# --- turns ----------------------------------------------------------------------------------------------------

TURNS = [
    {"author": "customer", "at": "2026-03-01T09:00:05Z", "text": "My parcel never came."},
    {"author": "bot", "at": None, "text": "Connecting you to an agent."},
    {"author": "agent", "at": "2026-03-01 09:01:00", "text": "Sorry! I've opened a trace."},
]


def test_messages_are_stored_as_turns_and_a_reimport_changes_nothing(agent):
    assert run_import([bare("t1", agent, channel="chat", messages=TURNS)]).created == 1
    turns = list(ContactTurn.objects.order_by("position").values_list("position", "author", "at", "text"))
    assert turns == [
        (0, "customer", datetime(2026, 3, 1, 9, 0, 5, tzinfo=UTC), "My parcel never came."),
        (1, "bot", None, "Connecting you to an agent."),
        (2, "agent", datetime(2026, 3, 1, 9, 1, tzinfo=UTC), "Sorry! I've opened a trace."),  # naive: TIME_ZONE
    ]
    summary = run_import([bare("t1", agent, channel="chat", messages=TURNS)])
    assert (summary.updated, summary.unchanged) == (0, 1)
    assert "messages" in summary.fields


def test_changed_messages_replace_the_turns_and_count_as_updated(agent):
    run_import([bare("t1", agent, channel="chat", messages=TURNS)])
    summary = run_import([bare("t1", agent, channel="chat", messages=TURNS[:1])])
    assert (summary.updated, summary.unchanged) == (1, 0)
    assert list(ContactTurn.objects.values_list("text", flat=True)) == ["My parcel never came."]


def test_absent_messages_leave_the_turns_and_empty_messages_clear_them(agent):
    run_import([bare("t1", agent, channel="chat", messages=TURNS)])
    summary = run_import([bare("t1", agent, channel="chat")])
    assert summary.unchanged == 1 and "messages" not in summary.fields
    assert ContactTurn.objects.count() == 3
    assert run_import([bare("t1", agent, channel="chat", messages=[])]).updated == 1
    assert not ContactTurn.objects.exists()


@pytest.mark.parametrize(
    ("messages", "message"),
    [
        ("hello", "messages: expected a list of turns"),
        ([{"author": "robot", "text": "hi"}], "messages[0].author: 'robot' is not one of agent, customer, bot"),
        ([{"author": "agent", "text": 5}], "messages[0].text: expected text"),
        ([{"author": ["agent"], "text": "hi"}], "messages[0].author: ['agent'] is not one of agent, customer, bot"),
        ([{"author": "agent", "text": "hi", "at": "yesterday"}], "messages[0].at: not a date and time"),
        ([{"author": "agent", "text": "hi", "at": "1900-01-01T00:00:00"}], "messages[0].at: not a date and time"),
        ([{"author": "agent", "text": "hi", "who": "me"}], "messages[0]: unknown key 'who'"),
        (["hi"], "messages[0]: expected an object"),
        (
            [{"author": "agent", "text": "x" * 60_000}, {"author": "customer", "text": "y" * 60_000}],
            "messages: the turns' texts total 120,000 characters; at most 100,000",
        ),
    ],
)
def test_bad_messages_are_refused_with_the_turn_and_field(agent, messages, message):
    errors = refused([bare("t1", agent, channel="chat", messages=messages)])
    assert errors == [f"line 1: {message}"] or errors[0].startswith(f"line 1: {message}"), errors
    assert not Contact.objects.exists() and not ContactTurn.objects.exists()


def test_json_lines_file_carries_messages(tmp_path, agent):
    path = tmp_path / "chats.jsonl"
    path.write_text(json.dumps(bare("t9", agent, channel="chat", messages=TURNS)) + "\n", encoding="utf-8")
    call_command("import_interactions", str(path))
    assert ContactTurn.objects.filter(contact__external_id="t9").count() == 3


# --- fields a file lacks are left alone (the silent data loss defect) -----------------------------------------


def test_reimport_without_optional_columns_keeps_the_stored_values(agent):
    full = [*REQUIRED_ONLY, "first_contact_resolved", "csat", "ces", "nps", "reason"]
    first = bare("d1", agent, first_contact_resolved="no", csat="5", ces="2", nps="9", reason="billing")
    csv_import(csv_text([first], full))
    summary = csv_import(csv_text([bare("d1", agent)], REQUIRED_ONLY))
    assert (summary.updated, summary.unchanged) == (0, 1)
    assert summary.fields == ["external_id", "case_id", "agent_email", "team", "channel", "started_at",
                              "handle_seconds", "after_contact_seconds", "resolved"]  # fmt: skip
    contact = Contact.objects.get()
    assert (contact.first_contact_resolved, contact.csat, contact.ces, contact.nps, contact.reason) == (
        False,
        5,
        2,
        9,
        "billing",
    )


def test_a_present_empty_cell_clears_a_stored_value(agent):
    columns = [*REQUIRED_ONLY, "ces", "nps"]
    csv_import(csv_text([bare("d1", agent, ces="2", nps="9")], columns))
    summary = csv_import(csv_text([bare("d1", agent, ces="", nps="9")], columns))
    assert summary.updated == 1 and summary.fields[-2:] == ["ces", "nps"]
    assert Contact.objects.values_list("ces", "nps").get() == (None, 9)


def test_a_changed_row_updates_only_the_fields_its_file_carries(agent):
    csv_import(
        csv_text([bare("d1", agent, csat="4", transcript="Customer: hi")], [*REQUIRED_ONLY, "csat", "transcript"])
    )
    summary = csv_import(csv_text([bare("d1", agent, handle_seconds="500")], REQUIRED_ONLY))
    assert summary.updated == 1
    assert Contact.objects.values_list("handle_seconds", "csat", "transcript").get() == (500, 4, "Customer: hi")


def test_json_rows_write_the_keys_each_row_carries(agent):
    run_import([bare("a", agent, csat=5, ces=3), bare("b", agent, csat=4, ces=2)])
    summary = run_import([bare("a", agent, csat=2), bare("b", agent, ces=6)])
    assert summary.updated == 2 and {"csat", "ces"} <= set(summary.fields)
    assert dict((e, (c, s)) for e, c, s in Contact.objects.values_list("external_id", "csat", "ces")) == {
        "a": (2, 3),
        "b": (4, 6),
    }


def test_a_new_contact_without_optional_columns_gets_empty_values(agent):
    csv_import(csv_text([bare("n1", agent)], REQUIRED_ONLY))
    contact = Contact.objects.get()
    assert (contact.csat, contact.transcript, contact.tags, contact.reason, contact.escalated) == (
        None,
        "",
        [],
        "",
        None,
    )


def test_the_command_says_which_fields_it_wrote(tmp_path, agent, capsys):
    path = tmp_path / "few.csv"
    path.write_text(csv_text([bare("c1", agent, csat="5")], [*REQUIRED_ONLY, "csat"]), encoding="utf-8")
    call_command("import_interactions", str(path))
    out = capsys.readouterr().out
    assert "Fields written: external_id, case_id, agent_email, team, channel, started_at, handle_seconds, " in out
    assert "resolved, csat (fields the file lacks keep their values)" in out


# --- a blank duration is missing, not zero --------------------------------------------------------------------


@pytest.mark.parametrize("field", ["handle_seconds", "after_contact_seconds"])
def test_a_blank_required_duration_is_refused_not_stored_as_zero(agent, field):
    errors = refused([bare("h1", agent, **{field: ""}), bare("h2", agent, **{field: None})])
    assert errors == [f"line 1: {field}: required", f"line 2: {field}: required"]
    assert not Contact.objects.exists()


def test_an_absent_duration_is_still_missing(agent):
    item = bare("h1", agent)
    del item["handle_seconds"]
    assert refused([item]) == ["line 1: handle_seconds: missing"]


# --- the bulk API ---------------------------------------------------------------------------------------------


def test_bulk_api_takes_the_richer_fields_and_messages(client, admin_user, agent):
    client.force_login(admin_user)
    body = [bare("api1", agent, channel="whatsapp", tags=["vip"], complaint=True, messages=TURNS, language="en")]
    response = client.post(reverse("interactions-bulk"), body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["fields"][-4:] == ["tags", "complaint", "language", "messages"]
    contact = Contact.objects.get()
    assert (contact.channel, contact.tags, contact.complaint, contact.turns.count()) == ("whatsapp", ["vip"], True, 3)


def test_bulk_api_answers_400_with_the_item_and_field(client, admin_user, agent):
    client.force_login(admin_user)
    body = [bare("api1", agent), bare("api2", agent, messages=[{"author": "alien", "text": "hi"}], language="??")]
    response = client.post(reverse("interactions-bulk"), body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"line": 2, "field": "language", "message": "not a language tag like en or pt-PT: '??'"},
        {"line": 2, "field": "messages[0].author", "message": "'alien' is not one of agent, customer, bot"},
    ]
    assert not Contact.objects.exists()


def test_bulk_api_schema_lists_the_fields(client, admin_user):
    client.force_login(admin_user)
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    request = schema["paths"]["/api/v1/interactions/bulk/"]["post"]["requestBody"]["content"]["application/json"]
    item = request["schema"]["items"]
    if "$ref" in item:
        item = schema["components"]["schemas"][item["$ref"].rsplit("/", 1)[1]]
    for name in ["reason", "tags", "escalated", "hold_seconds", "language", "recording_url", "messages"]:
        assert name in item["properties"], name
