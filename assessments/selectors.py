"""Reads for hiring: scope, interview kits, the scorecard, comparisons and the predictive-validity report."""

import math
from collections import defaultdict
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.db.models import (
    Avg,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.timezone import localtime

from assessments.models import (
    ASSESSMENT_STAGES,
    QUESTION_STAGES,
    STAGE_MOVE_REASON,
    AgentSkillBaseline,
    AptitudeAnswer,
    AptitudeQuestion,
    Candidate,
    CandidateTest,
    Interview,
    MockTicket,
    Question,
    Rating,
    Requisition,
    RubricCriterion,
    Scenario,
    Stage,
    StageMove,
    TicketReply,
)
from core import roles
from core.models import Agent, RoleProfileSkill, Skill, SkillTier, User
from core.selectors.history import Change, Entry, history_entries
from metrics import kpis
from metrics import selectors as metrics
from metrics.models import AgentSkillDay
from metrics.stats import Z_CRITICAL

# How many bank questions a skill gets in the behavioural kit, by its emphasis in the role profile.
KIT_QUESTIONS_BY_EMPHASIS = {
    RoleProfileSkill.Emphasis.PRIMARY: 3,
    RoleProfileSkill.Emphasis.SECONDARY: 2,
    RoleProfileSkill.Emphasis.ALSO: 1,
    RoleProfileSkill.Emphasis.BASE: 1,
}
# Interviewers' means for one skill further apart than this (on the 1–4 scale) are flagged as disagreement.
DISAGREEMENT_SPREAD = 1.5
REPORT_WINDOW_DAYS = 90
# The on-the-job KPIs the predictive report sets against the weighted interview score (catalogue keys, in order).
REPORT_KPIS = (kpis.CSAT, kpis.FCR, kpis.AHT)


# ---------------------------------------------------------------- scope


def requisitions_for_user(*, user: User) -> QuerySet[Requisition]:
    """Requisitions a hiring manager is on (all for admins); none for every other role."""
    if roles.is_admin(user):
        return Requisition.objects.all()
    if not roles.has_role(user, roles.HIRING_MANAGER):
        return Requisition.objects.none()
    return Requisition.objects.filter(
        pk__in=Requisition.hiring_team.through.objects.filter(user_id=user.pk).values("requisition_id")
    )


def candidates_for_user(*, user: User) -> QuerySet[Candidate]:
    return Candidate.objects.filter(requisition__in=requisitions_for_user(user=user).values("pk"))


def requisition_list(*, user: User) -> list[Requisition]:
    """The user's requisitions, open first, each with `stage_counts` (stage code -> candidates there today) and
    `n_candidates`, as the hiring dashboard's pipeline counts them (one definition). Four queries."""
    scope = requisitions_for_user(user=user)
    stages = {row["requisition_id"]: row["stages"] for row in pipeline(requisitions=scope)}
    requisitions = list(
        scope.select_related("role_profile", "team")
        .prefetch_related("hiring_team")
        .order_by("status", "-created_at", "pk")
    )
    for requisition in requisitions:
        # A requisition opened between the two reads has no candidates yet.
        counts = stages.get(requisition.pk, [0] * len(PIPELINE))
        requisition.stage_counts = {str(stage): n for stage, n in zip(PIPELINE, counts, strict=True)}
        requisition.n_candidates = sum(counts)
    return requisitions


def requisition_detail_queryset(*, user: User) -> QuerySet[Requisition]:
    return requisitions_for_user(user=user).select_related("role_profile", "team").prefetch_related("hiring_team")


def candidate_tests_for_user(*, user: User) -> QuerySet[CandidateTest]:
    return CandidateTest.objects.filter(candidate__in=candidates_for_user(user=user).values("pk"))


def candidate_detail_queryset(*, user: User) -> QuerySet[Candidate]:
    return candidates_for_user(user=user).select_related(
        "requisition__role_profile", "requisition__team", "agent__user", "decided_by"
    )


def board_candidates(*, requisition: Requisition, user: User) -> dict[str, list[Candidate]]:
    """The requisition's candidates by stage, each with counts of submitted interviews and recommendations, and
    `latest_test`: their newest test link with its state (see `link_state`), or None. Two queries."""
    candidates = (
        requisition.candidates.annotate(
            n_submitted=Count("interviews", filter=Q(interviews__status=Interview.Status.SUBMITTED)),
            my_open=Count(
                "interviews",
                filter=Q(interviews__interviewer=user, interviews__status=Interview.Status.DRAFT),
            ),
        )
        .order_by("last_name", "first_name", "pk")
        .only("pk", "first_name", "last_name", "email", "source", "stage", "requisition_id", "created_at", "decided_at")
        .prefetch_related(Prefetch("tests", queryset=candidate_tests_queryset(), to_attr="test_list"))
    )
    now = timezone.now()
    columns: dict[str, list[Candidate]] = {code: [] for code, _ in board_columns(requisition=requisition)}
    for candidate in candidates:
        latest = candidate.test_list[0] if candidate.test_list else None
        candidate.latest_test = latest and link_state(latest, decided_at=candidate.decided_at, now=now)
        columns.setdefault(candidate.stage, []).append(candidate)
    return columns


def board_columns(*, requisition: Requisition) -> list[tuple[str, str]]:
    return requisition.stage_labels() + [(Stage.HIRED.value, Stage.HIRED.label), (Stage.REJECTED.value, "Rejected")]


CANDIDATE_HISTORY_FIELDS = {
    "first_name": "First name",
    "last_name": "Last name",
    "email": "Email",
    "phone": "Phone",
    "source": "Source",
    "stage": "Stage",
    "decision_reasons": "Decision reasons",
    "decided_by": "Decided by",
    "agent": "Hired as agent",
}
INTERVIEW_HISTORY_FIELDS = {"status": "Status", "recommendation": "Recommendation", "notes": "Notes"}
RATING_HISTORY_FIELDS = {"score": "Score", "not_enough_evidence": "Not enough evidence", "evidence": "Evidence"}


def _move_why(move: StageMove) -> str:
    if not move.from_stage:
        return "Added"
    return {Stage.HIRED: "Hired", Stage.REJECTED: "Rejected"}.get(move.to_stage, "Moved")


def _rating_item(record) -> str:
    if record.question_id:
        text = record.question.text
        return text if len(text) <= 60 else f"{text[:59]}…"
    return f"{record.criterion.name}" + (f" ({record.ticket.subject})" if record.ticket_id else "")


def candidate_history(*, candidate: Candidate, user: User, can_see_others: bool) -> list[Entry]:
    """The candidate's history, oldest first: stage moves and decisions (StageMove rows), later edits of the
    candidate or its decision, and submitted interviews with ratings changed after submission. Blind scoring:
    another interviewer's interview appears only when `user` may see others' ratings. Five queries."""
    entries = [
        Entry(
            when=move.moved_at,
            who=move.moved_by,
            why=_move_why(move),
            changes=[Change("Stage", move.get_from_stage_display() or "—", move.get_to_stage_display())],
            note=move.note,
        )
        for move in candidate.moves.select_related("moved_by").order_by("moved_at", "pk")
    ]
    records = (
        Candidate.history.filter(id=candidate.pk)
        .select_related("history_user", "decided_by", "agent")
        .order_by("history_date", "history_id")
    )
    entries += history_entries(
        records,
        fields=CANDIDATE_HISTORY_FIELDS,
        skip=lambda record: record.history_type == "+" or record.history_change_reason == STAGE_MOVE_REASON,
    )
    interviews = Interview.history.filter(candidate_id=candidate.pk)
    ratings = Rating.history.filter(interview__candidate_id=candidate.pk)
    if not can_see_others:
        interviews = interviews.filter(interviewer_id=user.pk)
        ratings = ratings.filter(interview__interviewer_id=user.pk)
    entries += history_entries(
        interviews.select_related("history_user", "interviewer").order_by("history_date", "history_id"),
        fields=INTERVIEW_HISTORY_FIELDS,
        subject=lambda record: f"{record.get_stage_display()} by {record.interviewer}",
        skip=lambda record: record.status == Interview.Status.DRAFT,  # scoring in progress is not history
    )
    entries += history_entries(
        ratings.select_related("history_user", "interview", "question", "criterion", "ticket").order_by(
            "history_date", "history_id"
        ),
        fields=RATING_HISTORY_FIELDS,
        why=lambda record, before: "Rating changed after submission",
        subject=lambda record: f"{record.interview.get_stage_display()}: {_rating_item(record)}",
        skip=lambda record: (
            record.history_type == "+"
            or record.interview.submitted_at is None
            or record.history_date <= record.interview.submitted_at
        ),
    )
    entries.sort(key=lambda entry: entry.when)
    return entries


def candidate_tests_queryset() -> QuerySet[CandidateTest]:
    """Test links with their email's outbox status and sent time read in the same query (no query per link)."""
    return CandidateTest.objects.annotate(
        email_status=F("email_outbox__status"), email_sent_at=F("email_outbox__sent_at")
    ).order_by("-created_at", "-pk")


def _when(moment) -> str:
    return date_format(localtime(moment), "j M H:i")


def link_state(test: CandidateTest, *, decided_at, now) -> CandidateTest:
    """Say honestly what became of a link and of its email; sets on `test`:

    - `state`, `state_label`: submitted, closed by the decision, replaced by a newer link, expired, opened (the
      candidate's first visit), else the email's: failed, sent (the outbox row was sent), queued, or "Link created
      (not sent)" when nobody emailed it. Never "Sent" before the mail server took it.
    - `email_state`, `email_label`: the email's own state, or "" when the link was not emailed.
    - `can_email`, `email_action`: whether the link may be emailed now and the button's words.
    """
    status = getattr(test, "email_status", None)
    sent_at = getattr(test, "email_sent_at", None)
    if status == "sent":
        test.email_state, test.email_label = "sent", f"Sent {_when(sent_at)}" if sent_at else "Sent"
    elif status == "failed":
        test.email_state, test.email_label = "failed", "Email failed"
    elif status in ("pending", "sending"):
        test.email_state, test.email_label = "queued", "Email queued"
    elif test.emailed_at is not None:  # the outbox row was removed: say no more than was done
        test.email_state, test.email_label = "queued", f"Emailed {_when(test.emailed_at)}"
    else:
        test.email_state, test.email_label = "", ""
    open_link = test.submitted_at is None and test.revoked_at is None and test.expires_at > now
    if test.submitted_at is not None:
        test.state, test.state_label = "submitted", f"Submitted {_when(test.submitted_at)}"
    elif test.revoked_at is not None and test.revoked_at < test.expires_at:
        closed = decided_at is not None and test.revoked_at >= decided_at
        test.state = "closed" if closed else "replaced"
        test.state_label = "Closed by the decision" if closed else "Replaced by a newer link"
    elif test.expires_at <= now:
        test.state, test.state_label = "expired", "Expired"
    elif test.opened_at is not None:
        test.state, test.state_label = "opened", f"Opened {_when(test.opened_at)}"
    elif test.email_state:
        test.state, test.state_label = test.email_state, test.email_label
    else:
        test.state = "created"
        test.state_label = f"Link created (not sent) · expires {date_format(localtime(test.expires_at), 'j M')}"
    test.can_email = open_link and decided_at is None and bool(test.token_nonce) and test.email_state != "queued"
    test.email_action = {"failed": "Send again", "sent": "Email again"}.get(test.email_state, "Email the link")
    return test


def candidate_tests(*, candidate: Candidate) -> list[CandidateTest]:
    """The candidate's test links, newest first, each with its state (see `link_state`). One query."""
    now = timezone.now()
    return [
        link_state(test, decided_at=candidate.decided_at, now=now)
        for test in candidate_tests_queryset().filter(candidate=candidate)
    ]


# ---------------------------------------------------------------- question bank and kits


def question_bank() -> QuerySet[Question]:
    return Question.objects.filter(is_active=True).select_related("skill").order_by("skill__position", "position")


def scenario_list() -> QuerySet[Scenario]:
    return (
        Scenario.objects.filter(is_active=True)
        .prefetch_related(Prefetch("criteria", queryset=RubricCriterion.objects.select_related("skill")))
        .order_by("title")
    )


def written_rubric() -> QuerySet[RubricCriterion]:
    return RubricCriterion.objects.filter(scenario__isnull=True).select_related("skill").order_by("position")


def mock_ticket_list() -> QuerySet[MockTicket]:
    return MockTicket.objects.filter(is_active=True).order_by("position", "pk")


_KIT_CACHE: ContextVar[dict | None] = ContextVar("kit_cache", default=None)


@contextmanager
def kit_cache():
    """Reuse assembled kits inside the block (bulk seeding), while the bank and role profiles do not change."""
    token = _KIT_CACHE.set({})
    try:
        yield
    finally:
        _KIT_CACHE.reset(token)


def kit_questions(*, requisition: Requisition, stage: str) -> list[Question]:
    cache = _KIT_CACHE.get()
    if cache is None:
        return _kit_questions(requisition=requisition, stage=stage)
    key = (requisition.role_profile_id, stage)
    if key not in cache:
        cache[key] = _kit_questions(requisition=requisition, stage=stage)
    return cache[key]


def _kit_questions(*, requisition: Requisition, stage: str) -> list[Question]:
    """The interview kit of a question stage, assembled from the bank and the role profile.

    Screening asks one question for each foundational skill (hard to train, so screened first). The behavioural
    interview asks, per skill of the profile, 3 questions for primary, 2 for secondary, 1 otherwise, skipping the
    screening questions where the bank has enough. Two queries, whatever the bank's size.
    """
    if stage not in QUESTION_STAGES:
        return []
    weights = {
        row.skill_id: row
        for row in RoleProfileSkill.objects.filter(profile_id=requisition.role_profile_id).select_related("skill")
    }
    by_skill: dict[int, list[Question]] = defaultdict(list)
    for question in question_bank():
        by_skill[question.skill_id].append(question)
    if stage == Stage.SCREENING:
        kit = []
        for questions in by_skill.values():
            if questions[0].skill.tier == SkillTier.FOUNDATIONAL and questions[0].skill_id in weights:
                kit.append(questions[0])
        return kit
    kit = []
    ordered = sorted(weights.values(), key=lambda row: (-row.weight, row.skill.position))
    for row in ordered:
        questions = by_skill.get(row.skill_id, [])
        count = KIT_QUESTIONS_BY_EMPHASIS.get(row.emphasis, 1)
        screening_used = 1 if row.skill.tier == SkillTier.FOUNDATIONAL else 0
        pool = questions[screening_used:] if len(questions) - screening_used >= count else questions
        kit.extend(pool[:count])
    return kit


@dataclass
class KitItem:
    """One thing an interviewer rates: a question, a rubric criterion, or a criterion for one mock-ticket reply."""

    key: str
    skill: Skill
    title: str
    anchors: list[tuple[int, str]]
    question: Question | None = None
    criterion: RubricCriterion | None = None
    ticket: MockTicket | None = None
    reply: TicketReply | None = None
    rating: Rating | None = None
    group: str = ""

    @property
    def dom_id(self) -> str:
        return "item-" + self.key.replace(":", "-")


def interview_items(*, interview: Interview) -> list[KitItem]:
    """What this interview rates, with this interviewer's own ratings attached (constant queries)."""
    ratings = {rating.item_key: rating for rating in interview.ratings.all()}
    items: list[KitItem] = []
    if interview.stage in QUESTION_STAGES:
        for question in kit_questions(requisition=interview.candidate.requisition, stage=interview.stage):
            key = f"q:{question.pk}"
            items.append(
                KitItem(
                    key=key,
                    skill=question.skill,
                    title=question.text,
                    anchors=question.anchors(),
                    question=question,
                    rating=ratings.get(key),
                    group=question.skill.name,
                )
            )
    elif interview.stage == Stage.ROLE_PLAY and interview.scenario_id:
        for criterion in interview.scenario.criteria.select_related("skill").order_by("position"):
            key = f"c:{criterion.pk}"
            items.append(
                KitItem(
                    key=key,
                    skill=criterion.skill,
                    title=criterion.name,
                    anchors=criterion.anchors(),
                    criterion=criterion,
                    rating=ratings.get(key),
                    group=interview.scenario.title,
                )
            )
    elif interview.stage == Stage.MOCK_TICKET:
        replies = {
            reply.ticket_id: reply
            for reply in TicketReply.objects.filter(
                candidate_test__candidate_id=interview.candidate_id,
                candidate_test__kind=CandidateTest.Kind.MOCK_TICKET,
                candidate_test__submitted_at__isnull=False,
            ).order_by("candidate_test__submitted_at")
        }
        criteria = list(written_rubric())
        for ticket in mock_ticket_list():
            for criterion in criteria:
                key = f"c:{criterion.pk}:t:{ticket.pk}"
                items.append(
                    KitItem(
                        key=key,
                        skill=criterion.skill,
                        title=criterion.name,
                        anchors=criterion.anchors(),
                        criterion=criterion,
                        ticket=ticket,
                        reply=replies.get(ticket.pk),
                        rating=ratings.get(key),
                        group=ticket.subject,
                    )
                )
    return items


def interview_queryset(*, user: User) -> QuerySet[Interview]:
    """Interviews the user may open: their own, on candidates in their scope."""
    return Interview.objects.filter(
        interviewer=user, candidate__in=candidates_for_user(user=user).values("pk")
    ).select_related("candidate__requisition__role_profile", "scenario", "interviewer")


# ---------------------------------------------------------------- blindness


def can_see_others_ratings(*, user: User, candidate: Candidate) -> bool:
    """Blind scoring: an interviewer sees others' ratings of a candidate only after submitting their own
    (and with no draft of theirs still open on the candidate). Admins always see."""
    if roles.is_admin(user):
        return True
    mine = Interview.objects.filter(candidate=candidate, interviewer=user).aggregate(
        submitted=Count("pk", filter=Q(status=Interview.Status.SUBMITTED)),
        drafts=Count("pk", filter=Q(status=Interview.Status.DRAFT)),
    )
    return mine["submitted"] > 0 and mine["drafts"] == 0


def candidates_visible_scores(*, user: User, candidate_ids: list[int]) -> set[int]:
    """Which of these candidates' combined scores the user may see (one query)."""
    if roles.is_admin(user):
        return set(candidate_ids)
    rows = (
        Interview.objects.filter(candidate_id__in=candidate_ids, interviewer=user)
        .values("candidate_id")
        .annotate(
            submitted=Count("pk", filter=Q(status=Interview.Status.SUBMITTED)),
            drafts=Count("pk", filter=Q(status=Interview.Status.DRAFT)),
        )
    )
    return {row["candidate_id"] for row in rows if row["submitted"] > 0 and row["drafts"] == 0}


# ---------------------------------------------------------------- scores


def _counted_ratings() -> QuerySet[Rating]:
    """Ratings that count: submitted interviews, a score given ('not enough evidence' is left out)."""
    return Rating.objects.filter(interview__status=Interview.Status.SUBMITTED, score__isnull=False)


Z95 = Z_CRITICAL  # z of a two-sided 95 % interval (normal approximation), one constant with the metrics engine
# The widest spread ratings on the 1–4 scale can have (half 1s, half 4s): the standard deviation assumed while a
# candidate's ratings cannot give one yet (no skill rated twice), so a score from one rating gets a wide interval.
MAX_RATING_SD = 1.5
# Below this many counted ratings a weighted score is marked as thin evidence on the comparison.
THIN_EVIDENCE_RATINGS = 6


@dataclass
class CandidateScores:
    skill_scores: dict[str, dict] = field(default_factory=dict)  # skill code -> {score, n, nee}
    weighted_score: float | None = None
    recommendations: dict[str, int] = field(default_factory=dict)
    n: int = 0  # counted ratings behind the weighted score (rated skills the profile weights)
    low: float | None = None  # 95% interval of the weighted score
    high: float | None = None

    @property
    def thin(self) -> bool:
        return self.weighted_score is not None and self.n < THIN_EVIDENCE_RATINGS


def weighted_interval(
    *, skills: dict[int, tuple[int, float, float]], weights: dict[int, Decimal]
) -> tuple[int, float | None, float | None]:
    """(n, low, high): the number of ratings behind the weighted score and its 95% interval.

    `skills` maps skill id -> (n, sum, sum of squares) of the counted ratings. The weighted score is
    Σ(w·mean) / Σw, so its standard error is √(Σ w²·σ²/n) / Σw, with σ the candidate's pooled within-skill standard
    deviation (MAX_RATING_SD while no skill has two ratings). The interval is clipped to the 1–4 scale."""
    rated = {skill_id: row for skill_id, row in skills.items() if row[0] and weights.get(skill_id)}
    n = sum(row[0] for row in rated.values())
    total = sum(float(weights[skill_id]) for skill_id in rated)
    if not total:
        return n, None, None
    within = sum(ss - sm * sm / k for k, sm, ss in rated.values())
    df = n - len(rated)
    sd = math.sqrt(max(within, 0) / df) if df > 0 else MAX_RATING_SD
    mean = sum(float(weights[skill_id]) * row[1] / row[0] for skill_id, row in rated.items()) / total
    se = math.sqrt(sum(float(weights[skill_id]) ** 2 * sd * sd / row[0] for skill_id, row in rated.items())) / total
    return n, max(1.0, mean - Z95 * se), min(4.0, mean + Z95 * se)


def weighted(*, scores: dict[int, float], weights: dict[int, Decimal]) -> float | None:
    """Σ(weight × score) / Σ(weight) over the skills that have a score and a weight in the profile."""
    total = sum(float(weights[skill_id]) for skill_id in scores if weights.get(skill_id))
    if not total:
        return None
    return sum(float(weights[skill_id]) * score for skill_id, score in scores.items() if weights.get(skill_id)) / total


def candidate_scores(*, candidates: list[Candidate]) -> dict[int, CandidateScores]:
    """Per candidate: per-skill mean rating (1–4) with counts, the role-profile weighted score, recommendations.

    Three aggregate queries for any number of candidates.
    """
    ids = [candidate.pk for candidate in candidates]
    result = {pk: CandidateScores() for pk in ids}
    if not ids:
        return result
    rows = (
        Rating.objects.filter(interview__status=Interview.Status.SUBMITTED, interview__candidate_id__in=ids)
        .values("interview__candidate_id", "skill_id", "skill__code")
        .annotate(
            avg=Avg("score", filter=Q(score__isnull=False)),
            n=Count("pk", filter=Q(score__isnull=False)),
            nee=Count("pk", filter=Q(not_enough_evidence=True)),
            total=Sum("score"),
            squares=Sum(F("score") * F("score")),
        )
    )
    profile_ids = {candidate.requisition.role_profile_id for candidate in candidates}
    weights: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for profile_id, skill_id, weight in RoleProfileSkill.objects.filter(profile_id__in=profile_ids).values_list(
        "profile_id", "skill_id", "weight"
    ):
        weights[profile_id][skill_id] = weight
    by_candidate: dict[int, dict[int, float]] = defaultdict(dict)
    sums: dict[int, dict[int, tuple[int, float, float]]] = defaultdict(dict)
    for row in rows:
        cid = row["interview__candidate_id"]
        avg = float(row["avg"]) if row["avg"] is not None else None
        result[cid].skill_scores[row["skill__code"]] = {
            "score": round(avg, 2) if avg is not None else None,
            "n": row["n"],
            "not_enough_evidence": row["nee"],
        }
        if avg is not None:
            by_candidate[cid][row["skill_id"]] = avg
            sums[cid][row["skill_id"]] = (row["n"], float(row["total"]), float(row["squares"]))
    for candidate in candidates:
        profile = weights[candidate.requisition.role_profile_id]
        value = weighted(scores=by_candidate[candidate.pk], weights=profile)
        scores = result[candidate.pk]
        scores.weighted_score = round(value, 2) if value is not None else None
        scores.n, low, high = weighted_interval(skills=sums[candidate.pk], weights=profile)
        scores.low = round(low, 2) if low is not None else None
        scores.high = round(high, 2) if high is not None else None
    for row in (
        Interview.objects.filter(candidate_id__in=ids, status=Interview.Status.SUBMITTED)
        .values("candidate_id", "recommendation")
        .annotate(n=Count("pk"))
    ):
        result[row["candidate_id"]].recommendations[row["recommendation"]] = row["n"]
    return result


@dataclass
class ScorecardRow:
    skill: Skill
    weight: Decimal | None
    emphasis: str
    by_stage: dict[str, dict]
    score: float | None
    n: int
    nee: int
    spread: float | None
    disagreement: bool


def unassessed_weight(*, rows: list[ScorecardRow]) -> tuple[list[dict], float | None]:
    """The profile's weighted skills with no counted rating (heaviest first), each with its share of the profile's
    total weight, and the share of the weight the weighted score covers (None when the profile has no weight)."""
    total = sum(float(row.weight) for row in rows if row.weight)
    if not total:
        return [], None
    missing = sorted(
        (row for row in rows if row.weight and row.score is None),
        key=lambda row: (-row.weight, row.skill.position),
    )
    unassessed = [
        {"skill": row.skill, "weight": row.weight, "share": 100 * float(row.weight) / total} for row in missing
    ]
    return unassessed, 100 - sum(item["share"] for item in unassessed)


def scorecard(*, candidate: Candidate) -> dict:
    """The candidate's scorecard: per skill × stage means, weighted score, disagreement, aptitude, interviews."""
    requisition = candidate.requisition
    profile_weights = {
        row.skill_id: row for row in RoleProfileSkill.objects.filter(profile_id=requisition.role_profile_id)
    }
    counted = Rating.objects.filter(interview__candidate=candidate, interview__status=Interview.Status.SUBMITTED)
    cells = counted.values("skill_id", "interview__stage").annotate(
        avg=Avg("score", filter=Q(score__isnull=False)),
        n=Count("pk", filter=Q(score__isnull=False)),
        nee=Count("pk", filter=Q(not_enough_evidence=True)),
    )
    per_interviewer = (
        counted.filter(score__isnull=False).values("skill_id", "interview__interviewer_id").annotate(avg=Avg("score"))
    )
    totals = {
        row["skill_id"]: row
        for row in counted.values("skill_id").annotate(
            avg=Avg("score", filter=Q(score__isnull=False)),
            n=Count("pk", filter=Q(score__isnull=False)),
            nee=Count("pk", filter=Q(not_enough_evidence=True)),
        )
    }
    by_stage: dict[int, dict[str, dict]] = defaultdict(dict)
    for row in cells:
        by_stage[row["skill_id"]][row["interview__stage"]] = {
            "score": float(row["avg"]) if row["avg"] is not None else None,
            "n": row["n"],
            "nee": row["nee"],
        }
    interviewer_means: dict[int, list[float]] = defaultdict(list)
    for row in per_interviewer:
        interviewer_means[row["skill_id"]].append(float(row["avg"]))
    skill_ids = set(totals) | set(profile_weights)
    skills = Skill.objects.filter(pk__in=skill_ids).order_by("position", "name")
    rows = []
    for skill in skills:
        total = totals.get(skill.pk)
        means = interviewer_means.get(skill.pk, [])
        spread = (max(means) - min(means)) if len(means) > 1 else None
        weight_row = profile_weights.get(skill.pk)
        rows.append(
            ScorecardRow(
                skill=skill,
                weight=weight_row.weight if weight_row else None,
                emphasis=weight_row.emphasis if weight_row else "",
                by_stage=by_stage.get(skill.pk, {}),
                score=float(total["avg"]) if total and total["avg"] is not None else None,
                n=total["n"] if total else 0,
                nee=total["nee"] if total else 0,
                spread=spread,
                disagreement=spread is not None and spread >= DISAGREEMENT_SPREAD,
            )
        )
    weighted_score = weighted(
        scores={row.skill.pk: row.score for row in rows if row.score is not None},
        weights={skill_id: row.weight for skill_id, row in profile_weights.items()},
    )
    unassessed, covered_share = unassessed_weight(rows=rows)
    interviews = list(candidate.interviews.select_related("interviewer", "scenario").order_by("stage", "created_at"))
    submitted = [interview for interview in interviews if interview.status == Interview.Status.SUBMITTED]
    recommendations = sorted({interview.recommendation for interview in submitted})
    positive = {Interview.Recommendation.YES, Interview.Recommendation.STRONG_YES}
    split = len({rec in positive for rec in recommendations}) > 1
    return {
        "foundational": [row for row in rows if row.skill.tier == SkillTier.FOUNDATIONAL],
        "other": [row for row in rows if row.skill.tier != SkillTier.FOUNDATIONAL],
        "weighted_score": weighted_score,
        "unassessed": unassessed,
        "covered_share": covered_share,
        "interviews": interviews,
        "submitted": submitted,
        "recommendation_split": split,
        "any_disagreement": split or any(row.disagreement for row in rows),
        "aptitude": aptitude_results(candidate=candidate),
    }


def aptitude_results(*, candidate: Candidate) -> dict | None:
    """Latest submitted aptitude test: correct of total, and per skill (two queries)."""
    test = (
        candidate.tests.filter(kind=CandidateTest.Kind.APTITUDE, submitted_at__isnull=False)
        .order_by("-submitted_at")
        .first()
    )
    if test is None:
        return None
    per_skill = (
        AptitudeQuestion.objects.filter(test_id=test.aptitude_test_id)
        .values("skill__name")
        .annotate(
            total=Count("pk", distinct=True),
            correct=Count(
                "answers",
                filter=Q(answers__candidate_test=test, answers__choice=F("correct_choice")),
                distinct=True,
            ),
        )
        .order_by("skill__name")
    )
    rows = list(per_skill)
    correct = sum(row["correct"] for row in rows)
    total = sum(row["total"] for row in rows)
    return {"test": test, "correct": correct, "total": total, "per_skill": rows}


def aptitude_score(*, candidate_test: CandidateTest) -> tuple[int, int]:
    """(correct, total) for one aptitude sitting, counted in the database."""
    total = AptitudeQuestion.objects.filter(test_id=candidate_test.aptitude_test_id).count()
    correct = AptitudeAnswer.objects.filter(candidate_test=candidate_test, choice=F("question__correct_choice")).count()
    return correct, total


def others_interviews(*, candidate: Candidate, user: User) -> QuerySet[Interview]:
    return (
        candidate.interviews.filter(status=Interview.Status.SUBMITTED)
        .exclude(interviewer=user)
        .select_related("interviewer", "scenario")
        .prefetch_related(Prefetch("ratings", queryset=Rating.objects.select_related("skill", "question", "criterion")))
    )


def comparison(*, requisition: Requisition, user: User) -> dict:
    """Side by side: each candidate's per-skill means, weighted score and recommendations (blind ones hidden)."""
    candidates = list(
        requisition.candidates.exclude(stage=Stage.REJECTED).select_related("requisition").order_by("last_name")
    )
    scores = candidate_scores(candidates=candidates)
    visible = candidates_visible_scores(user=user, candidate_ids=[candidate.pk for candidate in candidates])
    skills = list(
        Skill.objects.filter(profile_weights__profile_id=requisition.role_profile_id)
        .annotate(weight=F("profile_weights__weight"), emphasis=F("profile_weights__emphasis"))
        .order_by("-weight", "position")
    )
    columns = []
    for candidate in candidates:
        columns.append(
            {
                "candidate": candidate,
                "visible": candidate.pk in visible,
                "scores": scores[candidate.pk],
            }
        )
    # Ranked by evidence: the low end of the weighted score's 95% interval, so a score from one rating does not
    # outrank one from twelve; unscored and hidden candidates last.
    columns.sort(
        key=lambda col: (
            not col["visible"],
            col["scores"].low is None,
            -(col["scores"].low or 0),
            -(col["scores"].weighted_score or 0),
            -col["scores"].n,
        )
    )
    return {
        "skills": skills,
        "columns": columns,
        "thin_ratings": THIN_EVIDENCE_RATINGS,
        "recommendation_labels": dict(Interview.Recommendation.choices),
    }


# ---------------------------------------------------------------- predictive validity


def pearson(*, n: int, sx: float, sy: float, sxx: float, syy: float, sxy: float) -> float | None:
    if n < 3:
        return None
    cov = n * sxy - sx * sy
    var = (n * sxx - sx * sx) * (n * syy - sy * sy)
    if var <= 0:
        return None
    return cov / math.sqrt(var)


def _correlate(pairs: list[tuple[float, float]]) -> dict:
    n = len(pairs)
    stats = {
        "n": n,
        "sx": sum(x for x, _ in pairs),
        "sy": sum(y for _, y in pairs),
        "sxx": sum(x * x for x, _ in pairs),
        "syy": sum(y * y for _, y in pairs),
        "sxy": sum(x * y for x, y in pairs),
    }
    r = pearson(**stats)
    low, high = fisher_interval(r=r, n=n)
    return {
        "n": n,
        "r": round(r, 2) if r is not None else None,
        "low": round(low, 2) if low is not None else None,
        "high": round(high, 2) if high is not None else None,
        "evidence": correlation_evidence(low=low, high=high),
    }


def fisher_interval(*, r: float | None, n: int) -> tuple[float | None, float | None]:
    """95% interval of a Pearson r from n pairs by Fisher's z: tanh(atanh(r) ± 1.96 / √(n − 3)).
    With n = 3 (r defined, no interval yet) the interval is the whole range, −1 to 1."""
    if r is None:
        return None, None
    if n <= 3:
        return -1.0, 1.0
    z = math.atanh(max(-0.999999, min(0.999999, r)))
    half = Z95 / math.sqrt(n - 3)
    return math.tanh(z - half), math.tanh(z + half)


def correlation_evidence(*, low: float | None, high: float | None) -> float:
    """How far the interval keeps from zero: its bound nearest zero when it leaves zero out, else 0. The report
    ranks by this, so an r resting on few hires (a wide interval) does not top one resting on many."""
    if low is None or high is None or low <= 0 <= high:
        return 0.0
    return min(abs(low), abs(high))


def rank_by_evidence(rows: list[dict]) -> list[dict]:
    """Correlation rows (with r, n, evidence) by evidence, the interval's bound nearest zero, then n, then the size
    of r; rows without an r last."""
    return sorted(
        rows,
        key=lambda row: (
            row["r"] is None,
            -row["evidence"],
            -row["n"],
            -(abs(row["r"]) if row["r"] is not None else 0),
        ),
    )


def first_days_skill_scores(*, agent_ids: list[int], days: int) -> dict[tuple[int, int], float]:
    """{(agent_id, skill_id): mean QA skill score} over each agent's first `days` days from their start date.

    Read from the metrics engine's per-skill daily rollup (AgentSkillDay: the counted, scored, non-calibration
    reviews per agent, day and skill), summed over each agent's own window and divided last, as
    metrics.selectors.skill_scores_by_agent does for one window shared by all. One query."""
    rows = (
        AgentSkillDay.objects.filter(
            agent_id__in=agent_ids,
            day__gte=F("agent__start_date"),
            day__lt=F("agent__start_date") + timedelta(days=days),
        )
        .values("agent_id", "skill_id")
        .annotate(reviews=Sum("reviews"), score_sum=Sum("score_sum"))
        .order_by()
    )
    return {
        (row["agent_id"], row["skill_id"]): float(row["score_sum"]) / row["reviews"] for row in rows if row["reviews"]
    }


def predictive_report(*, user: User) -> dict:
    """For hired agents of the user's requisitions: assessment scores vs their first 90 days of QA and KPIs.

    One aggregate row per hired agent (and per agent × skill or question), then Pearson r with n beside it.
    """
    hires = candidates_for_user(user=user).filter(agent__isnull=False)
    agent_ids = list(hires.values_list("agent_id", flat=True))
    baseline = {
        (row["agent_id"], row["skill_id"]): float(row["score"])
        for row in AgentSkillBaseline.objects.filter(agent_id__in=agent_ids).values("agent_id", "skill_id", "score")
    }
    qa = first_days_skill_scores(agent_ids=agent_ids, days=REPORT_WINDOW_DAYS)
    skills = {skill.pk: skill for skill in Skill.objects.order_by("position")}

    skill_rows = []
    for skill_id, skill in skills.items():
        pairs = [(baseline[key], qa[key]) for key in baseline if key[1] == skill_id and key in qa]
        if any(key[1] == skill_id for key in baseline):
            skill_rows.append({"skill": skill, **_correlate(pairs)})

    question_rows = []
    rated = (
        _counted_ratings()
        .filter(interview__candidate__agent_id__in=agent_ids)
        .values("interview__candidate__agent_id", "question_id", "criterion_id", "skill_id")
        .annotate(avg=Avg("score"))
    )
    per_item: dict[tuple, list[tuple[float, float]]] = defaultdict(list)
    item_agents: dict[tuple, int] = defaultdict(int)
    for row in rated:
        item = (row["question_id"], row["criterion_id"], row["skill_id"])
        item_agents[item] += 1
        key = (row["interview__candidate__agent_id"], row["skill_id"])
        if key in qa:
            per_item[item].append((float(row["avg"]), qa[key]))
    question_texts = dict(
        Question.objects.filter(pk__in={item[0] for item in item_agents if item[0]}).values_list("pk", "text")
    )
    criterion_names = {
        pk: f"{name} ({scenario or 'written replies'})"
        for pk, name, scenario in RubricCriterion.objects.filter(
            pk__in={item[1] for item in item_agents if item[1]}
        ).values_list("pk", "name", "scenario__title")
    }
    for item in item_agents:
        question_id, criterion_id, skill_id = item
        label = question_texts.get(question_id) if question_id else criterion_names.get(criterion_id)
        question_rows.append({"label": label, "skill": skills.get(skill_id), **_correlate(per_item.get(item, []))})
    question_rows = rank_by_evidence(question_rows)

    # Early on-the-job figures from the daily rollups, as the dashboards and the metrics API count them.
    figures = {
        row["agent_id"]: row
        for row in metrics.metrics_by_agent_from_start(
            agents=Agent.objects.filter(pk__in=agent_ids), days=REPORT_WINDOW_DAYS
        )
        if row["contacts"]
    }
    hire_scores = candidate_scores(candidates=list(hires.select_related("requisition")))
    weighted_by_agent = {
        candidate.agent_id: hire_scores[candidate.pk].weighted_score
        for candidate in hires.only("pk", "agent_id")
        if hire_scores[candidate.pk].weighted_score is not None
    }
    kpi_result = []
    for kpi in map(kpis.get, REPORT_KPIS):
        pairs = [
            (score, figures[agent_id][kpi.figure])
            for agent_id, score in weighted_by_agent.items()
            if agent_id in figures and figures[agent_id][kpi.figure] is not None
        ]
        kpi_result.append({"label": kpi.column, "lower_is_better": kpi.lower_is_better, **_correlate(pairs)})
    qa_agents = {agent_id for agent_id, _ in qa}
    return {
        "hires": len(agent_ids),
        "with_qa": len(qa_agents),
        "with_contacts": len(figures),
        "skill_rows": skill_rows,
        "question_rows": question_rows,
        "kpi_rows": kpi_result,
        "kpis_by_agent": figures,
        "window_days": REPORT_WINDOW_DAYS,
    }


# The hiring pipeline (the hiring dashboard and the requisition list).
# The hiring dashboard's reads: candidates per stage per requisition, time in stage and pass rate per stage.
#
# Read from the hiring app's tables (Candidate.stage today, StageMove history) with database aggregates. A stage's
# pass rate is the share of candidates who left it for a later stage (not rejected) among those who left it; the time
# in a stage is the mean time between entering it and leaving it, over the stays that ended in the period's scope.

PIPELINE = [*ASSESSMENT_STAGES, Stage.HIRED, Stage.REJECTED]


def pipeline(*, requisitions: QuerySet[Requisition]) -> list[dict]:
    """Per requisition (open first): the number of candidates in each stage today. Two queries."""
    counts = {
        (row["requisition_id"], row["stage"]): row["n"]
        for row in Candidate.objects.filter(requisition__in=requisitions.values("pk"))
        .values("requisition_id", "stage")
        .annotate(n=Count("pk"))
        .order_by()
    }
    rows = []
    for pk, title, status, openings in requisitions.order_by("status", "-created_at", "pk").values_list(
        "pk", "title", "status", "openings"
    ):
        stages = [counts.get((pk, str(stage)), 0) for stage in PIPELINE]
        rows.append(
            {
                "requisition_id": pk,
                "title": title,
                "status": Requisition.Status(status).label,
                "openings": openings,
                "stages": stages,
                "total": sum(stages),
            }
        )
    return rows


def stage_stats(*, requisitions: QuerySet[Requisition]) -> list[dict]:
    """Per assessment stage: candidates who entered it, left it, passed it, the pass rate and mean days in it."""
    moves = StageMove.objects.filter(candidate__requisition__in=requisitions.values("pk"))
    entered_at = Subquery(
        StageMove.objects.filter(
            candidate=OuterRef("candidate"), to_stage=OuterRef("from_stage"), moved_at__lte=OuterRef("moved_at")
        )
        .order_by("-moved_at", "-pk")
        .values("moved_at")[:1]
    )
    left = {
        row["from_stage"]: row
        for row in moves.exclude(from_stage="")
        .annotate(stay=ExpressionWrapper(F("moved_at") - entered_at, output_field=DurationField()))
        .values("from_stage")
        .annotate(
            left=Count("candidate", distinct=True),
            passed=Count("candidate", distinct=True, filter=~Q(to_stage=Stage.REJECTED)),
            mean_stay=Avg("stay"),
        )
        .order_by()
    }
    entered = {
        row["to_stage"]: row["n"]
        for row in moves.values("to_stage").annotate(n=Count("candidate", distinct=True)).order_by()
    }
    rows = []
    for stage in ASSESSMENT_STAGES:
        out = left.get(str(stage), {})
        n_left, passed = out.get("left", 0), out.get("passed", 0)
        stay = out.get("mean_stay")
        rows.append(
            {
                "stage": stage.label,
                "entered": entered.get(str(stage), 0),
                "left": n_left,
                "passed": passed,
                "pass_rate": 100 * passed / n_left if n_left else None,
                "mean_days": stay.total_seconds() / 86400 if stay is not None else None,
            }
        )
    return rows
