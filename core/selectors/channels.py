"""The channel catalogue as forms, filters and pages read it: choices, names and which channels are written."""

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from core.models import ChannelKind, ContactChannel

# Kinds whose contacts are read rather than heard: reviewers see readability and phrase hints for them.
WRITTEN_KINDS = (ChannelKind.WRITTEN, ChannelKind.MESSAGING, ChannelKind.SOCIAL)


def channel_choices(*, include_inactive: bool = False) -> list[tuple[str, str]]:
    """(code, name) of the catalogue's channels in name order, for forms and filters (one query)."""
    channels = ContactChannel.objects.all() if include_inactive else ContactChannel.objects.filter(is_active=True)
    return list(channels.order_by("name", "code").values_list("code", "name"))


def channel_codes(*, include_inactive: bool = False) -> set[str]:
    """The codes of the catalogue (the active ones unless asked otherwise)."""
    channels = ContactChannel.objects.all() if include_inactive else ContactChannel.objects.filter(is_active=True)
    return set(channels.values_list("code", flat=True))


def written_codes() -> frozenset[str]:
    """Codes of the channels whose contacts are written (kinds written, messaging, social), active or not."""
    return frozenset(ContactChannel.objects.filter(kind__in=WRITTEN_KINDS).values_list("code", flat=True))


def is_written(code: str) -> bool:
    return ContactChannel.objects.filter(code=code, kind__in=WRITTEN_KINDS).exists()


def channel_names() -> dict[str, str]:
    """{code: name} of every channel, cached (lists show a name per row without a query per row)."""
    return ContactChannel.names()


def channel_name(code: str) -> str:
    """The catalogue's name of a channel code; a built-in label or the code itself if the catalogue lacks it."""
    return ContactChannel.name_of(code)


@receiver(post_save, sender=ContactChannel, dispatch_uid="contact_channel_names_saved")
@receiver(post_delete, sender=ContactChannel, dispatch_uid="contact_channel_names_deleted")
def _forget_names(**kwargs) -> None:
    cache.delete(ContactChannel.NAMES_CACHE_KEY)
