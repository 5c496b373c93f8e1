"""Token authentication for scripts: DRF's Token (`python manage.py drf_create_token USER`), refused once it is
older than API_TOKEN_TTL_DAYS (counted from the token's `created`)."""

from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from core.selectors.tokens import token_expires_at, token_is_expired


class TokenRefused(exceptions.AuthenticationFailed):
    """A presented token that does not sign in (unknown or revoked, expired, its user inactive).

    DRF answers a failed sign-in 403 when the first authentication class (the browser's session) names no
    WWW-Authenticate scheme; core.api.exceptions turns this one back into 401 with `WWW-Authenticate: Token`,
    so a script can tell "get a new token" from "your role may not do this"."""


class ExpiringTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <key>`; an expired token answers 401 saying so (a revoked one: "Invalid token.")."""

    def authenticate(self, request):
        try:
            return super().authenticate(request)
        except TokenRefused:
            raise
        except exceptions.AuthenticationFailed as error:
            raise TokenRefused(error.detail) from None

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if token_is_expired(token):
            raise TokenRefused(
                f"Token expired on {token_expires_at(token):%Y-%m-%d}; ask for a new one "
                "(python manage.py drf_create_token -r USERNAME)."
            )
        return user, token
