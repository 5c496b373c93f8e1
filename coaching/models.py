from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from coaching.status import GoalStatus
from metrics import kpis


class KpiTarget(models.Model):
    """A team's target for one KPI, owned by its ops lead; without one the KPI's default target applies."""

    team = models.ForeignKey("skillhub.Team", on_delete=models.CASCADE, related_name="kpi_targets")
    kpi = models.CharField(max_length=10, choices=kpis.CHOICES)
    value = models.FloatField()
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["team__name", "kpi"]
        constraints = [models.UniqueConstraint(fields=["team", "kpi"], name="kpi_target_team_kpi_unique")]

    def __str__(self) -> str:
        return f"{self.team}: {self.get_kpi_display()} {self.value}"


class Activity(models.Model):
    """A coaching activity of the catalogue the ops leads manage, aimed at one skill."""

    class Kind(models.TextChoices):
        MICRO_LEARNING = "micro_learning", "Micro-learning module"
        LISTENING_LAB = "listening_lab", "Listening lab"
        EMPATHY_WORKSHOP = "empathy_workshop", "Empathy workshop"
        DE_ESCALATION_DRILL = "de_escalation_drill", "De-escalation drill"
        ROLE_PLAY = "role_play", "Role-play"
        PEER_MENTORING = "peer_mentoring", "Peer mentoring"

    code = models.SlugField(unique=True)
    title = models.CharField(max_length=150)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    skill = models.ForeignKey("skillhub.Skill", on_delete=models.PROTECT, related_name="coaching_activities")
    summary = models.CharField(max_length=300, help_text="One line: what the agent will do.")
    content = models.TextField(blank=True, help_text="The module text, or the facilitator's instructions.")
    link = models.URLField(blank=True, help_text="Optional link to the material.")
    duration_minutes = models.PositiveSmallIntegerField(default=15)
    check_question = models.CharField(max_length=300, blank=True, help_text="Completion check (micro-learning).")
    check_choices = models.JSONField(default=list, blank=True, help_text="Answer options, one correct.")
    check_answer = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Index of the correct option.")
    is_active = models.BooleanField(default=True)
    # The catalogue is shared by every vendor's plans and belongs to admins: an ops lead's new activity is a proposal
    # (not assignable, is_active False) until an admin publishes it.
    is_proposal = models.BooleanField(default=False, help_text="Proposed by an ops lead, awaiting an admin.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["skill__position", "kind", "title"]
        verbose_name_plural = "activities"

    def __str__(self) -> str:
        return self.title

    @property
    def has_check(self) -> bool:
        return bool(self.check_question and self.check_choices and self.check_answer is not None)


class CoachingPlan(models.Model):
    """One agent's coaching plan: goals, activities to do and one-to-one sessions."""

    agent = models.OneToOneField("skillhub.Agent", on_delete=models.CASCADE, related_name="coaching_plan")
    focus = models.CharField(max_length=300, blank=True, help_text="What this plan is about, in a line.")
    next_session_on = models.DateField(null=True, blank=True, help_text="Agreed at the last session.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["agent__user__last_name", "agent__user__first_name"]

    def __str__(self) -> str:
        return f"Coaching plan of {self.agent}"


class Goal(models.Model):
    """'Raise FCR from 68% to 73% by 30 June': a skill, a KPI, a measured baseline, a target and a due date."""

    plan = models.ForeignKey(CoachingPlan, on_delete=models.CASCADE, related_name="goals")
    skill = models.ForeignKey("skillhub.Skill", on_delete=models.PROTECT, related_name="coaching_goals")
    kpi = models.CharField(max_length=10, choices=kpis.CHOICES)
    baseline = models.FloatField(null=True, blank=True, help_text="The agent's figure over the baseline window.")
    baseline_sample = models.PositiveIntegerField(null=True, blank=True)
    baseline_start = models.DateField(null=True, blank=True)
    baseline_end = models.DateField(null=True, blank=True)
    target = models.FloatField()
    start_date = models.DateField(help_text="When the goal was set.")
    due_date = models.DateField()
    window_days = models.PositiveSmallIntegerField(default=28, help_text="Days the current value is measured over.")
    current_value = models.FloatField(null=True, blank=True)
    current_sample = models.PositiveIntegerField(default=0)
    measured_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=GoalStatus.choices, default=GoalStatus.ON_TRACK)
    status_since = models.DateField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_date", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(due_date__gte=models.F("start_date")), name="goal_due_after_start"),
            models.CheckConstraint(condition=Q(window_days__gte=1), name="goal_window_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kpi_display()} ({self.skill}) → {self.target:g} by {self.due_date}"


class GoalMeasurement(models.Model):
    """A goal's value as measured on one day (trailing window): the points of its progress chart."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="measurements")
    day = models.DateField()
    value = models.FloatField(null=True, blank=True)
    sample = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["goal", "day"]
        constraints = [models.UniqueConstraint(fields=["goal", "day"], name="goal_measurement_goal_day_unique")]

    def __str__(self) -> str:
        return f"{self.goal_id} on {self.day}: {self.value}"


class PlanActivity(models.Model):
    """An activity assigned to a plan (optionally for one goal, with a peer mentor), and whether it is done."""

    class Status(models.TextChoices):
        TODO = "todo", "To do"
        DONE = "done", "Done"

    plan = models.ForeignKey(CoachingPlan, on_delete=models.CASCADE, related_name="assignments")
    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="assignments")
    goal = models.ForeignKey(Goal, on_delete=models.SET_NULL, null=True, blank=True, related_name="assignments")
    mentor = models.ForeignKey(
        "skillhub.Agent", on_delete=models.SET_NULL, null=True, blank=True, related_name="mentoring"
    )
    due_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.TODO)
    completed_on = models.DateField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["status", "due_on", "pk"]
        verbose_name_plural = "plan activities"
        constraints = [models.UniqueConstraint(fields=["plan", "activity"], name="plan_activity_unique")]
        indexes = [models.Index(fields=["activity", "status"], name="plan_activity_status_idx")]

    def __str__(self) -> str:
        return f"{self.activity} for {self.plan.agent}"


class CoachingSession(models.Model):
    """A one-to-one: strengths, one thing to try differently, linked QA reviews, agreed actions, next session."""

    plan = models.ForeignKey(CoachingPlan, on_delete=models.CASCADE, related_name="sessions")
    coach = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="coaching_sessions")
    held_on = models.DateField()
    strengths = models.TextField()
    try_differently = models.TextField("one thing to try differently")
    agreed_actions = models.TextField(blank=True)
    next_session_on = models.DateField(null=True, blank=True)
    reviews = models.ManyToManyField("qa.Review", blank=True, related_name="coaching_sessions")
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    agent_comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"Session with {self.plan.agent} on {self.held_on}"


class Suggestion(models.Model):
    """A goal and activities proposed from the data (a weak skill or a KPI below target); the lead decides."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ACCEPTED = "accepted", "Accepted"
        DISMISSED = "dismissed", "Dismissed"

    agent = models.ForeignKey("skillhub.Agent", on_delete=models.CASCADE, related_name="coaching_suggestions")
    skill = models.ForeignKey("skillhub.Skill", on_delete=models.PROTECT, related_name="+")
    kpi = models.CharField(max_length=10, choices=kpis.CHOICES)
    observed = models.FloatField()
    target = models.FloatField()
    sample = models.PositiveIntegerField()
    period_start = models.DateField()
    period_end = models.DateField()
    reason = models.CharField(max_length=300)
    activities = models.ManyToManyField(Activity, blank=True, related_name="+")
    mentor = models.ForeignKey("skillhub.Agent", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    goal = models.ForeignKey(Goal, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["agent", "skill", "kpi"], condition=Q(status="open"), name="suggestion_one_open"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kpi_display()} ({self.skill}) for {self.agent}"
