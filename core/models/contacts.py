from datetime import date, datetime

from django.core.cache import cache
from django.db import models
from django.utils import timezone

# Days outside these years are typos (and would overflow date arithmetic near year 1 or 9999): imports refuse them
# in contacts, the dashboards and the metrics API in periods.
YEARS = (1970, 2100)


class Channel(models.TextChoices):
    """The four channels every organisation starts with (seeded into ContactChannel); admins add more there."""

    PHONE = "phone", "Phone"
    EMAIL = "email", "Email"
    CHAT = "chat", "Chat"
    SOCIAL = "social", "Social"


class ChannelKind(models.TextChoices):
    VOICE = "voice", "Voice"
    WRITTEN = "written", "Written (email, web form)"
    MESSAGING = "messaging", "Messaging (chat, WhatsApp, SMS)"
    SOCIAL = "social", "Social media"


class ContactChannel(models.Model):
    """The channel catalogue: every contact's `channel` is one of these codes; import profiles map names to them."""

    code = models.SlugField(
        max_length=30, unique=True, help_text="Stored on contacts and used in files, e.g. whatsapp."
    )
    name = models.CharField(max_length=60)
    kind = models.CharField(max_length=20, choices=ChannelKind.choices)
    is_active = models.BooleanField(default=True, help_text="Inactive channels are refused by imports.")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    NAMES_CACHE_KEY = "core:contact-channel-names"

    @classmethod
    def names(cls) -> dict[str, str]:
        """{code: name} of every channel, cached for 5 minutes and forgotten on a change (core.selectors.channels):
        a list shows a channel name per row without a query per row."""
        names = cache.get(cls.NAMES_CACHE_KEY)
        if names is None:
            names = dict(cls.objects.values_list("code", "name"))
            cache.set(cls.NAMES_CACHE_KEY, names, 300)
        return names

    @classmethod
    def name_of(cls, code: str) -> str:
        """The catalogue's name of a code; a built-in label or the code itself if the catalogue lacks it."""
        if not code:
            return ""
        names = cls.names()
        if code in names:
            return names[code]
        return Channel(code).label if code in Channel.values else code


class TurnAuthor(models.TextChoices):
    AGENT = "agent", "Agent"
    CUSTOMER = "customer", "Customer"
    BOT = "bot", "Bot"


class Contact(models.Model):
    """One conversation handled by one agent on one channel; contacts sharing case_id are one case."""

    external_id = models.CharField(max_length=100)
    case_id = models.CharField(max_length=100)
    # No index of its own: (agent, started_at) serves it, and every index slows imports.
    agent = models.ForeignKey("skillhub.Agent", on_delete=models.PROTECT, related_name="contacts", db_index=False)
    team = models.ForeignKey(
        "skillhub.Team", on_delete=models.PROTECT, related_name="contacts", help_text="Team it was handled in."
    )
    # Set by imports when the file gave no team and the agent's membership of the day supplied it: only such a
    # contact follows a roster that changes that history (a team the file named is kept).
    team_from_history = models.BooleanField(
        default=False, db_default=False, help_text="The team came from the agent's membership history, not the file."
    )
    channel = models.CharField(max_length=30, help_text="A code of the channel catalogue (ContactChannel).")
    started_at = models.DateTimeField()
    day = models.DateField(editable=False, help_text="Local day of started_at (settings.TIME_ZONE); rollups key on it.")
    handle_seconds = models.PositiveIntegerField(default=0)
    after_contact_seconds = models.PositiveIntegerField(default=0)
    resolved = models.BooleanField(default=False)
    first_contact_resolved = models.BooleanField(null=True, blank=True, help_text="Explicit flag; wins if set.")
    csat = models.PositiveSmallIntegerField(null=True, blank=True)
    ces = models.PositiveSmallIntegerField(null=True, blank=True)
    nps = models.PositiveSmallIntegerField(null=True, blank=True)
    transcript = models.TextField(blank=True)
    # Richer fields (all optional; an import that does not carry one leaves it as stored).
    reason = models.CharField(max_length=100, blank=True, db_default="", help_text="Contact reason or category.")
    tags = models.JSONField(default=list, blank=True, db_default=models.Value([], models.JSONField()))
    escalated = models.BooleanField(null=True, blank=True)
    transferred = models.BooleanField(null=True, blank=True)
    complaint = models.BooleanField(null=True, blank=True)
    hold_seconds = models.PositiveIntegerField(null=True, blank=True, help_text="Part of handle time, shown apart.")
    language = models.CharField(max_length=35, blank=True, db_default="", help_text="BCP 47, e.g. pt-PT.")
    customer_id = models.CharField(max_length=100, blank=True, db_default="")
    survey_comment = models.TextField(
        blank=True, db_default="", help_text="The customer's words with the survey answer."
    )
    recording_url = models.URLField(max_length=500, blank=True, db_default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-started_at"]
        # A constraint rather than unique=True, which on PostgreSQL adds a second (LIKE) index imports must keep up.
        constraints = [models.UniqueConstraint(fields=["external_id"], name="contact_external_id_unique")]
        indexes = [
            models.Index(fields=["started_at"], name="contact_started_idx"),
            models.Index(fields=["case_id", "started_at"], name="contact_case_started_idx"),
            models.Index(fields=["agent", "started_at"], name="contact_agent_started_idx"),
            models.Index(fields=["day", "agent"], name="contact_day_agent_idx"),
        ]

    def __str__(self) -> str:
        return self.external_id

    def save(self, *args, **kwargs):
        # `day` is derived data, kept in step with started_at (bulk imports set it themselves).
        self.day = local_day(self.started_at)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "started_at" in update_fields:
            kwargs["update_fields"] = {*update_fields, "day"}
        super().save(*args, **kwargs)

    def get_channel_display(self) -> str:
        """The catalogue's name of the channel (a cached lookup, no query per row)."""
        return ContactChannel.name_of(self.channel)


class ContactTurn(models.Model):
    """One turn of a conversation: who wrote or said it, when (if known) and what."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="turns")
    position = models.PositiveIntegerField(help_text="0, 1, 2 … in conversation order.")
    author = models.CharField(max_length=10, choices=TurnAuthor.choices)
    at = models.DateTimeField(null=True, blank=True)
    text = models.TextField()

    class Meta:
        ordering = ["contact", "position"]
        constraints = [models.UniqueConstraint(fields=["contact", "position"], name="contact_turn_position_unique")]

    def __str__(self) -> str:
        return f"{self.contact_id} #{self.position} ({self.author})"


def local_day(moment: datetime) -> date:
    """The day a moment falls on in settings.TIME_ZONE: the day rollups count it on."""
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return timezone.localtime(moment).date()
