"""Reviewer performance for QA leads: per reviewer in scope, reviews done by origin, time to grade, overdue drafts,
disputes against their reviews and their outcome, calibration distance. Each figure is one grouped query over the
reviewers of the page (PERCENTILE_CONT for medians on PostgreSQL; on SQLite one query of the values, the median taken
in Python), so the page runs a constant number of queries whatever the number of reviewers or reviews."""

from collections import defaultdict
from datetime import date
from statistics import median

from django.db import connection
from django.db.models import (
    Aggregate,
    Avg,
    Count,
    DecimalField,
    DurationField,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Extract

from core import roles
from core.models import User
from qa.calibration.selectors import closed_participations, eligible_participants, sessions_for_user
from qa.reviews.models import Review
from qa.reviews.selectors import reviews_for_user

NO_SCORE = Value(-1, output_field=DecimalField(max_digits=5, decimal_places=2))  # a null score compares as -1
ORIGINS = [origin for origin in Review.Origin if origin != Review.Origin.SELF]


class Median(Aggregate):
    """PostgreSQL's continuous median of a numeric expression."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def reviewers_in_scope(*, user: User) -> QuerySet[User]:
    """QA reviewers a lead follows: every one for admins; for a QA lead those whose scope covers a vendor of theirs
    (a partner's QA lead: that partner's reviewers)."""
    reviewers = User.objects.filter(groups__name=roles.QA_REVIEWER, is_active=True)
    if not roles.is_admin(user):
        reviewers = reviewers.filter(pk__in=eligible_participants(lead=user).values("pk"))
    return reviewers.order_by("last_name", "first_name", "username")


def _own_reviews(*, user: User, reviewer_ids: list[int]) -> QuerySet[Review]:
    """Reviews of agents in the viewer's scope by these reviewers: not calibration, not self-reviews."""
    return (
        reviews_for_user(user=user)
        .filter(reviewer_id__in=reviewer_ids, is_calibration=False)
        .exclude(origin=Review.Origin.SELF)
    )


def _medians(qs: QuerySet[Review], *, grade: bool) -> dict[int, dict]:
    """Median seconds from opening to submitting (`grade`) or of active time, per reviewer: one query."""
    if connection.vendor == "postgresql":
        if grade:
            value = Extract(
                ExpressionWrapper(F("submitted_at") - F("opened_at"), output_field=DurationField()), "epoch"
            )
        else:
            value = F("active_seconds")
        rows = qs.values("reviewer_id").annotate(median=Median(value), n=Count("pk"))
        return {row["reviewer_id"]: {"median": row["median"], "n": row["n"]} for row in rows}
    values: dict[int, list[float]] = defaultdict(list)
    if grade:
        for reviewer_id, opened, submitted in qs.values_list("reviewer_id", "opened_at", "submitted_at"):
            values[reviewer_id].append((submitted - opened).total_seconds())
    else:
        for reviewer_id, seconds in qs.values_list("reviewer_id", "active_seconds"):
            values[reviewer_id].append(seconds)
    return {key: {"median": median(found), "n": len(found)} for key, found in values.items()}


def reviewer_performance(*, user: User, reviewer_ids: list[int], start: date, end: date, today: date) -> dict:
    """Figures per reviewer id of `reviewer_ids` for reviews submitted (disputes raised, sessions closed) from
    `start` to `end`: {reviewer_id: {figure: value}}. Seven queries whatever the number of reviewers."""
    own = _own_reviews(user=user, reviewer_ids=reviewer_ids)
    submitted = own.filter(submitted_at__date__gte=start, submitted_at__date__lte=end)
    figures: dict[int, dict] = {pk: {} for pk in reviewer_ids}

    done = submitted.values("reviewer_id").annotate(
        done=Count("pk"), **{f"done_{origin.value}": Count("pk", filter=Q(origin=origin)) for origin in ORIGINS}
    )
    for row in done:
        figures[row.pop("reviewer_id")].update(row)

    timed = submitted.filter(opened_at__isnull=False)
    for key, row in _medians(timed, grade=True).items():
        figures[key].update(grade_median=row["median"], timed=row["n"])
    for key, row in _medians(timed, grade=False).items():
        figures[key]["active_median"] = row["median"]

    overdue = (
        own.filter(status=Review.Status.DRAFT, submitted_at__isnull=True, due_date__lt=today)
        .values("reviewer_id")
        .annotate(n=Count("pk"))
    )
    for row in overdue:
        figures[row["reviewer_id"]]["overdue"] = row["n"]

    # A resolved dispute upheld the review when its score is the one it had when the agent disputed it.
    history = Review.history.model.objects.filter(id=OuterRef("pk"), status=Review.Status.DISPUTED).order_by(
        "-history_date", "-history_id"
    )
    disputed = (
        own.filter(disputed_at__date__gte=start, disputed_at__date__lte=end)
        .annotate(disputed_score=Coalesce(Subquery(history.values("score")[:1]), NO_SCORE))
        .annotate(now_score=Coalesce(F("score"), NO_SCORE))
    )
    resolved = Q(status=Review.Status.RESOLVED)
    disputes = disputed.values("reviewer_id").annotate(
        disputes=Count("pk"),
        disputes_pending=Count("pk", filter=Q(status=Review.Status.DISPUTED)),
        disputes_upheld=Count("pk", filter=resolved & Q(now_score=F("disputed_score"))),
        disputes_changed=Count("pk", filter=resolved & ~Q(now_score=F("disputed_score"))),
    )
    for row in disputes:
        figures[row.pop("reviewer_id")].update(row)

    sessions = sessions_for_user(user=user).values("pk")
    calibration = (
        closed_participations()
        .filter(
            user_id__in=reviewer_ids,
            session__in=sessions,
            session__results_opened_at__date__gte=start,
            session__results_opened_at__date__lte=end,
        )
        .values("user_id")
        .annotate(calibration_distance=Avg("abs_distance"), calibration_sessions=Count("session", distinct=True))
    )
    for row in calibration:
        figures[row.pop("user_id")].update(row)
    return figures
