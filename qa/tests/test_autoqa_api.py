"""AutoQA's API: /api/v1/auto-reviews/ scoped like reviews, filtered, flat in queries; /api/v1/auto-criteria/ with the
agreement of released human answers with the suggestions they were shown, computed in the database."""

from datetime import UTC, datetime

import pytest
from rest_framework.test import APIClient

from core import roles
from core.tests.factories import AgentFactory, ContactFactory, ScopeFactory, UserFactory
from qa.reviews import services as review_services
from qa.scoring import RawAnswer
from qa.tests.conftest import full_answers
from qa.tests.test_autoqa_ui import make_auto_review

URL = "/api/v1/auto-reviews/"
CRITERIA_URL = "/api/v1/auto-criteria/"


@pytest.fixture
def api():
    return APIClient()


def _contact(agent, day: int, external_id: str | None = None):
    started = datetime(2026, 3, day, 10, tzinfo=UTC)
    kwargs = {"external_id": external_id} if external_id else {}
    return ContactFactory(agent=agent, started_at=started, transcript="Agent: Hello\nCustomer: Hi", **kwargs)


@pytest.fixture
def two_vendors(version, agent, other_agent):
    """An automatic review on each vendor's agent."""
    mine = make_auto_review(_contact(agent, 3, "IN-1"), version)
    theirs = make_auto_review(_contact(other_agent, 4, "PART-1"), version)
    return {"mine": mine, "theirs": theirs}


def test_auto_reviews_give_the_fields_of_the_issue(api, two_vendors, reviewer_user, version):
    api.force_authenticate(reviewer_user)
    response = api.get(URL)
    assert response.status_code == 200
    assert response.data["count"] == 1  # paginated, the in-house vendor's only
    row = response.data["results"][0]
    assert row["external_id"] == "IN-1" and row["contact"] == two_vendors["mine"].contact_id
    assert row["score"] == 62.5 and row["flags"] == ["pii_card_number"]
    assert row["sentiment"] == {"start": -0.6, "end": 0.4}
    assert row["engine"] == "test-1" and row["scored_at"]
    by_code = {c["code"]: c for c in row["criteria"]}
    assert by_code[version.c_listen.key]["answer"] == 1 and by_code[version.c_listen.key]["source"] == "rule"
    assert by_code[version.c_solve.key]["source_version"] == "m3" and by_code[version.c_solve.key]["counts"] is False
    assert by_code[version.c_calm.key]["is_na"] is True and "[card]" in by_code[version.c_listen.key]["evidence"]


def test_auto_reviews_agent_sees_only_their_own(api, two_vendors, agent, version):
    make_auto_review(_contact(AgentFactory(team=agent.team), 5, "COLLEAGUE"), version)
    api.force_authenticate(agent.user)
    response = api.get(URL)
    assert [r["external_id"] for r in response.data["results"]] == ["IN-1"]
    assert api.get(f"{URL}{two_vendors['theirs'].pk}/").status_code == 404


def test_auto_reviews_lead_sees_their_scope(api, two_vendors, lead_user):
    api.force_authenticate(lead_user)
    assert [r["external_id"] for r in api.get(URL).data["results"]] == ["IN-1"]
    assert api.get(f"{URL}{two_vendors['mine'].pk}/").status_code == 200


def test_auto_reviews_another_vendors_object_is_404(api, two_vendors, partner_team):
    partner_reviewer = UserFactory(roles=[roles.QA_REVIEWER])
    ScopeFactory(user=partner_reviewer, vendors=[partner_team.vendor])
    api.force_authenticate(partner_reviewer)
    assert api.get(f"{URL}{two_vendors['mine'].pk}/").status_code == 404
    assert api.get(f"{URL}{two_vendors['theirs'].pk}/").status_code == 200


def test_auto_reviews_refused_to_hiring_managers_and_anonymous(api, two_vendors, hiring_user):
    assert api.get(URL).status_code == 403
    api.force_authenticate(hiring_user)
    assert api.get(URL).status_code == 403


def test_auto_reviews_filters(api, two_vendors, reviewer_user, agent, team, version):
    colleague = AgentFactory(team=team)
    make_auto_review(_contact(colleague, 20, "IN-2"), version)
    api.force_authenticate(reviewer_user)

    def ids(query: str) -> list[str]:
        response = api.get(f"{URL}?{query}")
        assert response.status_code == 200, response.data
        return sorted(r["external_id"] for r in response.data["results"])

    assert ids(f"agent={agent.pk}") == ["IN-1"]
    assert ids(f"team={team.pk}") == ["IN-1", "IN-2"]
    assert ids("start=2026-03-10") == ["IN-2"]
    assert ids("end=2026-03-10") == ["IN-1"]
    assert ids("external_id=IN-2") == ["IN-2"]


def test_auto_reviews_bad_filter_is_400(api, two_vendors, reviewer_user, other_agent):
    api.force_authenticate(reviewer_user)
    assert api.get(f"{URL}?start=not-a-date").status_code == 400
    assert api.get(f"{URL}?agent={other_agent.pk}").status_code == 400  # another vendor's agent: not a choice
    assert api.get(f"{URL}?team=abc").status_code == 400


@pytest.mark.parametrize("n", [2, 20])
def test_auto_reviews_query_count_is_flat(api, version, agent, reviewer_user, n, django_assert_max_num_queries):
    for day in range(n):
        make_auto_review(_contact(agent, 1 + day % 28), version)
    api.force_authenticate(reviewer_user)
    with django_assert_max_num_queries(8):
        response = api.get(URL)
    assert response.status_code == 200 and response.data["count"] == n


def test_auto_reviews_in_the_schema(api):
    body = api.get("/api/schema/").content.decode()
    assert "/api/v1/auto-reviews/" in body and "/api/v1/auto-criteria/" in body


# auto-criteria ----------------------------------------------------------------------------------------------------


@pytest.fixture
def detected(version):
    for criterion, code in ((version.c_listen, "phrases"), (version.c_calm, "sentiment")):
        criterion.detector = code
        criterion.save(update_fields=["detector"])
    return version


def _released(version, contact, reviewer, answers):
    review = review_services.review_create(contact=contact, reviewer=reviewer, version=version)
    return review_services.review_save(review=review, actor=reviewer, answers=answers, lock_version=0, submit=True)


def test_auto_criteria_give_agreement_of_released_human_answers(api, detected, agent, reviewer_user):
    version = detected
    # Two released reviews shown suggestions: listening agreed once (Yes/Yes) and overridden once (No vs Yes)
    for listen in (1, 0):
        contact = _contact(agent, 3 + listen)
        make_auto_review(contact, version, listen=1, calm_na=True)
        answers = {**full_answers(version, calm_na=True), version.c_listen.pk: RawAnswer(listen)}
        _released(version, contact, reviewer_user, answers)
    # A draft (not released) is left out
    draft_contact = _contact(agent, 9)
    make_auto_review(draft_contact, version)
    draft = review_services.review_create(contact=draft_contact, reviewer=reviewer_user, version=version)
    review_services.review_save(
        review=draft, actor=reviewer_user, answers={version.c_listen.pk: RawAnswer(1)}, lock_version=0
    )
    api.force_authenticate(reviewer_user)
    response = api.get(CRITERIA_URL)
    assert response.status_code == 200
    rows = {r["key"]: r for r in response.data["results"]}
    assert set(rows) == {version.c_listen.key, version.c_calm.key}  # criteria without a detector are left out
    listen = rows[version.c_listen.key]
    assert (listen["detector"], listen["n_suggested"], listen["n_agreed"], listen["agreement"]) == (
        "phrases",
        2,
        1,
        0.5,
    )
    calm = rows[version.c_calm.key]
    assert (calm["n_suggested"], calm["n_agreed"], calm["agreement"]) == (2, 2, 1.0)  # N/A suggested, N/A answered


def test_auto_criteria_count_only_the_callers_scope(api, detected, other_agent, partner_team):
    version = detected
    partner_reviewer = UserFactory(roles=[roles.QA_REVIEWER])
    ScopeFactory(user=partner_reviewer, vendors=[partner_team.vendor])
    contact = _contact(other_agent, 3)
    make_auto_review(contact, version)
    _released(version, contact, partner_reviewer, full_answers(version, calm_na=True))
    in_house = UserFactory(roles=[roles.QA_REVIEWER])
    api.force_authenticate(in_house)
    rows = {r["key"]: r for r in api.get(CRITERIA_URL).data["results"]}
    assert rows[version.c_listen.key]["n_suggested"] == 0 and rows[version.c_listen.key]["agreement"] is None
    api.force_authenticate(partner_reviewer)
    rows = {r["key"]: r for r in api.get(CRITERIA_URL).data["results"]}
    assert rows[version.c_listen.key]["n_suggested"] == 1


@pytest.mark.parametrize("role", [roles.AGENT, roles.HIRING_MANAGER])
def test_auto_criteria_refused_to_agents_and_hiring_managers(api, detected, role):
    api.force_authenticate(UserFactory(roles=[role]))
    assert api.get(CRITERIA_URL).status_code == 403


def test_auto_criteria_open_to_ops_leads(api, detected, lead_user):
    api.force_authenticate(lead_user)
    assert api.get(CRITERIA_URL).status_code == 200
