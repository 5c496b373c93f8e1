"""Upload in the browser, in headless Chromium: build a profile from a file's header, preview it, dry run a file
with a bad row (errors shown), import a good one (the progress bar reaches done), read the history, undo."""

import pytest
from playwright.sync_api import expect

from core import roles
from core.models import Contact, ContactChannel
from core.tests.factories import AgentFactory, TeamFactory, UserFactory, VendorFactory
from imports.models import ImportRun

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADER = "Call ID;Case;Agent;Start;Talk;Wrap;Done\n"
RUN_TIMEOUT = 30_000  # ms


@pytest.fixture
def agent():
    # A transactional test before this one may have emptied the catalogue its migration seeded.
    ContactChannel.objects.get_or_create(code="phone", defaults={"name": "Phone", "kind": "voice"})
    team = TeamFactory(name="North", vendor=VendorFactory(name="Acme Support"))
    UserFactory(username="root", roles=[roles.ADMIN], is_staff=True, is_superuser=True)
    return AgentFactory(team=team, email="ana@example.test")


def _sign_in(page, live_server) -> None:
    page.goto(f"{live_server.url}/imports/")
    page.get_by_label("Username").fill("root")
    page.get_by_label("Password").fill("pw-for-tests")
    page.get_by_role("button", name="Sign in").click()


def _choose_file(page, name: str, text: str) -> None:
    page.locator("#id_file").set_input_files({"name": name, "mimeType": "text/csv", "buffer": text.encode()})


def test_upload_build_a_profile_dry_run_import_and_undo(page, live_server, agent):
    bad = (
        HEADER
        + "c1;K1;ana@example.test;03/01/2026 09:00;1:02;30;Y\nc2;K2;ana@example.test;03/02/2026 10:00;5:00;20;Maybe\n"
    )
    good = HEADER + "".join(
        f"g{n};K{n};ana@example.test;03/{n:02d}/2026 09:00;4:{n:02d};30;{'Y' if n % 2 else 'N'}\n" for n in range(1, 8)
    )
    _sign_in(page, live_server)
    expect(page.get_by_role("heading", level=1)).to_have_text("Upload a file")

    # Upload with "build a profile": the builder lists the file's columns for each field.
    _choose_file(page, "acd.csv", bad)
    page.locator("#id_profile").select_option(label="Build one from this file's header…")
    page.get_by_role("button", name="Dry run (check only)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Build a profile for acd.csv")
    page.get_by_label("Profile name").fill("acd-north")
    for field, column in [
        ("external_id", "Call ID"),
        ("case_id", "Case"),
        ("agent_email", "Agent"),
        ("started_at", "Start"),
        ("handle_seconds", "Talk"),
        ("after_contact_seconds", "Wrap"),
        ("resolved", "Done"),
    ]:
        page.locator(f"#id_{field}__column").select_option(column)
    page.locator("#id_team__value").fill("North")
    page.locator("#id_channel__value").fill("phone")
    page.locator("#id_started_at__format").fill("%m/%d/%Y %H:%M")
    page.locator("#id_handle_seconds__format").select_option("duration")
    page.locator("#id_resolved__values").fill("Y = true\nN = false")

    # Preview (htmx): the first rows as SkillHub reads them, "Maybe" flagged in its cell.
    page.get_by_role("button", name="Preview the first rows").click()
    preview = page.get_by_test_id("preview")
    expect(preview.get_by_role("heading")).to_contain_text("the first 2 rows")
    expect(preview).to_contain_text("2026-03-01 09:00:00")
    expect(preview.get_by_test_id("cell-error")).to_have_count(1)
    expect(preview.get_by_test_id("cell-error")).to_contain_text("Maybe")

    # Save, then dry run the same file with the saved profile: refused, every bad line listed.
    page.get_by_role("button", name="Save the profile").click()
    expect(page.get_by_test_id("kept-file")).to_contain_text("acd.csv")
    expect(page.locator("#id_profile")).to_have_value("saved:acd-north")
    page.get_by_role("button", name="Dry run (check only)").click()
    # The run is eager here (no broker): the page answers once it has run, which a busy machine makes slow.
    expect(page.get_by_role("heading", level=1)).to_have_text("Dry run of acd.csv", timeout=RUN_TIMEOUT)
    expect(page.get_by_test_id("run-progress")).to_have_attribute("data-status", "refused")
    expect(page.get_by_test_id("error-groups")).to_contain_text("resolved")
    expect(page.get_by_test_id("errors")).to_contain_text("Maybe")

    # A good file with the saved profile: dry run, then import; the bar reaches done.
    page.get_by_role("link", name="Imports", exact=True).first.click()
    _choose_file(page, "acd-good.csv", good)
    page.locator("#id_profile").select_option("saved:acd-north")
    page.get_by_role("button", name="Dry run (check only)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dry run of acd-good.csv", timeout=RUN_TIMEOUT)
    latest = ImportRun.objects.latest("pk")
    assert latest.status == ImportRun.Status.CHECKED, (latest.message, latest.errors[:5])
    expect(page.get_by_test_id("run-progress")).to_have_attribute("data-status", "checked")
    expect(page.get_by_test_id("outcome")).to_contain_text("7")
    assert Contact.objects.count() == 0
    page.get_by_role("button", name="Import this file now").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import of acd-good.csv", timeout=RUN_TIMEOUT)
    progress = page.get_by_test_id("run-progress")
    expect(progress).to_have_attribute("data-status", "done")
    expect(progress.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "100")
    expect(page.get_by_test_id("run-message")).to_contain_text("7 created")
    assert Contact.objects.count() == 7

    # History: newest first.
    page.goto(f"{live_server.url}/imports/runs/")
    rows = page.get_by_test_id("run-list").locator("tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.first).to_contain_text("acd-good.csv")
    expect(rows.first).to_contain_text("Imported")
    rows.first.get_by_role("link").first.click()

    # Undo: a confirmation page, then the contacts are gone.
    page.get_by_role("link", name="Undo this import…").click()
    expect(page.get_by_test_id("confirm")).to_contain_text("7 contacts")
    page.get_by_role("button", name="Delete 7 contacts").click()
    expect(page.get_by_role("alert").first, "the undo answers").to_be_visible(timeout=RUN_TIMEOUT)
    expect(page.get_by_role("alert").first).to_contain_text("Undone: 7 contacts deleted.")
    expect(page.get_by_test_id("run-progress")).to_have_attribute("data-status", "undone")
    assert Contact.objects.count() == 0
