import random

import pytest

from assessments import selectors
from assessments.models import ASSESSMENT_STAGES, AgentSkillBaseline, Candidate, Interview, Rating, Requisition, Stage
from core.models import User
from demo.hiring import seed_hiring, seed_hiring_reviews
from demo.org import seed_org
from metrics.rollups import rollup_full
from qa.models import Review

pytestmark = pytest.mark.django_db


def _counts():
    return (
        Requisition.objects.count(),
        Candidate.objects.count(),
        Interview.objects.count(),
        Rating.objects.count(),
        Review.objects.count(),
    )


def test_seed_hiring_fills_every_stage_feeds_the_report_and_runs_twice():
    seed_org(rng=random.Random(1))
    seed_hiring(rng=random.Random(2))
    seed_hiring_reviews(rng=random.Random(3))
    counts = _counts()
    seed_hiring(rng=random.Random(2))
    seed_hiring_reviews(rng=random.Random(3))
    assert _counts() == counts

    open_requisitions = Requisition.objects.filter(status=Requisition.Status.OPEN)
    assert open_requisitions.count() == 2
    for requisition in open_requisitions:
        assert requisition.hiring_team.filter(username="hiring").exists()
        stages = set(requisition.candidates.values_list("stage", flat=True))
        assert {str(stage) for stage in ASSESSMENT_STAGES} | {Stage.HIRED, Stage.REJECTED} <= stages
    assert Interview.objects.filter(status=Interview.Status.SUBMITTED).count() > 20
    assert Interview.objects.filter(status=Interview.Status.DRAFT).exists()
    assert AgentSkillBaseline.objects.values("agent").distinct().count() >= 6

    assert Review.objects.filter(contact__external_id__startswith="HIRE-", submitted_at__isnull=False).count() >= 30
    rollup_full()  # as seed_demo's contacts seeder does after the hires' contacts exist: the report reads the rollups
    report = selectors.predictive_report(user=User.objects.get(username="hiring"))
    assert report["with_qa"] == 6 and report["with_contacts"] >= 6
    assert any(row["n"] == 6 and row["r"] is not None for row in report["skill_rows"])
