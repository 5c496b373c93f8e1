import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from skillhub import security

_STARTED = "_skillhub_auth_started"
_SEEN = "_skillhub_last_seen"
# The last-seen time is written at most this often (seconds): a page view within it writes no session row.
SEEN_RESOLUTION = 30


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
                if request.headers.get("HX-Request"):
                    # htmx: send the whole page to sign-in; the form keeps its draft (saved as typed).
                    response = HttpResponse(status=401)
                    response["HX-Redirect"] = f"{reverse('login')}?{urlencode({'next': request.path})}"
                    return response
                messages.info(request, "Your session ended. Please sign in again.")
                return redirect_to_login(request.get_full_path())
            if _SEEN not in request.session or now - seen >= SEEN_RESOLUTION:
                request.session[_SEEN] = now
        return self.get_response(request)
