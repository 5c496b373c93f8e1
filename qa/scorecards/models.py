"""Scorecards: templates, their numbered versions, sections and criteria (app label "qa", loaded via qa.models)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce

from core.selectors.channels import channel_names

__all__ = ["Criterion", "ScorecardRule", "ScorecardSection", "ScorecardTemplate", "ScorecardVersion"]


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
    detector = models.CharField(
        max_length=40, blank=True, help_text="AutoQA: the detector that answers it (blank: humans only)."
    )
    detector_params = models.JSONField(
        default=dict, blank=True, help_text="The detector's settings, e.g. phrase kinds."
    )

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


class ScorecardRule(models.Model):
    """A team's, vendor's or channel's own scorecard: reviews of the contacts it matches use its template.

    The most specific matching rule wins (a team beats a vendor beats a channel alone; a channel added to a team or
    vendor beats the team or vendor alone), then the lower position; a template without a published version is
    passed over for the next rule, and with no rule left the default template's published version is used."""

    template = models.ForeignKey(ScorecardTemplate, on_delete=models.CASCADE, related_name="rules")
    # A team implies its vendor, so a rule names a team or a vendor, never both (see scorecard_rule_save).
    team = models.ForeignKey(
        "skillhub.Team", on_delete=models.CASCADE, null=True, blank=True, related_name="scorecard_rules"
    )
    vendor = models.ForeignKey(
        "skillhub.Vendor", on_delete=models.CASCADE, null=True, blank=True, related_name="scorecard_rules"
    )
    channel = models.CharField(max_length=30, blank=True, help_text="A code of the channel catalogue; blank: any.")
    position = models.PositiveIntegerField(default=0)
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(team__isnull=False) | Q(vendor__isnull=False) | ~Q(channel=""),
                name="scorecard_rule_has_a_condition",
            ),
            models.CheckConstraint(
                condition=Q(team__isnull=True) | Q(vendor__isnull=True), name="scorecard_rule_team_or_vendor"
            ),
            # NULLs are distinct in a plain unique constraint: coalesce them so two rules never match the same way.
            models.UniqueConstraint(
                Coalesce("team", 0), Coalesce("vendor", 0), "channel", name="scorecard_rule_conditions_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.conditions_label} → {self.template}"

    @property
    def specificity(self) -> int:
        """Team 4, vendor 2, channel 1, added up: the higher wins."""
        return (4 if self.team_id else 0) + (2 if self.vendor_id else 0) + (1 if self.channel else 0)

    @property
    def conditions_label(self) -> str:
        parts = []
        if self.team_id:
            parts.append(f"team {self.team.name}")
        if self.vendor_id:
            parts.append(f"vendor {self.vendor.name}")
        if self.channel:
            parts.append(f"channel {channel_names().get(self.channel, self.channel)}")
        return " + ".join(parts)
