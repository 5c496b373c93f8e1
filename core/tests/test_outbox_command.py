"""`send_outbox`: the operators' way to send what waits, here and now."""

from datetime import timedelta

from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from core.models import OutboxMessage
from core.notifications import outbox
from core.tests.outbox_servers import free_port, use_smtp

Status = OutboxMessage.Status


def queue(n: int) -> list[OutboxMessage]:
    return [outbox.email_create(to=f"u{i}@example.com", subject=f"Hello {i}", text="Hi") for i in range(n)]


def test_send_outbox_sends_due_messages_and_prints_counts(db, capsys):
    rows = queue(3)
    later = timezone.now() + timedelta(hours=1)
    OutboxMessage.objects.filter(pk=rows[2].pk).update(next_attempt_at=later)  # waiting out a backoff
    OutboxMessage.objects.filter(pk=rows[1].pk).update(status=Status.FAILED)
    call_command("send_outbox")
    out = capsys.readouterr()
    assert "Sent 1, to retry 0, failed 0." in out.out
    assert "Now 1 pending and 1 failed" in out.out
    assert "Sending" in out.err  # the progress bar
    assert [m.to for m in mail.outbox] == [["u0@example.com"]]
    call_command("send_outbox", "--all")
    assert "Sent 1, to retry 0, failed 0." in capsys.readouterr().out
    assert len(mail.outbox) == 2
    assert OutboxMessage.objects.get(pk=rows[1].pk).status == Status.FAILED  # failed ones: the admin's action


def test_send_outbox_counts_retries_when_the_server_is_down(settings, db, capsys):
    use_smtp(settings, free_port())
    queue(2)
    call_command("send_outbox", verbosity=0)
    assert "Sent 0, to retry 2, failed 0." in capsys.readouterr().out
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {Status.PENDING}


def test_send_outbox_takes_back_a_lost_claim(settings, db, capsys):
    (row,) = queue(1)
    stale = timezone.now() - timedelta(minutes=settings.OUTBOX_STALE_MINUTES + 1)
    OutboxMessage.objects.filter(pk=row.pk).update(status=Status.SENDING, claimed_at=stale, attempts=1)
    call_command("send_outbox", verbosity=0)
    assert "Sent 1, to retry 0, failed 0; 1 lost claim(s) taken back." in capsys.readouterr().out
    row.refresh_from_db()
    assert (row.status, row.reclaims) == (Status.SENT, 1)
