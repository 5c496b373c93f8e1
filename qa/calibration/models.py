"""Calibration: several reviewers score the same conversations blind against a benchmark, then compare (app label
"qa", loaded via qa.models)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

__all__ = [
    "CalibrationAssignment",
    "CalibrationDiscussion",
    "CalibrationItem",
    "CalibrationParticipant",
    "CalibrationRevision",
    "CalibrationSession",
    "GoldAnswer",
    "GoldSet",
    "GoldSetItem",
]


class GoldSet(models.Model):
    """A shared set of conversations with agreed answers, run by every vendor's reviewers to compare them."""

    name = models.CharField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    version = models.ForeignKey("qa.ScorecardVersion", on_delete=models.PROTECT, related_name="gold_sets")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="qa_gold_sets")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class GoldSetItem(models.Model):
    """One conversation of a gold set."""

    gold_set = models.ForeignKey(GoldSet, on_delete=models.CASCADE, related_name="items")
    contact = models.ForeignKey("skillhub.Contact", on_delete=models.PROTECT, related_name="gold_set_items")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["gold_set", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["gold_set", "contact"], name="gold_set_item_unique")]

    def __str__(self) -> str:
        return f"{self.gold_set}: {self.contact}"


class GoldAnswer(models.Model):
    """The agreed answer to one criterion on one gold-set conversation."""

    item = models.ForeignKey(GoldSetItem, on_delete=models.CASCADE, related_name="answers")
    criterion = models.ForeignKey("qa.Criterion", on_delete=models.PROTECT, related_name="gold_answers")
    value = models.SmallIntegerField(null=True, blank=True)
    is_na = models.BooleanField(default=False)
    note = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "criterion"], name="gold_answer_unique")]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {'N/A' if self.is_na else self.value}"


class CalibrationSession(models.Model):
    """Conversations scored blind by participants on one template version; the calibrator's answers are the benchmark
    (or a gold set's agreed answers). Results open when all have submitted, the deadline passes, or the lead closes."""

    class Status(models.TextChoices):
        OPEN = "open", "Open for scoring"
        CLOSED = "closed", "Results open"

    class ClosedBy(models.TextChoices):
        ALL_SUBMITTED = "all_submitted", "Everyone submitted"
        DEADLINE = "deadline", "Deadline passed"
        LEAD = "lead", "Closed early by the lead"

    title = models.CharField(max_length=160)
    version = models.ForeignKey("qa.ScorecardVersion", on_delete=models.PROTECT, related_name="calibration_sessions")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="qa_calibrations_led", help_text="The lead."
    )
    calibrator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="qa_calibrations_benchmarked",
        help_text="Whose answers are the benchmark; empty when a gold set's agreed answers are.",
    )
    gold_set = models.ForeignKey(GoldSet, on_delete=models.PROTECT, null=True, blank=True, related_name="sessions")
    deadline = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    closed_by = models.CharField(max_length=20, choices=ClosedBy.choices, blank=True)
    results_opened_at = models.DateTimeField(null=True, blank=True)
    # Snapshot taken when the results open (blind answers only), so history and vendor views aggregate in SQL.
    alpha = models.FloatField(null=True, blank=True)
    alpha_low = models.FloatField(null=True, blank=True)
    alpha_high = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(calibrator__isnull=False) | Q(gold_set__isnull=False), name="calibration_has_benchmark"
            )
        ]

    def __str__(self) -> str:
        return self.title


class CalibrationItem(models.Model):
    """One conversation of a session."""

    session = models.ForeignKey(CalibrationSession, on_delete=models.CASCADE, related_name="items")
    contact = models.ForeignKey("skillhub.Contact", on_delete=models.PROTECT, related_name="calibration_items")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["session", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["session", "contact"], name="calibration_item_unique")]

    def __str__(self) -> str:
        return f"{self.session}: {self.contact}"


class CalibrationParticipant(models.Model):
    """A reviewer taking part (the calibrator too), with the vendor they review for and their results snapshot."""

    session = models.ForeignKey(CalibrationSession, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="qa_calibrations")
    vendor = models.ForeignKey(
        "skillhub.Vendor", on_delete=models.PROTECT, null=True, blank=True, related_name="calibration_participants"
    )
    is_calibrator = models.BooleanField(default=False)
    # Filled when the results open: mean signed total distance from the benchmark (points), its absolute value,
    # share of criteria agreeing with the benchmark, and how many conversations were scored.
    distance = models.FloatField(null=True, blank=True)
    abs_distance = models.FloatField(null=True, blank=True)
    agreement_pct = models.FloatField(null=True, blank=True)
    scored = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["session", "-is_calibrator", "user__last_name", "user__first_name", "pk"]
        constraints = [models.UniqueConstraint(fields=["session", "user"], name="calibration_participant_unique")]

    def __str__(self) -> str:
        return f"{self.user} in {self.session}"


class CalibrationAssignment(models.Model):
    """A participant's calibration review of one conversation of the session (a Review with is_calibration)."""

    item = models.ForeignKey(CalibrationItem, on_delete=models.CASCADE, related_name="assignments")
    participant = models.ForeignKey(CalibrationParticipant, on_delete=models.CASCADE, related_name="assignments")
    review = models.OneToOneField("qa.Review", on_delete=models.CASCADE, related_name="calibration_assignment")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "participant"], name="calibration_assignment_unique")]

    def __str__(self) -> str:
        return f"{self.participant} – {self.item}"


class CalibrationRevision(models.Model):
    """An answer a participant changed after the results opened; kept apart from the blind answer (anchoring)."""

    assignment = models.ForeignKey(CalibrationAssignment, on_delete=models.CASCADE, related_name="revisions")
    criterion = models.ForeignKey("qa.Criterion", on_delete=models.PROTECT, related_name="calibration_revisions")
    before_value = models.SmallIntegerField(null=True, blank=True)
    before_na = models.BooleanField(default=False)
    value = models.SmallIntegerField(null=True, blank=True)
    is_na = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["assignment", "criterion"], name="calibration_revision_unique")]

    def __str__(self) -> str:
        return f"{self.assignment}: {self.criterion_id} changed"


class CalibrationDiscussion(models.Model):
    """The discussion note on one criterion of a session and the answer the group agreed on."""

    session = models.ForeignKey(CalibrationSession, on_delete=models.CASCADE, related_name="discussions")
    criterion = models.ForeignKey("qa.Criterion", on_delete=models.PROTECT, related_name="calibration_discussions")
    note = models.TextField(blank=True)
    agreed_value = models.SmallIntegerField(null=True, blank=True)
    agreed_na = models.BooleanField(default=False)
    promoted_at = models.DateTimeField(null=True, blank=True, help_text="When it was added to the guidance.")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "criterion"], name="calibration_discussion_unique")]

    def __str__(self) -> str:
        return f"{self.session}: {self.criterion}"
