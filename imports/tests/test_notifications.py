"""The user who started an upload is told how it ended (import_finished, import_failed), once; nobody else is."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from core import roles
from core.models import Delivery, Notice
from core.notifications.services import preference_set
from core.tests.factories import UserFactory
from imports import profiles, runs
from imports.models import ImportFile, ImportRun
from imports.tasks import import_runs_fail_stale
from imports.tests.test_upload import bad_csv, good_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleague(team):
    """Another lead of the runner's team: sees the run's page, but did not start it."""
    user = UserFactory(roles=[roles.OPS_LEAD])
    team.leads.add(user)
    return user


def _run(user, data: bytes, *, dry_run=False, name="contacts.csv") -> ImportRun:
    file = runs.file_store(upload=SimpleUploadedFile(name, data), user=user)
    run = runs.run_create(
        file=file,
        kind="contacts",
        profile_name="",
        profile_definition=profiles.builtin_profiles()["skillhub"].text,
        dry_run=dry_run,
        create_agents=False,
        user=user,
    )
    runs.run_execute(run_id=run.pk)
    run.refresh_from_db()
    return run


def _stale_run(user) -> ImportRun:
    file = ImportFile.objects.create(name="big.csv", size=3, sha256="0" * 64, content=b"abc", uploaded_by=user)
    long_ago = timezone.now() - timedelta(seconds=runs.RUN_STALE_SECONDS + 60)
    return ImportRun.objects.create(
        created_by=user, file=file, file_name="big.csv", status=ImportRun.Status.RUNNING, started_at=long_ago
    )


def test_a_finished_upload_tells_its_runner_with_the_counts_in_the_digest(
    lead_user, colleague, agent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run = _run(lead_user, good_csv(agent))
    assert run.status == ImportRun.Status.DONE and run.created == 3
    notice = Notice.objects.get()  # the colleague, who may read the run, started nothing
    assert (notice.user, notice.event) == (lead_user, "import_finished")
    assert notice.title == "contacts.csv imported: 3 created, 0 updated"
    assert notice.url == reverse("imports:run-detail", args=[run.pk]) and notice.body == run.message
    assert notice.delivery == Delivery.DIGEST and not mail.outbox
    runs.run_execute(run_id=run.pk)  # a second delivery of the task tells nobody again
    assert Notice.objects.count() == 1


def test_a_dry_run_tells_what_would_be_written(lead_user, agent):
    run = _run(lead_user, good_csv(agent), dry_run=True)
    assert Notice.objects.get(user=lead_user).title == (
        f"contacts.csv checked (dry run, nothing written): {run.created} would be created, 0 updated"
    )


def test_a_refused_upload_emails_its_runner_the_count_of_row_errors_and_the_link(
    lead_user, agent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run = _run(lead_user, bad_csv(agent), name="march.csv")
    assert run.status == ImportRun.Status.REFUSED and run.error_count == 3
    notice = Notice.objects.get(user=lead_user)
    assert notice.event == "import_failed"
    assert notice.title == "march.csv was refused: 3 row errors; nothing was written"
    (message,) = mail.outbox  # import_failed comes at once by default
    assert message.to == [lead_user.email] and message.subject == notice.title
    assert f"http://127.0.0.1:8000/imports/runs/{run.pk}/" in message.body


def test_a_run_whose_worker_died_tells_its_runner_once(admin_user, django_capture_on_commit_callbacks):
    run = _stale_run(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        assert import_runs_fail_stale() == 1
        assert import_runs_fail_stale() == 0
    notice = Notice.objects.get()
    assert (notice.user, notice.event) == (admin_user, "import_failed")
    assert notice.title.startswith("big.csv failed: the import stopped without finishing")
    assert notice.url == reverse("imports:run-detail", args=[run.pk])
    assert len(mail.outbox) == 1


def test_a_run_with_no_user_tells_nobody(db):
    _stale_run(None)
    assert import_runs_fail_stale() == 1
    assert not Notice.objects.exists()


def test_a_runner_who_wants_finished_imports_at_once_gets_an_email(
    lead_user, agent, django_capture_on_commit_callbacks
):
    preference_set(user=lead_user, event="import_finished", delivery=Delivery.NOW)
    with django_capture_on_commit_callbacks(execute=True):
        _run(lead_user, good_csv(agent))
    (message,) = mail.outbox
    assert message.subject == "contacts.csv imported: 3 created, 0 updated"


def test_a_failure_to_tell_never_undoes_the_runs_end(lead_user, agent, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("mail templates missing")

    monkeypatch.setattr(runs, "run_ended_notify", broken)
    run = _run(lead_user, good_csv(agent))
    assert run.status == ImportRun.Status.DONE and run.finished_at is not None
