"""Upload in the browser: who may use each page, upload → dry run → import → history → errors CSV → undo."""

import csv
import io
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core import roles
from core.models import Agent, Contact, RollupMark
from core.tests.factories import AgentFactory, TeamFactory, UserFactory
from imports import profiles, runs
from imports.models import ImportCreated, ImportFile, ImportProfile, ImportRun
from imports.tests.contact_rows import row, to_csv


@pytest.fixture
def north(team):
    team.name = "North"
    team.save()
    return team


def good_csv(agent) -> bytes:
    rows = [
        row("u1", "K1", agent, "2026-03-01T09:00:00Z", csat=5),
        row("u2", "K1", agent, "2026-03-03T09:00:00Z", channel="email", resolved="no"),
        row("u3", "K2", agent, "2026-03-02 10:30:00", ces=2),
    ]
    return to_csv(rows).encode()


def bad_csv(agent) -> bytes:
    rows = [
        row("b1", "K1", agent, "2026-03-01T09:00:00Z", channel="pigeon"),
        row("b2", "K1", agent, "not a date"),
        row("b3", "K2", agent, "2026-03-02 10:30:00", channel="pigeon"),
    ]
    return to_csv(rows).encode()


def upload(client, data: bytes, *, action="dry_run", profile="own", kind="contacts", name="contacts.csv", **extra):
    payload = {"file": SimpleUploadedFile(name, data), "kind": kind, "profile": profile, "action": action, **extra}
    return client.post(reverse("imports:upload"), payload)


def make_run(user, *, teams=(), status=ImportRun.Status.DONE, **fields) -> ImportRun:
    file = ImportFile.objects.create(name="x.csv", size=3, sha256="0" * 64, content=b"abc", uploaded_by=user)
    run = ImportRun.objects.create(created_by=user, file=file, file_name="x.csv", status=status, **fields)
    run.teams.set(teams)
    return run


# --- who may use the pages ------------------------------------------------------------------------------------

PAGES = ["imports:upload", "imports:run-list", "imports:profile-list"]


@pytest.mark.parametrize("url_name", PAGES)
@pytest.mark.parametrize(
    ("who", "status"),
    [("admin_user", 200), ("lead_user", 200), ("reviewer_user", 403), ("hiring_user", 403), ("agent_user", 403)],
)
def test_import_pages_are_for_admins_and_ops_leads(client, request, url_name, who, status):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse(url_name)).status_code == status


def test_import_pages_send_anonymous_users_to_sign_in(client, db):
    response = client.get(reverse("imports:upload"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


RUN_PAGES = ["imports:run-detail", "imports:run-progress", "imports:run-errors", "imports:run-file", "imports:run-undo"]


@pytest.mark.parametrize("url_name", RUN_PAGES)
def test_run_pages_answer_the_runner_and_admins_and_404_another_teams_lead(
    client, url_name, team, partner_team, lead_user, admin_user
):
    run = make_run(lead_user, teams=[team], errors=[[2, "channel", "unknown"]], error_count=1)
    url = reverse(url_name, args=[run.pk])
    client.force_login(lead_user)
    assert client.get(url).status_code == 200
    client.force_login(admin_user)
    assert client.get(url).status_code == 200
    other = UserFactory(roles=[roles.OPS_LEAD])
    partner_team.leads.add(other)
    client.force_login(other)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("url_name", RUN_PAGES)
@pytest.mark.parametrize("who", ["reviewer_user", "hiring_user", "agent_user"])
def test_run_pages_refuse_other_roles(client, request, url_name, who, lead_user, team):
    run = make_run(lead_user, teams=[team])
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse(url_name, args=[run.pk])).status_code == 403


def test_a_lead_sees_runs_for_their_teams_but_only_the_runner_or_an_admin_undoes(client, team, lead_user):
    run = make_run(lead_user, teams=[team])
    colleague = UserFactory(roles=[roles.OPS_LEAD])
    team.leads.add(colleague)
    client.force_login(colleague)
    assert client.get(reverse("imports:run-detail", args=[run.pk])).status_code == 200
    assert run in runs.run_list_for_user(user=colleague)
    assert client.get(reverse("imports:run-undo", args=[run.pk])).status_code == 403
    assert client.post(reverse("imports:run-undo", args=[run.pk])).status_code == 403


def test_another_leads_file_is_404_in_the_profile_builder(client, lead_user, partner_team):
    run = make_run(lead_user)
    other = UserFactory(roles=[roles.OPS_LEAD])
    partner_team.leads.add(other)
    client.force_login(other)
    assert client.get(reverse("imports:profile-builder", args=[run.file_id])).status_code == 404
    assert client.get(reverse("imports:file-start", args=[run.file_id])).status_code == 404


def test_only_admins_edit_saved_profiles(client, lead_user, admin_user):
    profile = ImportProfile.objects.create(name="p", definition="fields: {}")
    client.force_login(lead_user)
    assert client.get(reverse("imports:profile-edit", args=[profile.pk])).status_code == 403
    client.force_login(admin_user)
    assert client.get(reverse("imports:profile-edit", args=[profile.pk])).status_code == 200


# --- the whole path -------------------------------------------------------------------------------------------


def test_upload_dry_run_import_history_errors_and_undo(
    client, north, agent, admin_user, django_capture_on_commit_callbacks
):
    client.force_login(admin_user)
    # A bad file: refused with every line, nothing written.
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, bad_csv(agent), name="bad.csv")
    refused = ImportRun.objects.get(file_name="bad.csv")
    assert response.status_code == 302 and response["Location"] == reverse("imports:run-detail", args=[refused.pk])
    assert refused.status == ImportRun.Status.REFUSED and refused.error_count == 3
    page = client.get(response["Location"]).content.decode()
    assert "2 rows, first at lines 2, 4" in page and "not a date" in page
    errors = list(
        csv.reader(io.StringIO(client.get(reverse("imports:run-errors", args=[refused.pk])).content.decode()))
    )
    assert errors[0] == ["line", "field", "message"] and [line for line, *_ in errors[1:]] == ["2", "3", "4"]
    assert Contact.objects.count() == 0

    # A good file: the dry run writes nothing, then "Import this file now" imports it.
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, good_csv(agent))
    checked = ImportRun.objects.latest("pk")
    assert checked.status == ImportRun.Status.CHECKED and checked.created == 3 and Contact.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("imports:run-repeat", args=[checked.pk]), {"action": "import"})
    done = ImportRun.objects.latest("pk")
    assert response["Location"] == reverse("imports:run-detail", args=[done.pk])
    assert done.status == ImportRun.Status.DONE and not done.dry_run and done.file_id == checked.file_id
    assert (done.rows, done.created, done.updated, done.unchanged) == (3, 3, 0, 0)
    assert done.bytes_done == done.bytes_total and done.duration is not None
    assert Contact.objects.count() == 3 and ImportCreated.objects.filter(run=done).count() == 3
    page = client.get(reverse("imports:run-detail", args=[done.pk])).content.decode()
    assert "Undo this import" in page and "external_id" in page

    history = client.get(reverse("imports:run-list")).content.decode()
    assert history.count("contacts.csv") == 2 and "bad.csv" in history
    assert client.get(reverse("imports:run-file", args=[done.pk])).content == good_csv(agent)

    # Undo: a confirmation page, then the created contacts go and their days are marked for the rollup.
    confirm = client.get(reverse("imports:run-undo", args=[done.pk])).content.decode()
    assert "Delete 3 contacts" in confirm
    RollupMark.objects.all().delete()
    response = client.post(reverse("imports:run-undo", args=[done.pk]))
    assert response.status_code == 302
    done.refresh_from_db()
    assert done.status == ImportRun.Status.UNDONE and done.undone_by == admin_user and done.undone_at
    assert Contact.objects.count() == 0 and not ImportCreated.objects.exists()
    assert RollupMark.objects.filter(agent=agent).count() == 3  # the three days of the three contacts


def test_a_leads_import_is_limited_to_their_teams(
    client, north, partner_team, lead_user, django_capture_on_commit_callbacks
):
    outsider = AgentFactory(team=partner_team)
    client.force_login(lead_user)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, good_csv(outsider), action="import")
    run = ImportRun.objects.get()
    assert list(run.teams.all()) == [north]
    assert run.status == ImportRun.Status.REFUSED and Contact.objects.count() == 0


def test_undo_is_refused_when_another_import_changed_a_contact(
    client, north, agent, admin_user, django_capture_on_commit_callbacks
):
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, good_csv(agent), action="import")
    first = ImportRun.objects.get()
    changed = to_csv([row("u1", "K1", agent, "2026-03-01T09:00:00Z", csat=1)]).encode()
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, changed, action="import", name="fix.csv")
    assert ImportRun.objects.latest("pk").updated == 1
    page = client.get(reverse("imports:run-undo", args=[first.pk])).content.decode()
    assert "1 of its contacts was changed later by another import" in page
    client.post(reverse("imports:run-undo", args=[first.pk]))
    first.refresh_from_db()
    assert first.status == ImportRun.Status.DONE and Contact.objects.count() == 3


def test_a_dry_run_cannot_be_undone(client, admin_user):
    run = make_run(admin_user, dry_run=True, status=ImportRun.Status.CHECKED)
    client.force_login(admin_user)
    client.post(reverse("imports:run-undo", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == ImportRun.Status.CHECKED


# --- bad input never loses what was entered -----------------------------------------------------------------


def test_a_file_over_the_limit_is_refused_with_its_size(client, admin_user, settings):
    settings.IMPORT_UPLOAD_MAX_BYTES = 100
    client.force_login(admin_user)
    response = upload(client, b"x" * 500)
    assert response.status_code == 400
    assert "the largest upload is" in response.content.decode()
    assert not ImportFile.objects.exists()


def test_a_bad_saved_profile_keeps_the_file_and_the_choices(client, admin_user, agent):
    ImportProfile.objects.create(name="broken", definition="fields: {nonsense: X}")
    client.force_login(admin_user)
    response = upload(client, good_csv(agent), profile="saved:broken", create_agents="on")
    assert response.status_code == 400
    page = response.content.decode()
    file = ImportFile.objects.get()
    assert "nonsense" in page and reverse("imports:file-start", args=[file.pk]) in page
    assert 'value="saved:broken" selected' in page and "checked" in page
    assert not ImportRun.objects.exists()


def test_a_file_that_is_not_text_is_refused_not_a_500(client, admin_user):
    client.force_login(admin_user)
    response = upload(client, b"PK\x03\x04rest-of-a-zip", name="book.xlsx")
    assert response.status_code == 400
    assert "book.xlsx is a zip archive (an Excel .xlsx workbook?)" in response.content.decode()
    assert not ImportRun.objects.exists() and ImportFile.objects.count() == 1


def test_a_file_without_skillhub_columns_asks_for_a_profile(client, admin_user):
    client.force_login(admin_user)
    response = upload(client, b"Call ID;Agent\n1;a\n")
    assert response.status_code == 400
    assert "None of the file&#x27;s columns (&#x27;Call ID&#x27;, &#x27;Agent&#x27;)" in response.content.decode()


def test_a_run_whose_profile_cannot_be_read_is_refused_with_the_reason(admin_user):
    run = make_run(admin_user, status=ImportRun.Status.QUEUED, profile_definition="fields: [1, 2")
    runs.run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == ImportRun.Status.REFUSED and run.error_count >= 1 and run.finished_at


def test_running_a_run_twice_does_the_work_once(admin_user):
    run = make_run(admin_user, status=ImportRun.Status.CHECKED)
    runs.run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == ImportRun.Status.CHECKED and run.started_at is None


# --- the profile builder --------------------------------------------------------------------------------------

# A builder form for the file "external_id;case_id;agent_email;started_at": the rest are constants.
COMPLETE = {
    "kind": "contacts",
    "external_id__column": "external_id",
    "case_id__column": "case_id",
    "agent_email__column": "agent_email",
    "team__value": "North",
    "channel__value": "phone",
    "started_at__column": "started_at",
    "handle_seconds__value": "60",
    "after_contact_seconds__value": "0",
    "resolved__value": "yes",
}
COMPLETE_FILE = b"external_id;case_id;agent_email;started_at\n1;2;a@example.com;2026-03-01T09:00:00Z\n"


def test_profile_builder_previews_and_saves_a_profile(client, admin_user, north, agent):
    text = (
        "Call ID;Case;Agent;Start;Talk;Wrap;Done\n"
        "c1;K1;{0};03/01/2026 09:00;1:02;30;Y\n"
        "c2;K2;{0};13/45/2026;x;30;Maybe\n"
    )
    client.force_login(admin_user)
    response = upload(client, text.format(agent.email).encode(), profile="build")
    file = ImportFile.objects.get()
    assert response["Location"] == reverse("imports:profile-builder", args=[file.pk]) + "?kind=contacts"
    page = client.get(response["Location"]).content.decode()
    assert "Call ID" in page and "<code>external_id</code>" in page
    form = {
        "kind": "contacts",
        "name": "acd-test",
        "timezone": "Europe/Lisbon",
        "external_id__column": "Call ID",
        "case_id__column": "Case",
        "agent_email__column": "Agent",
        "team__value": "North",
        "channel__value": "phone",
        "started_at__column": "Start",
        "started_at__format": "%m/%d/%Y %H:%M",
        "handle_seconds__column": "Talk",
        "handle_seconds__format": "duration",
        "after_contact_seconds__column": "Wrap",
        "resolved__column": "Done",
        "resolved__values": "Y = true\nN = false",
    }
    url = reverse("imports:profile-builder", args=[file.pk])
    preview = client.post(url, {**form, "action": "preview"}, headers={"HX-Request": "true"})
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "2026-03-01 09:00:00" in html and "62" in html  # 1:02 is 62 seconds
    assert html.count('data-testid="cell-error"') >= 3  # the bad date, the bad duration, "Maybe"
    assert not ImportProfile.objects.exists()
    saved = client.post(url, {**form, "action": "save"})
    profile = ImportProfile.objects.get(name="acd-test")
    assert saved["Location"].startswith(reverse("imports:file-start", args=[file.pk]))
    assert "Call ID" in profile.definition and profile.created_by == admin_user


def test_profile_builder_shows_a_bad_value_map_without_losing_the_form(client, admin_user, agent):
    client.force_login(admin_user)
    upload(client, COMPLETE_FILE, profile="build")
    file = ImportFile.objects.get()
    url = reverse("imports:profile-builder", args=[file.pk])
    form = {**COMPLETE, "name": "x", "resolved__value": "", "resolved__column": "case_id", "resolved__values": "Y"}
    response = client.post(url, form)
    assert response.status_code == 400
    page = response.content.decode()
    assert "write FROM = TO" in page and 'value="case_id" selected' in page
    form = {**COMPLETE, "name": "x", "ces__values": "1 = 1"}
    response = client.post(url, form)
    assert response.status_code == 400 and "Pick the column" in response.content.decode()


def test_a_lead_cannot_replace_a_saved_profile_from_the_builder(client, lead_user):
    ImportProfile.objects.create(name="taken", definition="fields: {}")
    client.force_login(lead_user)
    upload(client, COMPLETE_FILE, profile="build")
    file = ImportFile.objects.get()
    url = reverse("imports:profile-builder", args=[file.pk])
    response = client.post(url, {**COMPLETE, "name": "taken", "action": "save"})
    assert response.status_code == 400 and "choose another name" in response.content.decode()
    assert ImportProfile.objects.get(name="taken").definition == "fields: {}"


def test_admin_edits_a_saved_profile_and_a_bad_one_is_refused(client, admin_user):
    profile = ImportProfile.objects.create(name="p", definition="fields:\n  external_id: Id\n")
    client.force_login(admin_user)
    url = reverse("imports:profile-edit", args=[profile.pk])
    response = client.post(url, {"name": "p", "kind": "contacts", "definition": "fields:\n  what: Id\n"})
    assert response.status_code == 400 and "what" in response.content.decode()
    good = profiles.builtin_profiles()["skillhub"].text.replace("case_id: case_id", "case_id: Case")
    response = client.post(url, {"name": "p", "kind": "contacts", "definition": good})
    assert response.status_code == 302
    profile.refresh_from_db()
    assert "case_id: Case" in profile.definition


# --- queries --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("n_runs", [3, 30])
def test_history_page_query_count_is_flat(client, team, lead_user, n_runs, django_assert_max_num_queries):
    for _ in range(n_runs):
        make_run(lead_user, teams=[team], errors=[[1, "", "x"]], error_count=1)
    other_lead = UserFactory(roles=[roles.OPS_LEAD])
    TeamFactory().leads.add(other_lead)
    make_run(other_lead)
    client.force_login(lead_user)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("imports:run-list"))
    assert response.status_code == 200
    assert len(response.context["page"]) == min(n_runs, 25)


def test_a_roster_upload_runs_through_the_roster_import(client, admin_user, north, django_capture_on_commit_callbacks):
    text = "employee_id,name,email,team,start_date,end_date\nE1,Ana Alves,ana@example.test,North,2026-01-01,\n"
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, text.encode(), kind="roster", action="dry_run", name="roster.csv")
    checked = ImportRun.objects.get()
    assert checked.status == ImportRun.Status.CHECKED and checked.created == 1 and checked.kind == "roster"
    assert not Agent.objects.filter(email="ana@example.test").exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:run-repeat", args=[checked.pk]), {"action": "import"})
    done = ImportRun.objects.latest("pk")
    assert done.status == ImportRun.Status.DONE and Agent.objects.filter(email="ana@example.test").exists()
    page = client.get(reverse("imports:run-detail", args=[done.pk])).content.decode()
    assert "1 agents created" in page and "Undo this import" not in page


def test_a_leads_roster_may_not_name_another_team(
    client, lead_user, north, partner_team, django_capture_on_commit_callbacks
):
    text = "employee_id,name,email,team,start_date,end_date\n"
    text += f"E1,Ana Alves,ana@example.test,{partner_team.name},2026-01-01,\n"
    client.force_login(lead_user)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, text.encode(), kind="roster", action="import", name="roster.csv")
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.REFUSED and "not one of your teams" in str(run.errors)


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="PostgreSQL only (and no flush on SQLite)"
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # keeps the migrations' catalogue rows
def test_progress_is_seen_by_other_connections_while_the_import_transaction_is_open(admin_user):
    from django.db import connections, transaction

    run = make_run(admin_user, status=ImportRun.Status.RUNNING, bytes_total=1000)
    progress = runs._Progress(run.pk)
    watcher = connections.create_connection("default")
    try:
        with transaction.atomic():  # as the import holds its transaction open while it reads the file
            progress(300)
            progress.last = 0.0  # past the half-second throttle
            progress(100)
            with watcher.cursor() as cursor:
                cursor.execute(f"SELECT bytes_done FROM {ImportRun._meta.db_table} WHERE id = %s", [run.pk])
                assert cursor.fetchone() == (400,)
    finally:
        progress.close()
        watcher.close()


def test_a_json_lines_file_is_refused_with_where_it_can_go(client, admin_user):
    client.force_login(admin_user)
    response = upload(client, b'\xef\xbb\xbf{"external_id": "1"}\n', name="contacts.jsonl")
    assert response.status_code == 400
    assert "contacts.jsonl is JSON; the upload page reads CSV exports" in response.content.decode()
    assert not ImportRun.objects.exists()


# --- review fixes -----------------------------------------------------------------------------------------------


@pytest.fixture
def two_team_lead(team, partner_team):
    """Lead A: leads both teams (imports a file with rows of partner_team)."""
    lead = UserFactory(roles=[roles.OPS_LEAD])
    team.leads.add(lead)
    partner_team.leads.add(lead)
    return lead


def test_a_lead_sharing_one_team_with_the_runner_does_not_see_the_run_or_its_file(
    client, team, partner_team, two_team_lead
):
    run = make_run(two_team_lead, teams=[team, partner_team])
    one_team = UserFactory(roles=[roles.OPS_LEAD])
    team.leads.add(one_team)
    client.force_login(one_team)
    assert run not in runs.run_list_for_user(user=one_team)
    for url_name in ["imports:run-detail", "imports:run-file", "imports:run-progress", "imports:run-errors"]:
        assert client.get(reverse(url_name, args=[run.pk])).status_code == 404, url_name
    assert client.post(reverse("imports:run-repeat", args=[run.pk]), {"action": "import"}).status_code == 404
    assert ImportRun.objects.count() == 1


def test_a_lead_covering_every_team_of_a_run_sees_it_but_only_the_runner_downloads_or_repeats(
    client, team, partner_team, two_team_lead, lead_user, admin_user
):
    run = make_run(lead_user, teams=[team])
    client.force_login(two_team_lead)
    page = client.get(reverse("imports:run-detail", args=[run.pk]))
    assert page.status_code == 200
    assert reverse("imports:run-repeat", args=[run.pk]) not in page.content.decode()
    assert client.get(reverse("imports:run-file", args=[run.pk])).status_code == 404
    assert client.post(reverse("imports:run-repeat", args=[run.pk]), {"action": "dry_run"}).status_code == 404
    assert ImportRun.objects.count() == 1
    client.force_login(lead_user)
    assert client.get(reverse("imports:run-file", args=[run.pk])).status_code == 200
    client.force_login(admin_user)
    assert client.get(reverse("imports:run-file", args=[run.pk])).status_code == 200


def test_an_admins_run_is_not_shown_to_leads(client, admin_user, lead_user):
    run = make_run(admin_user)  # an admin's run has no teams: it may have written any
    client.force_login(lead_user)
    assert client.get(reverse("imports:run-detail", args=[run.pk])).status_code == 404
    assert run not in runs.run_list_for_user(user=lead_user)


def test_a_run_whose_worker_died_is_marked_failed_and_offers_to_run_again(client, admin_user, settings):
    from datetime import timedelta

    from django.utils import timezone

    from imports.tasks import import_runs_fail_stale

    long_ago = timezone.now() - timedelta(seconds=runs.RUN_STALE_SECONDS + 60)
    dead = make_run(admin_user, status=ImportRun.Status.RUNNING, started_at=long_ago)
    alive = make_run(admin_user, status=ImportRun.Status.RUNNING, started_at=timezone.now())
    assert import_runs_fail_stale() == 1
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert dead.status == ImportRun.Status.FAILED and "Run it again" in dead.message
    assert alive.status == ImportRun.Status.RUNNING
    client.force_login(admin_user)
    progress = client.get(reverse("imports:run-progress", args=[dead.pk]), headers={"HX-Request": "true"})
    assert progress["HX-Refresh"] == "true" and 'hx-trigger="every' not in progress.content.decode()
    page = client.get(reverse("imports:run-detail", args=[dead.pk])).content.decode()
    assert 'data-testid="run-again"' in page and 'hx-trigger="every' not in page
    beat = settings.CELERY_BEAT_SCHEDULE["imports-runs-fail-stale"]
    assert beat["task"] == "imports.tasks.import_runs_fail_stale" and beat["schedule"].total_seconds() == 300


def test_a_redelivered_task_takes_over_a_run_past_its_time_limit(admin_user, agent):
    from datetime import timedelta

    from django.utils import timezone

    long_ago = timezone.now() - timedelta(seconds=runs.RUN_STALE_SECONDS + 60)
    file = runs.file_store(upload=SimpleUploadedFile("c.csv", good_csv(agent)), user=admin_user)
    run = runs.run_create(
        file=file,
        kind="contacts",
        profile_name="",
        profile_definition=profiles.builtin_profiles()["skillhub"].text,
        dry_run=True,
        create_agents=False,
        user=admin_user,
    )
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.RUNNING, started_at=long_ago)
    runs.run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == ImportRun.Status.CHECKED and run.rows == 3
    # One that started recently may still be working: a second delivery leaves it alone.
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.RUNNING, started_at=timezone.now())
    runs.run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == ImportRun.Status.RUNNING


CP1252_FILE = "Call ID;Case;Agent;Start;Customer\nc1;K1;{0};2026-03-01T09:00:00Z;José Müller\n"


def test_profile_builder_reads_a_windows_1252_file_with_the_chosen_encoding(client, lead_user, team, agent):
    client.force_login(lead_user)
    upload(client, CP1252_FILE.format(agent.email).encode("cp1252"), profile="build")
    file = ImportFile.objects.get()
    url = reverse("imports:profile-builder", args=[file.pk])
    # UTF-8 cannot read it: the page says why and offers the encodings (no redirect, the file stays).
    refused = client.get(url + "?kind=contacts")
    assert refused.status_code == 400
    html = refused.content.decode()
    assert 'data-testid="read-error"' in html and "byte 0xE9" in html and 'value="cp1252"' in html
    page = client.get(url + "?kind=contacts&encoding=cp1252&delimiter=;")
    assert page.status_code == 200 and "Call ID" in page.content.decode()
    form = {
        **COMPLETE,
        "name": "phones-1252",
        "encoding": "cp1252",
        "delimiter": ";",
        "external_id__column": "Call ID",
        "case_id__column": "Case",
        "agent_email__column": "Agent",
        "started_at__column": "Start",
        "team__value": team.name,
        "channel__value": "phone",
        "reason__column": "Customer",
    }
    preview = client.post(url, {**form, "action": "preview"}, headers={"HX-Request": "true"})
    assert preview.status_code == 200 and "José Müller" in preview.content.decode()
    saved = client.post(url, {**form, "action": "save"})
    assert saved.status_code == 302
    profile = profiles.parse_profile(ImportProfile.objects.get(name="phones-1252").definition, kind="contacts")
    assert profile.encoding == "cp1252" and profile.delimiter == ";"


@pytest.mark.parametrize("action", ["preview", "save"])
def test_profile_builder_answers_404_to_an_unknown_kind(client, admin_user, action):
    client.force_login(admin_user)
    upload(client, COMPLETE_FILE, profile="build")
    file = ImportFile.objects.get()
    url = reverse("imports:profile-builder", args=[file.pk])
    assert client.get(url + "?kind=weird").status_code == 404
    response = client.post(url + "?kind=weird", {**COMPLETE, "name": "x", "kind": "weird", "action": action})
    assert response.status_code == 404
    assert not ImportProfile.objects.exists()
