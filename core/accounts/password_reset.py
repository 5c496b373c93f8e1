"""Password reset by email: Django's token and views, the email through the outbox, rate limits, no enumeration.

The reset page answers every address the same way: it counts the request against the address's and the client's
hourly limits and hands the address to a task, which looks the user up and queues the email. So the page does
the same work, and takes the same time, whether the address belongs to an active user, an inactive one or nobody
(with a broker; without one the task runs in the request, as every task does in development).

The link is built from SITE_URL, never from the request's Host header, so a forged header cannot send a user a
link to someone else's site. Django's token expires after PASSWORD_RESET_TIMEOUT and stops working once the
password is set (it hashes the password). Users whose password was never set (invited, hired) may reset too: the
link goes to their own address, like their invitation.
"""

import hashlib
import logging
import secrets
import time
from collections.abc import Iterator

from celery import shared_task
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse

from core import security
from core.models import OutboxMessage, User
from core.notifications import emails, outbox

logger = logging.getLogger(__name__)

WINDOW_SECONDS = 3600
EVENT = "password_reset"


class OutboxPasswordResetForm(PasswordResetForm):
    """Django's reset form with the email queued in the outbox and active users without a password included."""

    def get_users(self, email: str) -> Iterator[User]:
        matches = User.objects.filter(email__iexact=email, is_active=True)
        return (user for user in matches if user.email.casefold() == email.casefold())

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ) -> None:
        user = context["user"]
        path = reverse("password_reset_confirm", kwargs={"uidb64": context["uid"], "token": context["token"]})
        text, html = emails.render(
            "password_reset",
            {
                "user": user,
                "reset_url": emails.absolute_url(path),
                "valid_minutes": settings.PASSWORD_RESET_TIMEOUT // 60,
            },
        )
        outbox.email_create(
            to=to_email,
            subject="Reset your SkillHub password",
            text=text,
            html=html,
            user=user,
            event=EVENT,
            key=f"{EVENT}:{context['request_id']}:{user.pk}",
        )


@transaction.atomic
def password_reset_email(*, email: str, request_id: str) -> int:
    """Queue a reset email to each active user with this address; returns how many. Running it again for the same
    request sends nothing more."""
    form = OutboxPasswordResetForm(data={"email": email})
    if not form.is_valid():
        return 0
    if OutboxMessage.objects.filter(key__startswith=f"{EVENT}:{request_id}:").exists():
        return 0
    users = list(form.get_users(form.cleaned_data["email"]))
    if users:
        form.save(domain_override=emails.site_domain(), extra_email_context={"request_id": request_id})
    return len(users)


@shared_task
def password_reset_send(email: str, request_id: str) -> None:
    password_reset_email(email=email, request_id=request_id)


def password_reset_request(*, email: str, request: HttpRequest) -> bool:
    """A reset asked for on the page: within the limits, hand the address to the task; returns whether it was."""
    if not _within_limits(email=email, ip=security.client_ip(request)):
        security.log_event("password_reset_throttled", request=request, email_hash=_digest(email))
        return False
    request_id = secrets.token_hex(12)
    if settings.CELERY_TASK_ALWAYS_EAGER:
        password_reset_send.delay(email, request_id)
        return True
    try:
        password_reset_send.delay(email, request_id)
    except Exception as error:  # the broker is down: do the task's work here rather than lose the request
        logger.warning("Password reset queued in the request: the broker refused the task (%s)", error)
        password_reset_email(email=email, request_id=request_id)
    return True


def _digest(email: str) -> str:
    """The address as a short hash: cache keys and the log never hold it in clear."""
    return hashlib.sha256(email.strip().casefold().encode()).hexdigest()[:16]


def _within_limits(*, email: str, ip: str | None) -> bool:
    """Count this request against the address's and the client's hourly windows (both, even past one limit)."""
    window = int(time.time() // WINDOW_SECONDS)
    by_email = _count(f"password-reset:email:{_digest(email)}:{window}")
    by_ip = _count(f"password-reset:ip:{ip or '-'}:{window}")
    return by_email <= settings.PASSWORD_RESET_LIMIT_PER_EMAIL and by_ip <= settings.PASSWORD_RESET_LIMIT_PER_IP


def _count(key: str) -> int:
    cache.add(key, 0, timeout=WINDOW_SECONDS)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=WINDOW_SECONDS)
        return 1


def password_reset_completed(*, user: User, request: HttpRequest) -> None:
    """After a reset set the password: open invitations end (the password is set), and sign-in lock-outs of this
    username are lifted, so someone who locked themselves out by forgetting their password signs in at once with
    the new one. A guesser locked out with them gains only another AXES_FAILURE_LIMIT tries at a password nobody
    has used yet."""
    from axes.utils import reset as axes_reset

    from core.accounts.invitations import invitations_revoke

    invitations_revoke(user=user)
    if settings.AXES_ENABLED:
        axes_reset(username=user.get_username())
    security.log_event("password_reset", user=user, request=request)
