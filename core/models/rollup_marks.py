"""Which (agent, day) pairs wait for a KPI rollup. The core records them; the metrics engine rebuilds them."""

from django.db import models


class RollupMark(models.Model):
    """An (agent, day) whose daily figures must be recomputed: written by imports, reviews and repeat contacts."""

    agent = models.ForeignKey("skillhub.Agent", on_delete=models.CASCADE, related_name="rollup_marks")
    day = models.DateField()
    marked_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agent", "day"], name="rollup_mark_agent_day_unique")]
        indexes = [models.Index(fields=["day"], name="rollup_mark_day_idx")]

    def __str__(self) -> str:
        return f"{self.agent_id} on {self.day}"
