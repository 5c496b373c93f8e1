"""Reads of reviews, scoped to the asking user: who may open which review, its history, the reviewer's queue, and
the figures (database aggregates with n and a 95% interval)."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Exists, F, FloatField, OuterRef, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Cast, TruncWeek

from core import roles
from core.models import Agent, Scope, Skill, Team, User
from core.selectors.history import Change, Entry, history_entries
from core.selectors.scope import agents_for_user, teams_for_user
from qa.reviews.models import (
    COUNTED_STATUSES,
    TARGETED_ORIGINS,
    Review,
    ReviewAnswer,
    ReviewerPreference,
    ReviewSkillScore,
)
from qa.scorecards.models import Criterion, ScorecardVersion
from qa.scoring import answer_label
from qa.stats import MeanCI, mean_ci_from_sums, sd_from_sums


def counted(qs: QuerySet[Review]) -> QuerySet[Review]:
    """Reviews that count in QA figures: released or later, not calibration, with a score, and drawn at random (a
    review picked on purpose, a complaint or an escalation would bias the mean; a self-review is the agent's own)."""
    return qs.filter(
        status__in=COUNTED_STATUSES, is_calibration=False, score__isnull=False, origin=Review.Origin.SAMPLED
    )


def targeted(qs: QuerySet[Review]) -> QuerySet[Review]:
    """Released, scored reviews of conversations picked on purpose (ad hoc, complaint, escalation): shown apart."""
    return qs.filter(
        status__in=COUNTED_STATUSES, is_calibration=False, score__isnull=False, origin__in=TARGETED_ORIGINS
    )


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
        # Their released reviews, and their own self-reviews (a draft included: they write it).
        return Review.objects.filter(
            Q(status__in=COUNTED_STATUSES) | Q(origin=Review.Origin.SELF), agent__user_id=user.pk, is_calibration=False
        )
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


# Queue (the reviewer's workspace) ----------------------------------------------------------------------------------

QUEUE_PAGE_SIZE = 25
NEXT_LOOKAHEAD = 2000  # "next" walks at most this many of the queue's open reviews


def queue_base(*, user: User) -> QuerySet[Review]:
    """Every review the queue may list for `user`: in scope, not calibration, not an agent's self-review."""
    return reviews_for_user(user=user).filter(is_calibration=False).exclude(origin=Review.Origin.SELF)


def disputes_to_resolve(*, user: User) -> QuerySet[Review]:
    """Disputed reviews `user` may resolve (qa.rules.can_resolve): in scope, scored by someone else, not their own."""
    if not roles.has_role(user, roles.QA_REVIEWER):
        return Review.objects.none()
    return (
        queue_base(user=user)
        .filter(status=Review.Status.DISPUTED)
        .exclude(reviewer_id=user.pk)
        .exclude(agent__user_id=user.pk)
    )


def disputes_to_resolve_count(*, user: User) -> int:
    return disputes_to_resolve(user=user).count()


def queue_reviewers(*, user: User) -> QuerySet[User]:
    """The QA reviewers covering at least one team of `user`'s scope (every reviewer for an admin): whom a QA lead
    filters the queue by and assigns reviews to."""
    reviewers = User.objects.filter(groups__name=roles.QA_REVIEWER, is_active=True)
    if not roles.is_admin(user):
        team_ids = teams_for_user(user=user).values("pk")
        reviewers = reviewers.filter(
            Q(pk__in=Team.leads.through.objects.filter(team_id__in=team_ids).values("user_id"))
            | Q(pk__in=Scope.teams.through.objects.filter(team_id__in=team_ids).values("scope__user_id"))
            | Q(pk__in=Scope.vendors.through.objects.filter(vendor__teams__in=team_ids).values("scope__user_id"))
        )
    return reviewers.distinct().order_by("last_name", "first_name", "username")


def _started() -> Exists:
    return Exists(ReviewAnswer.objects.filter(review_id=OuterRef("pk")))


def queue_tab(qs: QuerySet[Review], tab: str, *, today: date) -> QuerySet[Review]:
    """The reviews of one tab of the queue (drafts: open reviews with an answer saved)."""
    if tab == "released":
        return qs.filter(status__in=COUNTED_STATUSES)
    qs = qs.filter(status=Review.Status.DRAFT)
    if tab == "drafts":
        return qs.filter(_started())
    if tab == "overdue":
        return qs.filter(due_date__lt=today)
    return qs


def queue_counts(qs: QuerySet[Review], *, today: date) -> dict[str, int]:
    """How many reviews each tab of the queue holds under the same filters: one aggregate query."""
    draft = Q(status=Review.Status.DRAFT)
    return (
        qs.order_by()
        .annotate(started=_started())
        .aggregate(
            todo=Count("pk", filter=draft),
            drafts=Count("pk", filter=draft & Q(started=True)),
            overdue=Count("pk", filter=draft & Q(due_date__lt=today)),
            released=Count("pk", filter=Q(status__in=COUNTED_STATUSES)),
        )
    )


def queue_rows(qs: QuerySet[Review]) -> QuerySet[Review]:
    """What each row of the queue shows, without a query per row."""
    return qs.select_related("contact", "agent__user", "team__vendor", "reviewer").annotate(answered=Count("answers"))


def dispute_rows(qs: QuerySet[Review]) -> QuerySet[Review]:
    return qs.select_related("contact", "agent__user", "team", "reviewer", "dispute_code").order_by("disputed_at", "pk")


def queue_order(*, qs: QuerySet[Review]) -> list[int]:
    """The ids of the queue's reviews in its order (capped): what "next" and "skip" walk."""
    return list(qs.values_list("pk", flat=True)[:NEXT_LOOKAHEAD])


def queue_next_after(order: list[int], current: int) -> int | None:
    """The review after `current` in `order`, wrapping round to the start; None when no other is left."""
    if current in order:
        i = order.index(current)
        order = order[i + 1 :] + order[:i]
    return order[0] if order else None


def reviewer_auto_advance(*, user: User) -> bool:
    """Whether `user` opens the next review after submitting one (the default) or stays on the page."""
    value = ReviewerPreference.objects.filter(user_id=user.pk).values_list("auto_advance", flat=True).first()
    return True if value is None else value


def counted_for_agent(*, agent: Agent, start: date | None = None, end: date | None = None) -> QuerySet[Review]:
    qs = counted(Review.objects.filter(agent=agent))
    if start is not None:
        qs = qs.filter(contact__day__gte=start)
    if end is not None:
        qs = qs.filter(contact__day__lte=end)
    return qs


def targeted_for_agent(*, agent: Agent, start: date, end: date) -> QuerySet[Review]:
    return targeted(Review.objects.filter(agent=agent, contact__day__gte=start, contact__day__lte=end))


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
        .exclude(origin=Review.Origin.SELF)
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
        "targeted": score_ci(targeted_for_agent(agent=agent, start=start, end=end)),
    }


def agents_with_figures(*, user: User, start: date, end: date) -> QuerySet[Agent]:
    """Agents in scope with their review count, mean and sample sd of QA scores in the period (randomly sampled
    reviews), and the same of their targeted reviews, counted apart (one query)."""
    in_period = Q(
        reviews__status__in=COUNTED_STATUSES,
        reviews__is_calibration=False,
        reviews__score__isnull=False,
        reviews__contact__day__gte=start,
        reviews__contact__day__lte=end,
    )
    sampled = in_period & Q(reviews__origin=Review.Origin.SAMPLED)
    picked = in_period & Q(reviews__origin__in=TARGETED_ORIGINS)
    return (
        agents_for_user(user=user)
        .filter(is_active=True)
        .select_related("user", "team")
        .annotate(**{f"qa_{k}": v for k, v in moments("reviews__score", filter=sampled).items()})
        .annotate(**{f"targeted_{k}": v for k, v in moments("reviews__score", filter=picked).items()})
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


# ------------------------------------------------------------------------- self-review and time spent (origins)


@dataclass
class SelfReviewRow:
    criterion: Criterion
    reviewer: str
    agent: str
    differs: bool


def self_review_beside(*, review: Review, user: User, criteria) -> dict:
    """What the review page shows of the agent's self-review of the same conversation: for the agent, their own
    (a draft too, to continue it); for reviewers and leads who may open `review`, a submitted one only. With the two
    scores and, per criterion that applies, both answers and whether they differ. Two queries."""
    out: dict = {"self_review": None, "self_rows": [], "may_self_review": False, "reviewed": None}
    if review.origin == Review.Origin.SELF:
        out["reviewed"] = reviewed_by_reviewer(self_review=review, user=user)
        return out
    if review.is_calibration:
        return out
    is_agent = review.agent.user_id == user.pk
    mine = Review.objects.filter(contact_id=review.contact_id, origin=Review.Origin.SELF, is_calibration=False)
    if not is_agent:
        mine = mine.filter(submitted_at__isnull=False)
    self_review = mine.prefetch_related("answers").first()
    out["may_self_review"] = is_agent and review.status in COUNTED_STATUSES and self_review is None
    if self_review is None:
        return out
    out["self_review"] = self_review
    if self_review.submitted_at is None:
        return out
    theirs = {a.criterion_id: a for a in review.answers.all()}
    own = {a.criterion_id: a for a in self_review.answers.all()}
    rows = []
    for criterion in criteria:
        if not criterion.applies_to(review.contact.channel):
            continue
        labels = []
        for answer in (theirs.get(criterion.pk), own.get(criterion.pk)):
            value, is_na = (answer.value, answer.is_na) if answer is not None else (None, False)
            labels.append(answer_label(criterion, value, is_na=is_na, points="of_scale", unanswered="—"))
        rows.append(
            SelfReviewRow(criterion=criterion, reviewer=labels[0], agent=labels[1], differs=labels[0] != labels[1])
        )
    out["self_rows"] = rows
    return out


def reviewed_by_reviewer(*, self_review: Review, user: User) -> Review | None:
    """The reviewer's review of the conversation a self-review is about, if `user` may open it."""
    return (
        reviews_for_user(user=user)
        .filter(contact_id=self_review.contact_id, is_calibration=False)
        .exclude(origin=Review.Origin.SELF)
        .first()
    )


def duration_label(seconds: int | float | None) -> str:
    """'under a minute', '6 min', '1 h 05 min': how long, for people."""
    if seconds is None:
        return "—"
    minutes = round(seconds / 60)
    if minutes < 1:
        return "under a minute"
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d} min"


def reviews_blocking(contact_ref) -> QuerySet[Review]:
    """The review that makes a contact "reviewed": non-calibration, not the agent's own self-review."""
    return Review.objects.filter(contact=contact_ref, is_calibration=False).exclude(origin=Review.Origin.SELF)
