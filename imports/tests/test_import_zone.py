"""The zone days are counted in, and the rows read in it because their time had no UTC offset, in the summary."""

from datetime import date

from django.core.management import call_command
from django.test import override_settings

from core.models import Contact
from imports.tests.contact_rows import row, run_import, to_csv


def test_summary_counts_rows_without_offset_and_names_the_zone(agent):
    rows = [
        row("z1", "K1", agent, "2026-03-01T09:00:00Z"),
        row("z2", "K2", agent, "2026-03-01 23:30:00"),  # no offset: read in TIME_ZONE
        row("z3", "K3", agent, "2026-03-01T23:30:00+01:00"),
        row("z4", "K4", agent, "2026-03-02T08:00:00"),
    ]
    with override_settings(TIME_ZONE="Europe/Berlin"):
        summary = run_import(rows)
    assert (summary.timezone, summary.no_offset_rows) == ("Europe/Berlin", 2)
    assert Contact.objects.get(external_id="z2").day == date(2026, 3, 1)  # 23:30 in Berlin, not 00:30 next day


def test_every_row_with_an_offset_counts_none(agent):
    summary = run_import([row("o1", "K1", agent, "2026-03-01T09:00:00+02:00")], dry_run=True)
    assert (summary.timezone, summary.no_offset_rows) == ("UTC", 0)


def test_import_command_prints_the_zone_and_the_rows_it_read(tmp_path, agent, capsys):
    path = tmp_path / "contacts.csv"
    path.write_text(
        to_csv([row("p1", "K1", agent, "2026-03-01 09:00:00"), row("p2", "K2", agent, "2026-03-01T09:00:00Z")])
    )
    call_command("import_interactions", str(path))
    assert "Days are counted in UTC; 1 row had no UTC offset and was read in UTC." in capsys.readouterr().out
