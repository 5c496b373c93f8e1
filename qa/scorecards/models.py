"""Scorecards: templates, their numbered versions, sections and criteria (app label "qa", loaded via qa.models)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.selectors.channels import channel_names

__all__ = ["Criterion", "ScorecardSection", "ScorecardTemplate", "ScorecardVersion"]


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
    """One version of a template: a draft is edited and previewed, then published; published and retired versions
    are frozen."""

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
        names = channel_names()
        return [names.get(c, c) for c in self.channels]
