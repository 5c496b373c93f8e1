"""KPI rollups: which (agent, day) pairs need recomputing, and recomputing them."""

from collections.abc import Iterable
from datetime import date

from skillhub.models import RollupMark


def rollup_mark(*, agent_days: Iterable[tuple[int, date]]) -> None:
    """Record that these (agent id, day) pairs changed; the rollup recomputes them. Safe to call twice."""
    marks = [RollupMark(agent_id=agent_id, day=day) for agent_id, day in set(agent_days)]
    RollupMark.objects.bulk_create(marks, ignore_conflicts=True, batch_size=1000)
