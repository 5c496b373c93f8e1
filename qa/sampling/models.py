"""Sampling runs: reproducible draws of conversations to review (app label "qa", loaded via qa.models)."""

from django.conf import settings
from django.db import models

from core.selectors.channels import channel_name
from qa.scorecards.models import ScorecardVersion

__all__ = ["SamplingRun"]


class SamplingRun(models.Model):
    """One reproducible draw of conversations to review: its seed, period and filters are stored."""

    period_start = models.DateField()
    period_end = models.DateField(help_text="Inclusive.")
    per_agent = models.PositiveSmallIntegerField(default=5)
    seed = models.BigIntegerField()
    teams = models.ManyToManyField("skillhub.Team", related_name="sampling_runs")
    channel = models.CharField(max_length=30, blank=True, help_text="A code of the channel catalogue; blank: any.")
    max_csat = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Only contacts with CSAT ≤ this.")
    min_handle_seconds = models.PositiveIntegerField(null=True, blank=True, help_text="Only long contacts.")
    version = models.ForeignKey(
        ScorecardVersion,
        on_delete=models.PROTECT,
        related_name="sampling_runs",
        help_text="The scorecard chosen; by rules, the one used where no rule matches.",
    )
    by_rules = models.BooleanField(
        default=False, help_text="Each conversation gets the scorecard its scorecard rule picks."
    )
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

    def get_channel_display(self) -> str:
        return channel_name(self.channel)
