"""The profile format and each value transform, on hand-made profiles and files."""

import io
import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from imports.models import ImportProfile
from imports.profiles import BUILTIN, builtin_profiles, load_profile, parse_profile, preview, read_header
from imports.profiles import values as read
from imports.services import ImportRejected

MINIMAL = """
fields:
  external_id: Id
  case_id: Case
  agent_email: Agent
  team: Team
  channel: {value: phone}
  started_at: Start
  handle_seconds: Talk
  after_contact_seconds: Wrap
  resolved: Done
"""


def messages(error: pytest.ExceptionInfo) -> str:
    return "\n".join(error.value.messages)


# --- durations ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("1:02:03", 3723),
        ("00:13:10", 790),
        ("02:03", 123),
        ("75:00", 4500),  # two parts are minutes and seconds
        ("123", 123),
        ("123.5", 124),  # a fraction is rounded to the nearest second, halves up
        ("123.4", 123),
        ("0:00:10.5", 11),
        ("0", 0),
    ],
)
def test_duration_reads_hms_ms_and_seconds(text, seconds):
    assert read.duration(text) == seconds


@pytest.mark.parametrize(("text", "seconds"), [("1500", 2), ("1499", 1), ("1234ms", 1), ("90000 ms", 90), ("1:00", 60)])
def test_duration_in_milliseconds(text, seconds):
    assert read.duration(text, unit="ms") == seconds


@pytest.mark.parametrize("text", ["1:2:3:4", "abc", "1:75", "1:60:00", "-5", "1.5:00", "12ms"])
def test_duration_refuses_what_it_cannot_read(text):
    with pytest.raises(ValueError, match="not a duration"):
        read.duration(text)


# --- dates and times ---------------------------------------------------------------------------------------------

LISBON = ZoneInfo("Europe/Lisbon")


def test_moment_with_an_offset_keeps_it_and_says_so():
    value, has_offset = read.moment("2026-03-01 09:15:22 +0100", fmt=None, zone=LISBON)
    assert has_offset and value == datetime(2026, 3, 1, 8, 15, 22, tzinfo=UTC)
    value, has_offset = read.moment("2026-03-01T09:15:22Z", fmt=None, zone=LISBON)
    assert has_offset and value == datetime(2026, 3, 1, 9, 15, 22, tzinfo=UTC)
    value, _ = read.moment("03/01/2026 09:15 -0500", fmt="%m/%d/%Y %H:%M %z", zone=LISBON)
    assert value == datetime(2026, 3, 1, 14, 15, tzinfo=UTC)


def test_moment_without_an_offset_is_read_in_the_zone_across_a_dst_change():
    before, has_offset = read.moment("03/28/2026 12:00", fmt="%m/%d/%Y %H:%M", zone=LISBON)
    after, _ = read.moment("03/29/2026 12:00", fmt="%m/%d/%Y %H:%M", zone=LISBON)
    assert not has_offset
    assert before.astimezone(UTC) == datetime(2026, 3, 28, 12, 0, tzinfo=UTC)  # winter: UTC+0
    assert after.astimezone(UTC) == datetime(2026, 3, 29, 11, 0, tzinfo=UTC)  # summer: UTC+1
    assert after.astimezone(UTC) - before.astimezone(UTC) == timedelta(hours=23)


def test_moment_in_the_spring_gap_is_an_error():
    with pytest.raises(ValueError, match="does not exist in Europe/Lisbon"):
        read.moment("2026-03-29 01:30", fmt=None, zone=LISBON)


def test_moment_in_the_repeated_autumn_hour_is_the_earlier():
    value, _ = read.moment("2026-10-25 01:30", fmt=None, zone=LISBON)
    assert value.astimezone(UTC) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # the first 01:30, still UTC+1


@pytest.mark.parametrize("text", ["yesterday", "2026-13-01", "01/03/2026"])
def test_moment_refuses_what_it_cannot_read(text):
    with pytest.raises(ValueError, match="not a date and time"):
        read.moment(text, fmt=None, zone=LISBON)


def test_a_profile_reads_times_in_its_own_zone():
    profile = parse_profile(MINIMAL + "timezone: America/New_York\n")
    value, has_offset = profile.converter("started_at")("2026-03-01T09:00")
    assert value.utcoffset() == timedelta(hours=-5) and not has_offset
    assert profile.timezone == "America/New_York"


# --- yes/no, numbers, labels, empties ----------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "value"), [("Y", True), ("n", False), ("TRUE", True), ("False", False), ("1", True)])
def test_flag_words(text, value):
    assert read.flag(text) is value


def test_flag_refuses_other_words():
    with pytest.raises(ValueError, match="not yes or no"):
        read.flag("maybe")


def file_of(header: str, *lines: str, encoding="utf-8") -> io.BytesIO:
    return io.BytesIO(("\r\n".join([header, *lines]) + "\r\n").encode(encoding))


HEADER = "Id,Case,Agent,Team,Start,Talk,Wrap,Done"


def one_row(profile_text: str, header: str, line: str):
    [row] = preview(file_of(header, line), parse_profile(profile_text))
    return row


def test_labels_map_exactly_after_trimming_or_ignoring_case():
    text = MINIMAL + "  csat:\n    column: CSAT\n    values: {Very satisfied: 5, Satisfied: 4}\n"
    row = one_row(text, HEADER + ",CSAT", "1,K,a@x.test,T,2026-03-01T09:00Z,1,1,Y,  Satisfied ")
    assert row.values["csat"] == 4 and not row.errors
    row = one_row(text, HEADER + ",CSAT", "1,K,a@x.test,T,2026-03-01T09:00Z,1,1,Y,satisfied")
    assert [(error.field, error.message) for error in row.errors] == [
        ("csat", "no mapping for 'satisfied' (the profile maps 'Very satisfied', 'Satisfied')")
    ]
    insensitive = text.replace("values:", "case: insensitive\n    values:")
    row = one_row(insensitive, HEADER + ",CSAT", "1,K,a@x.test,T,2026-03-01T09:00Z,1,1,Y,VERY SATISFIED")
    assert row.values["csat"] == 5


def test_zero_is_a_placeholder_for_ces_only_when_the_profile_says_so_and_a_real_nps():
    text = MINIMAL + "  ces: {column: CES, empty: ['', '0', Not answered]}\n  nps: NPS\n"
    row = one_row(text, HEADER + ",CES,NPS", "1,K,a@x.test,T,2026-03-01T09:00Z,1,1,Y,0,0")
    assert (row.values["ces"], row.values["nps"]) == (None, 0)
    row = one_row(text, HEADER + ",CES,NPS", "1,K,a@x.test,T,2026-03-01T09:00Z,1,1,Y,Not answered,")
    assert (row.values["ces"], row.values["nps"]) == (None, None)


def test_yaml_values_stay_strings():
    text = MINIMAL.replace("resolved: Done", "resolved: {column: Done, values: {Y: true, N: false, On: yes, Off: no}}")
    profile = parse_profile(text)
    assert profile.fields["resolved"].values == {"Y": "true", "N": "false", "On": "yes", "Off": "no"}
    profile = parse_profile(MINIMAL + "  ces: {column: CES, empty: [0, '']}\n")
    assert profile.fields["ces"].empty == ("0", "")
    constant = parse_profile(MINIMAL.replace("handle_seconds: Talk", "handle_seconds: {value: 1:02:03}"))
    assert constant.fields["handle_seconds"].value == "1:02:03"


def test_json_profiles_are_accepted():
    data = {
        "name": "json-one",
        "fields": {
            "external_id": "Id",
            "case_id": "Case",
            "agent_email": "Agent",
            "team": "Team",
            "channel": {"value": "phone"},
            "started_at": "Start",
            "handle_seconds": "Talk",
            "after_contact_seconds": "Wrap",
            "resolved": {"column": "Done", "values": {"Y": True, "N": False}},
            "csat": {"column": "CSAT", "values": {"Good": 5}},
        },
    }
    profile = parse_profile(json.dumps(data))
    assert profile.name == "json-one"
    assert profile.fields["resolved"].values == {"Y": "true", "N": "false"}
    assert profile.fields["csat"].values == {"Good": "5"}


# --- what a profile may say --------------------------------------------------------------------------------------


def test_unknown_keys_and_fields_are_errors():
    with pytest.raises(ValidationError) as error:
        parse_profile("colour: blue\n" + MINIMAL + "  csat: {column: CSAT, colum: x}\n  mood: Mood\n")
    text = messages(error)
    assert "unknown key 'colour'" in text
    assert "fields: csat: unknown key 'colum'" in text
    assert "fields: unknown field 'mood'" in text


def test_required_fields_and_one_source_each():
    with pytest.raises(ValidationError) as error:
        parse_profile("fields:\n  external_id: Id\n  csat: {column: CSAT, value: '5'}\n")
    text = messages(error)
    for name in ("case_id", "team", "channel", "started_at", "handle_seconds", "after_contact_seconds", "resolved"):
        assert f"fields: {name} is required" in text
    assert "one of agent_email, agent_employee_id or agent_name is required" in text
    assert "fields: csat: give exactly one of column, columns or value" in text


@pytest.mark.parametrize(
    ("addition", "message"),
    [
        ("encoding: klingon\n", "unknown encoding 'klingon'"),
        ("delimiter: '#'\n", "delimiter: '#' is not one of"),
        ("timezone: Mars/Olympus\n", "unknown time zone 'Mars/Olympus'"),
        ("  csat: {column: CSAT, format: duration}\n", "format applies to dates, times and durations only"),
        ("  csat: {column: CSAT, repeated: number}\n", "'repeated: number' is for external_id only"),
        ("  reason: {column: R, split_after: window}\n", "'split_after: window' is for a case_id"),
        ("  reason: {columns: [A, B]}\n", "only durations and numbers take columns"),
        ("  hold_seconds: {column: H, unit: minutes}\n", "unit is 's' or 'ms'"),
        ("skip: [Agent]\n", "skip: expected {column: NAME, when: [values]}"),
    ],
)
def test_profile_mistakes_are_explained(addition, message):
    with pytest.raises(ValidationError) as error:
        parse_profile(MINIMAL + addition)
    assert message in messages(error)


def test_invalid_yaml_is_explained():
    with pytest.raises(ValidationError, match="not valid YAML"):
        parse_profile("fields: [unclosed")


def test_roster_profiles_use_the_same_format():
    text = (
        "kind: roster\nfields:\n  employee_id: ID\n  name: Name\n  email: Mail\n  team: Team\n"
        "  start_date: {column: From, format: '%d/%m/%Y'}\n  end_date: To\n"
    )
    profile = parse_profile(text, kind="roster")
    assert profile.kind == "roster"
    assert profile.converter("start_date")("05/03/2026").isoformat() == "2026-03-05"
    with pytest.raises(ValidationError, match="a 'contacts' profile is needed"):
        parse_profile(text, kind="contacts")


def test_load_profile_from_a_file_a_saved_profile_or_a_builtin(tmp_path, db):
    path = tmp_path / "voice.yaml"
    path.write_text(MINIMAL)
    assert load_profile(str(path)).name == "voice"
    ImportProfile.objects.create(name="saved-one", definition=MINIMAL)
    assert load_profile("saved-one").fields["channel"].value == "phone"
    assert load_profile("zendesk") is BUILTIN["zendesk"]
    with pytest.raises(ValidationError, match="No profile 'nothing'"):
        load_profile("nothing")
    with pytest.raises(ValidationError, match="Cannot read the profile"):
        load_profile(str(tmp_path / "missing.yaml"))


def test_builtins_are_documented_and_parse():
    profiles = builtin_profiles()
    assert set(profiles) == {"zendesk", "freshdesk", "intercom", "acd", "skillhub"}
    for profile in profiles.values():
        assert profile.description and profile.columns
    assert profiles["zendesk"].fields["case_id"].split_after == "window"


# --- files: encodings, delimiters, headers -----------------------------------------------------------------------

ROW = "1,K,a@x.test,Técnico,2026-03-01T09:00Z,1:00,0:30,Y"


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1"])
def test_windows_and_latin1_files_with_the_profile_encoding(encoding):
    profile = parse_profile(MINIMAL + f"encoding: {encoding}\n")
    [row] = preview(file_of(HEADER, ROW, encoding=encoding), profile)
    assert row.values["team"] == "Técnico" and row.values["handle_seconds"] == 60


def test_a_windows_file_read_as_utf8_is_refused_with_the_line_and_a_hint():
    with pytest.raises(ImportRejected) as rejected:
        preview(
            file_of(HEADER, "0,K,a@x.test,T,2026-03-01T09:00Z,1,1,Y", ROW, encoding="cp1252"), parse_profile(MINIMAL)
        )
    error = rejected.value.errors[0]
    assert error.line == 3 and "not valid utf-8 text (byte 0xE9)" in error.message and "cp1252" in error.message


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig"])
def test_byte_order_marks_are_honoured(encoding):
    [row] = preview(file_of(HEADER, ROW, encoding=encoding), parse_profile(MINIMAL))
    assert row.values["team"] == "Técnico" and row.values["external_id"] == "1"


@pytest.mark.parametrize("delimiter", [";", "\t", "|", ","])
def test_the_delimiter_is_detected(delimiter):
    binary = file_of(HEADER.replace(",", delimiter), ROW.replace(",", delimiter))
    assert read_header(binary, None) == HEADER.split(",")
    [row] = preview(binary, parse_profile(MINIMAL))
    assert row.values["case_id"] == "K"


def test_a_declared_delimiter_wins():
    binary = file_of("Id;Case|x", "1;K|y")
    assert read_header(binary, parse_profile(MINIMAL + "delimiter: '|'\n")) == ["Id;Case", "x"]


def test_header_names_are_trimmed_and_duplicates_refused():
    assert read_header(file_of(" Id , Case ,Agent"), None) == ["Id", "Case", "Agent"]
    with pytest.raises(ImportRejected) as rejected:
        preview(file_of(HEADER + ",Team", ROW + ",x"), parse_profile(MINIMAL))
    assert "two columns are named 'Team' (columns 4 and 9)" in rejected.value.errors[0].message


def test_preview_shows_stored_values_errors_and_skipped_rows():
    text = MINIMAL + "skip: {column: Agent, when: ['']}\n"
    rows = preview(
        file_of(HEADER, ROW, "2,K,a@x.test,T,2026-03-29T01:30,,x,Y", "3,K,,T,bad,1,1,Y"),
        parse_profile(text + "timezone: Europe/Lisbon\n"),
    )
    assert rows[0].values["started_at"] == datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    problems = {(error.field, error.message.split(" (")[0]) for error in rows[1].errors}
    assert ("started_at", "'2026-03-29T01:30' does not exist in Europe/Lisbon") in problems
    assert ("handle_seconds", "required") in problems
    assert ("after_contact_seconds", "not a duration") in problems
    assert rows[2].skipped


def test_builtin_mapping_behaves_like_a_dict():
    assert dict(BUILTIN).keys() == builtin_profiles().keys()
    assert "acd" in BUILTIN and "nope" not in BUILTIN and len(BUILTIN) == 5
    assert BUILTIN.get("nope") is None
