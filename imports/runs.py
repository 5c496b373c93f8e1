"""Imports started in the browser: store the uploaded file, run it (in a Celery worker), and undo what it created.

A run reads its file from the database (ImportFile) and its profile from the run itself (the text as it was when
the run was asked for), so any worker runs it and a later edit of the saved profile does not change it. A lead's
run may only write the teams stored on it (run.teams).
"""

import hashlib
import io
import logging
import time
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import DatabaseError, IntegrityError, connection, connections, models, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from core import roles
from core.models import Contact, User
from core.notifications.services import notify
from core.selectors.scope import team_ids_for_user
from core.services.rollup_marks import rollup_enqueue, rollup_mark
from imports.models import ImportCreated, ImportFile, ImportKind, ImportProfile, ImportRun
from imports.services import MAX_REPORTED_ERRORS, ImportRejected, RowError

logger = logging.getLogger(__name__)

Status = ImportRun.Status
FINISHED = (Status.DONE, Status.CHECKED, Status.REFUSED, Status.FAILED, Status.UNDONE)
PROGRESS_EVERY_SECONDS = 0.5
# The hard time limit of the task that runs an upload (imports.tasks.import_run_execute). A run still "running"
# this long after it started lost its worker (killed, restarted, out of memory, stopped by the limit itself).
RUN_TIME_LIMIT_SECONDS = 3300
RUN_STALE_SECONDS = RUN_TIME_LIMIT_SECONDS + 120
STALE_MESSAGE = (
    "The import stopped without finishing (its worker was restarted or ran out of time or memory); nothing was "
    "written. Run it again."
)


# --- who may do what ------------------------------------------------------------------------------------------


def may_import(user: User) -> bool:
    """Admins and ops leads upload files (a lead only for their teams)."""
    return roles.has_role(user, roles.OPS_LEAD)


def runs_for_user(*, user: User) -> QuerySet[ImportRun]:
    """Runs `user` may see: all for an admin; none for the other roles; for a lead, their own runs and the runs of
    others whose teams are all among the lead's teams (a run with no teams, an admin's, is for admins only).

    A run's teams are those it was allowed to write (its runner's), so a lead who shares only one of them with the
    runner does not see it: its file may hold the rows of a team they do not lead.
    """
    if roles.is_admin(user):
        return ImportRun.objects.all()
    if not roles.has_role(user, roles.OPS_LEAD):
        return ImportRun.objects.none()
    links = ImportRun.teams.through.objects
    with_teams = links.values("importrun_id")
    outside = links.exclude(team_id__in=team_ids_for_user(user=user)).values("importrun_id")
    return ImportRun.objects.filter(Q(created_by=user) | (Q(pk__in=with_teams) & ~Q(pk__in=outside)))


def may_use_file(*, run: ImportRun, user: User) -> bool:
    """Download a run's file or run it again: the runner and admins (a lead who only sees the run may not)."""
    return roles.is_admin(user) or (run.created_by_id == user.pk and roles.has_role(user, roles.OPS_LEAD))


def run_list_for_user(*, user: User) -> QuerySet[ImportRun]:
    """The history page's rows, newest first, with what the table shows (no query per row)."""
    return runs_for_user(user=user).select_related("created_by").defer("errors", "profile_definition")


def files_for_user(*, user: User) -> QuerySet[ImportFile]:
    """Files `user` may read: what they uploaded (the profile builder) or any file for an admin."""
    if roles.is_admin(user):
        return ImportFile.objects.all()
    if not may_import(user):
        return ImportFile.objects.none()
    return ImportFile.objects.filter(uploaded_by=user)


def may_undo(*, run: ImportRun, user: User) -> bool:
    """An admin, or the lead who ran the import."""
    return roles.is_admin(user) or (run.created_by_id == user.pk and roles.has_role(user, roles.OPS_LEAD))


def allowed_team_ids(*, user: User) -> list[int] | None:
    """The teams a run by `user` may write: None (any) for an admin, the lead's teams otherwise."""
    return None if roles.is_admin(user) else team_ids_for_user(user=user)


# --- starting a run -------------------------------------------------------------------------------------------


def file_store(*, upload: UploadedFile, user: User) -> ImportFile:
    """Keep an uploaded file's bytes in the database (any worker reads them from there)."""
    limit = settings.IMPORT_UPLOAD_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            f"The file is {upload.size:,} bytes; the largest upload is {limit:,} bytes. "
            "Split it, or import it on the server with import_interactions."
        )
    digest = hashlib.sha256()
    parts = []
    for chunk in upload.chunks():
        digest.update(chunk)
        parts.append(chunk)
    content = b"".join(parts)
    if not content:
        raise ValidationError("The file is empty.")
    return ImportFile.objects.create(
        name=(upload.name or "upload")[:255],
        size=len(content),
        sha256=digest.hexdigest(),
        content=content,
        uploaded_by=user,
    )


@transaction.atomic
def run_create(
    *,
    file: ImportFile,
    kind: str,
    profile_name: str,
    profile_definition: str,
    dry_run: bool,
    create_agents: bool,
    user: User,
) -> ImportRun:
    """Queue an import (or a dry run) of `file`. The caller sends imports.tasks.import_run_execute on commit."""
    if kind not in ImportKind.values:
        raise ValidationError({"kind": f"Unknown kind {kind!r}."})
    run = ImportRun.objects.create(
        kind=kind,
        source=ImportRun.Source.UPLOAD,
        status=Status.QUEUED,
        dry_run=dry_run,
        create_agents=create_agents,
        created_by=user,
        file=file,
        file_name=file.name,
        profile_name=profile_name[:60],
        profile_definition=profile_definition,
        bytes_total=file.size,
    )
    team_ids = allowed_team_ids(user=user)
    if team_ids is not None:
        run.teams.set(team_ids)
    return run


def run_repeat(*, run: ImportRun, user: User, dry_run: bool) -> ImportRun:
    """The same file and profile again: "Import" after a good dry run, or a dry run again after a fix."""
    if run.file_id is None:
        raise ValidationError("The file of this run is no longer kept; upload it again.")
    return run_create(
        file=run.file,
        kind=run.kind,
        profile_name=run.profile_name,
        profile_definition=run.profile_definition,
        dry_run=dry_run,
        create_agents=run.create_agents,
        user=user,
    )


# --- running it -----------------------------------------------------------------------------------------------


class _Progress:
    """Writes run.bytes_done as the import reads the file, at most twice a second.

    The import runs in one transaction, which other connections cannot see into; on PostgreSQL the progress goes
    through a connection of its own so the page polling it sees it move. SQLite allows one writer at a time, so
    there the bar jumps from 0 to done (SQLite is for development, where imports run inline anyway).
    """

    def __init__(self, run_id: int):
        self.run_id = run_id
        self.last = 0.0
        self.done = 0
        self.own = None
        if connection.vendor == "postgresql":
            self.own = connections.create_connection("default")

    def __call__(self, bytes_read: int) -> None:
        """`bytes_read`: the bytes read since the last call."""
        self.done += bytes_read
        now = time.monotonic()
        if self.own is None or now - self.last < PROGRESS_EVERY_SECONDS:
            return
        self.last = now
        try:
            with self.own.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {ImportRun._meta.db_table} SET bytes_done = %s WHERE id = %s AND status = %s",
                    [self.done, self.run_id, Status.RUNNING],
                )
        except DatabaseError as error:  # progress is a courtesy: never fail an import over it
            logger.warning("import run %s: progress not written (%s)", self.run_id, error)

    def close(self) -> None:
        if self.own is not None:
            self.own.close()


def _stale(now) -> Q:
    return Q(status=Status.RUNNING, started_at__lt=now - timedelta(seconds=RUN_STALE_SECONDS))


def runs_fail_stale() -> int:
    """Mark as failed the runs still "running" long after their task's time limit (their worker died, so nothing
    was written: the import is one transaction); their page stops waiting and offers to run them again, and their
    runner is told. Run by the 5-minute beat. Returns how many were marked."""
    now = timezone.now()
    stale = list(ImportRun.objects.filter(_stale(now)).values_list("pk", flat=True))
    if not stale:
        return 0
    with transaction.atomic():
        marked = ImportRun.objects.filter(_stale(now), pk__in=stale).update(
            status=Status.FAILED, finished_at=now, message=STALE_MESSAGE
        )
        # Only the runs this call marked (a second beat at once marks none of them again; the keys guard too).
        for run in ImportRun.objects.filter(pk__in=stale, status=Status.FAILED, finished_at=now):
            run_ended_notify(run=run)
    return marked


def run_ended_notify(*, run: ImportRun) -> int:
    """Tell the user who started an upload how it ended: imported or checked with its counts (import_finished), or
    refused or failed with the reason (import_failed), linking to the run's page. Runs with no user tell nobody.
    Once per run (the key is the run's)."""
    if run.created_by_id is None or run.source != ImportRun.Source.UPLOAD:
        return 0
    name = run.file_name
    roster = run.kind == ImportKind.ROSTER
    created = f"{run.created:,} {'agents ' if roster else ''}created"
    if run.status == Status.DONE:
        event, title = "import_finished", f"{name} imported: {created}, {run.updated:,} updated"
    elif run.status == Status.CHECKED:
        event = "import_finished"
        title = f"{name} checked (dry run, nothing written): {run.created:,} would be created, {run.updated:,} updated"
    elif run.status == Status.REFUSED:
        event = "import_failed"
        row_errors = any(line for line, _field, _message in (run.errors or []))
        if row_errors or not run.errors:
            count = run.error_count
            title = f"{name} was refused: {count:,} row error{'s' if count != 1 else ''}; nothing was written"
        else:
            title = f"{name} was refused: {' '.join(message for _line, _field, message in run.errors)}"
    elif run.status == Status.FAILED:
        reason = (run.message or "The import stopped on an unexpected error").split(";")[0].rstrip(".")
        event, title = "import_failed", f"{name} failed: {reason[:1].lower()}{reason[1:]}; nothing was written"
    else:
        return 0
    told = notify(
        event=event,
        users=[run.created_by_id],
        title=title,
        key=f"imports:run-ended:{run.pk}",
        url=reverse("imports:run-detail", args=[run.pk]),
        body=run.message,
        action="See the run",
    )
    return len(told)


def run_execute(*, run_id: int) -> None:
    """Run a queued import. Safe to run twice: only the call that moves it from queued to running does the work.

    A redelivered task (its worker died) finds the run "running": it takes the run over once the first attempt is
    past its time limit (nothing of it was written), else leaves it to the attempt that may still be working (the
    beat marks it failed if that attempt is gone).
    """
    now = timezone.now()
    claimed = ImportRun.objects.filter(Q(pk=run_id) & (Q(status=Status.QUEUED) | _stale(now))).update(
        status=Status.RUNNING, started_at=now, bytes_done=0
    )
    if not claimed:
        return
    run = ImportRun.objects.select_related("file", "created_by").get(pk=run_id)
    progress = _Progress(run.pk)
    fields: dict = {}
    try:
        fields = _execute(run, progress)
    except ImportRejected as rejected:
        errors = rejected.errors[:MAX_REPORTED_ERRORS]
        total = len(rejected.errors) + rejected.more
        fields = {
            "status": Status.REFUSED,
            "errors": [[error.line, error.field, error.message] for error in errors],
            "error_count": total,
            "message": f"Refused: {total:,} problem{'s' if total != 1 else ''}; nothing was written.",
        }
    except ValidationError as error:  # a profile that cannot be read, a file that is gone
        messages = error.messages
        fields = {
            "status": Status.REFUSED,
            "errors": [[0, "", message] for message in messages],
            "error_count": len(messages),
            "message": "Refused: " + " ".join(messages),
        }
    except Exception:
        logger.exception("import run %s failed", run_id)
        fields = {
            "status": Status.FAILED,
            "message": "The import stopped on an unexpected error; nothing was written. The error is in the logs.",
        }
    finally:
        progress.close()
        fields.setdefault("status", Status.FAILED)
        with transaction.atomic():
            ended = ImportRun.objects.filter(pk=run_id, status=Status.RUNNING).update(
                finished_at=timezone.now(), bytes_done=run.bytes_total, **fields
            )
            if ended:
                _ended_notify(run_id)


def _ended_notify(run_id: int) -> None:
    """Tell the runner, in the transaction that records the end; a failure to tell never undoes that record."""
    try:
        with transaction.atomic():
            run_ended_notify(run=ImportRun.objects.defer("profile_definition").get(pk=run_id))
    except Exception:
        logger.exception("import run %s: its runner was not told how it ended", run_id)


def _execute(run: ImportRun, progress: _Progress) -> dict:
    from imports import profiles

    if run.file is None:
        raise ValidationError("The uploaded file is no longer kept; upload it again.")
    profile = profiles.parse_profile(run.profile_definition, kind=run.kind, name=run.profile_name)
    if run.created_by is not None and roles.is_admin(run.created_by):
        team_ids = None
    else:
        team_ids = list(run.teams.values_list("pk", flat=True))
    binary = io.BytesIO(bytes(run.file.content))
    if run.kind == ImportKind.ROSTER:
        from imports.rosters import roster_import

        # The roster import reads the whole file before its transaction and writes run.bytes_done itself.
        summary = roster_import(
            binary,
            profile,
            create_teams=run.create_agents,
            dry_run=run.dry_run,
            run=run,
            allowed_team_ids=team_ids,
        )
        fields = _roster_fields(summary)
    else:
        from imports.staged import profile_import

        summary = profile_import(
            binary,
            profile,
            create_agents=run.create_agents,
            dry_run=run.dry_run,
            progress=progress,
            run=run,
            allowed_team_ids=team_ids,
        )
        fields = _contact_fields(summary)
    return {"status": Status.CHECKED if run.dry_run else Status.DONE, "errors": [], "error_count": 0, **fields}


def _contact_fields(summary) -> dict:
    names = ["rows", "created", "updated", "unchanged", "skipped", "agents_created", "no_offset_rows"]
    fields = {name: getattr(summary, name) or 0 for name in names}
    fields["fields"] = list(summary.fields)
    fields["timezone"] = summary.timezone or ""
    verb = "Checked" if summary.dry_run else "Imported"
    would = "would be " if summary.dry_run else ""
    fields["message"] = (
        f"{verb} {fields['rows']:,} rows: {fields['created']:,} {would}created, {fields['updated']:,} {would}updated, "
        f"{fields['unchanged']:,} unchanged, {fields['skipped']:,} skipped."
    )
    return fields


def _roster_fields(summary) -> dict:
    """A roster's counts in the run's columns: agents created/updated/unchanged, and the teams created."""
    teams = list(summary.teams_created)
    verb = "Checked" if summary.dry_run else "Imported"
    message = (
        f"{verb} {summary.rows:,} roster rows: {summary.agents_created:,} agents created, "
        f"{summary.agents_updated:,} updated, {summary.agents_unchanged:,} unchanged, "
        f"{summary.agents_deactivated:,} deactivated, {summary.agents_reactivated:,} reactivated"
    )
    if teams:
        message += f"; teams created: {', '.join(teams)}"
    return {
        "rows": summary.rows,
        "created": summary.agents_created,
        "updated": summary.agents_updated,
        "unchanged": summary.agents_unchanged,
        "agents_created": len(teams),
        "fields": [],
        "message": message + ".",
    }


# --- undo -----------------------------------------------------------------------------------------------------


def _owned_relations() -> tuple[list, list]:
    """Contact's reverse relations: those deleted with it (CASCADE: its turns, import records) and the others
    (a QA review, a calibration or gold-set item...), any one of which keeps the contact from being undone."""
    owned, blocking = [], []
    for relation in Contact._meta.related_objects:
        if relation.on_delete is models.CASCADE:
            owned.append(relation)
        else:
            blocking.append(relation)
    # ImportCreated's relation is hidden (related_name="+"): it is deleted explicitly.
    return owned, blocking


def undoable(*, run: ImportRun) -> bool:
    """A finished contacts import (not a dry run, not a roster): its created contacts can be deleted."""
    return run.status == Status.DONE and not run.dry_run and run.kind == ImportKind.CONTACTS


def undo_blockers(*, run: ImportRun) -> list[str]:
    """Why the contacts this run created cannot be deleted now ([] when they can). One query per kind of
    reference, whatever the number of contacts."""
    if not undoable(run=run):
        return ["Only a finished contacts import (not a dry run, not a roster) can be undone."]
    created = ImportCreated.objects.filter(run=run).values("contact_id")
    reasons = []
    _, blocking = _owned_relations()
    for relation in blocking:
        model = relation.related_model
        count = (
            model._base_manager.filter(**{f"{relation.field.name}__in": created})
            .values(relation.field.name)
            .distinct()
            .count()
        )
        if count:
            what = model._meta.verbose_name_plural
            reasons.append(f"{count:,} of its contacts {'is' if count == 1 else 'are'} used by {what}.")
    if run.finished_at is not None:
        later = Contact.objects.filter(pk__in=created, updated_at__gt=run.finished_at).count()
        if later:
            reasons.append(
                f"{later:,} of its contacts {'was' if later == 1 else 'were'} changed later by another import."
            )
    return reasons


def undo_count(*, run: ImportRun) -> int:
    return ImportCreated.objects.filter(run=run).count()


def run_undo(*, run: ImportRun, user: User) -> int:
    """Delete the contacts `run` created, set-wise, while nothing depends on them; mark the days to roll up again.

    Returns how many contacts were deleted. Raises ValidationError with the reasons when it cannot.
    """
    if not may_undo(run=run, user=user):
        raise ValidationError("Only an admin or the lead who ran this import can undo it.")
    try:
        with transaction.atomic():
            locked = ImportRun.objects.select_for_update().get(pk=run.pk)
            reasons = undo_blockers(run=locked)
            if reasons:
                raise ValidationError(reasons)
            deleted = _delete_created(locked)
            ImportRun.objects.filter(pk=locked.pk).update(
                status=Status.UNDONE,
                undone_at=timezone.now(),
                undone_by=user,
                message=f"Undone: {deleted:,} contact{'s' if deleted != 1 else ''} deleted.",
            )
    except IntegrityError:  # something began to reference a contact between the check and the delete
        raise ValidationError("Some of its contacts were used meanwhile (a review?); nothing was deleted.") from None
    run.refresh_from_db()
    return deleted


def _delete_created(run: ImportRun) -> int:
    created_ids = ImportCreated.objects.filter(run=run).values("contact_id")
    created = Contact.objects.filter(pk__in=created_ids)
    # Their (agent, day) pairs and those of every other contact of their cases (a repeat contact changes the
    # case's first day), marked before the rows go.
    cases = created.values("case_id")
    touched = list(Contact.objects.filter(case_id__in=cases).values_list("agent_id", "day").distinct().order_by())
    rollup_mark(agent_days=touched)
    # Set-wise, whatever the number of contacts: their turns, the contacts, then the run's records of them (the
    # foreign keys are deferred, and checked below). The blocking references were checked under the run's lock; the
    # database's foreign keys refuse the delete (IntegrityError) if one appeared since.
    owned, _ = _owned_relations()
    for relation in owned:
        relation.related_model._base_manager.filter(**{f"{relation.field.name}__in": created_ids})._raw_delete(
            connection.alias
        )
    deleted = Contact.objects.filter(pk__in=created_ids)._raw_delete(connection.alias)
    ImportCreated.objects.filter(run=run)._raw_delete(connection.alias)
    connection.check_constraints()  # now, not at commit: an IntegrityError here is caught by run_undo
    if touched:
        rollup_enqueue()
    return deleted


def run_errors(*, run: ImportRun) -> list[RowError]:
    return [RowError(line, field, message) for line, field, message in run.errors]


def saved_profiles(*, kind: str | None = None) -> QuerySet[ImportProfile]:
    profiles = ImportProfile.objects.select_related("created_by")
    return profiles.filter(kind=kind) if kind else profiles
