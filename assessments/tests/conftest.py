import pytest

from assessments import selectors, services
from assessments.tests.factories import CandidateFactory, RequisitionFactory
from core import roles
from core.tests.factories import UserFactory


@pytest.fixture
def second_hiring_user(db):
    return UserFactory(roles=[roles.HIRING_MANAGER])


@pytest.fixture
def requisition(hiring_user, second_hiring_user, team):
    return RequisitionFactory(hiring_team=[hiring_user, second_hiring_user], team=team)


@pytest.fixture
def candidate(requisition):
    return CandidateFactory(requisition=requisition)


@pytest.fixture
def other_requisition(db):
    """A requisition no fixture user is on."""
    return RequisitionFactory(hiring_team=[UserFactory(roles=[roles.HIRING_MANAGER])])


@pytest.fixture
def other_candidate(other_requisition):
    return CandidateFactory(requisition=other_requisition)


def score(
    *,
    candidate,
    user,
    stage="behavioural",
    by_skill=None,
    default=3,
    nee_skills=(),
    recommendation="yes",
    scenario=None,
    submit=True,
):
    """Score every item of a kit through the services: by_skill[code] or default; nee_skills get NEE."""
    by_skill = by_skill or {}
    interview = services.interview_start(candidate=candidate, stage=stage, interviewer=user, scenario=scenario)
    for item in selectors.interview_items(interview=interview):
        code = item.skill.code
        if code in nee_skills:
            services.rating_save(interview=interview, item_key=item.key, score=None, not_enough_evidence=True)
        else:
            services.rating_save(
                interview=interview, item_key=item.key, score=by_skill.get(code, default), evidence=f"seen {code}"
            )
    if submit:
        services.interview_submit(interview=interview, recommendation=recommendation)
    interview.refresh_from_db()
    return interview
