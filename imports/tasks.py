from celery import shared_task

from imports import runs


# Larger than the default limits: a big file takes minutes. Below the broker's visibility timeout (an hour).
@shared_task(soft_time_limit=3000, time_limit=3300)
def import_run_execute(run_id: int) -> None:
    """Run a queued upload (or dry run); a second delivery of the same run does nothing."""
    runs.run_execute(run_id=run_id)
