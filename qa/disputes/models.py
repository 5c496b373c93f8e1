"""Disputes' own tables (app label "qa", loaded via qa.models): the reason codes an agent picks, a resolution awaiting a
QA lead's approval, and the comment thread of a review."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from qa.reviews.models import Review

# The code whose dispute needs a comment: nothing else says what is wrong.
OTHER = "other"


class DisputeReason(models.Model):
    """A reason code an agent picks when disputing a review (seeded; admins edit, reorder and retire them)."""

    code = models.SlugField(unique=True, help_text="Permanent; reports and exports use it.")
    label = models.CharField(max_length=120)
    active = models.BooleanField(default=True, help_text="Only active codes are offered to agents.")
    position = models.PositiveSmallIntegerField(default=0, help_text="Display order.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "label"]

    def __str__(self) -> str:
        return self.label

    @property
    def needs_comment(self) -> bool:
        return self.code == OTHER


class DisputeProposal(models.Model):
    """A reviewer's resolution of a dispute waiting for a QA lead (QA_DISPUTE_APPROVAL on): the answers it would change
    and the decision for the agent. Nothing applies to the review until a lead approves it."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for a QA lead"
        APPROVED = "approved", "Approved"
        SENT_BACK = "sent_back", "Sent back"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="dispute_proposals")
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="qa_dispute_proposals"
    )
    note = models.TextField(help_text="The decision explained to the agent.")
    # {criterion id: {"value": int | None, "is_na": bool, "comment": str}}: only the answers the resolver changed.
    answers = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="qa_dispute_decisions",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True, help_text="Why the lead sent it back.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["review"], condition=Q(status="pending"), name="one_pending_dispute_proposal"
            ),
        ]

    def __str__(self) -> str:
        return f"Proposal on review {self.review_id} ({self.get_status_display()})"


class ReviewComment(models.Model):
    """One message of a review's thread between the agent and the reviewers; @mentions of people who may see it."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="qa_review_comments")
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    mentions = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="qa_review_mentions")
    history = HistoricalRecords()  # append-only; the record keeps who wrote what, when

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["review", "created_at"], name="review_comment_thread_idx")]

    def __str__(self) -> str:
        return f"Comment by {self.author_id} on review {self.review_id}"


# Disputes not yet settled: waiting for a resolver, or for a QA lead's approval of a resolution.
OPEN_DISPUTE_STATUSES = (Review.Status.DISPUTED, Review.Status.PROPOSED)
