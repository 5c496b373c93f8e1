from celery import shared_task
from django.db import transaction

from core.models import Team
from qa import services
from qa.models import SamplingRun


@shared_task
def sampling_run_execute(run_id: int) -> int:
    """Draw and assign one sampling run (safe to run twice: contacts already reviewed are skipped)."""
    run = SamplingRun.objects.filter(pk=run_id).first()
    if run is None:
        return 0
    return services.sampling_run_execute(run=run)


@shared_task
def sampling_weekly(per_agent: int = 5) -> list[int]:
    """Beat, weekly: one run per active team for last week (work spreads by team). A second call adds nothing."""
    start, end = services.last_week()
    if services.default_version() is None:
        return []
    run_ids: list[int] = []
    for team in Team.objects.filter(is_active=True).order_by("pk"):
        with transaction.atomic():
            if SamplingRun.objects.filter(
                teams=team, period_start=start, period_end=end, created_by__isnull=True
            ).exists():
                continue
            run = services.sampling_run_create(teams=[team], period_start=start, period_end=end, per_agent=per_agent)
            sampling_run_execute.delay_on_commit(run.pk)
        run_ids.append(run.pk)
    return run_ids


from qa.tasks_calibration import calibration_open_due  # noqa: E402, F401  (registered with the qa tasks)
