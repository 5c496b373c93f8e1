"""Who hears of QA's events, and what they read. The services call these inside their transaction, each with the
people in scope and a key naming the occurrence, so a rerun (a retried request, a beat task) tells nobody twice.
This module has the reviews' events and the helpers the other topics' notifications use (qa.disputes.notifications,
qa.sampling.notifications, qa.calibration.notifications).

Recipients are computed in a query or two whatever the size of the change; anyone who may not open the object the
notice links to is left out (a partner's reviewer or lead never hears of an in-house review)."""

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from core import roles
from core.models import Delivery, Scope, Team, User
from core.notifications.services import notify
from qa.reviews.models import COUNTED_STATUSES, Review
from qa.rules import QA_LEAD_GROUP

# Overdue reviews: due dates this many days back are still announced (a beat run missed for a few days catches up);
# older ones were announced then.
OVERDUE_LOOKBACK_DAYS = 7
BODY_MAX = 600


def short(text: str, limit: int = BODY_MAX) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def score_label(score: Decimal | None) -> str:
    """86 %, 86.5 %: the score as people read it (one decimal at most); "no score" when none applies."""
    if score is None:
        return "no score"
    return f"{Decimal(score).quantize(Decimal('0.1')).normalize():f} %"


def contact_label(review: Review) -> str:
    return f"contact {review.contact.external_id}"


def review_url(review: Review | int, anchor: str = "") -> str:
    pk = review if isinstance(review, int) else review.pk
    return reverse("qa:review-detail", args=[pk]) + (f"#{anchor}" if anchor else "")


def queue_url(**params: str) -> str:
    query = "&".join(f"{k}={v}" for k, v in {"reviewer": "mine", **params}.items())
    return f"{reverse('qa:queue')}?{query}"


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _be(n: int) -> str:
    return "is" if n == 1 else "are"


# Scope -------------------------------------------------------------------------------------------------------------


def covering(team: Team) -> Q:
    """Users whose scope covers `team`: they lead it, or it or its vendor is in their scope (core's _covered_teams)."""
    return Q(led_teams=team.pk) | Q(scope__teams=team.pk) | Q(scope__vendors=team.vendor_id)


def may_open_review(*, review: Review, user_ids: Iterable[int]) -> set[int]:
    """Of `user_ids`, those who may open `review` (qa.reviews.selectors.reviews_for_user): admins; QA reviewers, and
    ops leads once it is released, whose scope covers the agent's team; the agent once it is released. One query."""
    ids = {pk for pk in user_ids if pk is not None}
    if not ids:
        return set()
    team = review.agent.team
    admin = Q(is_superuser=True) | Q(groups__name=roles.ADMIN)
    if review.is_calibration:
        return set(User.objects.filter(admin, pk__in=ids).values_list("pk", flat=True)) | ({review.reviewer_id} & ids)
    seen_by = admin | (Q(groups__name=roles.QA_REVIEWER) & covering(team))
    if review.status in COUNTED_STATUSES:
        seen_by |= Q(groups__name=roles.OPS_LEAD) & covering(team)
        seen_by |= Q(pk=review.agent.user_id, groups__name=roles.AGENT)
    return set(User.objects.filter(seen_by, pk__in=ids, is_active=True).values_list("pk", flat=True).distinct())


def qa_leads() -> list[int]:
    """Active QA leads (QA reviewers in the QA lead group). Admins are not QA leads here: they see everything and
    would hear of everything."""
    return list(
        User.objects.filter(is_active=True, groups__name=roles.QA_REVIEWER)
        .filter(groups__name=QA_LEAD_GROUP)
        .values_list("pk", flat=True)
        .distinct()
    )


def teams_covered(*, user_ids: list[int]) -> dict[int, set[int]]:
    """user id → ids of the teams their scope covers (led, in scope, or of a vendor in scope). Three queries."""
    covered: dict[int, set[int]] = defaultdict(set)
    if not user_ids:
        return covered
    for user_id, team_id in Team.leads.through.objects.filter(user_id__in=user_ids).values_list("user_id", "team_id"):
        covered[user_id].add(team_id)
    for user_id, team_id in Scope.teams.through.objects.filter(scope__user_id__in=user_ids).values_list(
        "scope__user_id", "team_id"
    ):
        covered[user_id].add(team_id)
    vendor_rows = list(
        Scope.vendors.through.objects.filter(scope__user_id__in=user_ids).values_list("scope__user_id", "vendor_id")
    )
    if vendor_rows:
        teams_of: dict[int, list[int]] = defaultdict(list)
        for team_id, vendor_id in Team.objects.filter(vendor_id__in={v for _, v in vendor_rows}).values_list(
            "pk", "vendor_id"
        ):
            teams_of[vendor_id].append(team_id)
        for user_id, vendor_id in vendor_rows:
            covered[user_id].update(teams_of[vendor_id])
    return covered


# Reviews -----------------------------------------------------------------------------------------------------------


def review_released(*, review: Review, actor: User | None) -> None:
    """The reviewed agent: their review is released, with its score and how long they may dispute it."""
    agent_user = review.agent.user_id
    if not may_open_review(review=review, user_ids=[agent_user]):
        return
    lines = []
    if review.auto_failed:
        lines.append(f"Auto-failed: {review.auto_fail_reason or 'a critical criterion was missed'}.")
    if review.comment:
        lines.append(f"Feedback: {short(review.comment, 400)}")
    # qa.disputes.services.dispute_deadline (disputes build on reviews, so the rule is read here, not imported)
    deadline = review.submitted_at + timedelta(days=settings.QA_DISPUTE_RAISE_DAYS) if review.submitted_at else None
    if deadline is not None:
        lines.append(f"You can acknowledge it, or dispute it until {timezone.localtime(deadline):%-d %b %Y %H:%M}.")
    notify(
        event="review_released",
        users=[agent_user],
        title=f"Your review of {contact_label(review)} was released: {score_label(review.score)}",
        body="\n".join(lines),
        url=review_url(review),
        key=f"review_released:{review.pk}",
        actor=actor,
        action="Open the review",
    )


def _batch_key(prefix: str, reviews: list[Review]) -> str:
    """A key naming one move of these reviews: their ids and lock versions after the move (each move bumps them)."""
    digest = hashlib.sha1(",".join(f"{r.pk}.{r.lock_version}" for r in reviews).encode()).hexdigest()[:20]
    return f"{prefix}:{digest}"


def reviews_assigned(*, moved: list[Review], before: dict[int, int | None], reviewer: User | None, actor: User) -> None:
    """A QA lead's (re)assignment: the new reviewer hears of the reviews that are new to them (one notice), each
    previous assignee of the reviews that left them (one notice each). The actor hears of nothing."""
    moved = sorted(moved, key=lambda r: r.pk)
    new = [r for r in moved if reviewer is not None and before.get(r.pk) != reviewer.pk]
    if new:
        if len(new) == 1:
            title = f"A review was assigned to you: {contact_label(new[0])} ({new[0].agent.name})"
            url = review_url(new[0])
        else:
            title = f"{len(new)} reviews were assigned to you"
            url = queue_url()
        due = sorted({r.due_date for r in new if r.due_date})
        body = f"Assigned by {actor}." + (f" Due {due[0]:%-d %b %Y}." if due else "")
        notify(
            event="review_assigned",
            users=[reviewer],
            title=title,
            body=body,
            url=url,
            key=_batch_key("review_assigned", new),
            actor=actor,
        )
    left: dict[int, list[Review]] = defaultdict(list)
    for review in moved:
        previous = before.get(review.pk)
        if previous is not None and (reviewer is None or previous != reviewer.pk):
            left[previous].append(review)
    for previous, reviews in left.items():
        what = (
            f"Your review of {contact_label(reviews[0])} ({reviews[0].agent.name}) was"
            if len(reviews) == 1
            else f"{len(reviews)} of your reviews were"
        )
        title = f"{what} reassigned to {reviewer}" if reviewer is not None else f"{what} unassigned"
        notify(
            event="review_assigned",
            users=[previous],
            title=title,
            body=f"By {actor}. They are no longer in your queue.",
            url=queue_url(),
            key=_batch_key(f"review_unassigned:{previous}", reviews),
            actor=actor,
        )


def reviews_overdue(*, today: date | None = None) -> int:
    """Drafts past their due date (the queue's Overdue tab): each assignee hears once per due date of theirs ("3
    reviews are overdue"), each QA lead once per due date of the reviews in their scope, unassigned ones included (to
    assign them). Due dates older than
    OVERDUE_LOOKBACK_DAYS were announced before. Returns the notices created."""
    today = today or timezone.localdate()
    overdue = (
        Review.objects.filter(
            status=Review.Status.DRAFT,
            is_calibration=False,
            due_date__lt=today,
            due_date__gte=today - timedelta(days=OVERDUE_LOOKBACK_DAYS),
        )
        .exclude(origin=Review.Origin.SELF)
        .order_by()
    )
    created = 0
    rows = (
        overdue.filter(reviewer__isnull=False)
        .values("reviewer_id", "due_date")
        .annotate(n=Count("pk"))
        .order_by("reviewer_id", "due_date")
    )
    for row in rows:
        n, due = row["n"], row["due_date"]
        created += len(
            notify(
                event="review_overdue",
                users=[row["reviewer_id"]],
                title=f"{plural(n, 'review')} of yours {_be(n)} overdue (due {due:%-d %b})",
                body="Score them, or ask your QA lead to reassign them.",
                url=queue_url(tab="overdue"),
                key=f"review_overdue:mine:{due.isoformat()}",
            )
        )
    by_team: dict[date, Counter] = defaultdict(Counter)
    for row in overdue.values("agent__team_id", "due_date").annotate(n=Count("pk")):
        by_team[row["due_date"]][row["agent__team_id"]] += row["n"]
    if not by_team:
        return created
    _post_overdue_to_teams(by_team)
    leads = qa_leads()
    covered = teams_covered(user_ids=leads)
    for due, teams in sorted(by_team.items()):
        for lead in leads:
            n = sum(count for team_id, count in teams.items() if team_id in covered.get(lead, ()))
            if not n:
                continue
            created += len(
                notify(
                    event="review_overdue",
                    users=[lead],
                    title=f"{plural(n, 'review')} in your scope {_be(n)} overdue (due {due:%-d %b})",
                    body="Open the queue's Overdue tab to reassign them.",
                    url=queue_url(tab="overdue", reviewer="all"),
                    key=f"review_overdue:scope:{due.isoformat()}",
                    default=Delivery.DIGEST,  # a whole scope's backlog: once a day is enough unless they ask
                )
            )
    return created


def _post_overdue_to_teams(by_team: dict[date, Counter]) -> None:
    """Each team's chat channel (if it has one) hears how many of its reviews are overdue, once per due date: no
    names, no scores."""
    for due, teams in sorted(by_team.items()):
        for team_id, n in sorted(teams.items()):
            notify(
                event="review_overdue",
                users=[],
                title=f"{plural(n, 'review')} of the team {_be(n)} overdue (due {due:%-d %b})",
                body="The QA queue's Overdue tab lists them.",
                url=queue_url(tab="overdue", reviewer="all"),
                key=f"review_overdue:team:{team_id}:{due.isoformat()}",
                team_id=team_id,
            )
