"""The outbox: every email and chat message is a row written in the transaction of the change it tells of, then
delivered by a task. Nothing is lost when the mail server or the broker is down: the row waits and the beat sweep
sends it later.

Delivery claims a row by a conditional update (pending -> sending), sends it with the row's fixed Message-ID and
marks it sent. A refusal (4xx) or an unreachable server puts it back to pending with a later attempt time (backoff);
a permanent refusal (5xx) or too many attempts marks it failed (the admin lists pending and failed messages). A
claim whose worker died between sending and marking is taken back once by the sweep: at most one resend, with the
same Message-ID so the receiving side can tell.
"""

import base64
import json
import logging
import smtplib
import urllib.error
import urllib.request
from datetime import timedelta
from email.mime.image import MIMEImage
from functools import partial

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone

from core.models import OutboxMessage, User

logger = logging.getLogger(__name__)

Status = OutboxMessage.Status


class PermanentError(Exception):
    """The receiving side refused the message for good (5xx): retrying will not help."""


def email_create(
    *,
    to: str,
    subject: str,
    text: str,
    html: str = "",
    user: User | None = None,
    event: str = "",
    headers: dict | None = None,
    images: list[dict] | None = None,
    key: str = "",
) -> OutboxMessage:
    """Queue an email: a pending outbox row now, sent once the caller's transaction commits."""
    row = OutboxMessage.objects.create(
        kind=OutboxMessage.Kind.EMAIL,
        to=to,
        subject=subject[:300],
        body_text=text,
        body_html=html,
        user=user,
        event=event,
        headers=headers or {},
        images=images or [],
        key=key[:200],
    )
    enqueue_on_commit(row.pk)
    return row


def webhook_create(*, url: str, payload: dict, event: str = "", subject: str = "", key: str = "") -> OutboxMessage:
    """Queue a chat message (a JSON POST to an incoming webhook)."""
    row = OutboxMessage.objects.create(
        kind=OutboxMessage.Kind.WEBHOOK, to=url, payload=payload, event=event, subject=subject[:300], key=key[:200]
    )
    enqueue_on_commit(row.pk)
    return row


def enqueue_on_commit(pk: int) -> None:
    transaction.on_commit(partial(enqueue, pk))


# Publishing gives up fast when the broker is down (kombu would otherwise retry for seconds inside the request that
# made the change): the row is in the database already, and the beat sweep hands it out within a minute.
BROKER_FAIL_FAST = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
    "connect_retries_timeout": 2,
    "socket_connect_timeout": 2,
}


def broker_connection():
    """A connection to the broker that fails within about two seconds when the broker is unreachable."""
    return outbox_send.app.connection_for_write(transport_options=BROKER_FAIL_FAST)


def enqueue(pk: int, countdown: int | None = None, connection=None) -> bool:
    """Hand a row to a worker. With the broker down the change that wrote the row still stands: the row stays
    pending and the sweep sends it later. Returns whether a worker got it."""
    if settings.CELERY_TASK_ALWAYS_EAGER:  # no broker: the task runs here and now
        outbox_send.apply((pk,))
        return True
    try:
        if connection is None:
            with broker_connection() as own:
                outbox_send.apply_async((pk,), countdown=countdown, connection=own, retry=False)
        else:
            outbox_send.apply_async((pk,), countdown=countdown, connection=connection, retry=False)
        return True
    except Exception as error:  # kombu's OperationalError, a refused connection, a DNS failure...
        logger.warning("Outbox message %s waits for the sweep: the broker refused it (%s)", pk, error)
        return False


def backoff_seconds(attempts: int) -> int:
    """1, 2, 4, 8 ... minutes, at most an hour."""
    return int(min(60 * 2 ** max(attempts - 1, 0), 3600))


def deliver(*, pk: int, now=None) -> str:
    """Send one outbox row if it is due and nobody else holds it. Returns what happened: sent, retry, failed,
    skipped."""
    now = now or timezone.now()
    claimed = OutboxMessage.objects.filter(pk=pk, status=Status.PENDING, next_attempt_at__lte=now).update(
        status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    if not claimed:
        return "skipped"
    row = OutboxMessage.objects.get(pk=pk)
    try:
        if row.kind == OutboxMessage.Kind.WEBHOOK:
            _post_webhook(row)
        else:
            _send_email(row)
    except PermanentError as error:
        _release(row, status=Status.FAILED, error=str(error), when=now)
        logger.error("Outbox message %s failed for good: %s", pk, error)
        return "failed"
    except Exception as error:  # refused (4xx), unreachable, timed out, or a fault of ours: try again later
        if not isinstance(error, (smtplib.SMTPException, OSError, urllib.error.URLError)):
            logger.exception("Outbox message %s: unexpected error while sending", pk)
        if row.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
            _release(row, status=Status.FAILED, error=f"Gave up after {row.attempts} attempts: {error}", when=now)
            return "failed"
        delay = backoff_seconds(row.attempts)
        _release(
            row,
            status=Status.PENDING,
            error=str(error) or error.__class__.__name__,
            when=now + timedelta(seconds=delay),
        )
        logger.warning("Outbox message %s: attempt %s refused (%s); next in %ss", pk, row.attempts, error, delay)
        if not settings.CELERY_TASK_ALWAYS_EAGER:
            enqueue(pk, countdown=delay)
        return "retry"
    OutboxMessage.objects.filter(pk=pk, status=Status.SENDING).update(
        status=Status.SENT, sent_at=timezone.now(), last_error=""
    )
    return "sent"


def _release(row: OutboxMessage, *, status: str, error: str, when) -> None:
    OutboxMessage.objects.filter(pk=row.pk, status=Status.SENDING).update(
        status=status, last_error=error[:2000], next_attempt_at=when
    )


def _smtp_permanent(error: smtplib.SMTPException) -> bool:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        return bool(codes) and all(code >= 500 for code in codes)
    code = getattr(error, "smtp_code", None)
    return isinstance(code, int) and code >= 500


def build_email(row: OutboxMessage) -> EmailMultiAlternatives:
    headers = {**row.headers, "Message-ID": row.message_id}
    message = EmailMultiAlternatives(
        subject=row.subject, body=row.body_text, from_email=settings.DEFAULT_FROM_EMAIL, to=[row.to], headers=headers
    )
    if row.body_html:
        message.attach_alternative(row.body_html, "text/html")
    if row.images:
        message.mixed_subtype = "related"
        for image in row.images:
            part = MIMEImage(base64.b64decode(image["base64"]), _subtype=image.get("subtype", "png"))
            part.add_header("Content-ID", f"<{image['cid']}>")
            part.add_header("Content-Disposition", "inline", filename=f"{image['cid']}.{image.get('subtype', 'png')}")
            message.attach(part)
    return message


def _send_email(row: OutboxMessage) -> None:
    message = build_email(row)
    try:
        with get_connection(fail_silently=False) as connection:
            connection.send_messages([message])
    except smtplib.SMTPException as error:
        if _smtp_permanent(error):
            raise PermanentError(str(error)) from error
        raise


def _post_webhook(row: OutboxMessage) -> None:
    request = urllib.request.Request(
        row.to,
        data=json.dumps(row.payload).encode(),
        headers={"Content-Type": "application/json", "User-Agent": "SkillHub"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.OUTBOX_WEBHOOK_TIMEOUT) as response:  # noqa: S310 - admin-set URL
            response.read(1024)
    except urllib.error.HTTPError as error:
        if 400 <= error.code < 500 and error.code not in (408, 429):
            raise PermanentError(f"HTTP {error.code} from the webhook") from error
        raise
    except TimeoutError as error:
        raise OSError("The webhook did not answer in time") from error


def reclaim_lost(*, now=None) -> tuple[int, int]:
    """Claims older than OUTBOX_STALE_MINUTES lost their worker between claiming and marking (it may have sent the
    message). The first loss puts the row back to pending: sent again, once, with the same Message-ID. A second
    loss marks it failed, to be checked by hand. Returns (taken back, failed)."""
    now = now or timezone.now()
    stale = now - timedelta(minutes=settings.OUTBOX_STALE_MINUTES)
    lost = OutboxMessage.objects.filter(status=Status.SENDING, claimed_at__lt=stale)
    retaken = lost.filter(reclaims=0).update(
        status=Status.PENDING,
        reclaims=F("reclaims") + 1,
        next_attempt_at=now,
        last_error="Worker lost while sending; sent again (the receiver may get it twice, same Message-ID)",
    )
    failed = lost.filter(reclaims__gte=1).update(
        status=Status.FAILED,
        last_error="Worker lost twice while sending: not sent again. Check with the recipient whether it arrived, "
        "then use Send again now if it did not.",
    )
    return retaken, failed


def due_ids(*, now=None, limit: int | None = None) -> list[int]:
    now = now or timezone.now()
    qs = OutboxMessage.objects.filter(status=Status.PENDING, next_attempt_at__lte=now).order_by("next_attempt_at")
    return list(qs.values_list("pk", flat=True)[: limit or settings.OUTBOX_SWEEP_BATCH])


def sweep(*, now=None) -> dict[str, int]:
    """The beat's pass: take back claims whose worker died (once; a second loss marks the row failed), then hand
    every due pending row to a worker. Returns counts."""
    now = now or timezone.now()
    retaken, failed = reclaim_lost(now=now)
    due = due_ids(now=now)
    queued = 0
    if due and settings.CELERY_TASK_ALWAYS_EAGER:
        queued = sum(1 for pk in due if enqueue(pk))
    elif due:
        try:
            with broker_connection() as connection:
                for pk in due:
                    if not enqueue(pk, connection=connection):
                        break  # the broker is down: the rest wait for the next sweep
                    queued += 1
        except Exception as error:  # closing a connection that never opened
            logger.warning("Outbox sweep: the broker is unreachable (%s)", error)
    return {"retaken": retaken, "failed": failed, "queued": queued}


def due_count(*, send_all: bool = False) -> int:
    qs = OutboxMessage.objects.filter(status=Status.PENDING)
    return qs.count() if send_all else qs.filter(next_attempt_at__lte=timezone.now()).count()


def send_due(*, send_all: bool = False, progress=None) -> dict[str, int]:
    """Send every due pending message here and now (the operators' `send_outbox`), without a worker or broker.
    With `send_all`, messages waiting out a backoff go too. Returns counts of each outcome."""
    now = timezone.now()
    retaken, failed = reclaim_lost(now=now)
    if send_all:
        OutboxMessage.objects.filter(status=Status.PENDING, next_attempt_at__gt=now).update(next_attempt_at=now)
    counts = {"sent": 0, "retry": 0, "failed": 0, "skipped": 0, "retaken": retaken, "lost": failed}
    pks = list(
        OutboxMessage.objects.filter(status=Status.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)
    )
    for pk in pks:
        counts[deliver(pk=pk, now=now)] += 1
        if progress:
            progress(1)
    return counts


@transaction.atomic
def messages_send_again(*, pks: list[int]) -> int:
    """The admin's "Send again now": pending and failed messages go back to pending, due now, with a fresh count
    of attempts, and are handed to a worker once this commits. Sent messages and those being sent are left alone.
    Returns how many."""
    rows = list(
        OutboxMessage.objects.select_for_update()
        .filter(pk__in=pks, status__in=[Status.PENDING, Status.FAILED])
        .values_list("pk", flat=True)
    )
    OutboxMessage.objects.filter(pk__in=rows, status__in=[Status.PENDING, Status.FAILED]).update(
        status=Status.PENDING, next_attempt_at=timezone.now(), attempts=0, reclaims=0
    )
    for pk in rows:
        enqueue_on_commit(pk)
    return len(rows)


def status_counts() -> dict[str, int]:
    """How many messages are in each status (one query)."""
    counts = dict.fromkeys(Status.values, 0)
    counts.update(OutboxMessage.objects.values_list("status").annotate(n=Count("pk")).order_by())
    return counts


@shared_task(name="core.tasks.outbox_send", ignore_result=True)
def outbox_send(pk: int) -> str:
    """Send one outbox message if it is due (safe to run twice: the claim is a conditional update)."""
    return deliver(pk=pk)


@shared_task(name="core.tasks.outbox_sweep", ignore_result=True)
def outbox_sweep() -> dict[str, int]:
    """Beat: send what waits (the broker or mail server was down) and take back claims of lost workers."""
    return sweep()
