"""Notifications: in-app notices, each user's delivery preferences, the outbox every email and chat message leaves
from, teams' chat webhooks, and invitations to set a first password."""

import uuid
from urllib.parse import urlsplit

from django.conf import settings
from django.db import models
from django.db.models import Q


class Delivery(models.TextChoices):
    """How a user wants to hear of one kind of event, besides the in-app notice they always get."""

    NOW = "now", "Email now"
    DIGEST = "digest", "Daily digest"
    OFF = "off", "In the app only"


class Notice(models.Model):
    """One event told to one user in the app; `key` makes every sender safe to run twice."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices")
    event = models.CharField(max_length=40)
    key = models.CharField(max_length=200)
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True, help_text="A path of this site, e.g. /qa/reviews/12/.")
    delivery = models.CharField(max_length=10, choices=Delivery.choices, default=Delivery.OFF)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    digested_at = models.DateTimeField(null=True, blank=True, help_text="When a daily digest carried it.")

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="notice_user_key_unique")]
        indexes = [
            models.Index(fields=["user", "read_at"], name="notice_unread_idx"),
            models.Index(
                fields=["user", "created_at"],
                condition=Q(delivery="digest", digested_at__isnull=True),
                name="notice_digest_pending_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class NotificationPreference(models.Model):
    """A user's choice for one event; without a row the event's default for the user's roles applies."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    event = models.CharField(max_length=40)
    delivery = models.CharField(max_length=10, choices=Delivery.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "event"], name="notification_preference_user_event_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.event} {self.delivery}"


def _message_id() -> str:
    """A Message-ID on this site's domain (SITE_URL), fixed when the row is written: a resend keeps it."""
    return f"<{uuid.uuid4().hex}@{urlsplit(settings.SITE_URL).hostname or 'skillhub.invalid'}>"


class OutboxMessage(models.Model):
    """An email or chat message waiting to leave, written in the same transaction as the change it tells of.

    A task claims it by a conditional update (pending -> sending), sends it with its fixed Message-ID and marks it
    sent; a refusal or an unreachable server puts it back to pending with a later attempt time; the beat sweep sends
    what waits and takes back a claim whose worker died (once: at most one resend)."""

    class Kind(models.TextChoices):
        EMAIL = "email", "Email"
        WEBHOOK = "webhook", "Chat webhook"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.EMAIL)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    event = models.CharField(max_length=40, blank=True)
    key = models.CharField(max_length=200, blank=True, help_text="The occurrence told of (a chat post is made once).")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="outbox_messages"
    )
    to = models.TextField(help_text="An email address, or the webhook's URL.")
    subject = models.CharField(max_length=300, blank=True)
    body_text = models.TextField(blank=True)
    body_html = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    images = models.JSONField(
        default=list, blank=True, help_text="Inline images: [{cid, subtype, base64}] referenced as cid: in the HTML."
    )
    payload = models.JSONField(default=dict, blank=True, help_text="A webhook's JSON body.")
    message_id = models.CharField(max_length=200, default=_message_id, unique=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    reclaims = models.PositiveSmallIntegerField(default=0, help_text="Claims taken back from a lost worker.")
    next_attempt_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["next_attempt_at"], condition=Q(status="pending"), name="outbox_pending_due_idx"),
            models.Index(fields=["claimed_at"], condition=Q(status="sending"), name="outbox_sending_idx"),
        ]

    def __str__(self) -> str:
        # A webhook's URL is a secret (whoever has it can post to the channel): never in a name shown anywhere.
        to = self.to if self.kind == self.Kind.EMAIL else "a team's chat"
        return f"{self.get_kind_display()} to {to}: {self.subject or self.event}"


class TeamChatWebhook(models.Model):
    """A team's Slack or Microsoft Teams incoming webhook: the team's events are posted there too."""

    class Kind(models.TextChoices):
        SLACK = "slack", "Slack"
        TEAMS = "teams", "Microsoft Teams"

    team = models.ForeignKey("skillhub.Team", on_delete=models.CASCADE, related_name="chat_webhooks")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    url = models.URLField(max_length=500, help_text="The incoming webhook's URL (kept secret).")
    events = models.JSONField(
        default=list,
        blank=True,
        help_text="Event codes posted; empty: the team-level ones (disputes raised, overdue reviews).",
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["team__name", "kind"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.team}"


class Invitation(models.Model):
    """A link to set a first password: expires, works once. Only the token's hash is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations")
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation for {self.user}"
