"""The daily digest: one email per user listing their unread digest notices, grouped by event, with absolute links;
safe to run twice; nobody with nothing gets anything; a bounded number of queries."""

import re

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.utils import timezone

from core.models import Delivery, Notice, OutboxMessage
from core.notifications import digest, services
from core.tests.factories import UserFactory


def tell(user, event, n, prefix="Item"):
    for i in range(n):
        services.notify(
            event=event,
            users=[user],
            title=f"{prefix} {i}",
            key=f"{event}:{user.pk}:{prefix}:{i}",
            url=f"/qa/reviews/{i}/",
            body=f"Body {i}",
        )


@pytest.fixture
def digest_user(db):
    user = UserFactory(email="dana@example.com")
    for event in ("review_released", "dispute_resolved", "import_finished"):
        services.preference_set(user=user, event=event, delivery=Delivery.DIGEST)
    return user


def test_digest_sends_one_email_grouped_by_event_with_absolute_links(digest_user, django_capture_on_commit_callbacks):
    tell(digest_user, "review_released", 2, "Review")
    tell(digest_user, "dispute_resolved", 1, "Dispute")
    assert mail.outbox == []  # digest notices send nothing at once
    with django_capture_on_commit_callbacks(execute=True):
        assert digest.digest_send_daily() == 1
    (message,) = mail.outbox
    assert message.to == ["dana@example.com"] and message.subject == "Your SkillHub digest: 3 updates"
    text = message.body
    assert (
        text.index("REVIEW RELEASED")
        < text.index("Review 0")
        < text.index("Review 1")
        < text.index("DISPUTE RESOLVED")
        < text.index("Dispute 0")
    )
    html = message.alternatives[0][0]
    links = re.findall(r'href="([^"]+)"', html)
    assert all(link.startswith(django_settings.SITE_URL + "/") for link in links)
    assert f"{django_settings.SITE_URL}/qa/reviews/1/" in links
    assert sum("/notifications/unsubscribe/" in link for link in links) == 2  # one per event
    assert "/notifications/settings/" in html  # the settings footer
    assert "List-Unsubscribe" not in message.extra_headers  # two events: no single one-click target
    assert not Notice.objects.filter(digested_at__isnull=True).exists()
    row = OutboxMessage.objects.get()
    assert (row.event, row.user, row.status) == ("daily_digest", digest_user, OutboxMessage.Status.SENT)


def test_digest_twice_sends_once_and_users_with_nothing_get_nothing(digest_user, db):
    tell(digest_user, "review_released", 1)
    UserFactory(email="idle@example.com")  # no notices
    now_user = UserFactory(email="now@example.com")
    services.preference_set(user=now_user, event="review_released", delivery=Delivery.NOW)
    tell(now_user, "review_released", 1, "Now")  # emailed at once, never in a digest
    OutboxMessage.objects.all().delete()
    assert digest.digest_send_daily() == 1
    assert digest.digest_send_daily() == 0
    assert list(OutboxMessage.objects.values_list("to", flat=True)) == ["dana@example.com"]


def test_digest_lists_unread_notices_only_and_marks_read_ones_digested(digest_user, db):
    tell(digest_user, "review_released", 2)
    Notice.objects.filter(title="Item 0").update(read_at=timezone.now())
    assert digest.digest_send_daily() == 1
    row = OutboxMessage.objects.get()
    assert "Item 1" in row.body_text and "Item 0" not in row.body_text
    assert row.subject == "Your SkillHub digest: 1 update"
    assert row.headers["List-Unsubscribe"].startswith("<http")  # one event: one-click unsubscribe
    assert not Notice.objects.filter(digested_at__isnull=True).exists()
    Notice.objects.update(read_at=timezone.now(), digested_at=None)
    OutboxMessage.objects.all().delete()
    assert digest.digest_send_daily() == 0  # everything already read: no email
    assert not OutboxMessage.objects.exists()


def test_digest_leaves_out_an_event_the_user_has_since_turned_off(digest_user, db):
    tell(digest_user, "review_released", 1, "Kept")
    tell(digest_user, "dispute_resolved", 1, "Dropped")
    services.preference_set(user=digest_user, event="dispute_resolved", delivery=Delivery.OFF)
    digest.digest_send_daily()
    body = OutboxMessage.objects.get().body_text
    assert "Kept 0" in body and "Dropped" not in body


def test_digest_rolls_back_a_user_whose_notices_another_run_took(digest_user, db, monkeypatch):
    tell(digest_user, "review_released", 2)
    real = digest._pending

    def pending_then_raced():
        rows = real()
        Notice.objects.filter(pk=rows[0].pk).update(digested_at=timezone.now())  # the other run got there first
        return rows

    monkeypatch.setattr(digest, "_pending", pending_then_raced)
    assert digest.digest_send_daily() == 0
    assert not OutboxMessage.objects.exists()
    assert Notice.objects.filter(digested_at__isnull=True).count() == 1  # this run's mark was rolled back


@pytest.mark.parametrize("per_user", [1, 10])
def test_digest_query_count_does_not_grow_with_notices(db, per_user, django_assert_max_num_queries):
    users = [UserFactory() for _ in range(3)]
    for user in users:
        services.preference_set(user=user, event="import_finished", delivery=Delivery.DIGEST)
        services.preference_set(user=user, event="dispute_resolved", delivery=Delivery.DIGEST)
        tell(user, "import_finished", per_user)
        tell(user, "dispute_resolved", per_user, "D")
    with django_assert_max_num_queries(1 + 2 * 3 + 3 * 6):  # load, preferences per event, per user a few writes
        assert digest.digest_send_daily() == 3


def test_digest_is_on_the_beat_at_the_configured_hour():
    entry = django_settings.CELERY_BEAT_SCHEDULE["notification-digest-daily"]
    assert entry["task"] == "core.tasks.notification_digest_daily"
    assert entry["schedule"].hour == {django_settings.NOTIFICATION_DIGEST_HOUR}
    assert entry["schedule"].minute == {0}
