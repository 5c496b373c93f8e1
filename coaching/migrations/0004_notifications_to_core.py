"""Coaching's own in-app notices move to the core's notification service: each row becomes a core Notice (same
user, event, text, link, dates; its key prefixed with "coaching:", as the nightly job now names its keys, so the
first run after the move tells nobody again), then the coaching table goes."""

from django.db import migrations
from django.db.models import F, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, Concat

PREFIX = "coaching:"
EVENTS = ["session_due", "goal_at_risk"]
BATCH = 1000


def forward(apps, schema_editor):
    Notification = apps.get_model("coaching", "Notification")
    Notice = apps.get_model("skillhub", "Notice")
    batch = []
    for row in Notification.objects.order_by("pk").iterator(chunk_size=BATCH):
        batch.append(
            Notice(
                user_id=row.user_id,
                event=row.kind,
                key=PREFIX + row.key,
                title=row.message,
                url=row.url,
                delivery="off",
                read_at=row.read_at,
            )
        )
        if len(batch) >= BATCH:
            Notice.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    Notice.objects.bulk_create(batch, ignore_conflicts=True)
    # created_at is auto_now_add (set on insert): give each notice its original date in one statement.
    original = Notification.objects.annotate(prefixed=Concat(Value(PREFIX), F("key"))).filter(
        user_id=OuterRef("user_id"), prefixed=OuterRef("key")
    )
    Notice.objects.filter(key__startswith=PREFIX, event__in=EVENTS).update(
        created_at=Coalesce(Subquery(original.values("created_at")[:1]), F("created_at"))
    )


def backward(apps, schema_editor):
    """Back to the coaching table (the notices stay in the core too: nothing is lost either way)."""
    Notification = apps.get_model("coaching", "Notification")
    Notice = apps.get_model("skillhub", "Notice")
    rows = Notice.objects.filter(key__startswith=PREFIX, event__in=EVENTS).order_by("pk")
    batch = []
    for notice in rows.iterator(chunk_size=BATCH):
        batch.append(
            Notification(
                user_id=notice.user_id,
                kind=notice.event,
                key=notice.key[len(PREFIX) :][:100],
                message=notice.title,
                url=notice.url[:200],
                read_at=notice.read_at,
            )
        )
        if len(batch) >= BATCH:
            Notification.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    Notification.objects.bulk_create(batch, ignore_conflicts=True)
    notice = Notice.objects.filter(user_id=OuterRef("user_id"), key=Concat(Value(PREFIX), OuterRef("key")))
    Notification.objects.update(created_at=Coalesce(Subquery(notice.values("created_at")[:1]), F("created_at")))


class Migration(migrations.Migration):
    dependencies = [
        ("coaching", "0003_activity_proposals"),
        ("skillhub", "0018_notifications_outbox_invitations"),
    ]

    operations = [
        migrations.RunPython(forward, backward),
        migrations.DeleteModel(name="Notification"),
    ]
