"""Reads of the notification service."""

from django.db.models import QuerySet

from core.models import Delivery, Notice, User
from core.notifications import events
from core.roles import role_names


def notices_for_user(*, user: User, unread_only: bool = False) -> QuerySet[Notice]:
    """The user's own notices, newest first (another user's notice is never in it: 404 in the views)."""
    qs = Notice.objects.filter(user=user)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-pk")


def notices_latest(*, user: User, limit: int = 8) -> list[Notice]:
    """The navbar menu's notices: the newest `limit`, each labelled (one query)."""
    return notices_labelled(notices_for_user(user=user)[:limit])


def notices_labelled(notices) -> list[Notice]:
    """Give each notice `label`, its event's name from the catalogue (no query; an unknown code shows as is)."""
    notices = list(notices)
    for notice in notices:
        event = events.BY_CODE.get(notice.event)
        notice.label = event.label if event is not None else notice.event
    return notices


def unread_count(*, user: User) -> int:
    if not user.is_authenticated:
        return 0
    return Notice.objects.filter(user=user, read_at__isnull=True).count()


def preferences_for_user(*, user: User) -> list[dict]:
    """Each event the user may hear of: the event, its default for the user's roles and the user's choice."""
    held = role_names(user)
    mine = dict(user.notification_preferences.values_list("event", "delivery"))
    rows = []
    for event in events.for_roles(held):
        default = event.default_for(held)
        rows.append(
            {
                "event": event,
                "default": default,
                "default_label": Delivery(default).label,
                "delivery": mine.get(event.code, default),
            }
        )
    return rows
