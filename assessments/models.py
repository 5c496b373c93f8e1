"""Hiring: requisitions, candidates, the question bank, role-play rubrics, candidate tests and interview scoring."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from assessments.validators import validate_cv


class Stage(models.TextChoices):
    """Where a candidate is; the five assessment stages in order, then the two outcomes."""

    SCREENING = "screening", "Screening"
    BEHAVIOURAL = "behavioural", "Behavioural interview"
    ROLE_PLAY = "role_play", "Role-play"
    MOCK_TICKET = "mock_ticket", "Mock tickets"
    APTITUDE = "aptitude", "Aptitude test"
    HIRED = "hired", "Hired"
    REJECTED = "rejected", "Rejected"


ASSESSMENT_STAGES = [
    Stage.SCREENING,
    Stage.BEHAVIOURAL,
    Stage.ROLE_PLAY,
    Stage.MOCK_TICKET,
    Stage.APTITUDE,
]
# Stages scored by interviewers asking bank questions (the others use scenarios or candidate tests).
QUESTION_STAGES = (Stage.SCREENING, Stage.BEHAVIOURAL)


def default_stages() -> list[str]:
    return [str(stage) for stage in ASSESSMENT_STAGES]


class Requisition(models.Model):
    """An opening for one role profile, worked by a hiring team."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ON_HOLD = "on_hold", "On hold"
        FILLED = "filled", "Filled"
        CLOSED = "closed", "Closed"

    title = models.CharField(max_length=150)
    role_profile = models.ForeignKey("skillhub.RoleProfile", on_delete=models.PROTECT, related_name="requisitions")
    team = models.ForeignKey(
        "skillhub.Team",
        on_delete=models.PROTECT,
        related_name="requisitions",
        null=True,
        blank=True,
        help_text="Team that hires join.",
    )
    hiring_team = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="requisitions")
    stages = models.JSONField(default=default_stages, help_text="Assessment stages used, in order.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    openings = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1)])
    description = models.TextField(blank=True)
    # The email that carries a candidate's test link; empty: the default (assessments.candidate_emails).
    test_email_subject = models.CharField(max_length=200, blank=True)
    test_email_body = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    def stage_labels(self) -> list[tuple[str, str]]:
        labels = dict(Stage.choices)
        return [(code, labels.get(code, code)) for code in self.stages]


class Candidate(models.Model):
    """A person applying to one requisition."""

    class Source(models.TextChoices):
        CAREERS_SITE = "careers_site", "Careers site"
        JOB_BOARD = "job_board", "Job board"
        REFERRAL = "referral", "Employee referral"
        AGENCY = "agency", "Agency"
        INTERNAL = "internal", "Internal move"
        OTHER = "other", "Other"

    requisition = models.ForeignKey(Requisition, on_delete=models.CASCADE, related_name="candidates")
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    email = models.EmailField()
    phone = models.CharField(max_length=40, blank=True)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.CAREERS_SITE)
    cv = models.FileField(upload_to="cvs/%Y/%m/", blank=True, validators=[validate_cv])
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.SCREENING)
    decision_reasons = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    agent = models.OneToOneField(
        "skillhub.Agent", on_delete=models.SET_NULL, null=True, blank=True, related_name="hired_from"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["cv"])

    class Meta:
        ordering = ["last_name", "first_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["requisition", "email"], name="candidate_requisition_email_unique")
        ]
        indexes = [models.Index(fields=["requisition", "stage"], name="candidate_req_stage_idx")]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def name(self) -> str:
        return str(self)


# Change reason of a candidate's history records written with a StageMove row: the history shows the move instead.
STAGE_MOVE_REASON = "Stage move"


class StageMove(models.Model):
    """One move of a candidate between stages (the history)."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="moves")
    from_stage = models.CharField(max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField(max_length=20, choices=Stage.choices)
    moved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    moved_at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-moved_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.candidate}: {self.from_stage or 'new'} → {self.to_stage}"


class AnchoredScale(models.Model):
    """An anchored 1–4 rating scale: what each point looks like."""

    anchor_1 = models.TextField("1 — weak")
    anchor_2 = models.TextField("2 — partial")
    anchor_3 = models.TextField("3 — solid")
    anchor_4 = models.TextField("4 — strong")

    class Meta:
        abstract = True

    def anchors(self) -> list[tuple[int, str]]:
        return [(1, self.anchor_1), (2, self.anchor_2), (3, self.anchor_3), (4, self.anchor_4)]


class Question(AnchoredScale):
    """A behavioural interview question of the bank, tied to one skill."""

    code = models.SlugField(unique=True, help_text="Permanent key, used by seeds.")
    skill = models.ForeignKey("skillhub.Skill", on_delete=models.PROTECT, related_name="interview_questions")
    text = models.TextField()
    strong_answer = models.TextField("What a strong answer shows")
    weak_answer = models.TextField("What a weak answer shows")
    position = models.PositiveSmallIntegerField(default=1, help_text="Order within the skill.")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["skill__position", "position", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class Scenario(models.Model):
    """A role-play: the scene, the customer's brief for the interviewer, the goal, and debrief questions."""

    code = models.SlugField(unique=True)
    title = models.CharField(max_length=150)
    scene = models.TextField()
    customer_brief = models.TextField(help_text="For the interviewer playing the customer.")
    goal = models.TextField()
    debrief_questions = models.TextField(help_text="One per line: self-awareness and coachability.")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def debrief_list(self) -> list[str]:
        return [line.strip() for line in self.debrief_questions.splitlines() if line.strip()]


class RubricCriterion(AnchoredScale):
    """A rated line of a rubric, tied to a skill: of a role-play scenario, or of the written-reply rubric."""

    scenario = models.ForeignKey(
        Scenario,
        on_delete=models.CASCADE,
        related_name="criteria",
        null=True,
        blank=True,
        help_text="Empty for the written-reply rubric of mock tickets.",
    )
    code = models.SlugField(unique=True)
    skill = models.ForeignKey("skillhub.Skill", on_delete=models.PROTECT, related_name="rubric_criteria")
    name = models.CharField(max_length=100)
    observe = models.TextField("What to observe")
    position = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["scenario_id", "position", "pk"]
        verbose_name_plural = "rubric criteria"

    def __str__(self) -> str:
        return self.name


class MockTicket(models.Model):
    """A sample customer email the candidate answers in writing."""

    class Difficulty(models.TextChoices):
        SIMPLE = "simple", "Simple question"
        MODERATE = "moderate", "Frustrated customer"
        HARD = "hard", "Angry complaint"

    code = models.SlugField(unique=True)
    subject = models.CharField(max_length=200)
    customer_name = models.CharField(max_length=100)
    body = models.TextField()
    difficulty = models.CharField(max_length=10, choices=Difficulty.choices)
    position = models.PositiveSmallIntegerField(default=1)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.subject


class AptitudeTest(models.Model):
    """A timed multiple-choice test on tools and product sense."""

    code = models.SlugField(unique=True)
    title = models.CharField(max_length=150)
    instructions = models.TextField(blank=True)
    time_limit_minutes = models.PositiveSmallIntegerField(default=20)

    def __str__(self) -> str:
        return self.title


class AptitudeQuestion(models.Model):
    """One multiple-choice question; scored automatically against correct_choice."""

    test = models.ForeignKey(AptitudeTest, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField()
    skill = models.ForeignKey("skillhub.Skill", on_delete=models.PROTECT, related_name="aptitude_questions")
    text = models.TextField()
    choices = models.JSONField(help_text="List of answer texts.")
    correct_choice = models.PositiveSmallIntegerField(help_text="Index into choices, from 0.")

    class Meta:
        ordering = ["test", "position"]
        constraints = [models.UniqueConstraint(fields=["test", "position"], name="aptitude_question_position_unique")]

    def __str__(self) -> str:
        return self.text[:80]


class CandidateTest(models.Model):
    """A private, expiring, single-use link through which a candidate takes the mock tickets or the aptitude test."""

    class Kind(models.TextChoices):
        MOCK_TICKET = "mock_ticket", "Mock tickets"
        APTITUDE = "aptitude", "Aptitude test"

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="tests")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    aptitude_test = models.ForeignKey(AptitudeTest, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the link's token.")
    token_nonce = models.CharField(
        max_length=64,
        blank=True,
        help_text="With the secret key, gives the token again (to email the link later); empty for older links.",
    )
    expires_at = models.DateTimeField()
    opened_at = models.DateTimeField(null=True, blank=True, help_text="The candidate's first visit to the link.")
    started_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the link stopped working unused: replaced by a newer link, or a decision.",
    )
    # The last email of the link to the candidate: its outbox row says whether it is queued, sent or failed.
    email_outbox = models.ForeignKey(
        "skillhub.OutboxMessage", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    emailed_at = models.DateTimeField(null=True, blank=True, help_text="When the last email was queued.")
    reminder_outbox = models.ForeignKey(
        "skillhub.OutboxMessage", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reminded_at = models.DateTimeField(
        null=True, blank=True, help_text="When the reminder before expiry was queued (once per link)."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="aptitude") | Q(aptitude_test__isnull=False), name="candidate_test_aptitude_has_test"
            ),
            # One open link per candidate and test: issuing a new one revokes the open one first, and two issued
            # at once cannot both stay live.
            models.UniqueConstraint(
                fields=["candidate", "kind"],
                condition=Q(submitted_at__isnull=True, revoked_at__isnull=True),
                name="candidate_test_one_open_link",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.candidate}"


class TicketReply(models.Model):
    """A candidate's written reply to one mock ticket."""

    candidate_test = models.ForeignKey(CandidateTest, on_delete=models.CASCADE, related_name="replies")
    ticket = models.ForeignKey(MockTicket, on_delete=models.PROTECT, related_name="replies")
    body = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["ticket__position"]
        constraints = [models.UniqueConstraint(fields=["candidate_test", "ticket"], name="ticket_reply_unique")]

    def __str__(self) -> str:
        return f"Reply to {self.ticket}"


class AptitudeAnswer(models.Model):
    """A candidate's chosen answer to one aptitude question."""

    candidate_test = models.ForeignKey(CandidateTest, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(AptitudeQuestion, on_delete=models.PROTECT, related_name="answers")
    choice = models.PositiveSmallIntegerField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["candidate_test", "question"], name="aptitude_answer_unique")]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.choice}"


class Interview(models.Model):
    """One interviewer's scoring of one candidate at one stage; others' ratings stay hidden until submitted."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"

    class Recommendation(models.TextChoices):
        STRONG_NO = "strong_no", "Strong no"
        NO = "no", "No"
        YES = "yes", "Yes"
        STRONG_YES = "strong_yes", "Strong yes"

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="interviews")
    stage = models.CharField(max_length=20, choices=Stage.choices)
    interviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="interviews")
    scenario = models.ForeignKey(Scenario, on_delete=models.PROTECT, null=True, blank=True, related_name="interviews")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    recommendation = models.CharField(max_length=12, choices=Recommendation.choices, blank=True)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["candidate", "stage", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["candidate", "stage", "interviewer"], name="interview_candidate_stage_interviewer_unique"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | ~Q(recommendation=""), name="interview_submitted_has_recommendation"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} of {self.candidate} by {self.interviewer}"


class Rating(models.Model):
    """One interviewer's rating of one question or rubric criterion (for a mock ticket: criterion × ticket)."""

    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="ratings")
    item_key = models.CharField(max_length=40, help_text="q:<question> or c:<criterion>[:t:<ticket>].")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, null=True, blank=True, related_name="ratings")
    criterion = models.ForeignKey(
        RubricCriterion, on_delete=models.PROTECT, null=True, blank=True, related_name="ratings"
    )
    ticket = models.ForeignKey(MockTicket, on_delete=models.PROTECT, null=True, blank=True, related_name="ratings")
    skill = models.ForeignKey("skillhub.Skill", on_delete=models.PROTECT, related_name="interview_ratings")
    score = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    not_enough_evidence = models.BooleanField(default=False)
    evidence = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["interview", "item_key"], name="rating_interview_item_unique"),
            models.CheckConstraint(
                condition=Q(question__isnull=False) | Q(criterion__isnull=False), name="rating_has_item"
            ),
            # 'Not enough evidence' is kept apart from a low score: never both.
            models.CheckConstraint(
                condition=Q(not_enough_evidence=False) | Q(score__isnull=True), name="rating_nee_has_no_score"
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=1, score__lte=4), name="rating_score_1_to_4"
            ),
        ]
        indexes = [models.Index(fields=["skill"], name="rating_skill_idx")]

    def __str__(self) -> str:
        return f"{self.item_key}: {self.score if self.score else 'NEE' if self.not_enough_evidence else '—'}"


class AgentSkillBaseline(models.Model):
    """A hired agent's per-skill assessment score (1–4) kept as their starting baseline."""

    agent = models.ForeignKey("skillhub.Agent", on_delete=models.CASCADE, related_name="hiring_baselines")
    skill = models.ForeignKey("skillhub.Skill", on_delete=models.PROTECT, related_name="hiring_baselines")
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="baselines")
    score = models.DecimalField(max_digits=4, decimal_places=2)
    ratings = models.PositiveIntegerField(help_text="Number of ratings behind the score.")

    class Meta:
        ordering = ["agent", "skill__position"]
        constraints = [models.UniqueConstraint(fields=["agent", "skill"], name="agent_skill_baseline_unique")]

    def __str__(self) -> str:
        return f"{self.agent} {self.skill}: {self.score}"
