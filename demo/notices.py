"""The seeded past leaves everyone's notification centre with what a working week would: the few newest notices
unread, the older ones read (a demo interviewer is told of every candidate the seeding moved)."""

from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from core.models import Notice

UNREAD_KEPT = 5


def notices_tidy(*, keep: int = UNREAD_KEPT) -> int:
    """Mark read all but each user's `keep` newest unread notices. Returns how many were marked."""
    ranked = Notice.objects.filter(read_at__isnull=True).annotate(
        rank=Window(RowNumber(), partition_by=[F("user_id")], order_by=[F("created_at").desc(), F("pk").desc()])
    )
    older = list(ranked.filter(rank__gt=keep).values_list("pk", flat=True))
    return Notice.objects.filter(pk__in=older).update(read_at=timezone.now())
