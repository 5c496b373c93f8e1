"""Writes of sampling: a run is created, then queued; executing it draws the conversations (the same seed and data
always draw the same ones) and creates an assigned draft review for each that has none. Also the weekly sampling."""

import random
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from celery import current_app
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerUnavailable
from simple_history.utils import bulk_create_with_history

from core import roles
from core.models import Agent, Contact, Team, User
from qa.reviews.models import Review
from qa.reviews.services import has_review
from qa.sampling import notifications
from qa.sampling.models import SamplingRun
from qa.scorecards.models import ScorecardVersion
from qa.scorecards.services import default_version, versions_for_contacts

# The task that executes a run (qa/sampling/tasks.py), sent by its registered name: the tasks call these services.
EXECUTE_TASK = "qa.tasks.sampling_run_execute"


SAMPLING_ATTEMPTS = 3


def reviewers_for_team(*, team: Team) -> "list[User]":
    """Active QA reviewers whose scope covers `team` (they lead it, or it or its vendor is in their scope)."""
    return list(
        User.objects.filter(is_active=True, groups__name=roles.QA_REVIEWER)
        .filter(Q(led_teams=team) | Q(scope__teams=team) | Q(scope__vendors=team.vendor_id))
        .distinct()
        .order_by("pk")
    )


def sample_contacts(
    *, run: SamplingRun, agents: Iterable[Agent], teams: Iterable[Team] | None = None
) -> dict[int, list[int]]:
    """agent id → contact ids drawn for `run`: the same seed and data always give the same draw. `teams` are the
    run's (given for an unsaved run: a preview)."""
    tz = timezone.get_current_timezone()
    start = datetime.combine(run.period_start, time.min, tzinfo=tz)
    end = datetime.combine(run.period_end + timedelta(days=1), time.min, tzinfo=tz)
    agent_ids = sorted(a.pk for a in agents)
    contacts = Contact.objects.filter(
        agent_id__in=agent_ids,
        started_at__gte=start,
        started_at__lt=end,
        team__in=list(teams) if teams is not None else run.teams.all(),
    )
    if run.channel:
        contacts = contacts.filter(channel=run.channel)
    if run.max_csat is not None:
        contacts = contacts.filter(csat__isnull=False, csat__lte=run.max_csat)
    if run.min_handle_seconds is not None:
        contacts = contacts.filter(handle_seconds__gte=run.min_handle_seconds)
    by_agent: dict[int, list[int]] = {agent_id: [] for agent_id in agent_ids}
    for agent_id, contact_id in contacts.order_by("agent_id", "pk").values_list("agent_id", "pk"):
        by_agent[agent_id].append(contact_id)
    picks: dict[int, list[int]] = {}
    for agent_id in agent_ids:
        pool = by_agent[agent_id]
        rng = random.Random(f"{run.seed}:{agent_id}")
        picks[agent_id] = sorted(rng.sample(pool, min(run.per_agent, len(pool))))
    return picks


def assign_by_load(*, items: list[tuple[int, int]], eligible: Mapping[int, list[int]], load: dict[int, int]) -> dict:
    """(contact id, agent user id) → reviewer id: each to the eligible reviewer with the least open work (ties to the
    lowest id), never the agent themself. `eligible` maps agent user id → reviewer ids; `load` is updated."""
    assignment: dict[int, int | None] = {}
    for contact_id, agent_user_id in items:
        candidates = [r for r in eligible.get(agent_user_id, []) if r != agent_user_id]
        if not candidates:
            assignment[contact_id] = None
            continue
        chosen = min(candidates, key=lambda r: (load.get(r, 0), r))
        load[chosen] = load.get(chosen, 0) + 1
        assignment[contact_id] = chosen
    return assignment


def open_load(reviewer_ids: Iterable[int]) -> dict[int, int]:
    rows = (
        Review.objects.filter(reviewer_id__in=list(reviewer_ids), status=Review.Status.DRAFT, submitted_at__isnull=True)
        .values("reviewer_id")
        .annotate(n=Count("pk"))
    )
    return {row["reviewer_id"]: row["n"] for row in rows}


@transaction.atomic
def sampling_run_create(
    *,
    teams: Iterable[Team],
    period_start: date,
    period_end: date,
    per_agent: int = 5,
    seed: int | None = None,
    channel: str = "",
    max_csat: int | None = None,
    min_handle_seconds: int | None = None,
    version: ScorecardVersion | None = None,
    due_in_days: int = 7,
    created_by: User | None = None,
) -> SamplingRun:
    """A run scored with `version`, or, without one, by the scorecard rules: each conversation gets the version its
    rule picks, and the default scorecard (stored as the run's version) where no rule decides."""
    teams = list(teams)
    by_rules = version is None
    if not teams:
        raise ValidationError({"teams": "Choose at least one team."})
    if period_end < period_start:
        raise ValidationError({"period_end": "The period ends before it starts."})
    if not 1 <= per_agent <= 50:
        raise ValidationError({"per_agent": "Between 1 and 50 per agent."})
    version = version or default_version()
    if version is None or version.status != ScorecardVersion.Status.PUBLISHED:
        raise ValidationError({"version": "Publish a scorecard version first."})
    run = SamplingRun.objects.create(
        period_start=period_start,
        period_end=period_end,
        per_agent=per_agent,
        seed=seed if seed is not None else secrets.randbelow(2**31),
        channel=channel,
        max_csat=max_csat,
        min_handle_seconds=min_handle_seconds,
        version=version,
        by_rules=by_rules,
        due_date=timezone.localdate() + timedelta(days=due_in_days),
        created_by=created_by,
    )
    run.teams.set(teams)
    return run


def _sampled_reviews(run: SamplingRun) -> list[Review]:
    """The run's drawn contacts that have no review yet, as unsaved draft reviews assigned by reviewer load."""
    return _draw(run, list(run.teams.select_related("vendor")))


def _draw(run: SamplingRun, teams: list[Team]) -> list[Review]:
    agents = list(Agent.objects.filter(team__in=teams, is_active=True).select_related("user"))
    picks = sample_contacts(run=run, agents=agents, teams=teams)
    wanted = [cid for ids in picks.values() for cid in ids]
    reviewed = set(
        Review.objects.filter(contact_id__in=wanted, is_calibration=False).values_list("contact_id", flat=True)
    )
    contacts = {
        c.pk: c for c in Contact.objects.filter(pk__in=[c for c in wanted if c not in reviewed]).select_related("agent")
    }
    eligible_by_team = {team.pk: [u.pk for u in reviewers_for_team(team=team)] for team in teams}
    items, eligible = [], {}
    for contact_id in sorted(contacts):
        contact = contacts[contact_id]
        items.append((contact_id, contact.agent.user_id))
        eligible.setdefault(contact.agent.user_id, eligible_by_team.get(contact.team_id, []))
    all_reviewers = {r for ids in eligible_by_team.values() for r in ids}
    assignment = assign_by_load(items=items, eligible=eligible, load=open_load(all_reviewers))
    version_ids = {contact_id: run.version_id for contact_id in contacts}
    if run.by_rules:  # each conversation gets its rule's version; the run's own where no rule decides
        picked = versions_for_contacts(list(contacts.values()), fallback=run.version)
        version_ids = {contact_id: version.pk if version else None for contact_id, version in picked.items()}
    return [
        Review(
            contact_id=contact_id,
            agent_id=contacts[contact_id].agent_id,
            team_id=contacts[contact_id].team_id,
            reviewer_id=reviewer_id,
            version_id=version_ids[contact_id],
            due_date=run.due_date,
            sampling_run=run,
        )
        for contact_id, reviewer_id in assignment.items()
    ]


@transaction.atomic
def sampling_run_execute(*, run: SamplingRun) -> int:
    """Draw the run's contacts and create an assigned draft review for each that has none. Safe to run twice, and
    beside another run over the same conversations: what the other run reviewed first is skipped."""
    for attempt in range(1, SAMPLING_ATTEMPTS + 1):
        reviews = _sampled_reviews(run)
        if not reviews:
            break
        try:
            with transaction.atomic():  # one insert for the reviews, one for their history, whatever the size
                bulk_create_with_history(
                    reviews, Review, default_user=run.created_by, default_change_reason=f"Sampled (seed {run.seed})"
                )
            break
        except IntegrityError:
            # A concurrent run (or request) reviewed one of these contacts after the draw read them: it has committed
            # by now, so drawing again skips those contacts.
            if not has_review(r.contact_id for r in reviews):
                raise
            if attempt == SAMPLING_ATTEMPTS:
                raise ValidationError(
                    "Other reviews of these conversations were being created at the same time; nothing was sampled. "
                    "Run the sampling again: conversations that have a review are skipped."
                ) from None
    SamplingRun.objects.filter(pk=run.pk).update(executed_at=timezone.now(), picked=F("picked") + len(reviews))
    notifications.sampling_assigned(run=run, reviews=reviews)
    return len(reviews)


@dataclass
class SamplingPreview:
    seed: int  # the seed the confirmed run uses, so it draws exactly what was previewed
    total: int
    per_agent: list[tuple[Agent, int]]  # every active agent of the teams, with how many of theirs would be drawn
    per_reviewer: list[tuple[User | None, int]]  # None: no reviewer in scope, the reviews stay unassigned
    per_version: list[tuple[ScorecardVersion, int]]  # the scorecards the reviews would be scored with


def sampling_preview(
    *,
    teams: Iterable[Team],
    period_start: date,
    period_end: date,
    per_agent: int = 5,
    seed: int | None = None,
    channel: str = "",
    max_csat: int | None = None,
    min_handle_seconds: int | None = None,
    version: ScorecardVersion | None = None,
) -> SamplingPreview:
    """What a run with these filters would draw and whom it would assign, as of now; nothing is saved. A blank seed
    gets one here, which the confirmed run must reuse (sampling_run_start(seed=preview.seed))."""
    teams = list(teams)
    run = SamplingRun(
        period_start=period_start,
        period_end=period_end,
        per_agent=per_agent,
        seed=seed if seed is not None else secrets.randbelow(2**31),
        channel=channel,
        max_csat=max_csat,
        min_handle_seconds=min_handle_seconds,
        version=version or default_version(),
        by_rules=version is None,
    )
    reviews = _draw(run, teams)
    by_agent: dict[int, int] = {}
    by_reviewer: dict[int | None, int] = {}
    by_version: dict[int, int] = {}
    for review in reviews:
        by_agent[review.agent_id] = by_agent.get(review.agent_id, 0) + 1
        by_reviewer[review.reviewer_id] = by_reviewer.get(review.reviewer_id, 0) + 1
        by_version[review.version_id] = by_version.get(review.version_id, 0) + 1
    versions = ScorecardVersion.objects.select_related("template").in_bulk(list(by_version))
    agents = Agent.objects.filter(team__in=teams, is_active=True).select_related("user", "team")
    reviewers = {u.pk: u for u in User.objects.filter(pk__in=[r for r in by_reviewer if r is not None])}
    return SamplingPreview(
        seed=run.seed,
        total=len(reviews),
        per_agent=sorted(
            ((a, by_agent.get(a.pk, 0)) for a in agents), key=lambda row: (row[0].team.name, row[0].name, row[0].pk)
        ),
        per_reviewer=sorted(
            ((reviewers.get(r) if r is not None else None, n) for r, n in by_reviewer.items()),
            key=lambda row: (row[0] is None, row[0].get_full_name() if row[0] else "", row[0].pk if row[0] else 0),
        ),
        per_version=sorted(
            ((versions[v], n) for v, n in by_version.items() if v in versions), key=lambda row: (-row[1], str(row[0]))
        ),
    )


def last_week(today: date | None = None) -> tuple[date, date]:
    """Monday to Sunday of the week before `today`'s: the weekly job's period, and the sampling form's default."""
    today = today or timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    return monday - timedelta(days=7), monday - timedelta(days=1)


def _queue_execute(run: SamplingRun) -> None:
    """Execute the run once the current transaction commits (at once when there is none, or no broker)."""
    current_app.tasks[EXECUTE_TASK].delay_on_commit(run.pk)


@dataclass
class SamplingStart:
    run: SamplingRun
    problem: str = ""  # why the run did not start, or failed (it is saved either way); empty when it is under way


def sampling_run_start(*, created_by: User, **fields) -> SamplingStart:
    """Create a run (ValidationError when it cannot be, and nothing is saved) and queue its execution.

    `fields` are sampling_run_create's. The run is saved even when the task queue is unreachable, or when the
    execution (run at once when no queue is configured) lost a race with other reviews of the same conversations:
    then `problem` says so."""
    run = sampling_run_create(created_by=created_by, **fields)
    try:
        _queue_execute(run)
    except BrokerUnavailable:
        return SamplingStart(
            run,
            f"The sampling run (seed {run.seed}) is saved but the task queue is unreachable, so it has not started. "
            "Try again in a few minutes.",
        )
    except ValidationError as error:  # run at once (no queue configured) and lost a race with another
        return SamplingStart(run, " ".join(error.messages))
    return SamplingStart(run)


def sampling_weekly(*, per_agent: int = 5) -> list[int]:
    """One run per active team for last week (work spreads by team), each queued; the ids of the runs created.
    A second call for the same week adds nothing."""
    start, end = last_week()
    if default_version() is None:
        return []
    run_ids: list[int] = []
    for team in Team.objects.filter(is_active=True).order_by("pk"):
        with transaction.atomic():
            if SamplingRun.objects.filter(
                teams=team, period_start=start, period_end=end, created_by__isnull=True
            ).exists():
                continue
            run = sampling_run_create(teams=[team], period_start=start, period_end=end, per_agent=per_agent)
            _queue_execute(run)
        run_ids.append(run.pk)
    return run_ids
