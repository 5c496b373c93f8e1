"""Reviews of contacts, their raw answers and per-skill scores (app label "qa", loaded via qa.models)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from qa.scorecards.models import Criterion, ScorecardVersion

__all__ = [
    "ALREADY_REVIEWED",
    "COUNTED_STATUSES",
    "TARGETED_ORIGINS",
    "Review",
    "ReviewAnswer",
    "ReviewSkillScore",
    "ReviewerPreference",
]


ALREADY_REVIEWED = "This conversation already has a review."  # the one_review_per_contact rule, in words


class Review(models.Model):
    """A QA review of one contact. Submitted, scored, non-calibration reviews of randomly sampled contacts make the
    QA score; reviews picked on purpose (ad hoc, complaints, escalations) and self-reviews are counted apart."""

    AUTOSAVE_REASON = "Draft autosaved"  # history reason of saves made as the reviewer types (not listed as history)

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        RELEASED = "released", "Released"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        DISPUTED = "disputed", "Disputed"
        RESOLVED = "resolved", "Dispute resolved"
        # Disputes: with QA_DISPUTE_APPROVAL on, a reviewer's resolution waits here for a QA lead (still counted).
        PROPOSED = "proposed", "Resolution proposed"

    class Origin(models.TextChoices):
        """How the conversation came to be reviewed: only a random sample gives an unbiased QA score."""

        SAMPLED = "sampled", "Random sample"
        AD_HOC = "ad_hoc", "Picked by a reviewer"
        COMPLAINT = "complaint", "Complaint"
        ESCALATION = "escalation", "Escalation"
        SELF = "self", "Self-review"

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
    origin = models.CharField(
        max_length=12,
        choices=Origin.choices,
        default=Origin.SAMPLED,
        help_text="Only randomly sampled reviews make the QA score; the others are counted apart.",
    )
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
        "qa.SamplingRun", on_delete=models.SET_NULL, null=True, blank=True, related_name="reviews"
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
    # Time spent (origins): when its reviewer first opened it for scoring, and the seconds they were active on it.
    opened_at = models.DateTimeField(null=True, blank=True)
    active_seconds = models.PositiveIntegerField(default=0, help_text="Seconds the reviewer was active on the page.")
    # Disputes: the agent's reason code, and when the dispute must be settled (fixed when it is raised).
    dispute_code = models.ForeignKey(
        "qa.DisputeReason", on_delete=models.PROTECT, null=True, blank=True, related_name="reviews"
    )
    dispute_due = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["updated_at", "opened_at", "active_seconds"])

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["agent", "status"], name="review_agent_status_idx"),
            models.Index(fields=["reviewer", "status"], name="review_reviewer_status_idx"),
        ]
        constraints = [
            # Whatever its status (a draft included): a dispute changes the review, it never adds one. Calibration
            # reviews are several per conversation by design (reviewers score it blind) and stay out, and so does the
            # agent's own self-review (one per conversation, beside the reviewer's).
            models.UniqueConstraint(
                fields=["contact"],
                condition=Q(is_calibration=False) & ~Q(origin="self"),
                name="one_review_per_contact",
                violation_error_message=ALREADY_REVIEWED,
            ),
            models.UniqueConstraint(
                fields=["contact"],
                condition=Q(is_calibration=False, origin="self"),
                name="one_self_review_per_contact",
                violation_error_message="You have already reviewed this conversation yourself.",
            ),
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
    # AutoQA's suggestion shown to the reviewer for this criterion (null: none), kept to measure agreement and to
    # train on what humans change.
    suggested_value = models.SmallIntegerField(null=True, blank=True)
    suggested_na = models.BooleanField(default=False)
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
    Review.Status.PROPOSED,  # a proposed resolution changes nothing until approved: the review counts as disputed
)
# Origins of reviews picked on purpose: released to the agent like any review, shown apart from the QA score.
TARGETED_ORIGINS = (Review.Origin.AD_HOC, Review.Origin.COMPLAINT, Review.Origin.ESCALATION)


# Queue (the reviewer's workspace) -----------------------------------------------------------------------------------


class ReviewerPreference(models.Model):
    """How one reviewer likes the queue to behave: after submitting, open their next review or stay on the page."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="qa_preference")
    auto_advance = models.BooleanField(
        default=True, help_text="Open the next review of the queue after submitting one."
    )

    def __str__(self) -> str:
        return f"QA preferences of {self.user}"
