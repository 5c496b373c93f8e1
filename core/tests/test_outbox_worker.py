"""One outbox email through a real Celery worker on Redis to a real SMTP server (aiosmtpd)."""

import time

import pytest
from celery.contrib.testing.worker import start_worker

from core.models import OutboxMessage
from core.notifications import outbox, services
from core.tests.outbox_servers import smtp_server, use_smtp

app = outbox.outbox_send.app
pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def test_outbox_email_goes_through_a_real_worker_to_smtp(settings, agent_user):
    with smtp_server() as (mailbox, port):
        use_smtp(settings, port)
        settings.CELERY_TASK_ALWAYS_EAGER = False
        app.conf.task_always_eager = False
        try:
            with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
                services.notify(event="review_released", users=[agent_user], title="Released", key="w:1")
                deadline = time.monotonic() + 30
                sent = OutboxMessage.objects.filter(status=OutboxMessage.Status.SENT)
                while not (mailbox.messages and sent.exists()) and time.monotonic() < deadline:
                    time.sleep(0.2)
        finally:
            app.conf.task_always_eager = True
            settings.CELERY_TASK_ALWAYS_EAGER = True
    row = OutboxMessage.objects.get()
    assert row.status == OutboxMessage.Status.SENT
    assert [m["Message-ID"] for m in mailbox.messages] == [row.message_id]
