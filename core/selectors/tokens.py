"""Reads of API tokens (DRF's Token, one per user): when one expires and the caller's own token."""

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from rest_framework.authtoken.models import Token

from core.models import User


def token_expires_at(token: Token) -> datetime:
    """A token works for API_TOKEN_TTL_DAYS days from its creation (`drf_create_token -r USER` makes a new one)."""
    return token.created + timedelta(days=settings.API_TOKEN_TTL_DAYS)


def token_is_expired(token: Token) -> bool:
    return token_expires_at(token) <= timezone.now()


def token_for_user(*, user: User) -> Token | None:
    return Token.objects.filter(user=user).first()
