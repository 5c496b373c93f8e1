import time
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render, resolve_url
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme

from core import security

_STARTED = "_skillhub_auth_started"
_SEEN = "_skillhub_last_seen"


@receiver(user_logged_in, dispatch_uid="skillhub_session_clock")
def _start_session_clock(sender, request: HttpRequest | None = None, **kwargs) -> None:
    """A session's limits count from its sign-in: set both clocks then, not at the first request after it (a
    sign-in whose redirect was never followed would otherwise be accepted however long after)."""
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[_STARTED] = now
        request.session[_SEEN] = now


# The last-seen time is written at most this often (seconds): a page view within it writes no session row.
SEEN_RESOLUTION = 30

# Sent by static/js/drafts.js on htmx calls made while typing into a draft form (autosave, live score).
DRAFT_HEADER = "X-Draft"
# A call the page makes on its own (a count in the menu): on an ended session it answers 401 and changes nothing,
# never sending the page to sign-in while someone types elsewhere on it.
BACKGROUND_HEADER = "X-Background"


def page_to_return_to(request: HttpRequest) -> str:
    """Where to come back after signing in: the page itself, or for a form post or an htmx call the page it was
    sent from (the endpoint it posted to may not answer a GET)."""
    if request.method in ("GET", "HEAD") and not request.headers.get("HX-Request"):
        return request.get_full_path()
    source = request.headers.get("HX-Current-URL") or request.headers.get("Referer") or ""
    if source and url_has_allowed_host_and_scheme(
        source, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        parts = urlsplit(source)
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return request.get_full_path() if request.method in ("GET", "HEAD") else resolve_url(settings.LOGIN_REDIRECT_URL)


def sign_in_again(request: HttpRequest) -> HttpResponse:
    """The answer to a request that needs a signed-in user but has none (never signed in, or the session ended).

    Pages go to sign-in with ?next= back to the page. htmx calls send the whole page there (HX-Redirect), except
    the background calls of a draft form: those get a 401 status line and the page stays, its typed work kept
    on the device (drafts.js) until the next save sends the user to sign in; and calls the page makes on its own
    (BACKGROUND_HEADER, a count in the menu) get a bare 401."""
    login_url = f"{reverse('login')}?{urlencode({'next': page_to_return_to(request)})}"
    if request.headers.get("HX-Request"):
        if request.headers.get(DRAFT_HEADER):
            return render(request, "skillhub/partials/signed_out.html", {"login_url": login_url}, status=401)
        if request.headers.get(BACKGROUND_HEADER):
            return HttpResponse(status=401)
        response = HttpResponse(status=401)
        response["HX-Redirect"] = login_url
        return response
    return redirect_to_login(page_to_return_to(request))


class SessionLimitsMiddleware:
    """End a signed-in session after SESSION_IDLE_SECONDS without a request or SESSION_ABSOLUTE_SECONDS in all."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            started = request.session.setdefault(_STARTED, now)
            seen = request.session.get(_SEEN, now)
            reason = None
            if now - started > settings.SESSION_ABSOLUTE_SECONDS:
                reason = "absolute"
            elif now - seen > settings.SESSION_IDLE_SECONDS:
                reason = "idle"
            if reason is not None:
                security.log_event("session_expired", user=user, request=request, reason=reason)
                logout(request)
                if not request.headers.get("HX-Request"):
                    messages.info(request, "Your session ended. Please sign in again.")
                return sign_in_again(request)
            if _SEEN not in request.session or now - seen >= SEEN_RESOLUTION:
                request.session[_SEEN] = now
        return self.get_response(request)


class NoStoreWhenSignedInMiddleware:
    """Answers to a signed-in user (pages, htmx fragments, API answers, CSV exports) carry
    `Cache-Control: no-store` (Django's never_cache headers), so no browser or shared cache keeps a copy of
    someone's data after they sign out. An API call signed in by token counts too: DRF sets request.user when it
    authenticates. Static files (WhiteNoise answers before this runs) and the sign-in page are left as they are."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response
