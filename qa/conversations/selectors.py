"""Reads of conversations (contacts) for the conversation view and the conversation browser, scoped to the user."""

from django.db.models import QuerySet

from core import roles
from core.models import Contact, User
from core.selectors.scope import agents_for_user, teams_for_user


def contacts_for_user(*, user: User) -> QuerySet[Contact]:
    """Contacts `user` may open: all for admins; for QA reviewers and ops leads those whose agent and handling team
    are both in scope (a partner's users see only their vendor's); an agent their own; nobody else any."""
    if roles.is_admin(user):
        return Contact.objects.all()
    if roles.has_role(user, roles.QA_REVIEWER, roles.OPS_LEAD):
        # Both in scope, as calibration's conversation finder: an agent who moved in keeps their old team's
        # conversations out, and a partner's agent who moved in-house does not bring in-house contacts along.
        return Contact.objects.filter(
            agent__in=agents_for_user(user=user).values("pk"), team__in=teams_for_user(user=user).values("pk")
        )
    if roles.has_role(user, roles.AGENT):
        return Contact.objects.filter(agent__user_id=user.pk)
    return Contact.objects.none()
