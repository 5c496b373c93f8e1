from django import template

from coaching.status import GoalStatus

register = template.Library()

STATUS_CLASSES = {
    GoalStatus.ON_TRACK: "text-bg-primary",
    GoalStatus.AT_RISK: "text-bg-warning",
    GoalStatus.ACHIEVED: "text-bg-success",
    GoalStatus.MISSED: "text-bg-danger",
}


@register.filter
def status_class(status: str) -> str:
    return STATUS_CLASSES.get(status, "text-bg-secondary")
