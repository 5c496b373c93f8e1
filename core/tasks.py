"""The core's tasks (Celery finds them here): delivering the outbox and the daily digest, defined beside them."""

from core.notifications.digest import notification_digest_daily
from core.notifications.outbox import outbox_send, outbox_sweep

__all__ = ["notification_digest_daily", "outbox_send", "outbox_sweep"]
