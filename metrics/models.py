"""The KPI rollup tables: daily counts and sums per agent, team and skill, and their running totals."""

from django.db import models

# The counts and sums every rollup row (AgentDay, TeamDay) keeps; figures are divided from their sums, last.
ROLLUP_COUNTS = (
    "contacts",
    "cases",
    "fcr_cases",
    "csat_responses",
    "csat_satisfied",
    "csat_sum",
    "ces_responses",
    "ces_sum",
    "nps_responses",
    "promoters",
    "detractors",
    "handle_seconds",
    "after_seconds",
    "reviews",
    "qa_score_sum",
    # Richer contacts: repeats, escalations, transfers, complaints, CSAT of escalated contacts, hold.
    "repeat_contacts",
    "escalated_contacts",
    "transferred_contacts",
    "complaint_cases",
    "complaint_fcr_cases",
    "escalated_csat_responses",
    "escalated_csat_satisfied",
    "hold_seconds_sum",
    "hold_contacts",
)
# The counts of the per-channel rows (AgentChannelDay, TeamChannelDay): every count made of contacts. QA reviews are
# not split by channel (their sources give the agent, team and day only).
CHANNEL_COUNTS = tuple(name for name in ROLLUP_COUNTS if name not in ("reviews", "qa_score_sum"))
# The counts of the per-reason rows (TeamReasonDay).
REASON_COUNTS = ("contacts", "cases", "fcr_cases", "csat_responses", "csat_satisfied")


class AgentDay(models.Model):
    """Counts and sums of one agent's work on one day in one team (never averages: sum rows, divide last)."""

    day = models.DateField()
    # Indexed by the composite indexes below (each extra index slows every rollup).
    agent = models.ForeignKey("skillhub.Agent", on_delete=models.CASCADE, related_name="agent_days", db_index=False)
    team = models.ForeignKey("skillhub.Team", on_delete=models.CASCADE, related_name="agent_days", db_index=False)
    contacts = models.PositiveIntegerField(default=0)
    cases = models.PositiveIntegerField(default=0, help_text="Cases whose first contact was this agent's, this day.")
    fcr_cases = models.PositiveIntegerField(default=0)
    csat_responses = models.PositiveIntegerField(default=0)
    csat_satisfied = models.PositiveIntegerField(default=0, help_text="CSAT answers of 4 or 5.")
    csat_sum = models.PositiveIntegerField(default=0)
    ces_responses = models.PositiveIntegerField(default=0)
    ces_sum = models.PositiveIntegerField(default=0)
    nps_responses = models.PositiveIntegerField(default=0)
    promoters = models.PositiveIntegerField(default=0)
    detractors = models.PositiveIntegerField(default=0)
    handle_seconds = models.BigIntegerField(default=0)
    after_seconds = models.BigIntegerField(default=0)
    reviews = models.PositiveIntegerField(default=0, help_text="Counted QA reviews of this day's contacts.")
    qa_score_sum = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    repeat_contacts = models.PositiveIntegerField(
        default=0, help_text="Contacts followed by another contact of their case within the repeat window."
    )
    escalated_contacts = models.PositiveIntegerField(default=0)
    transferred_contacts = models.PositiveIntegerField(default=0)
    complaint_cases = models.PositiveIntegerField(default=0, help_text="Cases whose first contact is a complaint.")
    complaint_fcr_cases = models.PositiveIntegerField(default=0, help_text="Of those, first-contact resolved.")
    escalated_csat_responses = models.PositiveIntegerField(default=0)
    escalated_csat_satisfied = models.PositiveIntegerField(default=0)
    hold_seconds_sum = models.BigIntegerField(default=0)
    hold_contacts = models.PositiveIntegerField(default=0, help_text="Contacts with a hold time (blank: none known).")

    class Meta:
        db_table = "skillhub_agentday"  # the table it had in the core app
        constraints = [
            models.UniqueConstraint(fields=["day", "agent", "team"], name="agent_day_unique"),
        ]
        indexes = [
            models.Index(fields=["agent", "day"], name="agent_day_agent_day_idx"),
            models.Index(fields=["team", "day"], name="agent_day_team_day_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.agent_id} in {self.team_id} on {self.day}"


class TeamDay(models.Model):
    """AgentDay summed per (day, team): the same counts and sums, rebuilt with AgentDay for the same days.

    Team- and vendor-level figures read these rows (about 1/20 of AgentDay's), agent-level figures read AgentDay.
    """

    day = models.DateField()
    # Indexed by the unique constraint's (team, day) index below.
    team = models.ForeignKey("skillhub.Team", on_delete=models.CASCADE, related_name="team_days", db_index=False)
    contacts = models.PositiveIntegerField(default=0)
    cases = models.PositiveIntegerField(default=0)
    fcr_cases = models.PositiveIntegerField(default=0)
    csat_responses = models.PositiveIntegerField(default=0)
    csat_satisfied = models.PositiveIntegerField(default=0)
    csat_sum = models.PositiveIntegerField(default=0)
    ces_responses = models.PositiveIntegerField(default=0)
    ces_sum = models.PositiveIntegerField(default=0)
    nps_responses = models.PositiveIntegerField(default=0)
    promoters = models.PositiveIntegerField(default=0)
    detractors = models.PositiveIntegerField(default=0)
    handle_seconds = models.BigIntegerField(default=0)
    after_seconds = models.BigIntegerField(default=0)
    reviews = models.PositiveIntegerField(default=0)
    qa_score_sum = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    repeat_contacts = models.PositiveIntegerField(default=0)
    escalated_contacts = models.PositiveIntegerField(default=0)
    transferred_contacts = models.PositiveIntegerField(default=0)
    complaint_cases = models.PositiveIntegerField(default=0, help_text="Cases whose first contact is a complaint.")
    complaint_fcr_cases = models.PositiveIntegerField(default=0, help_text="Of those, first-contact resolved.")
    escalated_csat_responses = models.PositiveIntegerField(default=0)
    escalated_csat_satisfied = models.PositiveIntegerField(default=0)
    hold_seconds_sum = models.BigIntegerField(default=0)
    hold_contacts = models.PositiveIntegerField(default=0, help_text="Contacts with a hold time (blank: none known).")

    class Meta:
        db_table = "skillhub_teamday"  # the table it had in the core app
        constraints = [models.UniqueConstraint(fields=["team", "day"], name="team_day_unique")]
        indexes = [models.Index(fields=["day"], name="team_day_day_idx")]

    def __str__(self) -> str:
        return f"{self.team_id} on {self.day}"


class ChannelCounts(models.Model):
    """The contact counts and sums (CHANNEL_COUNTS) of a per-channel rollup row; cases and FCR count on the channel
    of the case's first contact, everything else on the contact's own channel."""

    day = models.DateField()
    channel = models.CharField(max_length=30, help_text="A code of the channel catalogue (ContactChannel).")
    contacts = models.PositiveIntegerField(default=0)
    cases = models.PositiveIntegerField(default=0)
    fcr_cases = models.PositiveIntegerField(default=0)
    csat_responses = models.PositiveIntegerField(default=0)
    csat_satisfied = models.PositiveIntegerField(default=0)
    csat_sum = models.PositiveIntegerField(default=0)
    ces_responses = models.PositiveIntegerField(default=0)
    ces_sum = models.PositiveIntegerField(default=0)
    nps_responses = models.PositiveIntegerField(default=0)
    promoters = models.PositiveIntegerField(default=0)
    detractors = models.PositiveIntegerField(default=0)
    handle_seconds = models.BigIntegerField(default=0)
    after_seconds = models.BigIntegerField(default=0)
    repeat_contacts = models.PositiveIntegerField(default=0)
    escalated_contacts = models.PositiveIntegerField(default=0)
    transferred_contacts = models.PositiveIntegerField(default=0)
    complaint_cases = models.PositiveIntegerField(default=0)
    complaint_fcr_cases = models.PositiveIntegerField(default=0)
    escalated_csat_responses = models.PositiveIntegerField(default=0)
    escalated_csat_satisfied = models.PositiveIntegerField(default=0)
    hold_seconds_sum = models.BigIntegerField(default=0)
    hold_contacts = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True


class AgentChannelDay(ChannelCounts):
    """AgentDay split by channel: one agent's contacts of one day in one team on one channel. Rebuilt with AgentDay
    for the same days (AgentDay's contact counts are these rows summed), so the channels add up to the whole."""

    agent = models.ForeignKey(
        "skillhub.Agent", on_delete=models.CASCADE, related_name="agent_channel_days", db_index=False
    )
    team = models.ForeignKey(
        "skillhub.Team", on_delete=models.CASCADE, related_name="agent_channel_days", db_index=False
    )

    class Meta:
        # The unique constraint's (day, …) index is the only one: readers take a period's days (the metrics API
        # with a channel), and every extra index slows each rollup.
        constraints = [
            models.UniqueConstraint(fields=["day", "agent", "team", "channel"], name="agent_channel_day_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.agent_id} in {self.team_id} on {self.day} ({self.channel})"


class TeamChannelDay(ChannelCounts):
    """AgentChannelDay summed per (day, team, channel): what team-level per-channel figures read."""

    team = models.ForeignKey(
        "skillhub.Team", on_delete=models.CASCADE, related_name="team_channel_days", db_index=False
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "day", "channel"], name="team_channel_day_unique")]

    def __str__(self) -> str:
        return f"{self.team_id} on {self.day} ({self.channel})"


class TeamReasonDay(models.Model):
    """One team's contacts of one day by contact reason (blank: none recorded): contacts, CSAT on the contact's
    reason; cases and FCR on the reason of the case's first contact. Rebuilt with AgentDay for the same days."""

    day = models.DateField()
    team = models.ForeignKey("skillhub.Team", on_delete=models.CASCADE, related_name="team_reason_days", db_index=False)
    reason = models.CharField(max_length=100, blank=True)
    contacts = models.PositiveIntegerField(default=0)
    cases = models.PositiveIntegerField(default=0)
    fcr_cases = models.PositiveIntegerField(default=0)
    csat_responses = models.PositiveIntegerField(default=0)
    csat_satisfied = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "day", "reason"], name="team_reason_day_unique")]

    def __str__(self) -> str:
        return f"{self.team_id} on {self.day}: {self.reason or '(no reason)'}"


class AgentSkillDay(models.Model):
    """QA skill scores of one agent's reviewed contacts of one day in one team: count and sum per skill."""

    day = models.DateField()
    agent = models.ForeignKey(
        "skillhub.Agent", on_delete=models.CASCADE, related_name="agent_skill_days", db_index=False
    )
    team = models.ForeignKey("skillhub.Team", on_delete=models.CASCADE, related_name="agent_skill_days")
    skill = models.ForeignKey("skillhub.Skill", on_delete=models.CASCADE, related_name="agent_skill_days")
    reviews = models.PositiveIntegerField(default=0)
    score_sum = models.DecimalField(max_digits=14, decimal_places=2, default=0)

    class Meta:
        db_table = "skillhub_agentskillday"  # the table it had in the core app
        constraints = [
            models.UniqueConstraint(fields=["day", "agent", "team", "skill"], name="agent_skill_day_unique"),
        ]
        indexes = [models.Index(fields=["agent", "day"], name="agent_skill_day_agent_idx")]

    def __str__(self) -> str:
        return f"{self.agent_id} {self.skill_id} on {self.day}"


class RunningTotals(models.Model):
    """Running totals of the daily rollup counts from the first day through `day`: the sums of any period are two
    lookups, the latest row on or before its end minus the latest row before its start, whatever its length.
    One row per day with daily rows; rebuilt by the rollup from the first day whose figures changed."""

    day = models.DateField()
    contacts = models.BigIntegerField(default=0)
    cases = models.BigIntegerField(default=0)
    fcr_cases = models.BigIntegerField(default=0)
    csat_responses = models.BigIntegerField(default=0)
    csat_satisfied = models.BigIntegerField(default=0)
    csat_sum = models.BigIntegerField(default=0)
    ces_responses = models.BigIntegerField(default=0)
    ces_sum = models.BigIntegerField(default=0)
    nps_responses = models.BigIntegerField(default=0)
    promoters = models.BigIntegerField(default=0)
    detractors = models.BigIntegerField(default=0)
    handle_seconds = models.BigIntegerField(default=0)
    after_seconds = models.BigIntegerField(default=0)
    reviews = models.BigIntegerField(default=0)
    qa_score_sum = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    repeat_contacts = models.BigIntegerField(default=0)
    escalated_contacts = models.BigIntegerField(default=0)
    transferred_contacts = models.BigIntegerField(default=0)
    complaint_cases = models.BigIntegerField(default=0)
    complaint_fcr_cases = models.BigIntegerField(default=0)
    escalated_csat_responses = models.BigIntegerField(default=0)
    escalated_csat_satisfied = models.BigIntegerField(default=0)
    hold_seconds_sum = models.BigIntegerField(default=0)
    hold_contacts = models.BigIntegerField(default=0)

    class Meta:
        abstract = True


class AgentRunning(RunningTotals):
    """An agent's running totals over all the teams they worked in (AgentDay summed per day)."""

    agent = models.ForeignKey("skillhub.Agent", on_delete=models.CASCADE, related_name="running", db_index=False)

    class Meta:
        db_table = "skillhub_agentrunning"  # the table it had in the core app
        constraints = [models.UniqueConstraint(fields=["agent", "day"], name="agent_running_unique")]

    def __str__(self) -> str:
        return f"{self.agent_id} through {self.day}"


class TeamRunning(RunningTotals):
    """A team's running totals (of its TeamDay rows)."""

    team = models.ForeignKey("skillhub.Team", on_delete=models.CASCADE, related_name="running", db_index=False)

    class Meta:
        db_table = "skillhub_teamrunning"  # the table it had in the core app
        constraints = [models.UniqueConstraint(fields=["team", "day"], name="team_running_unique")]

    def __str__(self) -> str:
        return f"{self.team_id} through {self.day}"


class AgentSkillRunning(models.Model):
    """An agent's running QA skill totals (AgentSkillDay summed over their teams, from the first day through `day`).

    Written on each day the agent has skill rows, one row for every skill they were ever scored on by then (a skill
    not scored that day carries its total forward), so the totals at any bound are the rows of one day: the latest
    on or before it. A period's per-skill sums are those at its end minus those before its start.
    """

    agent = models.ForeignKey("skillhub.Agent", on_delete=models.CASCADE, related_name="skill_running", db_index=False)
    day = models.DateField()
    skill = models.ForeignKey("skillhub.Skill", on_delete=models.CASCADE, related_name="+", db_index=False)
    reviews = models.BigIntegerField(default=0)
    score_sum = models.DecimalField(max_digits=18, decimal_places=2, default=0)

    class Meta:
        db_table = "skillhub_agentskillrunning"  # the table it had in the core app
        constraints = [
            models.UniqueConstraint(fields=["agent", "day", "skill"], name="agent_skill_running_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.agent_id} {self.skill_id} through {self.day}"


class RunningDirty(models.Model):
    """An agent's or a team's running totals that must be rebuilt from `first_day`: written by a rollup whose days
    changed their figures, cleared by `rollups.running_flush` (once for many days)."""

    kind = models.CharField(
        max_length=8, help_text="agent_id, team_id or skills (AgentSkillRunning, by agent): which running table."
    )
    key_id = models.BigIntegerField(help_text="The agent's or team's id.")
    first_day = models.DateField()

    class Meta:
        db_table = "skillhub_runningdirty"  # the table it had in the core app
        constraints = [models.UniqueConstraint(fields=["kind", "key_id"], name="running_dirty_unique")]

    def __str__(self) -> str:
        return f"{self.kind} {self.key_id} from {self.first_day}"


class RollupZone(models.Model):
    """One row: the time zone the contacts' days and the rollup rows were computed in (settings.TIME_ZONE then).

    Written when the table is created and by every whole full reconciliation; the `rollups_time_zone` system
    check reports an error while settings.TIME_ZONE differs from it on a database with contacts.
    """

    zone = models.CharField(max_length=64)
    recorded_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.zone


class FullRollup(models.Model):
    """One full reconciliation (`rollup_metrics --full` or the task with full=True), cut into months.

    The record is what makes a run resumable: its months say what is left, its heartbeat says whether someone is
    still working on it (the 5-minute beat redoes the months of a run whose heartbeat went stale), and the final
    flush of the running totals runs once, after the last month, under this row's lock. At most one run is in
    progress at a time (a partial unique constraint).
    """

    class State(models.TextChoices):
        RUNNING = "running", "In progress"
        DONE = "done", "Done"

    state = models.CharField(max_length=10, choices=State.choices, default=State.RUNNING)
    zone = models.CharField(max_length=64, help_text="settings.TIME_ZONE when it started: the zone days are in.")
    first_day = models.DateField(null=True, blank=True)
    last_day = models.DateField(null=True, blank=True)
    months_total = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(auto_now_add=True)
    heartbeat_at = models.DateTimeField(help_text="Last sign of work: a month started or finished.")
    finished_at = models.DateTimeField(null=True, blank=True)
    resumed = models.PositiveIntegerField(default=0, help_text="How many times the beat took over a stale run.")

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["state"], condition=models.Q(state="running"), name="full_rollup_one_running"
            )
        ]

    def __str__(self) -> str:
        return f"full rollup {self.pk} ({self.state})"


class FullRollupMonth(models.Model):
    """One month of a full run: its days and when it was rebuilt (None: still to do)."""

    run = models.ForeignKey(FullRollup, on_delete=models.CASCADE, related_name="months")
    start = models.DateField()
    end = models.DateField()
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["run", "start"]
        constraints = [models.UniqueConstraint(fields=["run", "start"], name="full_rollup_month_unique")]

    def __str__(self) -> str:
        return f"{self.start}..{self.end} ({'done' if self.done_at else 'to do'})"
