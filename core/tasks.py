"""The core's tasks (Celery finds them here): delivering the outbox, defined beside the outbox itself; the
password-reset email, beside its service."""

from core.notifications.outbox import outbox_send, outbox_sweep
from core.services.password_reset import password_reset_send

__all__ = ["outbox_send", "outbox_sweep", "password_reset_send"]
