"""The notification service: notices, preferences, the outbox and the unsubscribe link."""

import pytest
from django.core import mail
from django.urls import reverse

from core import roles
from core.models import Delivery, Notice, NotificationPreference, OutboxMessage
from core.notifications import emails, outbox, services
from core.tests.factories import UserFactory


def _release(users, key="review_released:1", **kwargs):
    return services.notify(
        event="review_released", users=users, title="Your review is released", key=key, url="/qa/reviews/1/", **kwargs
    )


def test_notify_emails_an_agent_at_once_by_default(agent_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _release([agent_user])
    assert Notice.objects.get(user=agent_user).delivery == Delivery.NOW
    assert OutboxMessage.objects.get().status == OutboxMessage.Status.SENT
    (message,) = mail.outbox
    assert message.to == [agent_user.email]
    assert message.subject == "Your review is released"
    assert "http://127.0.0.1:8000/qa/reviews/1/" in message.body
    html = message.alternatives[0][0]
    assert 'href="http://127.0.0.1:8000/qa/reviews/1/"' in html
    assert message.extra_headers["Message-ID"] == OutboxMessage.objects.get().message_id
    assert message.extra_headers["List-Unsubscribe"].startswith("<http://127.0.0.1:8000/notifications/unsubscribe/")


@pytest.mark.parametrize(("delivery", "emails_sent"), [(Delivery.NOW, 1), (Delivery.DIGEST, 0), (Delivery.OFF, 0)])
def test_notify_respects_the_users_preference(agent_user, delivery, emails_sent, django_capture_on_commit_callbacks):
    services.preference_set(user=agent_user, event="review_released", delivery=delivery)
    with django_capture_on_commit_callbacks(execute=True):
        _release([agent_user])
    assert Notice.objects.get(user=agent_user).delivery == delivery
    assert len(mail.outbox) == emails_sent


def test_notify_twice_with_one_key_tells_once_and_skips_the_actor(agent_user, lead_user):
    _release([agent_user, lead_user], actor=lead_user)
    _release([agent_user, lead_user], actor=lead_user)
    assert list(Notice.objects.values_list("user_id", flat=True)) == [agent_user.pk]


def test_notify_default_follows_the_most_eager_of_the_users_roles(db):
    lead_and_reviewer = UserFactory(roles=[roles.OPS_LEAD, roles.QA_REVIEWER])
    services.notify(event="dispute_raised", users=[lead_and_reviewer], title="Dispute", key="d:1")
    assert Notice.objects.get().delivery == Delivery.NOW


def test_notify_refuses_an_unknown_event(agent_user):
    with pytest.raises(ValueError, match="Unknown notification event"):
        services.notify(event="nope", users=[agent_user], title="x", key="x")


def test_unsubscribe_link_works_without_signing_in_and_only_for_its_user(client, agent_user, lead_user):
    url = emails.unsubscribe_url(user_id=agent_user.pk, event="review_released")
    path = url.removeprefix("http://127.0.0.1:8000")
    assert "Stop the emails" in client.get(path).content.decode()
    assert not NotificationPreference.objects.exists()  # a GET (a mail scanner) changes nothing
    assert "no longer get emails" in client.post(path).content.decode()
    preference = NotificationPreference.objects.get()
    assert (preference.user, preference.delivery) == (agent_user, Delivery.OFF)
    token = path.rstrip("/").rsplit("/", 1)[1]
    forged = reverse("skillhub:notification-unsubscribe", args=[token[:-2] + "xx"])
    assert client.post(forged).status_code == 404
    assert NotificationPreference.objects.count() == 1


def test_outbox_row_waits_when_the_mail_server_refuses_then_goes_once(agent_user, settings, monkeypatch):
    import smtplib

    calls = []

    def refuse_then_accept(self, messages):
        calls.append(len(messages))
        if len(calls) == 1:
            raise smtplib.SMTPResponseException(451, b"try again later")
        return len(messages)

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse_then_accept)
    _release([agent_user])
    row = OutboxMessage.objects.get()
    assert outbox.deliver(pk=row.pk) == "retry"
    row.refresh_from_db()
    assert (row.status, row.attempts) == (OutboxMessage.Status.PENDING, 1)
    assert "451" in row.last_error
    assert outbox.deliver(pk=row.pk) == "skipped"  # not due yet
    assert outbox.deliver(pk=row.pk, now=row.next_attempt_at) == "sent"
    assert outbox.deliver(pk=row.pk, now=row.next_attempt_at) == "skipped"
    assert calls == [1, 1]


def test_notification_pages_are_the_users_own(client, agent_user, lead_user):
    _release([agent_user])
    mine = Notice.objects.get()
    client.force_login(lead_user)
    assert "Your review is released" not in client.get(reverse("skillhub:notice-list")).content.decode()
    client.post(reverse("skillhub:notice-read"), {"pk": mine.pk})
    mine.refresh_from_db()
    assert mine.read_at is None
    client.force_login(agent_user)
    assert "Notifications, 1 unread" in client.get(reverse("skillhub:notice-badge")).content.decode()
    client.post(reverse("skillhub:notice-read"))
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_preferences_page_saves_a_choice(client, agent_user):
    client.force_login(agent_user)
    page = client.get(reverse("skillhub:notification-preferences")).content.decode()
    assert "Review released" in page and "Interview feedback due" not in page
    client.post(reverse("skillhub:notification-preferences"), {"review_released": "digest"})
    assert NotificationPreference.objects.get(user=agent_user).delivery == Delivery.DIGEST
    response = client.post(reverse("skillhub:notification-preferences"), {"review_released": "loud"}, follow=True)
    assert "Not saved for: Review released" in response.content.decode()
    assert NotificationPreference.objects.get(user=agent_user).delivery == Delivery.DIGEST


def test_emails_held_still_records_notices_but_sends_nothing(agent_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), services.emails_held():
        _release([agent_user])
    assert Notice.objects.filter(user=agent_user).exists()
    assert not OutboxMessage.objects.exists() and not mail.outbox
