"""The outbox against a real SMTP server started by the test (aiosmtpd on a free port of 127.0.0.1): the message
arrives once with its fixed Message-ID, both bodies and working absolute links; refusals and an unreachable server
are retried with backoff; a permanent refusal fails without retry; a crash between sending and marking resends once."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import Delivery, NotificationPreference, OutboxMessage
from core.notifications import outbox, services
from core.tests.outbox_servers import free_port, smtp_server, use_smtp

SITE = "https://skillhub.example.com"
Status = OutboxMessage.Status


@pytest.fixture
def smtp(settings):
    settings.SITE_URL = SITE
    with smtp_server() as (mailbox, port):
        use_smtp(settings, port)
        yield mailbox


def release(user, key="review_released:7"):
    return services.notify(
        event="review_released",
        users=[user],
        title="Your review of case C-7 is released",
        body="Score 92%. You have 7 days to dispute it.",
        key=key,
        url=reverse("skillhub:notice-list"),
        action="See the review",
    )


def make_due(row: OutboxMessage) -> None:
    """The backoff has run out."""
    OutboxMessage.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())


def test_outbox_smtp_delivers_one_message_with_fixed_id_both_bodies_and_unsubscribe_header(
    smtp, agent_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        release(agent_user)
    row = OutboxMessage.objects.get()
    assert row.status == Status.SENT and row.attempts == 1 and row.last_error == ""
    (message,) = smtp.messages
    assert message["Message-ID"] == row.message_id
    assert message["To"] == agent_user.email
    assert message["Subject"] == "Your review of case C-7 is released"
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Score 92%" in text and "Score 92%" in html
    unsubscribe = message["List-Unsubscribe"].strip()
    assert re.fullmatch(rf"<{re.escape(SITE)}/notifications/unsubscribe/[^>]+/>", unsubscribe)
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe.strip("<>") in text and unsubscribe.strip("<>") in html
    # Running the task again (a duplicate delivery from the broker) sends nothing more.
    assert outbox.deliver(pk=row.pk) == "skipped"
    assert len(smtp.messages) == 1


def test_outbox_smtp_links_are_absolute_and_work(smtp, client, agent_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        release(agent_user)
    (message,) = smtp.messages
    html = message.get_body(("html",)).get_content()
    links = set(re.findall(r'href="([^"]+)"', html))
    assert links and all(link.startswith(SITE + "/") for link in links), links
    text_links = set(re.findall(r"https?://\S+", message.get_body(("plain",)).get_content()))
    assert text_links and text_links <= links
    review = f"{SITE}{reverse('skillhub:notice-list')}"
    unsubscribe = message["List-Unsubscribe"].strip().strip("<>")
    assert review in links and unsubscribe in links

    def path(link: str) -> str:
        return urlsplit(link).path

    # The object's link: signed out it asks to sign in and comes back; signed in it opens.
    response = client.get(path(review))
    assert response.status_code == 302 and "next=" in response["Location"]
    # The unsubscribe link works without signing in: GET asks, POST turns the event's emails off.
    assert "Stop the emails" in client.get(path(unsubscribe)).content.decode()
    assert client.post(path(unsubscribe)).status_code == 200
    preference = NotificationPreference.objects.get()
    assert (preference.user, preference.event, preference.delivery) == (agent_user, "review_released", Delivery.OFF)
    client.force_login(agent_user)
    for link in links - {unsubscribe}:
        assert client.get(path(link), follow=True).status_code == 200, link


def test_outbox_smtp_refused_then_recovering_delivers_once(smtp, agent_user, django_capture_on_commit_callbacks):
    smtp.data_replies = ["451 4.3.0 Mailbox busy, try again later"]
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        release(agent_user)  # the first attempt runs on commit and is refused
    row = OutboxMessage.objects.get()
    assert (row.status, row.attempts) == (Status.PENDING, 1)
    assert "451" in row.last_error and "try again later" in row.last_error
    assert row.next_attempt_at >= before + timedelta(seconds=outbox.backoff_seconds(1))  # backoff: a minute
    assert smtp.refused == 1 and smtp.messages == []
    assert outbox.sweep()["queued"] == 0  # not due yet: the sweep leaves it
    make_due(row)
    assert outbox.sweep()["queued"] == 1
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == (Status.SENT, 2, "")
    assert len(smtp.messages) == 1 and smtp.messages[0]["Message-ID"] == row.message_id
    make_due(row)
    outbox.sweep()
    assert len(smtp.messages) == 1


def test_outbox_smtp_refused_recipient_temporarily_is_retried(smtp, agent_user):
    smtp.rcpt_replies = ["450 4.2.1 Try later"]
    release(agent_user)
    row = OutboxMessage.objects.get()
    assert outbox.deliver(pk=row.pk) == "retry"
    make_due(row)
    assert outbox.deliver(pk=row.pk) == "sent"
    assert len(smtp.messages) == 1


@pytest.mark.parametrize("refusal", ["data", "rcpt"])
def test_outbox_smtp_permanent_refusal_fails_without_retry(smtp, agent_user, refusal):
    replies = smtp.data_replies if refusal == "data" else smtp.rcpt_replies
    replies.append("550 5.1.1 No such user here")
    release(agent_user)
    row = OutboxMessage.objects.get()
    assert outbox.deliver(pk=row.pk) == "failed"
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Status.FAILED, 1)
    assert "550" in row.last_error and "No such user" in row.last_error
    make_due(row)
    assert outbox.sweep()["queued"] == 0
    assert smtp.refused == 1 and smtp.messages == []


def test_outbox_smtp_server_down_waits_then_is_sent_when_it_is_back(settings, agent_user):
    port = free_port()  # nothing listens here yet
    use_smtp(settings, port)
    release(agent_user)
    row = OutboxMessage.objects.get()
    assert outbox.deliver(pk=row.pk) == "retry"
    row.refresh_from_db()
    assert row.status == Status.PENDING and row.last_error  # "Connection refused"
    make_due(row)
    assert outbox.deliver(pk=row.pk) == "retry"  # still down: backoff doubles
    row.refresh_from_db()
    assert row.attempts == 2 and row.next_attempt_at > timezone.now() + timedelta(seconds=100)
    with smtp_server(port) as (mailbox, _port):
        make_due(row)
        assert outbox.sweep()["queued"] == 1
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Status.SENT, 3)
    assert [m["Message-ID"] for m in mailbox.messages] == [row.message_id]


def test_outbox_gives_up_after_max_attempts(settings, agent_user):
    use_smtp(settings, free_port())
    settings.OUTBOX_MAX_ATTEMPTS = 2
    release(agent_user)
    row = OutboxMessage.objects.get()
    assert outbox.deliver(pk=row.pk) == "retry"
    make_due(row)
    assert outbox.deliver(pk=row.pk) == "failed"
    row.refresh_from_db()
    assert row.status == Status.FAILED and row.last_error.startswith("Gave up after 2 attempts")


class WorkerDied(BaseException):
    """The worker process is killed (not an error the task could catch)."""


def crash_after_sending(monkeypatch):
    send = outbox._send_email

    def send_then_die(row):
        send(row)
        raise WorkerDied

    monkeypatch.setattr(outbox, "_send_email", send_then_die)


def age_claim(row: OutboxMessage, settings) -> None:
    old = timezone.now() - timedelta(minutes=settings.OUTBOX_STALE_MINUTES + 1)
    OutboxMessage.objects.filter(pk=row.pk).update(claimed_at=old)


def test_outbox_crash_between_sending_and_marking_resends_once_with_the_same_message_id(
    smtp, settings, agent_user, monkeypatch
):
    release(agent_user)
    row = OutboxMessage.objects.get()
    crash_after_sending(monkeypatch)
    with pytest.raises(WorkerDied):
        outbox.deliver(pk=row.pk)
    row.refresh_from_db()
    assert row.status == Status.SENDING and len(smtp.messages) == 1
    assert outbox.sweep() == {"retaken": 0, "failed": 0, "queued": 0}  # a fresh claim is left to its worker
    age_claim(row, settings)
    monkeypatch.undo()
    assert outbox.sweep() == {"retaken": 1, "failed": 0, "queued": 1}
    row.refresh_from_db()
    assert (row.status, row.reclaims) == (Status.SENT, 1)
    assert [m["Message-ID"] for m in smtp.messages] == [row.message_id, row.message_id]  # one resend, same id
    age_claim(row, settings)
    assert outbox.sweep() == {"retaken": 0, "failed": 0, "queued": 0}  # a sent row is never taken back


def test_outbox_crash_twice_marks_failed_with_a_clear_error(smtp, settings, agent_user, monkeypatch):
    release(agent_user)
    row = OutboxMessage.objects.get()
    crash_after_sending(monkeypatch)
    with pytest.raises(WorkerDied):
        outbox.deliver(pk=row.pk)
    age_claim(row, settings)
    with pytest.raises(WorkerDied):
        outbox.sweep()  # taken back, sent again, and the worker dies again
    age_claim(row, settings)
    assert outbox.sweep() == {"retaken": 0, "failed": 1, "queued": 0}
    row.refresh_from_db()
    assert row.status == Status.FAILED and "lost twice" in row.last_error and "Send again now" in row.last_error
    assert len(smtp.messages) == 2  # at most one resend
    outbox.sweep()
    assert len(smtp.messages) == 2


def test_outbox_two_deliveries_of_one_row_send_it_once(smtp, agent_user, monkeypatch):
    release(agent_user)
    row = OutboxMessage.objects.get()
    send = outbox._send_email
    second = []

    def send_while_another_worker_tries(message_row):
        second.append(outbox.deliver(pk=row.pk))  # a duplicate task arrives while the first is sending
        send(message_row)

    monkeypatch.setattr(outbox, "_send_email", send_while_another_worker_tries)
    assert outbox.deliver(pk=row.pk) == "sent"
    assert second == ["skipped"]
    assert len(smtp.messages) == 1
