"""The notification centre (every role), notification settings, and the unsubscribe link of emails (no sign-in)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.models import Delivery
from core.notifications import events, selectors, services
from core.views import int_param, login_required

NOTICES_PER_PAGE = 25
MENU_SIZE = 8  # the navbar menu's latest notices


def same_site_path(url: str) -> str | None:
    """`url` when it is a path of this site ("/qa/reviews/12/"), else None: a notice's or a form's link never
    sends anyone to another site ("//evil.example", "https://evil.example", "/\\evil.example", "javascript:")."""
    url = (url or "").strip()
    if not url.startswith("/") or url.startswith("//"):
        return None
    return url if url_has_allowed_host_and_scheme(url, allowed_hosts=set()) else None


@login_required
@require_safe
def notice_list(request: HttpRequest) -> HttpResponse:
    """All of the user's notices, 25 a page, all or unread only (?show=unread)."""
    unread_only = request.GET.get("show") == "unread"
    paginator = Paginator(selectors.notices_for_user(user=request.user, unread_only=unread_only), NOTICES_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "skillhub/notice_list.html",
        {
            "page": page,
            "notices": selectors.notices_labelled(page.object_list),
            "unread_only": unread_only,
            "show": "unread" if unread_only else "all",
            "here": request.get_full_path(),
        },
    )


@login_required
@require_safe
def notice_badge(request: HttpRequest) -> HttpResponse:
    """The navbar's unread count (an htmx fragment, loaded after the page)."""
    return render(request, "skillhub/partials/notice_badge.html", {"unread": selectors.unread_count(user=request.user)})


def _menu(request: HttpRequest, *, status: str = "") -> HttpResponse:
    """The navbar menu's notices, with the unread count swapped into the bell out of band."""
    context = {
        "notices": selectors.notices_latest(user=request.user, limit=MENU_SIZE),
        "unread": selectors.unread_count(user=request.user),
        "status": status,
    }
    return render(request, "skillhub/partials/notice_menu.html", context)


@login_required
@require_safe
def notice_menu(request: HttpRequest) -> HttpResponse:
    """The navbar menu's latest notices (an htmx fragment, loaded when the menu opens)."""
    return _menu(request)


@login_required
@require_safe
def notice_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow a notice: mark it read and go to its page (a path of this site; else the list). The user's own only."""
    notice = get_object_or_404(selectors.notices_for_user(user=request.user), pk=pk)
    services.notices_mark_read(user=request.user, pk=notice.pk)
    target = same_site_path(notice.url)
    if target is None:
        if notice.url:
            messages.info(request, "This notification's link leads outside SkillHub, so it was not followed.")
        return redirect("skillhub:notice-list")
    return redirect(target)


@login_required
@require_POST
def notice_read(request: HttpRequest) -> HttpResponse:
    """Mark one notice (pk) or all of the user's notices read; only ever the user's own. From the navbar menu (htmx)
    the answer is the menu again; a form goes back to `next` (a path of this site) or the list."""
    raw_pk = request.POST.get("pk")
    pk = int_param(raw_pk)
    # A malformed id is ignored: it marks nothing (never falls back to "mark all read").
    malformed = raw_pk not in (None, "") and pk is None
    count = 0 if malformed else services.notices_mark_read(user=request.user, pk=pk)
    if request.headers.get("HX-Request"):
        return _menu(request, status="All marked read." if count else "Nothing was unread.")
    return redirect(same_site_path(request.POST.get("next", "")) or "skillhub:notice-list")


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
