import math
import random
from datetime import date, datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments import selectors, services
from assessments.tests.conftest import score
from assessments.tests.factories import CandidateFactory
from core import skill_codes
from core.models import Skill
from core.tests.factories import ContactFactory
from metrics import rollups
from qa.models import Review, ReviewSkillScore

pytestmark = pytest.mark.django_db
START = date(2026, 1, 5)


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10)))


def _review(
    agent, skill, qa_score, *, day=START + timedelta(days=10), status=Review.Status.RELEASED, calibration=False
):
    contact = ContactFactory(agent=agent, started_at=_at(day))
    review = Review.objects.create(
        contact=contact, agent=agent, team=agent.team, status=status, score=qa_score, is_calibration=calibration
    )
    ReviewSkillScore.objects.create(review=review, skill=skill, score=qa_score)


@pytest.fixture
def hires(requisition, hiring_user, team):
    """Four hires whose communication interview scores are 1..4 and QA communication scores follow them."""
    communication = Skill.objects.get(code=skill_codes.COMMUNICATION)
    agents = []
    for level in (1, 2, 3, 4):
        candidate = CandidateFactory(requisition=requisition)
        score(candidate=candidate, user=hiring_user, by_skill={skill_codes.COMMUNICATION: level}, default=3)
        agent = services.candidate_hire(
            candidate=candidate,
            decided_by=hiring_user,
            reasons="ok",
            team=team,
            start_date=START,
            employee_id=f"H{level}",
        )
        _review(agent, communication, 50 + 10 * level)
        # Outside the first 90 days, and reviews that do not count: all ignored.
        _review(agent, communication, 100 - 20 * level, day=START + timedelta(days=95))
        _review(agent, communication, 100 - 20 * level, status=Review.Status.DRAFT)
        _review(agent, communication, 100 - 20 * level, calibration=True)
        for n in range(level):
            ContactFactory(agent=agent, started_at=_at(START + timedelta(days=n + 1)), csat=5, resolved=True)
        ContactFactory(agent=agent, started_at=_at(START + timedelta(days=20)), csat=1, resolved=False)
        agents.append(agent)
    rollups.rollup_full()
    return agents


def test_predictive_report_correlates_baseline_with_first_90_days(hires, hiring_user):
    report = selectors.predictive_report(user=hiring_user)
    assert report["hires"] == 4 and report["with_qa"] == 4 and report["with_contacts"] == 4
    communication = next(row for row in report["skill_rows"] if row["skill"].code == skill_codes.COMMUNICATION)
    assert communication["n"] == 4 and communication["r"] == pytest.approx(1.0)
    empathy = next(row for row in report["skill_rows"] if row["skill"].code == skill_codes.EMPATHY)
    assert empathy["n"] == 0 and empathy["r"] is None  # no QA empathy scores
    csat = next(row for row in report["kpi_rows"] if row["label"] == "CSAT %")
    assert csat["n"] == 4 and csat["r"] > 0.9
    questions = [row for row in report["question_rows"] if row["skill"].code == skill_codes.COMMUNICATION]
    assert len(questions) == 3 and all(row["r"] == pytest.approx(1.0) and row["n"] == 4 for row in questions)


def test_predictive_report_reads_kpis_from_the_rollups_as_the_metrics_api_does(
    client, requisition, hiring_user, team, admin_user
):
    """FCR (not resolved contacts), CSAT and AHT over each hire's first 90 days: the metrics API's figures."""
    agents = []
    for level in (1, 2, 3):
        candidate = CandidateFactory(requisition=requisition)
        score(candidate=candidate, user=hiring_user, default=level)
        agent = services.candidate_hire(
            candidate=candidate,
            decided_by=hiring_user,
            reasons="ok",
            team=team,
            start_date=START,
            employee_id=f"K{level}",
        )
        for n in range(level):
            # Resolved, but the customer came back on the same case two days later: not first-contact resolved.
            first = ContactFactory(agent=agent, started_at=_at(START + timedelta(days=n)), csat=5, handle_seconds=200)
            ContactFactory(agent=agent, case_id=first.case_id, started_at=_at(START + timedelta(days=n + 2)), csat=3)
        ContactFactory(agent=agent, started_at=_at(START + timedelta(days=89)), csat=4)  # the 90th day counts
        ContactFactory(agent=agent, started_at=_at(START + timedelta(days=90)), csat=1, handle_seconds=9000)
        ContactFactory(agent=agent, started_at=_at(START - timedelta(days=1)), csat=1, handle_seconds=9000)
        agents.append(agent)
    rollups.rollup_full()
    report = selectors.predictive_report(user=hiring_user)
    client.force_login(admin_user)
    period = f"start={START}&end={START + timedelta(days=89)}"
    response = client.get(f"/api/v1/metrics/agents/?{period}")
    api = {row["agent_id"]: row for row in response.json()["results"]}
    for level, agent in enumerate(agents, start=1):
        figures = report["kpis_by_agent"][agent.pk]
        for name in ("contacts", "cases", "fcr_cases", "fcr_pct", "csat_pct", "aht_seconds"):
            assert figures[name] == api[agent.pk][name], name
        assert figures["contacts"] == 2 * level + 1 and figures["fcr_pct"] == pytest.approx(100 / (level + 1))
    assert report["with_contacts"] == 3
    assert [(row["label"], row["n"]) for row in report["kpi_rows"]] == [("CSAT %", 3), ("FCR %", 3), ("AHT (s)", 3)]
    fcr = next(row for row in report["kpi_rows"] if row["label"] == "FCR %")
    assert fcr["r"] == pytest.approx(-0.98, abs=0.01)  # FCR falls as the interview scores rise here


@pytest.mark.parametrize("n", [1, 5])
def test_predictive_report_query_count_is_flat(requisition, hiring_user, team, n, django_assert_max_num_queries):
    for level in range(n):
        candidate = CandidateFactory(requisition=requisition)
        score(candidate=candidate, user=hiring_user, default=level % 4 + 1)
        agent = services.candidate_hire(
            candidate=candidate,
            decided_by=hiring_user,
            reasons="ok",
            team=team,
            start_date=START,
            employee_id=f"Q{level}",
        )
        ContactFactory(agent=agent, started_at=_at(START + timedelta(days=level)), csat=level % 5 + 1)
    rollups.rollup_full()
    with django_assert_max_num_queries(14):
        assert selectors.predictive_report(user=hiring_user)["with_contacts"] == n


def test_predictive_report_is_scoped(hires, other_requisition):
    other_manager = other_requisition.hiring_team.get()
    assert selectors.predictive_report(user=other_manager)["hires"] == 0


def test_pearson_needs_three_and_variation():
    assert selectors.pearson(n=2, sx=3, sy=3, sxx=5, syy=5, sxy=5) is None
    pairs = [(1, 2), (2, 1), (3, 4)]
    stats = selectors._correlate(pairs)
    assert stats["n"] == 3 and stats["r"] == pytest.approx(0.65, abs=0.01)
    assert selectors._correlate([(1, 1), (1, 2), (1, 3)])["r"] is None


def test_report_page_shows_n(client, hires, hiring_user, lead_user):
    client.force_login(hiring_user)
    body = client.get(reverse("assessments:report")).content.decode()
    assert "Communication (written and verbal)" in body and "1.00" in body
    client.force_login(lead_user)
    assert client.get(reverse("assessments:report")).status_code == 403


def test_fisher_interval_and_ranking_by_evidence():
    """r = 1.00 from 3 hires says little (interval −1 to 1); r = 0.6 from 30 hires is evidence: it ranks first."""
    few = selectors._correlate([(1, 1), (2, 2), (3, 3)])
    assert few["r"] == 1.0 and (few["low"], few["high"]) == (-1.0, 1.0) and few["evidence"] == 0
    rng = random.Random(4)
    xs = [rng.gauss(0, 1) for _ in range(30)]
    many = selectors._correlate([(x, 0.75 * x + rng.gauss(0, 0.9)) for x in xs])
    assert many["n"] == 30 and 0.3 < many["r"] < 0.9
    z, half = math.atanh(many["r"]), 1.96 / (30 - 3) ** 0.5
    assert many["low"] == pytest.approx(math.tanh(z - half), abs=0.01)
    assert many["high"] == pytest.approx(math.tanh(z + half), abs=0.01)
    assert many["evidence"] == pytest.approx(many["low"], abs=0.01) and many["low"] > 0
    ranked = selectors.rank_by_evidence([{"label": "few", **few}, {"label": "many", **many}])
    assert [row["label"] for row in ranked] == ["many", "few"]
    negative = selectors._correlate([(x, -y) for x, y in zip(xs, [0.75 * x for x in xs], strict=True)])
    assert negative["evidence"] == pytest.approx(abs(negative["high"]), abs=0.01)


def test_report_page_shows_n_and_the_95_percent_interval(client, hires, hiring_user):
    client.force_login(hiring_user)
    body = client.get(reverse("assessments:report")).content.decode()
    report = selectors.predictive_report(user=hiring_user)
    row = next(row for row in report["skill_rows"] if row["skill"].code == skill_codes.COMMUNICATION)
    assert row["n"] == 4 and row["low"] is not None and row["low"] <= row["r"] <= row["high"]
    assert body.count("95% interval</th>") == 3
    assert f"{row['low']:.2f} to {row['high']:.2f}" in body
