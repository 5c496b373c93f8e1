"""Reads of invitations: the open invitation a link's token names."""

import hashlib

from django.utils import timezone

from core.models import Invitation


def invitation_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_get_open(*, token: str) -> Invitation | None:
    """The invitation of this token if it can still be accepted (unused, not expired or revoked, user active)."""
    if not token or len(token) > 200:
        return None
    return (
        Invitation.objects.filter(
            token_hash=invitation_token_hash(token),
            used_at__isnull=True,
            expires_at__gt=timezone.now(),
            user__is_active=True,
        )
        .select_related("user")
        .first()
    )
