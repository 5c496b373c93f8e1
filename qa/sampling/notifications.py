"""Who hears of a sampling run: each reviewer it assigned drafts to, once per run."""

from collections import Counter

from core.notifications.services import notify
from qa.reviews.models import Review
from qa.reviews.notifications import plural, queue_url


def sampling_assigned(*, run, reviews: list[Review]) -> None:
    """A sampling run's new drafts: one notice per reviewer ("12 new reviews to do"), not one per review."""
    per_reviewer = Counter(r.reviewer_id for r in reviews if r.reviewer_id is not None)
    if not per_reviewer:
        return
    teams = ", ".join(run.teams.order_by("name").values_list("name", flat=True))
    period = f"{run.period_start:%-d %b}–{run.period_end:%-d %b %Y}"
    due = f" Due {run.due_date:%-d %b %Y}." if run.due_date else ""
    for reviewer_id, n in sorted(per_reviewer.items()):
        notify(
            event="review_assigned",
            users=[reviewer_id],
            title=f"{plural(n, 'new review')} to do",
            body=f"Sampled from {teams}, conversations of {period}.{due}",
            url=queue_url(),
            key=f"review_assigned:run:{run.pk}",
            actor=run.created_by,
        )
