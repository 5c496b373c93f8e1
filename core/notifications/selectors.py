"""Reads of the notification service."""

from django.db.models import QuerySet

from core.models import Delivery, Notice, User
from core.notifications import events
from core.roles import role_names


def notices_for_user(*, user: User) -> QuerySet[Notice]:
    return Notice.objects.filter(user=user)


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
