"""The core's tasks (Celery finds them here): delivering the outbox, defined beside the outbox itself."""

from core.notifications.outbox import outbox_send, outbox_sweep

__all__ = ["outbox_send", "outbox_sweep"]
