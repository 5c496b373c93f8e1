"""What the import path keeps: saved profiles, uploaded files (in the database, so every worker reads them), and
the history of every import run with its counts and errors, and which contacts a run created (for undo)."""

from django.conf import settings
from django.db import models


class ImportKind(models.TextChoices):
    CONTACTS = "contacts", "Contacts"
    ROSTER = "roster", "Roster (agents and teams)"


class ImportProfile(models.Model):
    """A saved import profile: how one source's export maps to SkillHub's fields (YAML or JSON text)."""

    name = models.SlugField(max_length=60, unique=True, help_text="Chosen by this name, e.g. --profile acd-voice.")
    kind = models.CharField(max_length=20, choices=ImportKind.choices, default=ImportKind.CONTACTS)
    definition = models.TextField(help_text="The profile as YAML or JSON.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ImportFile(models.Model):
    """An uploaded file's bytes, kept in the database: a Celery worker on another machine reads it from here."""

    name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    content = models.BinaryField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class ImportRun(models.Model):
    """One import (or dry run) of one file: who, when, with which profile, what it did, and what it refused."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Imported"
        CHECKED = "checked", "Checked (dry run)"
        REFUSED = "refused", "Refused"
        FAILED = "failed", "Failed"
        UNDONE = "undone", "Undone"

    class Source(models.TextChoices):
        UPLOAD = "upload", "Upload in the browser"
        COMMAND = "command", "Command line"
        API = "api", "API"

    kind = models.CharField(max_length=20, choices=ImportKind.choices, default=ImportKind.CONTACTS)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.UPLOAD)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    dry_run = models.BooleanField(default=False)
    create_agents = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="import_runs"
    )
    file = models.ForeignKey(ImportFile, on_delete=models.SET_NULL, null=True, blank=True, related_name="runs")
    file_name = models.CharField(max_length=255)
    profile_name = models.CharField(max_length=60, blank=True)
    profile_definition = models.TextField(blank=True, help_text="The profile as it was when the run started.")
    teams = models.ManyToManyField(
        "skillhub.Team", blank=True, related_name="+", help_text="A lead's run may only write these teams."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Progress while running: bytes of the file read so far.
    bytes_total = models.PositiveBigIntegerField(default=0)
    bytes_done = models.PositiveBigIntegerField(default=0)
    # What it did.
    rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0, help_text="Rows the profile's skip rule left out.")
    agents_created = models.PositiveIntegerField(default=0)
    fields = models.JSONField(default=list, blank=True, help_text="The fields this file writes.")
    timezone = models.CharField(max_length=64, blank=True, help_text="The zone that read times without an offset.")
    no_offset_rows = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True, help_text="[line, field, message] of each bad row (capped).")
    message = models.TextField(blank=True, help_text="The outcome in a sentence.")
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["created_by", "created_at"], name="import_run_user_idx")]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        if self.status not in (self.Status.QUEUED, self.Status.RUNNING):
            return 100
        return int(100 * self.bytes_done / self.bytes_total) if self.bytes_total else 0

    @property
    def duration(self):
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None


class ImportCreated(models.Model):
    """A contact an import run created: what undo deletes (while nothing depends on it)."""

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="created_contacts")
    contact = models.ForeignKey("skillhub.Contact", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "contact"], name="import_created_unique")]

    def __str__(self) -> str:
        return f"{self.run_id}: {self.contact_id}"
