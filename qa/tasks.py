"""The qa tasks Celery's autodiscovery finds (it imports qa.tasks): each is defined in its topic package, under the
name it always had ("qa.tasks.sampling_weekly", "qa.tasks_calibration.calibration_open_due", …)."""

from qa.autoqa.tasks import autoqa_score_contacts, autoqa_sweep
from qa.calibration.tasks import calibration_open_due
from qa.reviews.tasks import reviews_notify_overdue
from qa.sampling.tasks import sampling_run_execute, sampling_weekly

__all__ = [
    "autoqa_score_contacts",
    "autoqa_sweep",
    "calibration_open_due",
    "reviews_notify_overdue",
    "sampling_run_execute",
    "sampling_weekly",
]
