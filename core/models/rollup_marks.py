"""Which days wait for a KPI rollup. The core records them; the metrics engine rebuilds them."""

from django.db import models
from django.db.models import Q


class RollupMark(models.Model):
    """A day whose daily figures must be recomputed, for one agent or (no agent) for every agent of the day.

    Reviews, repeat contacts and small edits mark the (agent, day) pairs they change; a staged import marks whole
    days (a 100,000-row backfill touches tens of thousands of agent-days but a few hundred days, and the rollup
    rebuilds whole days either way).
    """

    agent = models.ForeignKey(
        "skillhub.Agent",
        on_delete=models.CASCADE,
        related_name="rollup_marks",
        null=True,
        blank=True,
        help_text="Blank: every agent of the day.",
    )
    day = models.DateField()
    marked_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agent", "day"], name="rollup_mark_agent_day_unique"),
            models.UniqueConstraint(
                fields=["day"], condition=Q(agent__isnull=True), name="rollup_mark_whole_day_unique"
            ),
        ]
        indexes = [models.Index(fields=["day"], name="rollup_mark_day_idx")]

    def __str__(self) -> str:
        return f"{self.agent_id or 'every agent'} on {self.day}"
