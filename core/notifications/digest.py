"""The daily digest: one email a day to each user with notices set to "Daily digest" that they have not yet been
sent, grouped by event, each with an absolute link; sent at NOTIFICATION_DIGEST_HOUR in TIME_ZONE by beat.

Only unread notices are listed: what the user already opened in the app is not mailed to them again (it is marked
digested all the same, so it never turns up later). A notice whose event the user has since turned off is left out
too. The outbox row and the digested mark are written in one transaction per user, so running it twice (or two
beats at once) sends nobody two digests."""

import logging
from itertools import groupby

from celery import shared_task
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core.models import Delivery, Notice, User
from core.notifications import emails, events, outbox
from core.notifications.services import deliveries_for

logger = logging.getLogger(__name__)


class _Raced(Exception):
    """Another run took some of this user's notices first: roll this user's digest back."""


def _pending() -> list[Notice]:
    return list(
        Notice.objects.filter(delivery=Delivery.DIGEST, digested_at__isnull=True)
        .select_related("user")
        .order_by("user_id", "created_at", "pk")
    )


def _turned_off(notices: list[Notice]) -> set[tuple[int, str]]:
    """(user, event) pairs whose delivery is now "off": two or three queries per event present, not per notice."""
    by_event: dict[str, set[int]] = {}
    for notice in notices:
        by_event.setdefault(notice.event, set()).add(notice.user_id)
    off = set()
    for event, user_ids in by_event.items():
        if event not in events.BY_CODE:
            continue
        for user_id, delivery in deliveries_for(user_ids=sorted(user_ids), event=event).items():
            if delivery == Delivery.OFF:
                off.add((user_id, event))
    return off


def digest_send_daily(*, now=None) -> int:
    """Send each user with undigested digest notices one email listing the unread ones. Returns emails queued."""
    now = now or timezone.now()
    notices = _pending()
    if not notices:
        return 0
    off = _turned_off(notices)
    sent = 0
    for _user_id, group in groupby(notices, key=lambda notice: notice.user_id):
        group = list(group)
        try:
            sent += _digest_for_user(user=group[0].user, notices=group, off=off, now=now)
        except _Raced:
            logger.info("Daily digest for user %s was sent by another run", group[0].user_id)
    return sent


@transaction.atomic
def _digest_for_user(*, user: User, notices: list[Notice], off: set[tuple[int, str]], now) -> int:
    listed = [
        notice
        for notice in notices
        if notice.read_at is None and (user.pk, notice.event) not in off and user.is_active and user.email
    ]
    marked = Notice.objects.filter(pk__in=[notice.pk for notice in notices], digested_at__isnull=True).update(
        digested_at=now
    )
    if marked != len(notices):
        raise _Raced
    if not listed:
        return 0
    text, html = emails.render("daily_digest", digest_context(user=user, notices=listed, now=now))
    count = len(listed)
    outbox.email_create(
        to=user.email,
        subject=f"Your SkillHub digest: {count} update{'' if count == 1 else 's'}",
        text=text,
        html=html,
        user=user,
        event="daily_digest",
        key=f"daily_digest:{user.pk}:{timezone.localdate(now).isoformat()}",
        headers=_headers(user=user, notices=listed),
    )
    return 1


def digest_context(*, user: User, notices: list[Notice], now) -> dict:
    order = {event.code: position for position, event in enumerate(events.CATALOGUE)}
    groups = []
    for code, items in groupby(
        sorted(notices, key=lambda n: (order.get(n.event, 999), n.created_at)), lambda n: n.event
    ):
        catalogued = events.BY_CODE.get(code)
        groups.append(
            {
                "label": catalogued.label if catalogued else code,
                "unsubscribe_url": emails.unsubscribe_url(user_id=user.pk, event=code) if catalogued else "",
                "notices": [
                    {
                        "title": notice.title,
                        "body": notice.body,
                        "created_at": notice.created_at,
                        "url": emails.absolute_url(notice.url or reverse("skillhub:notice-list")),
                    }
                    for notice in items
                ],
            }
        )
    return {
        "user": user,
        "groups": groups,
        "count": len(notices),
        "day": timezone.localdate(now),
        "notices_url": emails.absolute_url(reverse("skillhub:notice-list")),
        "digest": True,
    }


def _headers(*, user: User, notices: list[Notice]) -> dict[str, str]:
    """One-click unsubscribe when the digest is about one event; several events: no header (the footer links to the
    settings and each group has its own unsubscribe link)."""
    codes = {notice.event for notice in notices}
    if len(codes) == 1 and next(iter(codes)) in events.BY_CODE:
        return emails.unsubscribe_headers(emails.unsubscribe_url(user_id=user.pk, event=codes.pop()))
    return {}


@shared_task(name="core.tasks.notification_digest_daily", ignore_result=True)
def notification_digest_daily() -> int:
    """Beat, daily at NOTIFICATION_DIGEST_HOUR: each user's digest of notices (safe to run twice)."""
    return digest_send_daily()
