"""Who hears of calibration sessions: the participants invited, those who have not submitted a day before the
deadline, and those who may read the results once they open."""

from collections.abc import Iterable

from django.urls import reverse
from django.utils import timezone

from core.models import User
from core.notifications.services import notify
from qa.reviews.notifications import plural


def _deadline(session) -> str:
    return f"{timezone.localtime(session.deadline):%-d %b %Y %H:%M}"


def calibration_invited(*, session, user_ids: Iterable[int], items: int, actor: User | None) -> None:
    notify(
        event="calibration_invited",
        users=list(user_ids),
        title=f"Calibration “{session.title}”: score {plural(items, 'conversation')} by {_deadline(session)}",
        body=f"Invited by {session.owner}. Score blind: the answers of others open when everyone has submitted or "
        "the deadline passes.",
        url=reverse("qa:calibration-detail", args=[session.pk]),
        key=f"calibration_invited:{session.pk}",
        actor=actor,
        action="Open the session",
    )


def calibration_due(*, session, user_ids: Iterable[int]) -> int:
    return len(
        notify(
            event="calibration_due",
            users=list(user_ids),
            title=f"Calibration “{session.title}” closes {_deadline(session)}: your scores are missing",
            body="Submit your answers before the deadline; the results open without them afterwards.",
            url=reverse("qa:calibration-detail", args=[session.pk]),
            key=f"calibration_due:{session.pk}",
        )
    )


def calibration_results(*, session, user_ids: Iterable[int], actor: User | None) -> None:
    notify(
        event="calibration_results",
        users=list(user_ids),
        title=f"Calibration “{session.title}”: the results are open",
        body=f"{session.get_closed_by_display()}. Compare your answers with the benchmark and the others'.",
        url=reverse("qa:calibration-results", args=[session.pk]),
        key=f"calibration_results:{session.pk}",
        actor=actor,
        action="Open the results",
    )
