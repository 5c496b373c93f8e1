"""Keep the five role groups and their model permissions in step with the installed models."""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from core import roles

# (app_label, codename prefix or None for all actions, model names or None for all models)
_GRANTS: dict[str, list[tuple[str, tuple[str, ...] | None, tuple[str, ...] | None]]] = {
    roles.ADMIN: [(app, None, None) for app in ("skillhub", "metrics", "assessments", "qa", "coaching", "auth")],
    roles.OPS_LEAD: [
        ("skillhub", ("view",), ("team", "agent", "vendor", "site", "teammembership", "contact", "skill")),
        ("coaching", None, None),
        ("qa", ("view",), None),
    ],
    roles.QA_REVIEWER: [
        ("skillhub", ("view",), ("team", "agent", "vendor", "contact", "skill")),
        ("qa", None, None),
    ],
    roles.HIRING_MANAGER: [
        ("skillhub", ("view",), ("skill", "roleprofile", "roleprofileskill")),
        ("assessments", None, None),
    ],
    roles.AGENT: [],
}


def roles_sync() -> None:
    """Create the role groups and grant each the permissions of its area. Safe to run again."""
    for name, grants in _GRANTS.items():
        group, _ = Group.objects.get_or_create(name=name)
        condition = Q(pk__in=[])
        for app_label, actions, models in grants:
            part = Q(content_type__app_label=app_label)
            if models is not None:
                part &= Q(content_type__model__in=models)
            if actions is not None:
                action_q = Q(pk__in=[])
                for action in actions:
                    action_q |= Q(codename__startswith=f"{action}_")
                part &= action_q
            condition |= part
        group.permissions.set(Permission.objects.filter(condition))


def roles_sync_on_migrate(sender, **kwargs) -> None:
    # Each app's permissions exist only after its own post_migrate; sync after each of ours (by label: the core's
    # package is "core", its label "skillhub").
    if sender.label in {app for grants in _GRANTS.values() for app, _, _ in grants} - {"auth"}:
        roles_sync()
