"""Every CSV export neutralises cells a spreadsheet would run as formulas (OWASP CSV injection), and keeps real
numbers, negative ones included, as numbers."""

import csv
import io
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse

from assessments.tests.factories import CandidateFactory, RequisitionFactory
from core.exports import FORMULA_PREFIXES, neutralise
from core.models import ContactChannel, Skill
from core.tests.factories import AgentFactory, TeamFactory, VendorFactory
from metrics import rollups
from metrics.models import AgentChannelDay, AgentDay, TeamReasonDay

pytestmark = pytest.mark.django_db

END = date(2026, 3, 31)
START = END - timedelta(days=6)
PERIOD = {"start": START.isoformat(), "end": END.isoformat()}

# (URL name, needs the agent's pk, ?export= value); my-dashboard is the agent's own view of agent-dashboard.
EXPORTS = [
    ("dashboards:team-dashboard", False, "agents"),
    ("dashboards:team-dashboard", False, "teams"),
    ("dashboards:team-dashboard", False, "trend"),
    ("dashboards:team-dashboard", False, "skills"),
    ("dashboards:team-dashboard", False, "channels"),
    ("dashboards:team-dashboard", False, "reasons"),
    ("dashboards:vendor-comparison", False, "vendors"),
    ("dashboards:vendor-comparison", False, "teams"),
    ("dashboards:agent-dashboard", True, "trend"),
    ("dashboards:hiring-dashboard", False, "pipeline"),
    ("dashboards:hiring-dashboard", False, "stages"),
]


@pytest.fixture
def hostile(admin_user):
    """Names starting like formulas in every column an export shows, and an agent with a negative NPS."""
    cache.clear()
    Skill.objects.filter(code="empathy").update(name="-2+3")
    vendor = VendorFactory(name="@SUM(1+1)*cmd|' /C calc'!A0")
    partner = VendorFactory(name="-10", kind="partner")  # looks like a number, is text: prefixed
    team = TeamFactory(name="+SUM(1,2)", vendor=vendor)
    partner_team = TeamFactory(name="\tTabbed", vendor=partner)
    agent = AgentFactory(team=team, user__first_name='=HYPERLINK("http://evil.example","x")', user__last_name="A")
    other = AgentFactory(team=partner_team, user__first_name="Ana;=1+1", user__last_name="Lee")
    for day in range(7):
        for who, promoters, detractors in ((agent, 0, 4), (other, 3, 0)):
            AgentDay.objects.create(
                day=START + timedelta(days=day),
                agent=who,
                team_id=who.team_id,
                contacts=10,
                cases=8,
                fcr_cases=6,
                nps_responses=4,
                promoters=promoters,
                detractors=detractors,
                handle_seconds=3000,
            )
            AgentChannelDay.objects.create(
                day=START + timedelta(days=day), agent=who, team_id=who.team_id, channel="=evil", contacts=10, cases=8
            )
            TeamReasonDay.objects.create(
                day=START + timedelta(days=day), team_id=who.team_id, reason="=cmd()", contacts=10, cases=8, fcr_cases=6
            )
    ContactChannel.objects.create(code="evil", name="@evil channel", kind="voice")
    rollups.derived_rebuild(start=START, end=END)
    requisition = RequisitionFactory(title="\r=cmd()")
    CandidateFactory(requisition=requisition)
    RequisitionFactory(title="@evil")
    return {"agent": agent, "other": other}


def _export(client, hostile, admin_user, url_name, needs_agent, export) -> str:
    client.force_login(admin_user)
    url = reverse(url_name, args=[hostile["agent"].pk] if needs_agent else [])
    params = {} if url_name == "dashboards:hiring-dashboard" else dict(PERIOD)
    response = client.get(url, {**params, "export": export})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv"), (url_name, export)
    return response.content.decode()


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _unsafe_cells(text: str, delimiter: str = ",") -> list[str]:
    """Cells a spreadsheet splitting on `delimiter` would read as a formula: starting with = + - @ tab or CR and
    not a plain number."""
    cells = [cell for line in csv.reader(io.StringIO(text), delimiter=delimiter) for cell in line]
    return [cell for cell in cells if cell.startswith(FORMULA_PREFIXES) and not _is_number(cell)]


@pytest.mark.parametrize(("url_name", "needs_agent", "export"), EXPORTS)
def test_every_export_neutralises_formula_cells(client, hostile, admin_user, url_name, needs_agent, export):
    text = _export(client, hostile, admin_user, url_name, needs_agent, export)
    assert len(text.splitlines()) > 1
    assert _unsafe_cells(text) == []
    # Spreadsheets in locales whose list separator is ";" split there: every text cell is quoted, so a name with
    # ";=" inside stays one cell.
    assert _unsafe_cells(text, delimiter=";") == []


def test_exports_show_the_hostile_names_as_text_and_negative_figures_as_numbers(client, hostile, admin_user):
    agents = _export(client, hostile, admin_user, "dashboards:team-dashboard", False, "agents")
    rows = {row["Agent"]: row for row in csv.DictReader(io.StringIO(agents))}
    assert set(rows) == {'\'=HYPERLINK("http://evil.example","x") A', "Ana;=1+1 Lee"}
    mine = rows['\'=HYPERLINK("http://evil.example","x") A']
    assert mine["Team today"] == "'+SUM(1,2)" and float(mine["NPS"]) == -100.0
    assert ",-100," in agents  # written bare, so a spreadsheet reads a number
    vendors = _export(client, hostile, admin_user, "dashboards:vendor-comparison", False, "vendors")
    assert {row["Vendor"] for row in csv.DictReader(io.StringIO(vendors))} == {"'@SUM(1+1)*cmd|' /C calc'!A0", "'-10"}
    skills = _export(client, hostile, admin_user, "dashboards:team-dashboard", False, "skills")
    assert "'-2+3 score" in next(csv.reader(io.StringIO(skills)))
    channels = _export(client, hostile, admin_user, "dashboards:team-dashboard", False, "channels")
    (channel,) = csv.DictReader(io.StringIO(channels))
    assert (channel["Channel"], channel["Code"], channel["Contacts"], channel["FCR %"]) == (
        "'=evil",
        "'=evil",
        "140",
        "0",
    )
    reasons = _export(client, hostile, admin_user, "dashboards:team-dashboard", False, "reasons")
    (reason,) = csv.DictReader(io.StringIO(reasons))
    assert (reason["Reason"], reason["Contacts"], reason["FCR %"], reason["FCR n"]) == ("'=cmd()", "140", "75", "112")
    pipeline = _export(client, hostile, admin_user, "dashboards:hiring-dashboard", False, "pipeline")
    assert {row["Requisition"] for row in csv.DictReader(io.StringIO(pipeline))} == {"'\r=cmd()", "'@evil"}


def test_the_agents_own_dashboard_export_is_neutralised_too(client, hostile):
    client.force_login(hostile["agent"].user)
    response = client.get(reverse("dashboards:my-dashboard"), {**PERIOD, "export": "trend"})
    assert response.status_code == 200 and _unsafe_cells(response.content.decode()) == []


def test_neutralise_keeps_numbers_and_prefixes_text():
    from decimal import Decimal

    assert [neutralise(v) for v in (-3.5, -100, Decimal("-2.50"), 12.0, 1 / 3, True, None)] == [
        -3.5,
        -100,
        -2.5,
        12,
        0.3333,
        "yes",
        "",
    ]
    assert [neutralise(v) for v in ("=1", "+1", "-1", "@1", "\t=1", "\r=1", "-3.5", "Ana", "a=1")] == [
        "'=1",
        "'+1",
        "'-1",
        "'@1",
        "'\t=1",
        "'\r=1",
        "'-3.5",  # text that looks like a number is still text
        "Ana",
        "a=1",
    ]
    assert neutralise(float("nan")) == "" and neutralise(float("-inf")) == ""


def test_every_export_of_the_product_is_in_this_test():
    """A new `?export=` or a CSV written elsewhere than exports.csv_response fails here until it is covered."""
    root = Path(settings.BASE_DIR)
    sources = [
        path
        for app in ("skillhub", "core", "metrics", "imports", "qa", "assessments", "coaching", "dashboards", "demo")
        for path in (root / app).rglob("*.py")
        if "tests" not in path.parts and "migrations" not in path.parts
    ]
    writers = {path.relative_to(root).as_posix() for path in sources if "text/csv" in path.read_text()}
    assert writers == {"core/exports.py"}
    found = sorted(
        name for path in sources for name in re.findall(r'export == "(\w+)"', path.read_text(encoding="utf-8"))
    )
    assert found == sorted(export for _, _, export in EXPORTS)
