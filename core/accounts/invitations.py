"""Invitations: a link to set a first password, for a user created without one (in the admin, or hired).

Only the token's SHA-256 is stored; the token itself is in the email alone. A link works for INVITATION_DAYS days
and once; a new invitation revokes the user's earlier open ones (their expiry is set to now). Accepting sets the
password (Django's validators apply) and the view then signs the user in: they have just shown they hold the
mailbox, as a password reset would. While emails are held (seeding demo data) the invitation is made but not
emailed: the admin's "Send invitation" sends a fresh one.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core import security
from core.accounts.selectors import invitation_token_hash
from core.models import Invitation, User
from core.notifications import emails, outbox
from core.notifications import services as notification_services

EVENT = "invitation"
INVALID = "This invitation link is no longer valid: it has expired, was already used or was replaced by a newer one."


def invitations_revoke(*, user: User) -> int:
    """End the user's open invitations (a newer one was sent, or the password was set another way)."""
    now = timezone.now()
    return Invitation.objects.filter(user=user, used_at__isnull=True, expires_at__gt=now).update(expires_at=now)


@transaction.atomic
def invitation_send(*, user: User, created_by: User | None = None) -> tuple[Invitation, str]:
    """A new invitation for `user`, emailed through the outbox; returns it and its token (never stored)."""
    if not user.is_active:
        raise ValidationError(f"{user} is inactive: activate the account before inviting them.")
    if not user.email:
        raise ValidationError(f"{user} has no email address to send the invitation to.")
    invitations_revoke(user=user)
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        user=user,
        token_hash=invitation_token_hash(token),
        created_by=created_by,
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_DAYS),
    )
    if notification_services.emails_are_held():  # seeding demo data: the link exists, an admin resends it
        return invitation, token
    inviter = (created_by.get_full_name() or created_by.username) if created_by else ""
    text, html = emails.render(
        "invitation",
        {
            "user": user,
            "inviter": inviter,
            "roles": list(user.groups.order_by("name").values_list("name", flat=True)),
            "accept_url": emails.absolute_url(reverse("skillhub:invitation-accept", args=[token])),
            "expires_at": invitation.expires_at,
            "days": settings.INVITATION_DAYS,
        },
    )
    outbox.email_create(
        to=user.email,
        subject="You're invited to SkillHub",
        text=text,
        html=html,
        user=user,
        event=EVENT,
        key=f"{EVENT}:{invitation.pk}",
    )
    security.log_event("invitation_sent", user=created_by, invited=user.username)
    return invitation, token


@transaction.atomic
def invitation_accept(*, token: str, password: str) -> User:
    """Set the invited user's password; the invitation (and any other open one of theirs) stops working."""
    invitation_hash = invitation_token_hash(token)
    invitation = (
        Invitation.objects.select_for_update()
        .filter(token_hash=invitation_hash, used_at__isnull=True, expires_at__gt=timezone.now(), user__is_active=True)
        .select_related("user")
        .first()
    )
    if invitation is None:
        raise ValidationError(INVALID)
    user = invitation.user
    validate_password(password, user)
    # The conditional update makes the link single-use even against two submissions at once (SQLite has no row locks).
    if not Invitation.objects.filter(pk=invitation.pk, used_at__isnull=True).update(used_at=timezone.now()):
        raise ValidationError(INVALID)
    user.set_password(password)
    user.save(update_fields=["password"])
    invitations_revoke(user=user)
    security.log_event("invitation_accepted", user=user)
    return user
