"""Email bodies from templates (HTML and plain text, in the app's look), absolute links from SITE_URL, and the
signed unsubscribe link every notification email carries (password resets and invitations have none)."""

from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.core import signing
from django.template.loader import render_to_string
from django.urls import reverse

UNSUBSCRIBE_SALT = "skillhub.notifications.unsubscribe"


def absolute_url(path: str) -> str:
    """`path` on this site as an absolute link (tasks have no request): SITE_URL + path; absolute URLs pass."""
    if not path:
        return settings.SITE_URL.rstrip("/") + "/"
    return urljoin(settings.SITE_URL.rstrip("/") + "/", path)


def site_domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def unsubscribe_token(*, user_id: int, event: str) -> str:
    return signing.dumps({"u": user_id, "e": event}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_read(token: str) -> tuple[int, str] | None:
    """The (user id, event) a token was made for, or None when it was forged or altered. It does not expire: an
    old email's link still works."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        return int(data["u"]), str(data["e"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def unsubscribe_url(*, user_id: int, event: str) -> str:
    return absolute_url(
        reverse("skillhub:notification-unsubscribe", args=[unsubscribe_token(user_id=user_id, event=event)])
    )


def render(template: str, context: dict) -> tuple[str, str]:
    """(text, html) from `emails/<template>.txt` and `.html`, with the site's name and links in the context."""
    context = {
        "site_url": absolute_url("/"),
        "preferences_url": absolute_url(reverse("skillhub:notification-preferences")),
        **context,
    }
    return render_to_string(f"emails/{template}.txt", context), render_to_string(f"emails/{template}.html", context)


def unsubscribe_headers(url: str) -> dict[str, str]:
    """RFC 8058 one-click unsubscribe headers (mail clients show an Unsubscribe button)."""
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
