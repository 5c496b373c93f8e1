from celery import shared_task

from qa import services_calibration


@shared_task
def calibration_open_due() -> int:
    """Beat, every 15 minutes: open the results of sessions whose deadline passed. Safe to run twice."""
    return services_calibration.sessions_sync_due()
