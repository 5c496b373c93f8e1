"""Writes of the notification service: tell users of an event, keep their preferences, mark notices read."""

import contextlib
import contextvars
from collections.abc import Iterable, Iterator

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core import roles
from core.models import Delivery, Notice, NotificationPreference, OutboxMessage, TeamChatWebhook, User
from core.notifications import emails, events, outbox

_emails_held = contextvars.ContextVar("notifications_emails_held", default=False)


@contextlib.contextmanager
def emails_held() -> Iterator[None]:
    """Within this block events still become in-app notices, but send no email or chat message: for seeding demo
    data and backfills, whose past events nobody should be emailed about."""
    token = _emails_held.set(True)
    try:
        yield
    finally:
        _emails_held.reset(token)


def emails_are_held() -> bool:
    """True within emails_held(): callers that email outside notify() (invitations) hold theirs too."""
    return _emails_held.get()


def deliveries_for(*, user_ids: list[int], event: str, default: str | None = None) -> dict[int, str]:
    """Each user's delivery for `event`: their own choice, else `default` when given, else the default of their
    roles. One to three queries."""
    catalogued = events.get(event)
    chosen = dict(
        NotificationPreference.objects.filter(user_id__in=user_ids, event=event).values_list("user_id", "delivery")
    )
    missing = [pk for pk in user_ids if pk not in chosen]
    if missing and default is not None:
        return chosen | dict.fromkeys(missing, default)
    if missing:
        held: dict[int, set[str]] = {pk: set() for pk in missing}
        for pk, name in User.groups.through.objects.filter(user_id__in=missing).values_list("user_id", "group__name"):
            held[pk].add(name)
        for pk in User.objects.filter(pk__in=missing, is_superuser=True).values_list("pk", flat=True):
            held[pk].add(roles.ADMIN)
        for pk in missing:
            chosen[pk] = catalogued.default_for(held[pk])
    return chosen


@transaction.atomic
def notify(
    *,
    event: str,
    users: Iterable[User | int],
    title: str,
    key: str,
    url: str = "",
    body: str = "",
    actor: User | None = None,
    team_id: int | None = None,
    action: str = "",
    default: str | None = None,
) -> list[Notice]:
    """Tell `users` of `event`: an in-app notice each and, by each one's preference, an email now (through the
    outbox, in this transaction) or a line in their next daily digest. The caller chooses the users within scope.

    `key` names the occurrence (e.g. "review_released:12"): a user already told under it is not told again, so
    callers may run twice. The actor is not told of their own action. `default` replaces the catalogue's default
    for users who chose nothing (a QA lead hears of a whole scope's overdue reviews in the digest). With `team_id`,
    the team's chat webhooks that take this event get a message too (once per key). Returns the notices created."""
    catalogued = events.get(event)
    ids = {u if isinstance(u, int) else u.pk for u in users}
    ids.discard(actor.pk if actor else None)
    ids = set(User.objects.filter(pk__in=ids, is_active=True).values_list("pk", flat=True)) if ids else set()
    already = set(Notice.objects.filter(key=key, user_id__in=ids).values_list("user_id", flat=True)) if ids else set()
    new_ids = sorted(ids - already)
    deliveries = deliveries_for(user_ids=new_ids, event=event, default=default) if new_ids else {}
    notices = [
        Notice(user_id=pk, event=event, key=key[:200], title=title[:300], body=body, url=url, delivery=deliveries[pk])
        for pk in new_ids
    ]
    Notice.objects.bulk_create(notices, ignore_conflicts=True)
    if _emails_held.get():
        return notices
    now_ids = [pk for pk in new_ids if deliveries[pk] == Delivery.NOW]
    if now_ids:
        for user in User.objects.filter(pk__in=now_ids).exclude(email="").only("pk", "email", "first_name", "username"):
            _email_notice(user=user, event=catalogued, key=key, title=title, body=body, url=url, action=action)
    if team_id is not None:
        _post_to_team(team_id=team_id, event=catalogued, key=key, title=title, body=body, url=url)
    return notices


def _email_notice(*, user: User, event: events.Event, key: str, title: str, body: str, url: str, action: str) -> None:
    unsubscribe = emails.unsubscribe_url(user_id=user.pk, event=event.code)
    context = {
        "user": user,
        "event_label": event.label,
        "title": title,
        "body": body,
        "url": emails.absolute_url(url) if url else "",
        "action": action,
        "unsubscribe_url": unsubscribe,
    }
    text, html = emails.render("notification", context)
    outbox.email_create(
        to=user.email,
        subject=title,
        text=text,
        html=html,
        user=user,
        event=event.code,
        headers=emails.unsubscribe_headers(unsubscribe),
        key=key,
    )


def _post_to_team(*, team_id: int, event: events.Event, key: str, title: str, body: str, url: str) -> None:
    hooks = TeamChatWebhook.objects.filter(team_id=team_id, is_active=True)
    for hook in hooks:
        if event.code not in hook.events if hook.events else not event.chat:
            continue
        subject = f"{event.label}: {title}"
        if OutboxMessage.objects.filter(kind=OutboxMessage.Kind.WEBHOOK, to=hook.url, key=key[:200]).exists():
            continue
        link = emails.absolute_url(url) if url else ""
        payload = chat_payload(kind=hook.kind, title=subject, body=body, link=link)
        outbox.webhook_create(url=hook.url, payload=payload, event=event.code, subject=subject, key=key)


def chat_payload(*, kind: str, title: str, body: str, link: str) -> dict:
    """A message in the shape the team's incoming webhook takes: Slack's text with mrkdwn, or for Microsoft Teams
    an Adaptive Card (what Teams' Workflows webhooks require, and the older connectors accept)."""
    if kind == TeamChatWebhook.Kind.SLACK:
        text = f"*{title}*" + (f"\n{body}" if body else "") + (f"\n<{link}|Open in SkillHub>" if link else "")
        return {"text": text}
    card_body = [{"type": "TextBlock", "text": title, "weight": "Bolder", "wrap": True}]
    if body:
        card_body.append({"type": "TextBlock", "text": body, "wrap": True})
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": card_body,
    }
    if link:
        card["actions"] = [{"type": "Action.OpenUrl", "title": "Open in SkillHub", "url": link}]
    return {
        "type": "message",
        "attachments": [
            {"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None, "content": card}
        ],
    }


def preference_set(*, user: User, event: str, delivery: str) -> NotificationPreference:
    events.get(event)
    if delivery not in Delivery.values:
        raise ValidationError({"delivery": f"Choose one of: {', '.join(Delivery.labels)}."})
    preference, _ = NotificationPreference.objects.update_or_create(
        user=user, event=event, defaults={"delivery": delivery}
    )
    return preference


def notices_mark_read(*, user: User, pk: int | None = None) -> int:
    qs = Notice.objects.filter(user=user, read_at__isnull=True)
    if pk is not None:
        qs = qs.filter(pk=pk)
    return qs.update(read_at=timezone.now())


def unsubscribe(*, token: str) -> tuple[User, str] | None:
    """Turn off the emails of the token's event for the token's user (no sign-in needed). None for a bad token."""
    read = emails.unsubscribe_read(token)
    if read is None:
        return None
    user_id, event = read
    user = User.objects.filter(pk=user_id).first()
    if user is None or event not in events.BY_CODE:
        return None
    preference_set(user=user, event=event, delivery=Delivery.OFF)
    return user, event
