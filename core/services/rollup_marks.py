"""The days waiting for a KPI rollup: the core records them and sends the rollup task by name.

Reviews, repeat contacts and edits mark the (agent, day) pairs they change, a staged import whole days (the SQL
of `WHOLE_DAY_UPSERT`); the metrics engine (a floor above,
which the core never imports) rebuilds the marked days and clears the marks.
"""

import logging
from collections.abc import Iterable
from datetime import date

from celery import current_app
from django.db import transaction

from core.models import RollupMark

logger = logging.getLogger(__name__)

# The metrics engine's rollup task, by the name it has always had (scripts and beat schedules use it).
ROLLUP_TASK = "skillhub.tasks.rollup_metrics"


def rollup_mark(*, agent_days: Iterable[tuple[int, date]]) -> None:
    """Record that these (agent id, day) pairs changed; the rollup recomputes them. Safe to call twice.

    A pair marked again while a rollup holds it is written again after that rollup commits (the upsert waits
    on the row the rollup locked and deleted), so a change is never lost between reading and clearing marks.
    """
    marks = [RollupMark(agent_id=agent_id, day=day) for agent_id, day in set(agent_days)]
    if marks:
        RollupMark.objects.bulk_create(
            marks,
            update_conflicts=True,
            unique_fields=["agent", "day"],
            update_fields=["marked_at"],
            batch_size=1000,
        )


# Marks whole days (no agent) from a query giving `day`: a staged import's, one statement whatever its size.
# PostgreSQL and SQLite both take the partial index's predicate as the conflict target.
WHOLE_DAY_UPSERT = (
    "INSERT INTO {marks} (agent_id, day, marked_at) "
    "SELECT NULL, day, %s FROM (SELECT DISTINCT day FROM ({days}) touched WHERE day IS NOT NULL) days "
    "WHERE true ORDER BY day "  # WHERE: SQLite reads an INSERT … SELECT … ON CONFLICT only with one
    "ON CONFLICT (day) WHERE agent_id IS NULL DO UPDATE SET marked_at = EXCLUDED.marked_at"
)


def rollup_enqueue() -> None:
    """Queue the rollup of the marked days once the current transaction commits.

    The marks are already in the database, so a broker that is down loses nothing: the enqueue is logged and
    skipped, and the next run (beat every few minutes, or `rollup_metrics`) rebuilds every marked day.
    """

    def send() -> None:
        try:
            current_app.tasks[ROLLUP_TASK].delay()
        except Exception as error:  # kombu raises its own OperationalError family when Redis is unreachable
            logger.warning("rollup not queued (%s); the marked days wait for the next scheduled run", error)

    transaction.on_commit(send)
