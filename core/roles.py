"""The five roles (admin, ops lead, QA reviewer, hiring manager, agent) as Django groups, and who holds which."""

from django.contrib.auth.models import AnonymousUser

HIRING_MANAGER = "Hiring manager"
QA_REVIEWER = "QA reviewer"
AGENT = "Agent"
OPS_LEAD = "Ops lead"
ADMIN = "Admin"

ALL = (HIRING_MANAGER, QA_REVIEWER, AGENT, OPS_LEAD, ADMIN)


def role_names(user) -> frozenset[str]:
    """The roles a user holds, cached on the user object for the request."""
    if user is None or isinstance(user, AnonymousUser) or not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_skillhub_roles", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        if user.is_superuser:
            cached = cached | {ADMIN}
        user._skillhub_roles = cached
    return cached


def has_role(user, *roles: str) -> bool:
    names = role_names(user)
    return ADMIN in names or any(role in names for role in roles)


def is_admin(user) -> bool:
    return ADMIN in role_names(user)
