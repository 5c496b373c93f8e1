"""Celery tasks of sampling; their names stay those of qa/tasks.py, where the beat schedule and queued runs find them
(qa/tasks.py imports them, so Celery's autodiscovery registers them)."""

from celery import shared_task

from qa.sampling import services
from qa.sampling.models import SamplingRun


@shared_task(name="qa.tasks.sampling_run_execute")
def sampling_run_execute(run_id: int) -> int:
    """Draw and assign one sampling run (safe to run twice: contacts already reviewed are skipped)."""
    run = SamplingRun.objects.filter(pk=run_id).first()
    if run is None:
        return 0
    return services.sampling_run_execute(run=run)


@shared_task(name="qa.tasks.sampling_weekly")
def sampling_weekly(per_agent: int = 5) -> list[int]:
    """Beat, weekly: one run per active team for last week. A second call adds nothing."""
    return services.sampling_weekly(per_agent=per_agent)
