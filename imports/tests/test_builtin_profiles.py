"""Each built-in profile on a small file shaped like that vendor's export, with figures checked by hand."""

import io
from datetime import date

import pytest

from core.models import Contact
from core.tests.factories import AgentFactory, TeamFactory, UserFactory
from imports.profiles import BUILTIN
from imports.staged import profile_import
from metrics import rollups
from metrics.models import AgentDay

FIGURES = [
    "contacts",
    "cases",
    "fcr_cases",
    "csat_responses",
    "csat_satisfied",
    "ces_responses",
    "ces_sum",
    "handle_seconds",
    "after_seconds",
]


def lines(*rows: str, encoding="utf-8") -> io.BytesIO:
    return io.BytesIO(("\r\n".join(rows) + "\r\n").encode(encoding))


def figures(agent) -> dict[date, tuple]:
    rollups.rollup_pending()
    return {row["day"]: tuple(row[name] for name in FIGURES) for row in AgentDay.objects.filter(agent=agent).values()}


@pytest.fixture
def ana(db, settings):
    settings.REPEAT_WINDOW_DAYS = 7
    north = TeamFactory(name="North")
    return AgentFactory(team=north, user=UserFactory(first_name="Ana", last_name="Souza"), employee_id="A-100")


def test_zendesk_ticket_export(ana):
    export = lines(
        "Summation column,Id,Requester,Requester id,Assignee,Group,Subject,Status,Via,Created at,"
        "Total time spent (sec),Satisfaction Score,Ticket type",
        ",1001,Joe,501,Ana Souza,North,Card charged twice,Solved,Email,2026-03-01 09:00:00 +0000,300,Good,Problem",
        ",1002,Joe,501,Ana Souza,North,Re: card,Closed,Web form,2026-03-03 09:00:00 +0000,200,Unoffered,Problem",
        ",1003,Mia,502,ana souza,North,Password,Solved,Chat,2026-03-01 10:00:00 +0000,100,Bad,Question",
        ",1004,Mia,502,Ana Souza,North,Login again,Open,Phone call (incoming),2026-03-20 10:00:00 +0000,50,Offered,",
    )
    summary = profile_import(export, BUILTIN["zendesk"])
    assert (summary.created, summary.no_offset_rows) == (4, 0)
    cases = dict(Contact.objects.values_list("external_id", "case_id"))
    assert cases == {"1001": "501:1001", "1002": "501:1001", "1003": "502:1003", "1004": "502:1004"}
    assert dict(Contact.objects.values_list("external_id", "channel"))["1004"] == "phone"
    # 1 March: tickets 1001 (case repeated two days later: not FCR) and 1003 (FCR); Good counts as satisfied.
    assert figures(ana) == {
        date(2026, 3, 1): (2, 2, 1, 2, 1, 0, 0, 400, 0),
        date(2026, 3, 3): (1, 0, 0, 0, 0, 0, 0, 200, 0),
        date(2026, 3, 20): (1, 1, 0, 0, 0, 0, 0, 50, 0),  # open: not resolved
    }


def test_freshdesk_ticket_export(ana):
    export = lines(
        "Ticket ID,Subject,Status,Priority,Source,Type,Agent,Group,Created time,Due by Time,Resolved time,"
        "Time tracked,Survey results,Contact ID,Full name",
        "7,Refund,Resolved,Medium,Email,Refund,Ana Souza,North,2026-03-02 08:30:00,,,00:13:10,Extremely Happy,C1,Jo",
        "8,Refund?,Closed,Medium,Portal,Refund,Ana Souza,North,2026-03-05 08:30:00,,,03:34,Unhappy,C1,Jo",
        "9,Invoice,Pending,Low,Phone,Question,Ana Souza,North,2026-03-02 12:00:00,,,00:01:00,,C2,Al",
    )
    summary = profile_import(export, BUILTIN["freshdesk"])
    assert (summary.created, summary.no_offset_rows) == (3, 3)
    assert Contact.objects.get(external_id="7").reason == "Refund"
    assert figures(ana) == {
        date(2026, 3, 2): (2, 2, 0, 1, 1, 0, 0, 790 + 60, 0),  # case C1 came back on the 5th; 9 is pending
        date(2026, 3, 5): (1, 0, 0, 1, 0, 0, 0, 214, 0),
    }


def test_intercom_conversation_export(ana):
    export = lines(
        "Conversation ID,Conversation started at,User ID,Teammate assigned,Team assigned,Channel,State,"
        "Handling time,Conversation rating,Conversation rating remark,Tags",
        '901,2026-03-01T09:00:00Z,U1,Ana Souza,North,Chat,closed,120,5,"Quick, thanks",billing;vip',
        "902,2026-03-10T09:00:00Z,U1,Ana Souza,North,Email,closed,60,3,,",
        "903,2026-03-01T11:00:00Z,U2,Ana Souza,North,WhatsApp,open,30,,,",
    )
    profile_import(export, BUILTIN["intercom"])
    first = Contact.objects.get(external_id="901")
    assert (first.tags, first.survey_comment, first.channel) == (["billing", "vip"], "Quick, thanks", "chat")
    # U1 came back after nine days: a new case, so 901 is first-contact resolved.
    assert figures(ana) == {
        date(2026, 3, 1): (2, 2, 1, 1, 1, 0, 0, 150, 0),
        date(2026, 3, 10): (1, 1, 1, 1, 0, 0, 0, 60, 0),
    }


def test_acd_call_export_in_windows_1252(ana):
    TeamFactory(name="Suporte Técnico")
    export = lines(
        "Call ID;Case ID;Agent ID;Agent Name;Queue;Start Time;Talk Time;Hold Time;Wrap Time;Resolved;FCR;"
        "Transferred;CSAT;Effort;Recording URL",
        "C1;;A-100;Ana;Suporte Técnico;03/01/2026 09:00:00;00:05:00;00:01:00;00:00:30;Y;;N;5;2;",
        "C1;;A-100;Ana;Suporte Técnico;03/01/2026 09:20:00;02:00;00:00;0:10;Y;N;Y;0;0;https://rec.example.test/c1",
        "C2;K7;;;Suporte Técnico;03/01/2026 10:00:00;;;;;;;;;",  # abandoned: no agent, skipped
        "C3;K7;A-100;Ana;North;03/02/2026 11:00:00;1:00;0:30;0;N;;N;4;7;",
        encoding="cp1252",
    )
    summary = profile_import(export, BUILTIN["acd"])
    assert (summary.rows, summary.skipped, summary.created, summary.no_offset_rows) == (3, 1, 3, 3)
    second = Contact.objects.get(external_id="C1-2")
    assert (second.case_id, second.handle_seconds, second.transferred, second.csat, second.ces) == (
        "C1",  # a transferred call's second leg: its own id, the call's case
        120,
        True,
        None,
        None,
    )
    first = Contact.objects.get(external_id="C1")
    assert (first.handle_seconds, first.hold_seconds, first.after_contact_seconds, first.ces) == (360, 60, 30, 2)
    assert figures(ana) == {
        date(2026, 3, 1): (2, 1, 0, 1, 1, 1, 2, 480, 40),  # case C1 had a second contact: not FCR
        date(2026, 3, 2): (1, 1, 0, 1, 1, 1, 7, 90, 0),
    }


def test_skillhub_profile_reads_the_plain_import_columns(ana):
    export = lines(
        "external_id,case_id,agent_email,team,channel,started_at,handle_seconds,after_contact_seconds,resolved,"
        "first_contact_resolved,csat,ces,nps",
        f"s1,K1,{ana.email},,phone,2026-03-01T09:00:00Z,300,60,yes,,5,2,10",
        f"s2,K1,{ana.email},North,email,2026-03-04T09:00:00Z,200,40,yes,,3,,",
    )
    profile_import(export, BUILTIN["skillhub"])
    assert figures(ana) == {
        date(2026, 3, 1): (1, 1, 0, 1, 1, 1, 2, 300, 60),
        date(2026, 3, 4): (1, 0, 0, 1, 0, 0, 0, 200, 40),
    }


@pytest.mark.parametrize(
    ("profile", "header", "row"),
    [
        (
            "zendesk",
            "Id,Requester id,Assignee,Group,Status,Via,Created at,Total time spent (sec),"
            "Satisfaction Score,Ticket type",
            "1005,503,,North,New,Email,2026-03-01 09:00:00 +0000,0,Unoffered,",
        ),
        (
            "freshdesk",
            "Ticket ID,Status,Source,Type,Agent,Group,Created time,Time tracked,Survey results,Contact ID",
            "10,Open,Email,Refund,,North,2026-03-02 08:30:00,,,C9",
        ),
        (
            "intercom",
            "Conversation ID,Conversation started at,User ID,Teammate assigned,Team assigned,Channel,State,"
            "Handling time,Conversation rating,Conversation rating remark,Tags",
            "904,2026-03-01T09:00:00Z,U9,,North,Chat,open,,,,",
        ),
    ],
)
def test_helpdesk_profiles_skip_unassigned_tickets(ana, profile, header, row):
    """A real export has unassigned tickets: they are left out and counted, not a reason to refuse the file."""
    summary = profile_import(lines(header, row), BUILTIN[profile])
    assert (summary.rows, summary.skipped, summary.created) == (0, 1, 0)
