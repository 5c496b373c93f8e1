"""Celery tasks of the metrics engine: KPI rollups. They take ISO dates, never model instances; safe to run twice."""

from datetime import date, timedelta

from celery import shared_task
from django.conf import settings
from django.db import OperationalError

from core.models import RollupMark
from metrics import reconcile, rollups

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
    run: int | None = None,
) -> dict:
    """Rebuild KPI rollup days.

    - no arguments: the days imports and reviews marked (oldest first, DAYS_PER_RUN per run, then requeues);
    - days=[ISO dates]: those days; start/end: that range (one transaction, e.g. a month of a full run);
    - last_days=N: the last N days up to today (the nightly sweep);
    - full=True: a full reconciliation (metrics.reconcile): its record, then one task per month (run=<id>, start,
      end); the month that completes the run flushes the running totals, once, after all of them;
    - no arguments also looks at the full run in progress: one whose heartbeat went stale lost its worker, and its
      months left are queued again (and it is finished) here, without waiting for the broker to redeliver.
    """
    if full:
        full_run, created = reconcile.full_run_start()
        if not created:  # one is in progress: its months are queued (or the beat resumes them if it went stale)
            return {"run": full_run.pk, "months": 0, "in_progress": True}
        return {"run": full_run.pk, "months": _queue_months(full_run)}
    if run is not None:
        result = _full_run_month(run, start)
        return {"days": result.days, "rows": result.rows}
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
        stale = reconcile.full_run_claim_stale()
        if stale is not None:
            _queue_months(stale)
        result = rollups.rollup_pending(limit_days=DAYS_PER_RUN)
        if RollupMark.objects.exists() and result.days:
            rollup_metrics.delay()
    return {"days": result.days, "rows": result.rows}


def _full_run_month(run: int, start: str | None) -> rollups.RollupResult:
    """One month of a full run, then the run's finish (which flushes only when no month is left)."""
    result = reconcile.full_run_month(run_id=run, start=date.fromisoformat(start))
    reconcile.full_run_finish(run_id=run)
    return result


def _queue_months(full_run) -> int:
    """Queue a task for each month of the run not done yet (finish it at once when none is left)."""
    months = reconcile.full_run_months_left(run=full_run)
    for start, end in months:
        rollup_metrics.delay(run=full_run.pk, start=start.isoformat(), end=end.isoformat())
    if not months:
        reconcile.full_run_finish(run_id=full_run.pk)
    return len(months)
