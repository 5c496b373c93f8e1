"""The admin's view of notifications: the outbox with its pending and failed counts and "Send again now" (admins
only), notices and invitations read-only, webhook URLs kept secret."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from core.models import Invitation, Notice, OutboxMessage, TeamChatWebhook
from core.notifications import outbox
from core.tests.factories import UserFactory

Status = OutboxMessage.Status
CHANGELIST = "admin:skillhub_outboxmessage_changelist"


def message(status=Status.PENDING, **kwargs) -> OutboxMessage:
    row = OutboxMessage.objects.create(
        to=kwargs.pop("to", "ann@example.com"),
        subject=kwargs.pop("subject", "Your review is released"),
        body_text="Plain body",
        body_html="<p>Html <b>body</b></p>",
        **kwargs,
    )
    OutboxMessage.objects.filter(pk=row.pk).update(status=status)
    row.refresh_from_db()
    return row


@pytest.fixture
def staff_admin(db):
    return UserFactory(is_staff=True, is_superuser=True)


def test_outbox_admin_lists_counts_and_filters_pending_and_failed(client, staff_admin):
    message(Status.PENDING, last_error="451 try later")
    message(Status.FAILED, subject="Bounced", last_error="550 no such user")
    message(Status.SENT, subject="Delivered")
    client.force_login(staff_admin)
    page = client.get(reverse(CHANGELIST)).content.decode()
    assert "<strong>1</strong> pending" in page and "<strong>1</strong> failed" in page
    failed = client.get(reverse(CHANGELIST), {"status__exact": "failed"}).content.decode()
    assert "Bounced" in failed and "Delivered" not in failed
    found = client.get(reverse(CHANGELIST), {"q": "bounced"}).content.decode()
    assert "Bounced" in found and "Delivered" not in found


def test_outbox_admin_shows_the_bodies_read_only_and_masks_webhook_urls(client, staff_admin):
    row = message(Status.FAILED, last_error="550 no such user")
    hook = message(kind=OutboxMessage.Kind.WEBHOOK, to="https://hooks.slack.com/services/T0/B0/secretXYZ1234")
    client.force_login(staff_admin)
    page = client.get(reverse("admin:skillhub_outboxmessage_change", args=[row.pk])).content.decode()
    assert "Plain body" in page and "&lt;p&gt;Html &lt;b&gt;body&lt;/b&gt;&lt;/p&gt;" in page
    assert "550 no such user" in page and row.message_id.strip("<>") in page
    assert 'name="subject"' not in page  # no editable field
    for url in (reverse(CHANGELIST), reverse("admin:skillhub_outboxmessage_change", args=[hook.pk])):
        content = client.get(url).content.decode()
        assert "secretXYZ" not in content and "hooks.slack.com/…1234" in content
    assert client.get(reverse("admin:skillhub_outboxmessage_add")).status_code == 403


def test_outbox_admin_send_again_now_resets_and_sends_pending_and_failed(
    client, staff_admin, django_capture_on_commit_callbacks
):
    later = timezone.now() + timedelta(hours=1)
    failed = message(Status.FAILED, attempts=10, last_error="Gave up")
    waiting = message(Status.PENDING, attempts=3, next_attempt_at=later)
    OutboxMessage.objects.filter(pk=waiting.pk).update(next_attempt_at=later)
    sent = message(Status.SENT)
    client.force_login(staff_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse(CHANGELIST),
            {"action": "send_again_now", "_selected_action": [failed.pk, waiting.pk, sent.pk]},
            follow=True,
        )
    page = response.content.decode()
    assert "2 message(s) queued to be sent again now." in page
    assert "1 message(s) already sent or being sent were left alone." in page
    failed.refresh_from_db()
    waiting.refresh_from_db()
    assert (failed.status, failed.attempts) == (Status.SENT, 1)
    assert (waiting.status, waiting.attempts) == (Status.SENT, 1)
    assert len(mail.outbox) == 2  # the sent one was not sent again


def test_outbox_send_again_service_leaves_a_row_being_sent_alone(db):
    row = message(Status.SENDING)
    assert outbox.messages_send_again(pks=[row.pk]) == 0
    row.refresh_from_db()
    assert row.status == Status.SENDING


def test_outbox_admin_is_closed_to_non_staff_and_send_again_needs_the_change_permission(client, agent_user):
    row = message(Status.FAILED)
    client.force_login(agent_user)  # not staff: sent to the admin's sign-in
    assert client.get(reverse(CHANGELIST)).status_code == 302
    response = client.post(reverse(CHANGELIST), {"action": "send_again_now", "_selected_action": [row.pk]})
    assert response.status_code == 302
    viewer = UserFactory(is_staff=True)  # staff without any permission on the outbox
    client.force_login(viewer)
    assert client.get(reverse(CHANGELIST)).status_code == 403
    viewer.user_permissions.add(Permission.objects.get(codename="view_outboxmessage"))
    viewer = type(viewer).objects.get(pk=viewer.pk)  # fresh permission cache
    client.force_login(viewer)
    page = client.get(reverse(CHANGELIST)).content.decode()
    assert 'value="send_again_now"' not in page
    client.post(reverse(CHANGELIST), {"action": "send_again_now", "_selected_action": [row.pk]})
    row.refresh_from_db()
    assert row.status == Status.FAILED


def test_notice_and_invitation_admin_are_read_only_and_hide_the_token(client, staff_admin, agent_user):
    notice = Notice.objects.create(user=agent_user, event="review_released", key="k", title="Released")
    invitation = Invitation.objects.create(
        user=agent_user, token_hash="f" * 64, expires_at=timezone.now() + timedelta(days=3)
    )
    client.force_login(staff_admin)
    page = client.get(reverse("admin:skillhub_notice_change", args=[notice.pk])).content.decode()
    assert "Released" in page and 'name="title"' not in page
    assert client.get(reverse("admin:skillhub_notice_add")).status_code == 403
    assert client.get(reverse("admin:skillhub_invitation_changelist")).status_code == 200
    page = client.get(reverse("admin:skillhub_invitation_change", args=[invitation.pk])).content.decode()
    assert "f" * 64 not in page
    assert client.get(reverse("admin:skillhub_invitation_add")).status_code == 403


def test_webhook_admin_masks_the_url_and_keeps_it_when_left_blank(client, staff_admin, team):
    secret = "https://hooks.slack.com/services/T000/B000/abcdefSECRET9876"
    client.force_login(staff_admin)
    response = client.post(
        reverse("admin:skillhub_teamchatwebhook_add"),
        {"team": team.pk, "kind": "slack", "url": secret, "events": ["dispute_raised"], "is_active": "on"},
    )
    assert response.status_code == 302, response.content.decode()
    hook = TeamChatWebhook.objects.get()
    assert (hook.url, hook.events) == (secret, ["dispute_raised"])
    listing = client.get(reverse("admin:skillhub_teamchatwebhook_changelist")).content.decode()
    assert "SECRET" not in listing and "hooks.slack.com/…9876" in listing
    change = reverse("admin:skillhub_teamchatwebhook_change", args=[hook.pk])
    assert "SECRET" not in client.get(change).content.decode()
    client.post(change, {"team": team.pk, "kind": "teams", "url": "", "is_active": "on"})
    hook.refresh_from_db()
    assert (hook.kind, hook.url, hook.events) == ("teams", secret, [])
    response = client.post(reverse("admin:skillhub_teamchatwebhook_add"), {"team": team.pk, "kind": "slack"})
    assert "Paste the incoming webhook" in response.content.decode()
