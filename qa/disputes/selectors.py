"""Reads of disputes."""

from collections.abc import Iterable

from qa.reviews.models import Review


def open_disputes_count(*, team_ids: Iterable[int]) -> int:
    """Disputed reviews, waiting for a resolution, of conversations handled in `team_ids`."""
    return Review.objects.filter(
        team_id__in=list(team_ids), status=Review.Status.DISPUTED, is_calibration=False
    ).count()
