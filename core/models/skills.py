from django.db import models


class SkillTier(models.TextChoices):
    FOUNDATIONAL = "foundational", "Foundational"
    TECHNICAL = "technical", "Technical"
    STRATEGIC = "strategic", "Strategic"


class Skill(models.Model):
    """One skill of the catalogue that criteria, questions, rubric lines and coaching goals point at."""

    code = models.SlugField(unique=True, help_text="Permanent code, e.g. active_listening.")
    name = models.CharField(max_length=100, unique=True)
    tier = models.CharField(max_length=20, choices=SkillTier.choices)
    description = models.TextField(blank=True)
    kpis = models.CharField("KPIs it moves most", max_length=200, blank=True)
    is_core = models.BooleanField(default=False, help_text="One of the seeded ten, which cannot be deleted.")
    position = models.PositiveSmallIntegerField(default=100, help_text="Display order.")

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class RoleProfile(models.Model):
    """A job the skills are weighted for (technical support, sales and renewals, escalation handling)."""

    code = models.SlugField(unique=True)
    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    skills = models.ManyToManyField(Skill, through="RoleProfileSkill", related_name="role_profiles")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class RoleProfileSkill(models.Model):
    """The weight a role profile gives one skill."""

    class Emphasis(models.TextChoices):
        PRIMARY = "primary", "Primary"
        SECONDARY = "secondary", "Secondary"
        ALSO = "also", "Also"
        BASE = "base", "Base"

    profile = models.ForeignKey(RoleProfile, on_delete=models.CASCADE, related_name="skill_weights")
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="profile_weights")
    weight = models.DecimalField(max_digits=4, decimal_places=2, default=1)
    emphasis = models.CharField(max_length=10, choices=Emphasis.choices, default=Emphasis.BASE)
    note = models.CharField(max_length=200, blank=True, help_text="How the profile names it, e.g. 'clarity'.")

    class Meta:
        ordering = ["profile", "-weight", "skill__position"]
        constraints = [models.UniqueConstraint(fields=["profile", "skill"], name="role_profile_skill_unique")]

    def __str__(self) -> str:
        return f"{self.profile}: {self.skill} × {self.weight}"
