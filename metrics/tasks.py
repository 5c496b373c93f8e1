"""Celery tasks of the metrics engine: KPI rollups. They take ISO dates, never model instances; safe to run twice."""

from datetime import date, timedelta

from celery import shared_task
from django.conf import settings
from django.db import OperationalError

from core.models import RollupMark
from metrics import rollups

# One task run rebuilds at most this many marked days, then queues the rest, so no run holds on for long.
DAYS_PER_RUN = 31


@shared_task(
    name="skillhub.tasks.rollup_metrics",  # its name from before the metrics engine left the core
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError,),
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=8,
    soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT,
    time_limit=settings.CELERY_TASK_TIME_LIMIT,
)
def rollup_metrics(
    self,
    days: list[str] | None = None,
    start: str | None = None,
    end: str | None = None,
    last_days: int | None = None,
    full: bool = False,
    flush: bool = True,
) -> dict:
    """Rebuild KPI rollup days.

    - no arguments: the days imports and reviews marked (oldest first, DAYS_PER_RUN per run, then requeues);
    - days=[ISO dates]: those days; start/end: that range (one transaction, e.g. a month of a full run);
    - last_days=N: the last N days up to today (the nightly sweep);
    - full=True: every day with data, fanned out as one task per month (flush=False: those leave the running totals
      marked), then one plain run that flushes them once.
    """
    if full:
        first, last = rollups.contact_day_bounds()
        rollups.rollup_drop_outside(first=first, last=last)
        chunks = list(rollups.month_chunks(first, last)) if first and last else []
        for chunk_start, chunk_end in chunks:
            rollup_metrics.delay(start=chunk_start.isoformat(), end=chunk_end.isoformat(), flush=False)
        # The marked days and one running-totals flush. With several workers a month may finish after this task;
        # its changes stay marked in RunningDirty and the next scheduled run (every few minutes) flushes them.
        rollup_metrics.delay()
        return {"months": len(chunks)}
    if start or end:
        result = rollups.rollup_days(
            start=date.fromisoformat(start or end), end=date.fromisoformat(end or start), flush=flush
        )
    elif days:
        result = rollups.rollup_day_list(days=[date.fromisoformat(day) for day in days])
    elif last_days:
        today = rollups.today()
        result = rollups.rollup_days(start=today - timedelta(days=last_days - 1), end=today)
    else:
        result = rollups.rollup_pending(limit_days=DAYS_PER_RUN)
        if RollupMark.objects.exists() and result.days:
            rollup_metrics.delay()
    return {"days": result.days, "rows": result.rows}
