import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from core.tests.factories import AgentFactory, ContactFactory
from qa.models import Review
from qa.reviews import services as review_services
from qa.scorecards import services as scorecard_services
from qa.tests.conftest import full_answers


@pytest.fixture
def api():
    return APIClient()


def _answers_payload(version):
    rows = [
        {"criterion": version.c_listen.pk, "value": 1},
        {"criterion": version.c_solve.pk, "value": 4, "comment": "Nearly the root cause"},
        {"criterion": version.c_data.pk, "value": 1},
        {"criterion": version.c_calm.pk, "is_na": True},
    ]
    return rows


def test_reviewer_creates_answers_and_submits_a_review_by_api(api, version, contact, reviewer_user):
    api.force_authenticate(reviewer_user)
    created = api.post("/api/v1/reviews/", {"contact": contact.external_id, "version": version.pk}, format="json")
    assert created.status_code == 201, created.data
    review_id = created.data["id"]
    assert created.data["status"] == "draft" and created.data["score"] is None
    saved = api.post(
        f"/api/v1/reviews/{review_id}/answers/",
        {"lock_version": created.data["lock_version"], "answers": _answers_payload(version)},
        format="json",
    )
    assert saved.status_code == 200, saved.data
    stale = api.post(f"/api/v1/reviews/{review_id}/submit/", {"lock_version": 0}, format="json")
    assert stale.status_code == 409
    submitted = api.post(
        f"/api/v1/reviews/{review_id}/submit/", {"lock_version": saved.data["lock_version"]}, format="json"
    )
    assert submitted.status_code == 200
    body = submitted.data
    assert body["status"] == "released" and body["score"] == 93.75 and body["auto_failed"] is False
    assert body["skill_scores"]["problem_solving"] == 75.0 and body["skill_scores"]["communication"] is None
    assert {a["key"]: a["is_na"] for a in body["answers"]}[version.c_calm.key] is True


def test_api_bad_answers_give_400_with_field_errors(api, version, contact, reviewer_user):
    review = review_services.review_create(contact=contact, reviewer=reviewer_user, version=version)
    api.force_authenticate(reviewer_user)
    response = api.post(
        f"/api/v1/reviews/{review.pk}/answers/",
        {"lock_version": 0, "answers": [{"criterion": version.c_listen.pk, "value": 7}], "submit": True},
        format="json",
    )
    assert response.status_code == 400
    assert f"criterion_{version.c_listen.pk}" in response.data
    assert api.post("/api/v1/reviews/", {"contact": "nope"}, format="json").status_code == 400
    assert api.post(f"/api/v1/reviews/{review.pk}/answers/", {}, format="json").status_code == 400


def test_api_scope_agent_sees_only_own_released_and_hiring_is_refused(
    api, version, team, reviewer_user, hiring_user, other_agent
):
    ana, ben = AgentFactory(team=team), AgentFactory(team=team)
    for agent in (ana, ben):
        review = review_services.review_create(
            contact=ContactFactory(agent=agent), reviewer=reviewer_user, version=version
        )
        review_services.review_save(
            review=review, actor=reviewer_user, answers=full_answers(version), lock_version=0, submit=True
        )
    review_services.review_create(contact=ContactFactory(agent=ana), reviewer=reviewer_user, version=version)  # draft
    api.force_authenticate(ana.user)
    rows = api.get("/api/v1/reviews/").data["results"]
    assert [r["agent"] for r in rows] == [ana.pk] and rows[0]["status"] == "released"
    ben_review = Review.objects.get(agent=ben)
    assert api.get(f"/api/v1/reviews/{ben_review.pk}/").status_code == 404
    assert api.post("/api/v1/reviews/", {"contact": "x"}, format="json").status_code == 403
    assert api.get("/api/v1/scorecard-templates/").status_code == 403
    api.force_authenticate(reviewer_user)
    assert len(api.get("/api/v1/reviews/", {"status": "draft"}).data["results"]) == 1
    assert api.get("/api/v1/reviews/", {"agent": ben.pk}).data["count"] == 1
    foreign = ContactFactory(agent=other_agent)
    assert api.post("/api/v1/reviews/", {"contact": foreign.external_id}, format="json").status_code == 400
    api.force_authenticate(hiring_user)
    assert api.get("/api/v1/reviews/").status_code == 403


def test_scorecard_templates_api_lists_versions_with_criteria(api, reviewer_user, django_assert_max_num_queries):
    api.force_authenticate(reviewer_user)
    with django_assert_max_num_queries(8):
        response = api.get(reverse("scorecard-template-list"))
    assert response.status_code == 200
    default = next(t for t in response.data["results"] if t["is_default"])
    criteria = [c for s in default["versions"][0]["sections"] for c in s["criteria"]]
    from core.skill_codes import CORE

    assert set(CORE) <= {c["skill"] for c in criteria}
    assert any(c["critical"] for c in criteria)
    assert {"phone", "email", "chat", "social"} <= {ch for c in criteria for ch in c["channels"]}


def test_api_refuses_to_pin_a_review_to_a_draft_version(api, version, contact, reviewer_user):

    draft = scorecard_services.version_copy(version=version, user=reviewer_user)
    api.force_authenticate(reviewer_user)
    response = api.post("/api/v1/reviews/", {"contact": contact.external_id, "version": draft.pk}, format="json")
    assert response.status_code == 400 and "version" in response.json()
    assert not draft.reviews.exists()


def test_api_second_review_of_a_contact_is_a_400_also_when_it_loses_a_race(
    api, version, contact, reviewer_user, monkeypatch
):
    api.force_authenticate(reviewer_user)
    body = {"contact": contact.external_id, "version": version.pk}
    assert api.post("/api/v1/reviews/", body, format="json").status_code == 201
    again = api.post("/api/v1/reviews/", body, format="json")
    assert again.status_code == 400 and again.json() == {"contact": ["This conversation already has a review."]}
    checks = iter([False, True])  # the other request's review was not there yet at the check
    monkeypatch.setattr(review_services, "has_review", lambda contact_ids: next(checks))
    raced = api.post("/api/v1/reviews/", body, format="json")
    assert raced.status_code == 400 and raced.json() == {"contact": ["This conversation already has a review."]}
    assert Review.objects.filter(contact=contact).count() == 1


# Filters by id: an id outside the caller's scope answers exactly like an id that does not exist ----------------------


@pytest.fixture
def two_vendors(version, team, partner_team, agent, other_agent, reviewer_user):
    """A released review on each vendor's team, each scored by that vendor's reviewer; a lead of the partner."""
    from core import roles
    from core.tests.factories import ScopeFactory, UserFactory

    partner_reviewer = UserFactory(roles=[roles.QA_REVIEWER])
    ScopeFactory(user=partner_reviewer, vendors=[partner_team.vendor])
    partner_lead = UserFactory(roles=[roles.OPS_LEAD])
    partner_team.leads.add(partner_lead)
    for who, scorer in ((agent, reviewer_user), (other_agent, partner_reviewer)):
        review = review_services.review_create(contact=ContactFactory(agent=who), reviewer=scorer, version=version)
        review_services.review_save(
            review=review, actor=scorer, answers=full_answers(version), lock_version=0, submit=True
        )
    return {"partner_reviewer": partner_reviewer, "partner_lead": partner_lead}


MISSING = [10**9, "abc", 2**70]  # no such row, not a number, past any database integer


def _same_400_for_foreign_and_missing(api, name, foreign_id):
    foreign = api.get("/api/v1/reviews/", {name: foreign_id})
    assert foreign.status_code == 400, (name, foreign.json())
    assert foreign.json() == {name: ["Select a valid choice. That choice is not one of the available choices."]}
    for missing in MISSING:
        response = api.get("/api/v1/reviews/", {name: missing})
        assert (response.status_code, response.json()) == (400, foreign.json()), (name, missing)


def test_review_filters_answer_an_agent_the_same_for_other_vendors_ids_and_missing_ids(
    api, two_vendors, agent, other_agent, team, partner_team, reviewer_user
):
    api.force_authenticate(agent.user)
    _same_400_for_foreign_and_missing(api, "agent", other_agent.pk)
    _same_400_for_foreign_and_missing(api, "team", partner_team.pk)
    _same_400_for_foreign_and_missing(api, "reviewer", two_vendors["partner_reviewer"].pk)
    # What the agent may see still filters.
    for name, value in (("agent", agent.pk), ("team", team.pk), ("reviewer", reviewer_user.pk)):
        response = api.get("/api/v1/reviews/", {name: value})
        assert (response.status_code, response.json()["count"]) == (200, 1), name


@pytest.mark.parametrize("who", ["partner_lead", "partner_reviewer"])
def test_review_filters_answer_another_vendors_lead_the_same_for_our_ids_and_missing_ids(
    api, two_vendors, who, agent, other_agent, team, partner_team, reviewer_user
):
    api.force_authenticate(two_vendors[who])
    _same_400_for_foreign_and_missing(api, "agent", agent.pk)
    _same_400_for_foreign_and_missing(api, "team", team.pk)
    _same_400_for_foreign_and_missing(api, "reviewer", reviewer_user.pk)
    for name, value in (("agent", other_agent.pk), ("team", partner_team.pk)):
        response = api.get("/api/v1/reviews/", {name: value})
        assert (response.status_code, response.json()["count"]) == (200, 1), name


def test_calibration_session_filter_answers_the_same_for_a_gold_set_out_of_scope_and_a_missing_one(
    api, version, agent, other_agent, vendor, partner_vendor
):
    from datetime import timedelta

    from django.utils import timezone

    from qa.calibration import services as cal
    from qa.tests.calibration_fixtures import make_reviewer

    partner_lead = make_reviewer(partner_vendor, lead=True)
    theirs = cal.gold_set_create(
        owner=partner_lead, name="Partner gold", version=version, contacts=[ContactFactory(agent=other_agent)]
    )
    our_lead, our_reviewer = make_reviewer(vendor, lead=True), make_reviewer(vendor)
    ours = cal.gold_set_create(owner=our_lead, name="Our gold", version=version, contacts=[ContactFactory(agent=agent)])
    cal.session_create(
        owner=our_lead,
        title="From gold",
        version=version,
        contacts=[],
        participants=[our_reviewer],
        calibrator=our_lead,
        deadline=timezone.now() + timedelta(days=1),
        gold_set=ours,
    )
    for user in (our_lead, our_reviewer):
        api.force_authenticate(user)
        foreign = api.get("/api/v1/calibration-sessions/", {"gold_set": theirs.pk})
        assert foreign.status_code == 400, foreign.json()
        for missing in MISSING:
            response = api.get("/api/v1/calibration-sessions/", {"gold_set": missing})
            assert (response.status_code, response.json()) == (400, foreign.json())
        mine = api.get("/api/v1/calibration-sessions/", {"gold_set": ours.pk})
        assert (mine.status_code, mine.json()["count"]) == (200, 1)
