from django.conf import settings
from django.db import models


class Review(models.Model):
    """A QA review of one contact; submitted, scored, non-calibration reviews count in the agent's QA figures."""

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

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["agent", "status"], name="review_agent_status_idx")]

    def __str__(self) -> str:
        return f"Review of {self.contact} ({self.get_status_display()})"


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
