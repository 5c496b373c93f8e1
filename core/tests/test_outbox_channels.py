"""The outbox when the broker is down at the time of the change, and team chat webhooks against a real HTTP server
started by the test."""

import logging
import os
import time
from contextlib import contextmanager
from unittest import mock

import pytest
from django.core import mail
from django.db import transaction

from core.models import Notice, OutboxMessage, TeamChatWebhook
from core.notifications import outbox, services
from core.tests.outbox_servers import free_port, webhook_server

Status = OutboxMessage.Status
app = outbox.outbox_send.app


@contextmanager
def broker_down(settings):
    """Eager mode off, in Django's settings and the Celery app's, with the broker on a port nothing listens on."""
    saved = (app.conf.task_always_eager, app.conf.broker_url)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False
    app.conf.broker_url = dead = f"redis://127.0.0.1:{free_port()}/0"
    try:
        # Celery prefers the CELERY_BROKER_URL variable (set in CI) to its broker_url setting.
        with mock.patch.dict(os.environ, {"CELERY_BROKER_URL": dead}):
            yield
    finally:
        app.conf.task_always_eager, app.conf.broker_url = saved
        settings.CELERY_TASK_ALWAYS_EAGER = True


def test_outbox_broker_down_the_change_commits_and_the_row_waits_for_the_sweep(
    settings, agent_user, django_capture_on_commit_callbacks, caplog
):
    caplog.set_level(logging.WARNING, logger="core.notifications.outbox")
    with broker_down(settings):
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            services.notify(event="review_released", users=[agent_user], title="Released", key="r:1", url="/x/")
        assert time.monotonic() - started < 5  # the request that made the change is not held up for long
        assert outbox.sweep()["queued"] == 0  # the beat's sweep meets the same dead broker, and says so
    assert Notice.objects.filter(user=agent_user).exists()  # the change stands
    row = OutboxMessage.objects.get()
    assert (row.status, row.attempts) == (Status.PENDING, 0)
    assert "waits for the sweep" in caplog.text
    assert mail.outbox == []
    # The broker is back (eager here): the next sweep sends it.
    assert outbox.sweep()["queued"] == 1
    row.refresh_from_db()
    assert row.status == Status.SENT
    assert len(mail.outbox) == 1 and mail.outbox[0].extra_headers["Message-ID"] == row.message_id


def test_outbox_broker_down_inside_an_outer_transaction_keeps_the_callers_work(
    settings, agent_user, django_capture_on_commit_callbacks
):
    with broker_down(settings), django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        services.notify(event="review_released", users=[agent_user], title="Released", key="r:2")
        agent_user.first_name = "Changed"
        agent_user.save(update_fields=["first_name"])
    agent_user.refresh_from_db()
    assert agent_user.first_name == "Changed"
    assert OutboxMessage.objects.get().status == Status.PENDING


@pytest.fixture
def hook(team):
    with webhook_server() as (server, base):
        yield server, base


def add_webhook(team, base, kind=TeamChatWebhook.Kind.SLACK, path="/hook", **kwargs):
    return TeamChatWebhook.objects.create(team=team, kind=kind, url=f"{base}{path}", **kwargs)


def dispute(team, key="dispute_raised:3"):
    services.notify(
        event="dispute_raised", users=[], title="Case C-3 disputed", key=key, url="/qa/disputes/3/", team_id=team.pk
    )


def test_webhook_posts_json_once_per_key(team, hook, django_capture_on_commit_callbacks):
    server, base = hook
    add_webhook(team, base, path="/slack")
    add_webhook(team, base, kind=TeamChatWebhook.Kind.TEAMS, path="/teams")
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            dispute(team)
    assert sorted(post["path"] for post in server.posts) == ["/slack", "/teams"]
    by_path = {post["path"]: post for post in server.posts}
    assert by_path["/slack"]["type"] == "application/json"
    slack = by_path["/slack"]["json"]["text"]
    assert slack.startswith("*Dispute raised: Case C-3 disputed*")
    assert "<http://127.0.0.1:8000/qa/disputes/3/|Open in SkillHub>" in slack
    (attachment,) = by_path["/teams"]["json"]["attachments"]
    card = attachment["content"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert card["body"][0]["text"] == "Dispute raised: Case C-3 disputed"
    assert card["actions"] == [
        {"type": "Action.OpenUrl", "title": "Open in SkillHub", "url": "http://127.0.0.1:8000/qa/disputes/3/"}
    ]
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {Status.SENT}


def test_webhook_skips_other_events_and_inactive_hooks(team, hook, django_capture_on_commit_callbacks):
    server, base = hook
    add_webhook(team, base, path="/only-reviews", events=["review_released"])
    add_webhook(team, base, path="/off", is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        dispute(team)
    assert server.posts == [] and not OutboxMessage.objects.exists()


def test_webhook_server_error_is_retried_then_sent(team, hook):
    server, base = hook
    server.statuses = [500]
    add_webhook(team, base)
    dispute(team)
    row = OutboxMessage.objects.get()
    assert outbox.deliver(pk=row.pk) == "retry"
    row.refresh_from_db()
    assert row.status == Status.PENDING and "500" in row.last_error
    assert outbox.deliver(pk=row.pk, now=row.next_attempt_at) == "sent"
    assert len(server.posts) == 1


def test_webhook_not_found_fails_without_retry(team, hook):
    server, base = hook
    server.statuses = [404]
    add_webhook(team, base)
    dispute(team)
    row = OutboxMessage.objects.get()
    assert outbox.deliver(pk=row.pk) == "failed"
    row.refresh_from_db()
    assert row.status == Status.FAILED and "HTTP 404" in row.last_error
    assert outbox.deliver(pk=row.pk, now=row.next_attempt_at) == "skipped"
    assert server.posts == []


def test_webhook_unreachable_is_retried(team, settings):
    TeamChatWebhook.objects.create(team=team, kind="slack", url=f"http://127.0.0.1:{free_port()}/hook")
    dispute(team)
    row = OutboxMessage.objects.get()
    assert outbox.deliver(pk=row.pk) == "retry"
    row.refresh_from_db()
    assert row.status == Status.PENDING and row.last_error


def test_webhook_without_an_event_list_takes_only_team_level_events(team):
    add_webhook(team, "https://hooks.example", path="/team")
    services.notify(event="review_released", users=[], title="A's review", key="r:1", team_id=team.pk)
    assert not OutboxMessage.objects.exists()  # one agent's score is not for the team's channel
    dispute(team)
    assert OutboxMessage.objects.get().event == "dispute_raised"
