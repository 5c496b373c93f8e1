from celery import shared_task

from imports import runs


# Larger than the default limits: a big file takes minutes. Below the broker's visibility timeout (an hour).
@shared_task(soft_time_limit=runs.RUN_TIME_LIMIT_SECONDS - 300, time_limit=runs.RUN_TIME_LIMIT_SECONDS)
def import_run_execute(run_id: int) -> None:
    """Run a queued upload (or dry run); a second delivery of the same run does nothing while the first may still
    be working."""
    runs.run_execute(run_id=run_id)


@shared_task
def import_runs_fail_stale() -> int:
    """Runs whose worker died are marked failed (the 5-minute beat), so their page stops waiting."""
    return runs.runs_fail_stale()
