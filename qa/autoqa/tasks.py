"""AutoQA's tasks: score contacts after an import, and a sweep for whatever is missing or out of date."""

from celery import shared_task
from django.conf import settings

from qa.autoqa import services


@shared_task(name="qa.tasks.autoqa_score_contacts", ignore_result=True)
def autoqa_score_contacts(contact_ids: list[int]) -> dict:
    """Score these contacts (safe to run twice: a contact the current engine scored is skipped)."""
    return services.autoreviews_build(contact_ids=contact_ids)


@shared_task(name="qa.tasks.autoqa_sweep", ignore_result=True)
def autoqa_sweep() -> dict:
    """Beat: score contacts without an automatic review or scored by an older engine, newest first, bounded."""
    return services.autoreviews_build(contact_ids=services.autoreviews_due(limit=settings.AUTOQA_SWEEP_LIMIT))
