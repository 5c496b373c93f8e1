"""Celery tasks of reviews (registered through qa/tasks.py, under the names the beat schedule knows)."""

from celery import shared_task

from qa.reviews import services


@shared_task(name="qa.tasks.reviews_notify_overdue")
def reviews_notify_overdue() -> int:
    """Beat, daily: tell the assignees and QA leads of reviews past their due date. Safe to run twice."""
    return services.reviews_notify_overdue()
