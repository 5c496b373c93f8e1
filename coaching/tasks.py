from datetime import date

from celery import shared_task

from coaching import services


@shared_task
def coaching_nightly(today: str | None = None) -> dict:
    """Refresh goal values and statuses from the rollups, propose suggestions, send notifications."""
    return services.coaching_nightly(today=date.fromisoformat(today) if today else None)
