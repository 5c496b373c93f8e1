"""The security log: sign-ins, failures, lock-outs, access denials and changes to scores and decisions.

Entries name who, when (the log record's time), from where and what; never passwords or tokens.
"""

import ipaddress
import logging

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest, JsonResponse
from django.views.defaults import page_not_found as django_page_not_found
from django.views.defaults import permission_denied as django_permission_denied

logger = logging.getLogger("skillhub.security")


def client_ip(request: HttpRequest) -> str | None:
    """The address of the client: REMOTE_ADDR, or behind PROXY_COUNT proxies the address the outermost of them saw.

    Each proxy appends the address it received the request from to X-Forwarded-For, so the client's is the entry
    PROXY_COUNT places from the right; entries further left are whatever the client sent and are never trusted.
    A request with fewer entries than proxies (it did not come through them) or a malformed entry counts as
    coming from REMOTE_ADDR. django-axes locks out by this address (AXES_CLIENT_IP_CALLABLE) and the security log
    writes it.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = settings.PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [entry for entry in forwarded if entry]
    if len(forwarded) < proxies:
        return remote
    try:
        return str(ipaddress.ip_address(_without_port(forwarded[-proxies])))
    except ValueError:
        return remote


def _without_port(entry: str) -> str:
    """Some proxies write `ip:port` or `[ipv6]:port`; a bare IPv6 address has several colons and is left as is."""
    if entry.startswith("["):
        return entry[1:].split("]", 1)[0]
    if entry.count(":") == 1:
        return entry.split(":", 1)[0]
    return entry


def _ip(request: HttpRequest | None) -> str:
    if request is None:
        return "-"
    return client_ip(request) or "-"


def log_event(event: str, *, user=None, username: str | None = None, request: HttpRequest | None = None, **details):
    """Write one security-log line: event, user, address and details as key=value."""
    who = username if username is not None else (getattr(user, "username", None) or "anonymous")
    extra = " ".join(f"{key}={value!r}" for key, value in sorted(details.items()))
    logger.info("%s user=%s ip=%s %s", event, who, _ip(request), extra, extra={"event": event, "who": who})


@receiver(user_logged_in, dispatch_uid="security_logged_in")
def _logged_in(sender, request, user, **kwargs):
    log_event("login", user=user, request=request)


@receiver(user_logged_out, dispatch_uid="security_logged_out")
def _logged_out(sender, request, user, **kwargs):
    log_event("logout", user=user, request=request)


@receiver(user_login_failed, dispatch_uid="security_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    # credentials holds the password (Django masks it, but we take the username only).
    log_event("login_failed", username=str(credentials.get("username", ""))[:150], request=request)


@receiver(user_locked_out, dispatch_uid="security_locked_out")
def _locked_out(sender, request, username, ip_address, **kwargs):
    log_event("locked_out", username=str(username)[:150], request=request)


def permission_denied(request: HttpRequest, exception=None):
    """handler403: log the denial as one line, then render the usual 403 page.

    A 403 is an expected answer, not a fault: the security-log line (who, from where, which path) is its only
    record. Django would also log it on django.request as a warning with the full traceback of PermissionDenied;
    marking the response as logged (the flag django.utils.log.log_response checks) leaves that out."""
    log_event("access_denied", user=getattr(request, "user", None), request=request, path=request.path)
    response = django_permission_denied(request, exception, template_name="403.html")
    response._has_been_logged = True
    return response


def page_not_found(request: HttpRequest, exception=None):
    """handler404: API paths answer JSON like the rest of the API; pages get the HTML page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return django_page_not_found(request, exception, template_name="404.html")
