"""Hostile input to the contact import (command and bulk API): wrong encodings, binary files, oversize bodies,
lines and fields, values the database would choke on. Each is refused whole with the line and the reason, or
accepted when it is valid; never a traceback or a 500."""

import csv
import gzip
import io
import json

import pytest
from django.core.management import CommandError, ManagementUtility, call_command
from django.urls import reverse

from core.models import Contact
from imports import services as imports
from imports.tests.contact_rows import COLUMNS, row

pytestmark = pytest.mark.django_db

BULK = "/api/v1/interactions/bulk/"


def rows(agent, n=3, **fields):
    return [row(f"e{i}", f"K{i}", agent, f"2026-03-0{i}T09:00:00Z", **fields) for i in range(1, n + 1)]


def csv_text(items, terminator="\r\n") -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=[*COLUMNS, "transcript"], lineterminator=terminator)
    writer.writeheader()
    writer.writerows(items)
    return out.getvalue()


def refused(tmp_path, capsys, name: str, content: bytes) -> str:
    """Import `content` as file `name`; it must be refused with nothing written. Returns the listed errors."""
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(CommandError, match="refused: nothing was imported"):
        call_command("import_interactions", str(path), verbosity=0)
    assert not Contact.objects.exists()
    return capsys.readouterr().err


# --- files: encodings, binary, NUL, line endings, long lines ------------------------------------------------


@pytest.mark.parametrize(
    ("name", "encode", "message"),
    [
        ("utf16.csv", lambda text: text.encode("utf-16"), "line 1: the file is UTF-16 text, not UTF-8 — save the file"),
        ("utf16be.csv", lambda text: codecs_bom_be(text), "line 1: the file is UTF-16 text, not UTF-8"),
        ("utf16.csv", lambda text: text.encode("utf-16-le"), "line 1: the file looks like UTF-16 text, not UTF-8"),
        ("utf32.csv", lambda text: text.encode("utf-32"), "line 1: the file is UTF-32 text, not UTF-8"),
        ("latin1.csv", lambda text: text.encode("latin-1"), "line 3: not valid UTF-8 (byte 0xE9 at character"),
        ("cp1252.csv", lambda text: text.encode("cp1252"), "line 3: not valid UTF-8 (byte 0xE9 at character"),
        ("gzip.csv", lambda text: gzip.compress(text.encode()), "line 1: the file is a gzip archive, not a CSV"),
        ("png.csv", lambda text: b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "line 1: the file is a PNG image"),
        ("xlsx.csv", lambda text: b"PK\x03\x04" + b"\x14\x00" * 20, "an Excel .xlsx workbook?"),
        ("nul.csv", lambda text: text.replace("K3", "K\x003").encode(), "line 4: contains a NUL byte"),
    ],
)
def test_import_refuses_a_file_that_is_not_utf8_text_naming_the_line(tmp_path, capsys, agent, name, encode, message):
    items = rows(agent)
    items[1]["case_id"] = "José"  # line 3: not ASCII
    err = refused(tmp_path, capsys, name, encode(csv_text(items)))
    assert message in err
    assert "Traceback" not in err


def codecs_bom_be(text: str) -> bytes:
    return b"\xfe\xff" + text.encode("utf-16-be")


def test_import_command_exits_non_zero_with_the_message_and_no_traceback(tmp_path, capsys, agent):
    path = tmp_path / "latin1.csv"
    path.write_bytes(csv_text(rows(agent)).replace("K2", "Zoë").encode("latin-1"))
    with pytest.raises(SystemExit) as exited:
        ManagementUtility(["manage.py", "import_interactions", str(path), "--verbosity", "0"]).execute()
    assert exited.value.code != 0
    err = capsys.readouterr().err
    assert "line 3: not valid UTF-8" in err and "refused: nothing was imported" in err
    assert "Traceback" not in err


def test_import_accepts_utf8_with_a_bom_mixed_line_endings_and_non_ascii_names(tmp_path, capsys, agent):
    items = rows(agent, 4, transcript="")
    items[0]["case_id"] = "José Müller 北京"
    items[1]["transcript"] = "Customer: hi\r\nAgent: hello\rCustomer: bye\n"  # line breaks inside a quoted field
    text = csv_text(items[:2]) + csv_text(items[2:3], terminator="\n").split("\n", 1)[1]
    text += csv_text(items[3:], terminator="\r").split("\r", 1)[1]
    path = tmp_path / "excel.csv"
    path.write_bytes(text.encode("utf-8-sig"))
    call_command("import_interactions", str(path), verbosity=0)
    assert "4 created" in capsys.readouterr().out
    assert Contact.objects.get(external_id="e1").case_id == "José Müller 北京"
    assert Contact.objects.get(external_id="e2").transcript == "Customer: hi\r\nAgent: hello\rCustomer: bye\n"


def test_import_sniffs_json_lines_behind_a_bom(tmp_path, capsys, agent):
    path = tmp_path / "export.txt"
    path.write_bytes(("\n".join(json.dumps(item) for item in rows(agent)) + "\n").encode("utf-8-sig"))
    call_command("import_interactions", str(path), verbosity=0)
    assert Contact.objects.count() == 3


def test_import_refuses_an_over_long_line(tmp_path, capsys, agent):
    text = csv_text(rows(agent)) + "x" * (imports.MAX_LINE_CHARS + 10)
    err = refused(tmp_path, capsys, "long.csv", text.encode())
    assert "line 5: longer than 1,048,576 characters" in err


def test_import_refuses_an_unclosed_quote_at_its_line(tmp_path, capsys, agent):
    lines = csv_text(rows(agent)).splitlines(keepends=True)
    lines[2] = lines[2].replace("K2", '"K2 and the rest of the file')
    text = "".join(lines) + ("filler,\n" * 20_000)  # the open quote swallows lines until the field is too long
    err = refused(tmp_path, capsys, "quote.csv", text.encode())
    assert "not valid CSV: a field is longer than 131,072 characters (a quote left open?)" in err


def test_import_refuses_json_nested_too_deeply_at_its_line(tmp_path, capsys, agent):
    text = json.dumps(rows(agent)[0]) + "\n" + "[" * 100_000 + "\n"
    err = refused(tmp_path, capsys, "deep.jsonl", text.encode())
    assert "line 2: not valid JSON (nested too deeply)" in err


def test_a_bad_line_after_written_chunks_still_leaves_nothing_written(tmp_path, capsys, agent, monkeypatch):
    monkeypatch.setattr(imports, "CHUNK_ROWS", 2)  # lines 2–3 and 4–5 are upserted before line 6 is read
    items = rows(agent, 6)
    text = csv_text(items).replace("K5", "Ångström")
    err = refused(tmp_path, capsys, "late.csv", text.encode("latin-1"))
    assert "line 6: not valid UTF-8" in err


def test_text_lines_reports_the_first_undecodable_byte():
    lines = imports.text_lines(io.BytesIO(b"ok\nstill ok\r\nbad \xff here\n"))
    assert next(lines) == "ok\n" and next(lines) == "still ok\r\n"
    with pytest.raises(imports.ImportRejected) as rejected:
        next(lines)
    assert str(rejected.value.errors[0]) == (
        "line 3: not valid UTF-8 (byte 0xFF at character 5) — save the file as UTF-8 (in Excel: CSV UTF-8)"
    )


# --- values: huge fields, NUL, surrogates, nested values, dates out of range --------------------------------


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("transcript", "z" * 1_000_000, "transcript: longer than 100,000 characters"),
        ("external_id", "e" * 200, "external_id: longer than 100 characters"),
        ("case_id", "K\x001", "case_id: contains a NUL character"),
        ("transcript", "Agent: hi\x00", "transcript: contains a NUL character"),
        ("case_id", "K\ud800", "case_id: contains an unpaired surrogate"),
        ("case_id", {"a": 1}, "case_id: expected a single value, not a list or object"),
        ("agent_email", ["x@example.test"], "agent_email: expected a single value"),
        ("started_at", "0001-01-01T00:00:00+01:00", "started_at: '0001-01-01T00:00:00+01:00' is not between 1970"),
        ("started_at", "9999-12-31T23:59:59-05:00", "started_at: '9999-12-31T23:59:59-05:00' is not between 1970"),
        ("started_at", "1900-01-01T00:00:00Z", "started_at: '1900-01-01T00:00:00Z' is not between 1970 and 2100"),
    ],
)
def test_bulk_api_refuses_values_the_database_would_choke_on_as_row_errors(
    client, admin_user, agent, field, value, message
):
    items = rows(agent)
    items[1][field] = value
    client.force_login(admin_user)
    response = client.post(BULK, json.dumps(items), content_type="application/json")
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["line"] == 2 and f"{error['field']}: {error['message']}".startswith(message)
    assert not Contact.objects.exists()


def test_import_messages_quote_a_huge_bad_value_cut_short(agent):
    items = rows(agent)
    items[0]["handle_seconds"] = "9" * 1_000_000
    items[1]["channel"] = "x" * 1_000_000
    with pytest.raises(imports.ImportRejected) as rejected:
        imports.interactions_import(rows=imports.read_objects(items))
    assert [len(str(error)) < 100 for error in rejected.value.errors] == [True, True]
    assert str(rejected.value.errors[0]).startswith("line 1: handle_seconds: not a whole number: '9999")


def test_csv_transcript_between_the_row_limit_and_csvs_field_limit_is_a_row_error(tmp_path, capsys, agent):
    items = rows(agent, transcript="")
    items[2]["transcript"] = "Agent: " + "y" * imports.MAX_TRANSCRIPT_CHARS
    err = refused(tmp_path, capsys, "long-transcript.csv", csv_text(items).encode())
    assert "line 4: transcript: longer than 100,000 characters" in err


# --- bulk API bodies ------------------------------------------------------------------------------------------


def _post(client, admin_user, body: bytes, content_type="application/json"):
    client.force_login(admin_user)
    return client.post(BULK, body, content_type=content_type)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (lambda items: json.dumps(items).encode("utf-16"), "The body is not valid UTF-8 (byte 0xFF at byte 1)"),
        (lambda items: json.dumps(items, ensure_ascii=False).encode("latin-1"), "The body is not valid UTF-8"),
        (lambda items: gzip.compress(json.dumps(items).encode()), "The body is not valid UTF-8"),
        (lambda items: b"[" * 100_000, "JSON parse error - nested too deeply."),
        (lambda items: b'[{"external_id": NaN}]', "JSON parse error - NaN is not valid JSON"),
        (lambda items: b"[{", "JSON parse error"),
        (lambda items: b'{"rows": []}', "Expected a JSON list of objects."),
    ],
)
def test_bulk_api_refuses_a_body_that_is_not_utf8_json_in_the_documented_shape(
    client, admin_user, agent, body, message
):
    items = rows(agent)
    items[0]["case_id"] = "Zoë"
    response = _post(client, admin_user, body(items))
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["line"] == 0 and error["field"] == "" and error["message"].startswith(message)
    assert not Contact.objects.exists()


def test_bulk_api_accepts_utf8_with_a_bom(client, admin_user, agent):
    items = rows(agent)
    items[0]["case_id"] = "Zoë"
    response = _post(client, admin_user, json.dumps(items, ensure_ascii=False).encode("utf-8-sig"))
    assert response.status_code == 201
    assert Contact.objects.get(external_id="e1").case_id == "Zoë"


def test_bulk_api_answers_a_form_post_with_400_in_the_documented_shape(client, admin_user, agent):
    response = _post(client, admin_user, b"a=1", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert response.json()["errors"][0]["message"].startswith("Unsupported media type")


def test_bulk_api_refuses_too_many_items(client, admin_user, agent, settings):
    settings.BULK_IMPORT_MAX_ROWS = 3
    assert _post(client, admin_user, json.dumps(rows(agent, 3)).encode()).status_code == 201
    response = _post(client, admin_user, json.dumps(rows(agent, 4)).encode())
    assert response.status_code == 400
    assert response.json() == {
        "errors": [
            {
                "line": 0,
                "field": "",
                "message": "4 items; at most 3 per call (BULK_IMPORT_MAX_ROWS): send them in smaller lists, "
                "or use the import_interactions command.",
            }
        ]
    }


def test_bulk_api_answers_413_past_its_byte_limit_and_takes_more_than_djangos_form_limit(
    client, admin_user, agent, settings
):
    body = json.dumps(rows(agent, 5, transcript="Agent: " + "x" * 2000)).encode()
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000  # the bulk body has its own limit, not Django's
    settings.BULK_IMPORT_MAX_BYTES = len(body)
    assert _post(client, admin_user, body).status_code == 201
    settings.BULK_IMPORT_MAX_BYTES = len(body) - 1
    response = _post(client, admin_user, body)
    assert response.status_code == 413
    (error,) = response.json()["errors"]
    assert error["line"] == 0 and "larger than" in error["message"] and "BULK_IMPORT_MAX_BYTES" in error["message"]


def test_bulk_api_documents_the_413(client):
    schema = client.get("/api/schema/?format=json").json()
    responses = schema["paths"]["/api/v1/interactions/bulk/"]["post"]["responses"]
    assert {"201", "400", "403", "413"} <= set(responses)


def test_other_api_bodies_over_djangos_limit_answer_413_json(client, reviewer_user, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client.force_login(reviewer_user)
    response = client.post("/api/v1/reviews/", {"contact": "x" * 2000}, content_type="application/json")
    assert response.status_code == 413
    assert "DATA_UPLOAD_MAX_MEMORY_SIZE" in response.json()["detail"]


def test_other_api_bodies_nested_too_deeply_answer_400_json(client, reviewer_user):
    client.force_login(reviewer_user)
    response = client.post("/api/v1/reviews/", b"[" * 100_000, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"] == "JSON parse error - nested too deeply."


# --- query strings and raw form values: never a 500 ---------------------------------------------------------


@pytest.mark.parametrize("value", ["²", "١٢", "9" * 30, "9" * 5000, "-1", "1e3", ""])
def test_ids_in_query_strings_that_are_not_ids_are_ignored(client, lead_user, agent, value):
    client.force_login(lead_user)
    assert client.get(reverse("dashboards:team-dashboard"), {"team": value}).status_code == 200
    assert client.get(reverse("coaching:plan-create"), {"agent": value}).status_code == 200
    assert client.post(reverse("skillhub:notice-read"), {"pk": value}).status_code == 302


@pytest.mark.parametrize("value", ["²", "9" * 30, "x"])
def test_calibration_create_ignores_a_gold_set_that_is_not_an_id(client, vendor, value):
    from qa.tests.calibration_fixtures import make_reviewer

    client.force_login(make_reviewer(vendor, lead=True))
    assert client.get(reverse("qa:calibration-create"), {"gold_set": value}).status_code == 200


def test_int_param_takes_only_ascii_digits_that_fit_a_database_id():
    from core.views import int_param

    assert [int_param(v) for v in ["42", "007", "²", "١", "9" * 18, "9" * 19, "-1", " 1", None]] == [
        42,
        7,
        None,
        None,
        int("9" * 18),
        None,
        None,
        None,
        None,
    ]


@pytest.mark.parametrize("start,end", [("0001-01-01", "0001-01-05"), ("9999-12-25", "9999-12-31")])
def test_dashboard_and_metrics_periods_near_the_ends_of_the_calendar_are_refused(client, lead_user, agent, start, end):
    client.force_login(lead_user)
    for url in (
        reverse("dashboards:team-dashboard"),
        reverse("dashboards:vendor-comparison"),
        reverse("dashboards:agent-dashboard", args=[agent.pk]),
    ):
        for grain in ("day", "week"):
            response = client.get(url, {"start": start, "end": end, "grain": grain})
            assert response.status_code in (200, 400), url
            assert b"Pick days between 1970 and 2100" in response.content, url
    api = client.get(reverse("metrics-teams"), {"start": start, "end": end})
    assert api.status_code == 400 and "start" in api.json()
