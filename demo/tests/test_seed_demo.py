"""seed_demo as a new user meets it: a short output with every login, and data that tells a current story on the
pages (QA figures of the last 30 days, hiring times in stage, openings against hires, a gold set that was run,
coaching goals with current figures). Seeded once (it takes a while), then seeded again to show nothing changes."""

import logging
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from assessments.models import Candidate, Interview, Requisition, Stage, StageMove
from assessments.selectors import stage_stats
from coaching.models import CoachingPlan, CoachingSession, Goal, GoalMeasurement
from core.models import Agent, Contact, Team, User, Vendor
from dashboards import selectors as dash
from dashboards.periods import default_filters
from demo.org import demo_logins
from metrics.models import AgentDay
from qa.models import (
    COUNTED_STATUSES,
    CalibrationAssignment,
    CalibrationParticipant,
    CalibrationSession,
    GoldSet,
    Review,
)
from qa.scorecards.services import default_version

MAX_OUTPUT_LINES = 30
COUNTED_MODELS = (
    Vendor,
    Team,
    Agent,
    User,
    Contact,
    AgentDay,
    Review,
    Requisition,
    Candidate,
    StageMove,
    Interview,
    CalibrationSession,
    GoldSet,
    CoachingPlan,
    Goal,
    GoalMeasurement,
    CoachingSession,
)


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED_MODELS}


def check_output(out: str, err: str, records: list[logging.LogRecord]) -> None:
    """A few lines per step and the summary, every login; no line per security event or Celery task."""
    lines = [line for line in (out + err).splitlines() if line.strip()]
    assert len(lines) <= MAX_OUTPUT_LINES, "\n".join(lines)
    for username, _ in demo_logins():
        assert f"  {username} " in out
    assert "Demo data ready" in out
    noisy = [r for r in records if r.levelno < logging.WARNING and r.name.startswith(("skillhub.security", "celery"))]
    assert noisy == [], [r.getMessage() for r in noisy[:5]]


def check_agent_landing() -> None:
    """The demo agent's landing (My dashboard, last 30 days) has a QA figure with reviews behind it."""
    ana = Agent.objects.get(user__username="agent")
    period = default_filters().period
    own = dash.agent_and_team(agent=ana, period=period, grain="day")["totals"]["own"]
    assert own["qa_reviews"] >= 1 and own["qa_score"] is not None, own


def check_qa_coverage() -> None:
    """Most active agents have a counted review of a contact in the last 30 days; none is dated in the future."""
    today = timezone.localdate()
    active = Agent.objects.filter(is_active=True)
    reviewed = (
        Review.objects.filter(
            agent__in=active,
            is_calibration=False,
            status__in=COUNTED_STATUSES,
            contact__day__gte=today - timedelta(days=29),
        )
        .values("agent")
        .distinct()
        .count()
    )
    assert reviewed > active.count() / 2, (reviewed, active.count())
    # The team dashboard's coverage figure reads the same way.
    period = default_filters().period
    (row, *_) = dash.agent_table(agents=active, period=period)
    assert row["agents_reviewed"] > row["agents_worked"] / 2, row
    released = Review.objects.filter(is_calibration=False, submitted_at__isnull=False)
    assert not released.filter(submitted_at__gt=timezone.now()).exists()
    # Reviewed when the work happened, not all on the day the demo was seeded.
    assert released.filter(submitted_at__lt=timezone.now() - timedelta(days=30)).exists()


def check_hiring() -> None:
    stages = stage_stats(requisitions=Requisition.objects.all())
    passed_through = [row for row in stages if row["left"]]
    assert passed_through
    for row in passed_through:
        assert row["mean_days"] is not None and row["mean_days"] >= 0.5, row
    for requisition in Requisition.objects.all():
        hires = requisition.candidates.filter(stage=Stage.HIRED).count()
        assert hires <= requisition.openings, (requisition.title, hires, requisition.openings)


def check_gold_set() -> None:
    runs = CalibrationSession.objects.filter(gold_set__isnull=False, status=CalibrationSession.Status.CLOSED)
    assert runs.exists()
    results = CalibrationParticipant.objects.filter(session__in=runs, agreement_pct__isnull=False)
    assert results.count() >= 2
    # Every closed session's results page has the blind answers it reads (submitted before the results opened).
    for session in CalibrationSession.objects.filter(status=CalibrationSession.Status.CLOSED):
        counted = CalibrationAssignment.objects.filter(
            participant__session=session, review__submitted_at__lte=session.results_opened_at
        )
        scored = set(counted.values_list("participant_id", flat=True))
        assert scored and scored == set(session.participants.values_list("pk", flat=True)), session.title


def check_coaching() -> None:
    today = timezone.localdate()
    goals = Goal.objects.filter(plan__agent__user__username="agent")
    assert goals.exists()
    for goal in goals:
        assert goal.current_value is not None and goal.current_sample > 0, goal
        assert goal.measured_on == today


def check_autoqa(client) -> None:
    """The demo scorecard's published version has its detectors; a demo review's page still renders for the reviewer
    (its reviews were scored with the version before)."""
    version = default_version()
    assert version.number == 2 and version.criteria.filter(key="greeted", detector="phrases").exists()
    reviewer = User.objects.get(username="reviewer")
    review = Review.objects.filter(reviewer=reviewer, is_calibration=False, submitted_at__isnull=False).first()
    client.force_login(reviewer)
    response = client.get(reverse("qa:review-detail", args=[review.pk]))
    assert response.status_code == 200 and review.contact.external_id in response.content.decode()


@pytest.mark.django_db
def test_seed_demo_is_short_tells_a_current_story_and_runs_twice(capfd, caplog, client):
    caplog.set_level(logging.INFO)
    call_command("seed_demo")
    out, err = capfd.readouterr()
    check_output(out, err, caplog.records)
    assert Vendor.objects.count() == 2 and Team.objects.count() == 4 and Agent.objects.count() >= 40
    assert Vendor.objects.filter(kind="partner").count() == 1

    check_agent_landing()
    check_qa_coverage()
    check_hiring()
    check_gold_set()
    check_coaching()
    check_autoqa(client)

    counts = _counts()
    call_command("seed_demo")
    assert _counts() == counts
