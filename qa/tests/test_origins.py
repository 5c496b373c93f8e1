"""Reviews not drawn at random (ad hoc, complaint, escalation) are released and listed, but kept out of the QA score."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from core.tests.factories import ContactFactory
from qa.disputes import services as dispute_services
from qa.models import Review
from qa.reviews import selectors
from qa.reviews import services as review_services
from qa.tests.conftest import full_answers


def _released(version, reviewer, *, agent, origin=Review.Origin.SAMPLED, data=1):
    contact = ContactFactory(agent=agent)
    review = review_services.review_create(contact=contact, reviewer=reviewer, version=version)
    Review.objects.filter(pk=review.pk).update(origin=origin)
    return review_services.review_save(
        review=review, actor=reviewer, answers=full_answers(version, data=data), lock_version=0, submit=True
    )


@pytest.fixture
def sampled_and_complaint(version, agent, reviewer_user):
    sampled = _released(version, reviewer_user, agent=agent)
    complaint = _released(version, reviewer_user, agent=agent, origin=Review.Origin.COMPLAINT, data=0)
    assert (sampled.score, complaint.score) == (Decimal("95.00"), Decimal("0.00"))
    return sampled, complaint


def _period():
    today = timezone.localdate()
    return today - timezone.timedelta(days=30), today


def test_complaint_review_scored_zero_leaves_the_agent_qa_score_unchanged(sampled_and_complaint, agent, reviewer_user):
    start, end = _period()
    page = selectors.agent_qa_page(agent=agent, viewer=reviewer_user, start=start, end=end)
    assert (page["overall"].n, page["overall"].mean) == (1, 95.0)
    assert (page["targeted"].n, page["targeted"].mean) == (1, 0.0)
    assert {r.pk for r in page["reviews"]} == {r.pk for r in sampled_and_complaint}  # both listed
    assert page["auto_failed"] == 0  # the complaint's auto-fail is not the sampled figure's
    assert [f.ci.n for f in page["skills"]] == [1] * len(page["skills"])


def test_every_qa_figure_counts_only_randomly_sampled_reviews(sampled_and_complaint, version, agent, reviewer_user):
    start, end = _period()
    for origin in (Review.Origin.AD_HOC, Review.Origin.ESCALATION):
        _released(version, reviewer_user, agent=agent, origin=origin, data=0)
    assert set(selectors.counted(Review.objects.all()).values_list("origin", flat=True)) == {"sampled"}
    (row,) = [a for a in selectors.agents_with_figures(user=reviewer_user, start=start, end=end) if a.pk == agent.pk]
    assert (row.qa_n, row.qa_total) == (1, 95.0)
    assert (row.targeted_n, row.targeted_total) == (3, 0.0)
    (team_row,) = selectors.team_figures(user=reviewer_user, start=start, end=end)
    assert (team_row["ci"].n, team_row["ci"].mean) == (1, 95.0)
    assert selectors.score_ci(selectors.counted_for_agent(agent=agent)).n == 1


def test_complaint_review_stays_out_of_the_daily_rollup_tables(sampled_and_complaint, agent):
    from metrics.models import AgentDay, AgentSkillDay
    from metrics.rollups import rollup_pending

    rollup_pending()
    days = AgentDay.objects.filter(agent=agent)
    assert sum(d.reviews for d in days) == 1
    assert sum(d.qa_score_sum or 0 for d in days) == Decimal("95.00")
    assert set(AgentSkillDay.objects.filter(agent=agent).values_list("reviews", flat=True)) == {1}


def test_complaint_review_is_released_to_the_agent_and_disputable(sampled_and_complaint, agent):
    complaint = sampled_and_complaint[1]
    assert selectors.reviews_for_user(user=agent.user).filter(pk=complaint.pk).exists()
    disputed = dispute_services.review_dispute(review=complaint, user=agent.user, reason="A single bad call")
    assert disputed.status == Review.Status.DISPUTED


def test_agent_page_shows_targeted_reviews_apart_and_says_why(client, sampled_and_complaint, agent):
    client.force_login(agent.user)
    page = client.get(reverse("qa:my-reviews"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Mean of randomly sampled reviews; reviews picked on purpose" in text
    assert "Targeted reviews (not in the QA score)" in text
    assert 'data-testid="qa-score">95.0<' in text
    assert "mean of 1 review" in text and "Complaint" in text


def test_agent_list_shows_targeted_reviews_in_their_own_column(client, sampled_and_complaint, reviewer_user):
    client.force_login(reviewer_user)
    page = client.get(reverse("qa:agent-list"))
    text = page.content.decode()
    assert "Targeted reviews" in text and "not in the QA score" in text
    assert "Mean of randomly sampled reviews" in text


def test_review_page_of_a_complaint_says_it_is_not_in_the_qa_score(client, sampled_and_complaint, agent):
    client.force_login(agent.user)
    page = client.get(reverse("qa:review-detail", args=[sampled_and_complaint[1].pk]))
    assert b'data-testid="origin-note"' in page.content


def test_reviews_api_gives_the_origin_and_filters_on_it(client, sampled_and_complaint, reviewer_user):
    client.force_login(reviewer_user)
    answer = client.get("/api/v1/reviews/", {"origin": "complaint"})
    assert answer.status_code == 200
    results = answer.json()["results"]
    assert [r["id"] for r in results] == [sampled_and_complaint[1].pk]
    assert results[0]["origin"] == "complaint"
