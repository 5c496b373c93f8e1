import pytest
from django.urls import reverse

from assessments.tests.conftest import score
from assessments.tests.factories import CandidateFactory
from core import skill_codes

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("fixture", "count"),
    [("hiring_user", 1), ("admin_user", 2), ("lead_user", 0), ("reviewer_user", 0), ("agent_user", 0)],
)
def test_api_lists_are_scoped(client, request, fixture, count, candidate, other_candidate):
    client.force_login(request.getfixturevalue(fixture))
    for name in ("requisition-list", "candidate-list"):
        response = client.get(reverse(name))
        assert response.status_code == 200
        assert response.json()["count"] == count


@pytest.mark.parametrize("fixture", ["lead_user", "reviewer_user", "agent_user", "hiring_user"])
def test_api_detail_out_of_scope_is_404(client, request, fixture, other_candidate):
    client.force_login(request.getfixturevalue(fixture))
    assert client.get(reverse("candidate-detail", args=[other_candidate.pk])).status_code == 404
    assert client.get(reverse("requisition-detail", args=[other_candidate.requisition_id])).status_code == 404


def test_api_needs_authentication(client, candidate):
    assert client.get(reverse("candidate-list")).status_code == 403


def test_api_candidate_scores_are_blind_until_own_submission(client, candidate, hiring_user, second_hiring_user):
    score(
        candidate=candidate, user=hiring_user, by_skill={skill_codes.COMMUNICATION: 4}, default=3, recommendation="yes"
    )
    client.force_login(second_hiring_user)
    row = client.get(reverse("candidate-detail", args=[candidate.pk])).json()
    assert row["scores_visible"] is False
    assert row["skill_scores"] is None and row["weighted_score"] is None and row["recommendations"] is None
    listed = client.get(reverse("candidate-list")).json()["results"][0]
    assert listed["skill_scores"] is None and listed["recommendations"] is None
    score(candidate=candidate, user=second_hiring_user, default=3, recommendation="strong_yes")
    row = client.get(reverse("candidate-detail", args=[candidate.pk])).json()
    assert row["scores_visible"] is True
    assert row["skill_scores"][skill_codes.COMMUNICATION] == {"score": 3.5, "n": 6, "not_enough_evidence": 0}
    assert row["recommendations"] == {"yes": 1, "strong_yes": 1}
    assert 3 < row["weighted_score"] < 3.5


def test_api_requisition_fields(client, requisition, hiring_user):
    CandidateFactory(requisition=requisition)
    client.force_login(hiring_user)
    row = client.get(reverse("requisition-detail", args=[requisition.pk])).json()
    assert row["role_profile"] == skill_codes.TECHNICAL_SUPPORT
    assert hiring_user.username in row["hiring_team"] and row["n_candidates"] == 1
    assert row["stages"][0] == "screening"


@pytest.mark.parametrize("n", [2, 15])
def test_api_candidate_list_query_count_is_flat(client, requisition, hiring_user, n, django_assert_max_num_queries):
    for _ in range(n):
        score(candidate=CandidateFactory(requisition=requisition), user=hiring_user, stage="screening")
    client.force_login(hiring_user)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("candidate-list"))
    assert response.json()["count"] == n
    assert all(row["weighted_score"] is not None for row in response.json()["results"])


def test_api_filters_by_requisition_and_stage(client, requisition, hiring_user):
    CandidateFactory(requisition=requisition, stage="role_play")
    CandidateFactory(requisition=requisition)
    client.force_login(hiring_user)
    assert client.get(reverse("candidate-list"), {"stage": "role_play"}).json()["count"] == 1
    assert client.get(reverse("candidate-list"), {"requisition": requisition.pk}).json()["count"] == 2


# Filters by id: an id outside the caller's scope answers exactly like an id that does not exist ----------------------

NOT_A_CHOICE = ["Select a valid choice. That choice is not one of the available choices."]
MISSING = [10**9, "abc", 10**30]  # no such row, not a number, past any database integer


def _same_400_for_out_of_scope_and_missing(client, url, name, out_of_scope_id):
    answers = [client.get(url, {name: value}) for value in [out_of_scope_id, *MISSING]]
    assert [(answer.status_code, answer.json()) for answer in answers] == [(400, {name: NOT_A_CHOICE})] * 4, name


@pytest.fixture
def interviewer(db, requisition, candidate):
    """A hiring manager on our requisition only, who has scored one of its candidates."""
    from core import roles
    from core.tests.factories import UserFactory

    user = UserFactory(roles=[roles.HIRING_MANAGER])
    requisition.hiring_team.add(user)
    score(candidate=candidate, user=user, stage="screening")
    return user


def test_candidate_requisition_filter_answers_another_teams_hiring_manager_like_a_missing_id(
    client, requisition, candidate, other_candidate
):
    other_manager = other_candidate.requisition.hiring_team.get()
    client.force_login(other_manager)
    _same_400_for_out_of_scope_and_missing(client, reverse("candidate-list"), "requisition", requisition.pk)
    # Their own requisition still filters.
    response = client.get(reverse("candidate-list"), {"requisition": other_candidate.requisition_id})
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [other_candidate.pk]


def test_candidate_requisition_filter_answers_an_interviewer_like_a_missing_id(
    client, interviewer, requisition, candidate, other_candidate
):
    client.force_login(interviewer)
    _same_400_for_out_of_scope_and_missing(
        client, reverse("candidate-list"), "requisition", other_candidate.requisition_id
    )
    response = client.get(reverse("candidate-list"), {"requisition": requisition.pk})
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [candidate.pk]


@pytest.mark.parametrize("fixture", ["lead_user", "reviewer_user", "agent_user"])
def test_candidate_requisition_filter_answers_roles_outside_hiring_the_same_for_any_id(
    client, request, fixture, candidate
):
    client.force_login(request.getfixturevalue(fixture))
    _same_400_for_out_of_scope_and_missing(client, reverse("candidate-list"), "requisition", candidate.requisition_id)


def test_candidate_requisition_filter_lets_an_admin_choose_any_requisition(
    client, admin_user, requisition, candidate, other_candidate
):
    client.force_login(admin_user)
    for chosen in (candidate, other_candidate):
        response = client.get(reverse("candidate-list"), {"requisition": chosen.requisition_id})
        assert response.status_code == 200
        assert [row["id"] for row in response.json()["results"]] == [chosen.pk]
    for missing in MISSING:
        response = client.get(reverse("candidate-list"), {"requisition": missing})
        assert (response.status_code, response.json()) == (400, {"requisition": NOT_A_CHOICE}), missing


@pytest.mark.parametrize("fixture", ["hiring_user", "admin_user", "agent_user"])
def test_requisition_role_profile_filter_is_the_public_catalogue_and_never_500(
    client, request, fixture, requisition, other_requisition
):
    """Role profiles are listed to everyone (/api/v1/role-profiles/), so any existing one may be chosen."""
    client.force_login(request.getfixturevalue(fixture))
    response = client.get(reverse("requisition-list"), {"role_profile": other_requisition.role_profile_id})
    assert response.status_code == 200
    for missing in MISSING:
        response = client.get(reverse("requisition-list"), {"role_profile": missing})
        assert (response.status_code, response.json()) == (400, {"role_profile": NOT_A_CHOICE}), missing
