"""The notification centre (every role), notification settings, and the unsubscribe link of emails (no sign-in)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.models import Delivery
from core.notifications import events, selectors, services
from core.views import int_param, login_required


@login_required
@require_safe
def notice_list(request: HttpRequest) -> HttpResponse:
    notices = list(selectors.notices_for_user(user=request.user)[:200])
    for notice in notices:
        notice.label = events.BY_CODE[notice.event].label if notice.event in events.BY_CODE else notice.event
    return render(request, "skillhub/notice_list.html", {"notices": notices})


@login_required
@require_safe
def notice_badge(request: HttpRequest) -> HttpResponse:
    """The navbar's unread count (an htmx fragment)."""
    return render(request, "skillhub/partials/notice_badge.html", {"unread": selectors.unread_count(user=request.user)})


@login_required
@require_POST
def notice_read(request: HttpRequest) -> HttpResponse:
    """Mark one notice (pk) or all of the user's notices read; only ever the user's own."""
    services.notices_mark_read(user=request.user, pk=int_param(request.POST.get("pk")))
    return redirect("skillhub:notice-list")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def notification_preferences(request: HttpRequest) -> HttpResponse:
    rows = selectors.preferences_for_user(user=request.user)
    if request.method == "POST":
        errors = []
        for row in rows:
            code = row["event"].code
            value = request.POST.get(code)
            if value is None:
                continue
            try:
                services.preference_set(user=request.user, event=code, delivery=value)
            except ValidationError:
                errors.append(row["event"].label)
        if errors:
            messages.error(request, "Not saved for: " + ", ".join(errors) + ". Choose one of the options given.")
        else:
            messages.success(request, "Your notification settings are saved.")
        return redirect("skillhub:notification-preferences")
    return render(request, "skillhub/notification_preferences.html", {"rows": rows, "choices": Delivery.choices})


@csrf_exempt  # the signed token is the authority; mail clients' one-click POST carries no CSRF token
@require_http_methods(["GET", "HEAD", "POST"])
def notification_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """An email's unsubscribe link: GET asks to confirm (mail scanners follow links), POST turns the event's emails
    off for the token's user, signed in or not. A one-click POST from a mail client (RFC 8058) works the same."""
    from core.notifications.emails import unsubscribe_read

    read = unsubscribe_read(token)
    if read is None or read[1] not in events.BY_CODE:
        return render(request, "skillhub/notification_unsubscribe.html", {"invalid": True}, status=404)
    event = events.BY_CODE[read[1]]
    if request.method == "POST":
        if services.unsubscribe(token=token) is None:
            return render(request, "skillhub/notification_unsubscribe.html", {"invalid": True}, status=404)
        return render(request, "skillhub/notification_unsubscribe.html", {"event": event, "done": True})
    return render(request, "skillhub/notification_unsubscribe.html", {"event": event})
