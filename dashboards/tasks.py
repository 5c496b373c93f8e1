from datetime import date

from celery import shared_task

from dashboards import weekly_digest


@shared_task
def weekly_digest_send(week: str | None = None) -> dict:
    """Beat, Monday morning: last week's digest to every ops lead and QA lead who gets it (safe to run twice: one
    email per user and week)."""
    period = weekly_digest.week_of(date.fromisoformat(week)) if week else None
    report = weekly_digest.digests_send(week=period)
    statuses: dict[str, int] = {}
    for row in report:
        statuses[row["status"]] = statuses.get(row["status"], 0) + 1
    return statuses
