"""Reads of reviews, scoped to the asking user: who may open which review, its history, the reviewer's queue, and
the figures (database aggregates with n and a 95% interval)."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, F, FloatField, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Cast, TruncWeek
from django.utils import timezone

from core import roles
from core.models import Agent, Skill, User
from core.selectors.history import Change, Entry, history_entries
from core.selectors.scope import agents_for_user, teams_for_user
from qa.reviews.models import COUNTED_STATUSES, Review, ReviewAnswer, ReviewSkillScore
from qa.scorecards.models import Criterion, ScorecardVersion
from qa.scoring import answer_label
from qa.stats import MeanCI, mean_ci_from_sums, sd_from_sums


def counted(qs: QuerySet[Review]) -> QuerySet[Review]:
    """Reviews that count in QA figures: released or later, not calibration, with a score."""
    return qs.filter(status__in=COUNTED_STATUSES, is_calibration=False, score__isnull=False)


def reviews_for_user(*, user: User) -> QuerySet[Review]:
    """Reviews `user` may open: reviewers and ops leads those of agents in scope (leads: released only); an agent
    only their own released ones; nobody else any. Calibration reviews never reach agents or leads."""
    if roles.is_admin(user):
        return Review.objects.all()
    if roles.has_role(user, roles.QA_REVIEWER):
        # Calibration reviews are blind: only their own reviewer opens them here (results: qa.calibration.selectors).
        return Review.objects.filter(
            Q(agent__in=agents_for_user(user=user).values("pk"), is_calibration=False)
            | Q(is_calibration=True, reviewer_id=user.pk)
        )
    if roles.has_role(user, roles.OPS_LEAD):
        return Review.objects.filter(
            agent__in=agents_for_user(user=user).values("pk"), status__in=COUNTED_STATUSES, is_calibration=False
        )
    if roles.has_role(user, roles.AGENT):
        return Review.objects.filter(agent__user_id=user.pk, status__in=COUNTED_STATUSES, is_calibration=False)
    return Review.objects.none()


def review_detail_queryset(*, user: User) -> QuerySet[Review]:
    return reviews_for_user(user=user).select_related(
        "contact", "agent__user", "team__vendor", "reviewer", "resolved_by", "version__template", "dispute_code"
    )


def review_list(*, user: User) -> QuerySet[Review]:
    return (
        reviews_for_user(user=user)
        .select_related("contact", "agent__user", "team", "reviewer", "version__template")
        .prefetch_related("skill_scores__skill", "answers")
        .order_by("-submitted_at", "-created_at", "-pk")
    )


REVIEW_HISTORY_FIELDS = {
    "status": "Status",
    "score": "Score",
    "auto_failed": "Auto-failed",
    "reviewer": "Reviewer",
    "comment": "Overall comment",
    "dispute_code": "Dispute reason",
    "dispute_reason": "Dispute comment",
    "dispute_due": "Dispute due",
    "resolved_by": "Resolved by",
    "resolution_note": "Resolution",
}


# Scores read as everywhere else on the site: one decimal (a stored 92.50 shows 92.5).
REVIEW_HISTORY_FORMATS = {"score": lambda record, value: f"{value:.1f}"}

ANSWER_FIELDS = ["value", "is_na", "comment"]


def answer_changes(before, after, criterion: Criterion | None) -> list[Change]:
    """What a reader sees change between two history records of one answer (`before` None: the answer was first
    given): the answer, shown on its criterion's scale ('4 of 1–5', 'N/A'), and its comment."""
    if before is None:
        changed = {"value", "is_na"}
    else:
        changed = {change.field for change in after.diff_against(before, included_fields=ANSWER_FIELDS).changes}
    changes = []
    if changed & {"value", "is_na"}:
        old = answer_label(criterion, before.value, is_na=before.is_na, points="of_scale") if before else "—"
        new = answer_label(criterion, after.value, is_na=after.is_na, points="of_scale")
        changes.append(Change(criterion.text if criterion else "Criterion", old, new))
    if "comment" in changed:
        changes.append(Change("Comment", before.comment or "—", after.comment or "—"))
    return changes


def _for_agents(record, before) -> str:
    """How a review's change reads on the agent's side: the sampling run and its seed are QA's internals."""
    reason = record.history_change_reason or ""
    return "Picked for review in a random sample" if reason.startswith("Sampled") else ""


def review_history(*, review: Review, internal: bool = True) -> list[Entry]:
    """Every saved change to the review and its answers after sampling: who, when, what changed (oldest first).
    `internal` False (the agent's view) leaves out QA's internals: the sampling run and its seed.

    Three queries whatever the length: the review's records, its answers' records, the version's criteria."""
    records = (
        review.history.exclude(history_change_reason=Review.AUTOSAVE_REASON)
        .select_related("history_user", "reviewer", "resolved_by", "dispute_code")
        .order_by("history_date", "history_id")
    )
    entries = history_entries(
        records, fields=REVIEW_HISTORY_FIELDS, formats=REVIEW_HISTORY_FORMATS, why=None if internal else _for_agents
    )
    answers = list(
        ReviewAnswer.history.filter(review_id=review.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    criteria = {c.pk: c for c in review.version.criteria.all()} if review.version_id else {}
    last: dict[int, object] = {}
    submitted = review.submitted_at
    for record in answers:
        prev = last.get(record.id)
        last[record.id] = record
        if submitted is None or record.history_date < submitted:
            continue  # drafting is not history; the submitted answers are the baseline
        changes = answer_changes(prev, record, criteria.get(record.criterion_id))
        if changes and record.history_change_reason != "Submitted":
            entries.append(
                Entry(
                    when=record.history_date,
                    who=record.history_user,
                    why=record.history_change_reason or "Answer changed",
                    changes=changes,
                )
            )
    entries.sort(key=lambda e: e.when)
    return entries


def reviewer_queue(*, user: User) -> dict:
    """What is due for a reviewer: their open drafts, disputes they may resolve, and what they submitted lately."""
    base = reviews_for_user(user=user).filter(is_calibration=False).select_related("contact", "agent__user", "team")
    todo = (
        base.filter(reviewer=user, status=Review.Status.DRAFT, submitted_at__isnull=True)
        .annotate(answered=Count("answers"))
        .order_by("due_date", "contact__started_at", "pk")
    )
    unassigned = base.filter(reviewer__isnull=True, status=Review.Status.DRAFT).order_by("due_date", "pk")
    disputes = (
        base.filter(status=Review.Status.DISPUTED)
        .exclude(reviewer=user)
        .exclude(agent__user=user)
        .select_related("reviewer")
        .order_by("disputed_at", "pk")
    )
    recent = base.filter(reviewer=user, submitted_at__isnull=False).order_by("-submitted_at")[:10]
    return {
        "todo": todo,
        "unassigned": unassigned[:50],
        "disputes": disputes,
        "recent": recent,
        "overdue": todo.filter(due_date__lt=timezone.localdate()).count(),
    }


def counted_for_agent(*, agent: Agent, start: date | None = None, end: date | None = None) -> QuerySet[Review]:
    qs = counted(Review.objects.filter(agent=agent))
    if start is not None:
        qs = qs.filter(contact__day__gte=start)
    if end is not None:
        qs = qs.filter(contact__day__lte=end)
    return qs


def moments(field: str, *, filter: Q | None = None) -> dict:
    """Count, sum and sum of squares of `field`: enough for a mean and its interval, in one aggregate."""
    value = Cast(F(field), FloatField())
    return {
        "n": Count(field, filter=filter),
        "total": Sum(value, filter=filter),
        "total_sq": Sum(value * value, filter=filter),
    }


def score_ci(qs: QuerySet[Review]) -> MeanCI:
    return mean_ci_from_sums(**qs.aggregate(**moments("score")))


@dataclass
class SkillFigure:
    skill: Skill
    ci: MeanCI


def skill_figures(reviews: QuerySet[Review]) -> list[SkillFigure]:
    rows = (
        ReviewSkillScore.objects.filter(review__in=reviews.values("pk"), score__isnull=False)
        .values("skill_id")
        .annotate(**moments("score"))
    )
    by_skill = {row["skill_id"]: row for row in rows}
    return [
        SkillFigure(skill=skill, ci=mean_ci_from_sums(**{k: by_skill[skill.pk][k] for k in ("n", "total", "total_sq")}))
        for skill in Skill.objects.filter(pk__in=by_skill).order_by("position", "name")
    ]


def weekly_trend(reviews: QuerySet[Review], *, until: date | None = None) -> list[dict]:
    """Mean score and n per week of contact (database aggregate), every week from the first reviewed one to `until`'s
    week included: a week without reviews is there with n = 0 and no mean, so a chart shows the gap as a gap."""
    rows = reviews.annotate(week=TruncWeek("contact__day")).values("week").annotate(**moments("score")).order_by("week")
    by_week = {}
    for row in rows:
        week = row["week"].date() if isinstance(row["week"], datetime) else row["week"]
        by_week[week] = mean_ci_from_sums(n=row["n"], total=row["total"], total_sq=row["total_sq"])
    if not by_week:
        return []
    week, last = min(by_week), max(by_week)
    if until is not None:
        last = max(last, until - timedelta(days=until.weekday()))
    out = []
    while week <= last:
        out.append({"week": week, "ci": by_week.get(week) or mean_ci_from_sums(n=0, total=0, total_sq=0)})
        week += timedelta(weeks=1)
    return out


def agent_qa_page(*, agent: Agent, viewer: User, start: date, end: date) -> dict:
    """Everything on an agent's QA page: released reviews, overall and per-skill figures with n and CI, trend."""
    reviews = counted_for_agent(agent=agent, start=start, end=end)
    listed = (
        reviews_for_user(user=viewer)
        .filter(agent=agent, status__in=COUNTED_STATUSES, is_calibration=False)
        .select_related("contact", "reviewer", "version__template")
        .prefetch_related(
            Prefetch(
                "skill_scores",
                queryset=ReviewSkillScore.objects.select_related("skill").order_by("skill__position", "skill__name"),
            )
        )
        .order_by("-contact__started_at", "-pk")
    )
    return {
        "overall": score_ci(reviews),
        "skills": skill_figures(reviews),
        "trend": weekly_trend(counted_for_agent(agent=agent, start=end - timedelta(weeks=26), end=end), until=end),
        "reviews": listed[:100],
        "auto_failed": reviews.filter(auto_failed=True).count(),
    }


def agents_with_figures(*, user: User, start: date, end: date) -> QuerySet[Agent]:
    """Agents in scope with their review count, mean and sample sd of QA scores in the period (one query)."""
    in_period = Q(
        reviews__status__in=COUNTED_STATUSES,
        reviews__is_calibration=False,
        reviews__score__isnull=False,
        reviews__contact__day__gte=start,
        reviews__contact__day__lte=end,
    )
    return (
        agents_for_user(user=user)
        .filter(is_active=True)
        .select_related("user", "team")
        .annotate(**{f"qa_{k}": v for k, v in moments("reviews__score", filter=in_period).items()})
        .order_by("team__name", "user__last_name", "user__first_name")
    )


def team_figures(*, user: User, start: date, end: date) -> list[dict]:
    """QA score per team in scope (the team the contact was handled in), with n and 95% interval: one query."""
    rows = (
        counted(Review.objects.filter(team__in=teams_for_user(user=user).values("pk")))
        .filter(contact__day__gte=start, contact__day__lte=end)
        .values("team_id", "team__name", "team__vendor__name")
        .annotate(**moments("score"))
        .order_by("team__vendor__name", "team__name")
    )
    return [
        {
            "name": row["team__name"],
            "vendor": row["team__vendor__name"],
            "ci": mean_ci_from_sums(n=row["n"], total=row["total"], total_sq=row["total_sq"]),
        }
        for row in rows
    ]


def score_sd(*, user: User, since: date) -> float | None:
    """Sample sd of counted review scores in scope since `since`: what the reviews-needed figure plans with."""
    qs = counted(reviews_for_user(user=user)).filter(contact__day__gte=since)
    row = qs.aggregate(**moments("score"))
    return sd_from_sums(**row) if row["n"] >= 5 else None


def released_for_agent(*, agent: Agent, limit: int = 30) -> QuerySet[Review]:
    """The agent's latest `limit` released (or later) reviews, calibration excluded, newest conversation first: what a
    coaching session may discuss. A queryset a form field can choose from (in the reviews' default order)."""
    latest = (
        Review.objects.filter(agent=agent, status__in=COUNTED_STATUSES, is_calibration=False)
        .order_by("-contact__started_at")
        .values_list("pk", flat=True)[:limit]
    )
    return Review.objects.filter(pk__in=list(latest))


def whatif_reviews(*, version: ScorecardVersion, user: User, start: date, end: date, limit: int) -> list[Review]:
    """Counted reviews in `user`'s scope of the period scored with another version of `version`'s template, with
    their answers and criteria: what the what-if re-scores (qa.scorecards.whatif)."""
    return list(
        counted(reviews_for_user(user=user))
        .filter(version__template_id=version.template_id, contact__day__gte=start, contact__day__lte=end)
        .exclude(version=version)
        .select_related("contact", "agent__user", "version")
        .prefetch_related(Prefetch("answers", queryset=ReviewAnswer.objects.select_related("criterion")))
        .order_by("-contact__started_at", "-pk")[:limit]
    )
