from django import template

from coaching import selectors
from coaching.status import GoalStatus

register = template.Library()

STATUS_CLASSES = {
    GoalStatus.ON_TRACK: "text-bg-primary",
    GoalStatus.AT_RISK: "text-bg-warning",
    GoalStatus.ACHIEVED: "text-bg-success",
    GoalStatus.MISSED: "text-bg-danger",
}


@register.simple_tag(takes_context=True)
def unread_notifications(context) -> int:
    """Unread in-app notifications of the signed-in user (one COUNT query), for the navbar badge."""
    request = context.get("request")
    if request is None:
        return 0
    return selectors.unread_notification_count(user=request.user)


@register.filter
def status_class(status: str) -> str:
    return STATUS_CLASSES.get(status, "text-bg-secondary")
