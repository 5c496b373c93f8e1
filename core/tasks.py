"""The core's tasks (Celery finds them here), each defined beside what it runs: delivering the outbox, the daily
digest, the password-reset email."""

from core.accounts.password_reset import password_reset_send
from core.notifications.digest import notification_digest_daily
from core.notifications.outbox import outbox_send, outbox_sweep

__all__ = ["notification_digest_daily", "outbox_send", "outbox_sweep", "password_reset_send"]
