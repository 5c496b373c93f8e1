"""The core's tasks (Celery finds them here): delivering the outbox, defined beside the outbox itself; the
password-reset email, beside its service."""

from core.accounts.password_reset import password_reset_send
from core.notifications.outbox import outbox_send, outbox_sweep

__all__ = ["outbox_send", "outbox_sweep", "password_reset_send"]
