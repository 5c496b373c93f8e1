import pytest
from django.urls import reverse

from assessments.tests.conftest import score
from assessments.tests.factories import CandidateFactory
from skillhub import skill_codes

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
