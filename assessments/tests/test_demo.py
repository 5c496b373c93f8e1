import random

import pytest

from assessments.demo import seed_hiring
from assessments.models import ASSESSMENT_STAGES, AgentSkillBaseline, Candidate, Interview, Rating, Requisition, Stage
from skillhub.demo import seed_org

pytestmark = pytest.mark.django_db


def test_seed_hiring_fills_every_stage_and_runs_twice():
    seed_org(rng=random.Random(1))
    seed_hiring(rng=random.Random(2))
    counts = (Requisition.objects.count(), Candidate.objects.count(), Interview.objects.count(), Rating.objects.count())
    seed_hiring(rng=random.Random(2))
    assert (
        Requisition.objects.count(),
        Candidate.objects.count(),
        Interview.objects.count(),
        Rating.objects.count(),
    ) == counts
    open_requisitions = Requisition.objects.filter(status=Requisition.Status.OPEN)
    assert open_requisitions.count() == 2
    for requisition in open_requisitions:
        assert requisition.hiring_team.filter(username="hiring").exists()
        stages = set(requisition.candidates.values_list("stage", flat=True))
        assert {str(stage) for stage in ASSESSMENT_STAGES} | {Stage.HIRED, Stage.REJECTED} <= stages
    assert Interview.objects.filter(status=Interview.Status.SUBMITTED).count() > 20
    assert Interview.objects.filter(status=Interview.Status.DRAFT).exists()
    assert AgentSkillBaseline.objects.values("agent").distinct().count() >= 6
