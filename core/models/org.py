from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q


class User(AbstractUser):
    """A person who signs in; their Django groups are their roles."""

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class Vendor(models.Model):
    """Who runs a team: the company itself (in-house) or an outsourced partner (BPO)."""

    class Kind(models.TextChoices):
        IN_HOUSE = "in_house", "In-house"
        PARTNER = "partner", "Outsourced partner"

    name = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.IN_HOUSE)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Site(models.Model):
    """A place a vendor works from."""

    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="sites")
    name = models.CharField(max_length=100)
    city = models.CharField(max_length=100, blank=True)
    country = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["vendor__name", "name"]
        constraints = [models.UniqueConstraint(fields=["vendor", "name"], name="site_vendor_name_unique")]

    def __str__(self) -> str:
        return f"{self.name} ({self.vendor})"


class Team(models.Model):
    """A group of agents run by one vendor, led by one or more ops leads."""

    name = models.CharField(max_length=100, unique=True)
    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="teams")
    site = models.ForeignKey(Site, on_delete=models.SET_NULL, null=True, blank=True, related_name="teams")
    leads = models.ManyToManyField("skillhub.User", blank=True, related_name="led_teams")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Agent(models.Model):
    """A customer-support agent: the person whose work is reviewed, coached and measured."""

    user = models.OneToOneField("skillhub.User", on_delete=models.CASCADE, related_name="agent")
    employee_id = models.CharField(max_length=50, unique=True)
    email = models.EmailField(unique=True)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="agents", help_text="Team today.")
    role_profile = models.ForeignKey(
        "skillhub.RoleProfile", on_delete=models.SET_NULL, null=True, blank=True, related_name="agents"
    )
    channels = models.JSONField(default=list, blank=True, help_text="Codes of the channel catalogue.")
    start_date = models.DateField()
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["user__last_name", "user__first_name"]

    def __str__(self) -> str:
        return str(self.user)

    @property
    def name(self) -> str:
        return str(self.user)


class TeamMembership(models.Model):
    """An agent's time in a team: from start_date up to (not including) end_date; open when end_date is null."""

    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="memberships")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="memberships")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["agent", "start_date"]
        constraints = [
            models.UniqueConstraint(fields=["agent", "start_date"], name="membership_agent_start_unique"),
            models.UniqueConstraint(
                fields=["agent"], condition=Q(end_date__isnull=True), name="membership_one_open_per_agent"
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gt=models.F("start_date")),
                name="membership_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agent} in {self.team} from {self.start_date}"


class Scope(models.Model):
    """Which vendors and teams a QA reviewer, ops lead or hiring manager covers."""

    user = models.OneToOneField("skillhub.User", on_delete=models.CASCADE, related_name="scope")
    vendors = models.ManyToManyField(Vendor, blank=True, related_name="scopes", help_text="All teams of these.")
    teams = models.ManyToManyField(Team, blank=True, related_name="scopes")

    def __str__(self) -> str:
        return f"Scope of {self.user}"
