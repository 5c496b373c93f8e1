"""Celery tasks of calibration; the name stays the one the beat schedule knows (registered through qa/tasks.py)."""

from celery import shared_task

from qa.calibration import services


@shared_task(name="qa.tasks_calibration.calibration_open_due")
def calibration_open_due() -> int:
    """Beat, every 15 minutes: open the results of sessions whose deadline passed, and remind those who have not
    submitted a day before the deadline. Safe to run twice."""
    return services.sessions_sync_due()
