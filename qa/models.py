from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from core.models import Channel


class ScorecardTemplate(models.Model):
    """A named scorecard; its content lives in numbered versions so old reviews keep what they were scored with."""

    name = models.CharField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    is_default = models.BooleanField(default=False, help_text="Used for sampled reviews when no other is chosen.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["is_default"], condition=Q(is_default=True), name="one_default_template")
        ]

    def __str__(self) -> str:
        return self.name


class ScorecardVersion(models.Model):
    """One version of a template: a draft is edited and previewed, then published; a version with reviews is frozen."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        RETIRED = "retired", "Retired"

    template = models.ForeignKey(ScorecardTemplate, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    notes = models.CharField(max_length=300, blank=True, help_text="What changed in this version.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["template", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["template", "number"], name="scorecard_version_number_unique"),
            models.UniqueConstraint(
                fields=["template"], condition=Q(status="published"), name="one_published_version_per_template"
            ),
            models.UniqueConstraint(
                fields=["template"], condition=Q(status="draft"), name="one_draft_version_per_template"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.template} v{self.number}"


class ScorecardSection(models.Model):
    """A heading that groups criteria on the scorecard."""

    version = models.ForeignKey(ScorecardVersion, on_delete=models.CASCADE, related_name="sections")
    title = models.CharField(max_length=120)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["version", "position", "pk"]

    def __str__(self) -> str:
        return self.title


class Criterion(models.Model):
    """One observable behaviour, tied to one skill, answered yes/no or on a described points scale."""

    class Scale(models.TextChoices):
        YES_NO = "yes_no", "Yes / no"
        POINTS = "points", "Points"

    version = models.ForeignKey(ScorecardVersion, on_delete=models.CASCADE, related_name="criteria")
    section = models.ForeignKey(ScorecardSection, on_delete=models.CASCADE, related_name="criteria")
    key = models.SlugField(max_length=80, help_text="Stable across versions; what-if re-scoring matches on it.")
    skill = models.ForeignKey("skillhub.Skill", on_delete=models.PROTECT, related_name="qa_criteria")
    text = models.CharField(max_length=300, help_text="The behaviour, e.g. 'Restated the customer's issue'.")
    guidance = models.TextField(blank=True, help_text="What a reviewer looks for.")
    weight = models.DecimalField(max_digits=5, decimal_places=2, default=1)
    scale = models.CharField(max_length=10, choices=Scale.choices, default=Scale.YES_NO)
    scale_min = models.SmallIntegerField(default=1)
    scale_max = models.SmallIntegerField(default=5)
    point_labels = models.JSONField(
        default=list, blank=True, help_text="For points: one description per point, from the minimum up."
    )
    critical = models.BooleanField(default=False, help_text="A fail (no, or below half) sets the review to 0.")
    allow_na = models.BooleanField(default=False)
    channels = models.JSONField(default=list, blank=True, help_text="Empty: all channels.")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["section__position", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="criterion_version_key_unique"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="criterion_weight_positive"),
        ]

    def __str__(self) -> str:
        return self.text

    def applies_to(self, channel: str) -> bool:
        return not self.channels or channel in self.channels

    @property
    def points(self) -> list[tuple[int, str]]:
        """(value, description) for each point of the scale; yes/no gives (1, Yes), (0, No)."""
        if self.scale == self.Scale.YES_NO:
            return [(1, "Yes"), (0, "No")]
        labels = list(self.point_labels or [])
        return [
            (value, labels[i] if i < len(labels) else "")
            for i, value in enumerate(range(self.scale_min, self.scale_max + 1))
        ]

    @property
    def channel_labels(self) -> list[str]:
        return [Channel(c).label for c in self.channels if c in Channel.values]


class SamplingRun(models.Model):
    """One reproducible draw of conversations to review: its seed, period and filters are stored."""

    period_start = models.DateField()
    period_end = models.DateField(help_text="Inclusive.")
    per_agent = models.PositiveSmallIntegerField(default=5)
    seed = models.BigIntegerField()
    teams = models.ManyToManyField("skillhub.Team", related_name="sampling_runs")
    channel = models.CharField(max_length=10, choices=Channel.choices, blank=True)
    max_csat = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Only contacts with CSAT ≤ this.")
    min_handle_seconds = models.PositiveIntegerField(null=True, blank=True, help_text="Only long contacts.")
    version = models.ForeignKey(ScorecardVersion, on_delete=models.PROTECT, related_name="sampling_runs")
    due_date = models.DateField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    executed_at = models.DateTimeField(null=True, blank=True)
    picked = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Sample {self.period_start}–{self.period_end} (seed {self.seed})"


ALREADY_REVIEWED = "This conversation already has a review."  # the one_review_per_contact rule, in words


class Review(models.Model):
    """A QA review of one contact; submitted, scored, non-calibration reviews count in the agent's QA figures."""

    AUTOSAVE_REASON = "Draft autosaved"  # history reason of saves made as the reviewer types (not listed as history)

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        RELEASED = "released", "Released"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        DISPUTED = "disputed", "Disputed"
        RESOLVED = "resolved", "Dispute resolved"

    contact = models.ForeignKey("skillhub.Contact", on_delete=models.PROTECT, related_name="reviews")
    agent = models.ForeignKey("skillhub.Agent", on_delete=models.PROTECT, related_name="reviews")
    team = models.ForeignKey(
        "skillhub.Team", on_delete=models.PROTECT, related_name="reviews", help_text="Team the contact was handled in."
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="qa_reviews"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    is_calibration = models.BooleanField(default=False, help_text="Calibration reviews never count in QA figures.")
    submitted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    version = models.ForeignKey(
        ScorecardVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="reviews"
    )
    auto_failed = models.BooleanField(default=False)
    auto_fail_reason = models.TextField(blank=True)
    comment = models.TextField(blank=True, help_text="Overall feedback for the agent.")
    lock_version = models.PositiveIntegerField(default=0, help_text="Bumped on every save; stale saves are refused.")
    sampling_run = models.ForeignKey(
        SamplingRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="reviews"
    )
    due_date = models.DateField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    dispute_reason = models.TextField(blank=True)
    disputed_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="qa_resolved_reviews"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_note = models.TextField(blank=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["agent", "status"], name="review_agent_status_idx"),
            models.Index(fields=["reviewer", "status"], name="review_reviewer_status_idx"),
        ]
        constraints = [
            # Whatever its status (a draft included): a dispute changes the review, it never adds one. Calibration
            # reviews are several per conversation by design (reviewers score it blind) and stay out.
            models.UniqueConstraint(
                fields=["contact"],
                condition=Q(is_calibration=False),
                name="one_review_per_contact",
                violation_error_message=ALREADY_REVIEWED,
            )
        ]

    def __str__(self) -> str:
        return f"Review of {self.contact} ({self.get_status_display()})"

    @property
    def is_released(self) -> bool:
        return self.status in COUNTED_STATUSES


class ReviewAnswer(models.Model):
    """A reviewer's raw answer to one criterion: a value on its scale or N/A, a comment, a reason when critical."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="answers")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="answers")
    value = models.SmallIntegerField(null=True, blank=True, help_text="Yes 1 / no 0, or the point chosen.")
    is_na = models.BooleanField(default=False)
    comment = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["criterion__section__position", "criterion__position", "pk"]
        constraints = [models.UniqueConstraint(fields=["review", "criterion"], name="review_answer_unique")]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {'N/A' if self.is_na else self.value}"


class ReviewSkillScore(models.Model):
    """A review's 0–100 score for one skill (the scoring rule over that skill's criteria); null when none apply."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="skill_scores")
    skill = models.ForeignKey("skillhub.Skill", on_delete=models.PROTECT, related_name="review_scores")
    score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["review", "skill"], name="review_skill_score_unique")]

    def __str__(self) -> str:
        return f"{self.review_id} {self.skill}: {self.score}"


# Reviews in these states, not calibration, with a score, count in the agent's QA figures.
COUNTED_STATUSES = (
    Review.Status.RELEASED,
    Review.Status.ACKNOWLEDGED,
    Review.Status.DISPUTED,
    Review.Status.RESOLVED,
)

from qa.models_calibration import *  # noqa: E402, F403  (calibration sessions live in their own module)
