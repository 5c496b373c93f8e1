"""An agent's self-review: same scorecard, released to nobody, out of every QA figure, shown beside the reviewer's."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core import roles
from core.tests.factories import AgentFactory, UserFactory
from qa.models import Review
from qa.reviews import selectors
from qa.reviews import services as review_services
from qa.tests.conftest import full_answers


@pytest.fixture
def released(version, contact, reviewer_user):
    review = review_services.review_create(contact=contact, reviewer=reviewer_user, version=version)
    return review_services.review_save(
        review=review, actor=reviewer_user, answers=full_answers(version), lock_version=0, submit=True
    )


def _self_answers(client, review, version):
    """The agent answers their self-review: problem solving 2 of 1–5 (the reviewer gave 4), the rest the same."""
    return client.post(
        reverse("qa:review-detail", args=[review.pk]),
        {
            "lock_version": review.lock_version,
            f"c{version.c_listen.pk}": "1",
            f"c{version.c_solve.pk}": "2",
            f"c{version.c_data.pk}": "1",
            f"c{version.c_calm.pk}": "1",
            "comment": "I could have found the root cause",
            "action": "submit",
        },
    )


@pytest.fixture
def submitted_self_review(client, released, version, agent):
    client.force_login(agent.user)
    answer = client.post(reverse("qa:review-self-review", args=[released.pk]))
    self_review = Review.objects.get(origin=Review.Origin.SELF)
    assert answer.status_code == 302 and answer["Location"] == reverse("qa:review-detail", args=[self_review.pk])
    page = client.get(answer["Location"])
    assert page.status_code == 200 and b'id="scorecard-form"' in page.content
    assert b"Submit and release" not in page.content
    answer = _self_answers(client, self_review, version)
    assert answer.status_code == 302 and answer["Location"] == reverse("qa:review-detail", args=[released.pk])
    self_review.refresh_from_db()
    return self_review


def test_self_review_uses_the_reviewers_version_and_the_agent_as_its_reviewer(submitted_self_review, released, agent):
    assert submitted_self_review.version_id == released.version_id
    assert submitted_self_review.reviewer_id == agent.user_id
    assert submitted_self_review.contact_id == released.contact_id
    # 2 + 0.25 + 1 + 1 over 5 = 85
    assert submitted_self_review.score == Decimal("85.00")


def test_submitted_self_review_is_released_to_nobody_and_counts_in_no_figure(
    submitted_self_review, released, agent, reviewer_user
):
    from metrics.models import AgentDay
    from metrics.rollups import rollup_pending

    assert submitted_self_review.status == Review.Status.DRAFT and submitted_self_review.submitted_at is not None
    assert not review_services.review_is_editable(submitted_self_review)
    today = timezone.localdate()
    page = selectors.agent_qa_page(agent=agent, viewer=agent.user, start=today - timezone.timedelta(days=30), end=today)
    assert (page["overall"].n, page["overall"].mean) == (1, 95.0)
    assert page["targeted"].n == 0
    assert submitted_self_review.pk not in {r.pk for r in page["reviews"]}
    rollup_pending()
    day = AgentDay.objects.get(agent=agent, day=released.contact.day)
    assert (day.reviews, day.qa_score_sum) == (1, Decimal("95.00"))
    assert not selectors.counted(Review.objects.filter(pk=submitted_self_review.pk)).exists()


def test_self_review_shows_beside_the_reviewers_score_with_differences(client, submitted_self_review, released, agent):
    page = client.get(reverse("qa:review-detail", args=[released.pk]))  # still the agent
    text = page.content.decode()
    assert "Your self-review: 85.0</strong> · Reviewer: 95.0" in text
    assert text.count("data-differs") == 1  # only problem solving differs


def test_reviewer_and_lead_in_scope_see_the_self_review_beside_the_review(
    client, submitted_self_review, released, reviewer_user, lead_user
):
    for user in (reviewer_user, lead_user):
        client.force_login(user)
        page = client.get(reverse("qa:review-detail", args=[released.pk]))
        assert page.status_code == 200
        assert "Self-review: 85.0</strong> · Reviewer: 95.0" in page.content.decode()


def test_reviewer_does_not_see_a_self_review_draft(client, released, agent, reviewer_user):
    review_services.self_review_start(review=released, user=agent.user)
    client.force_login(reviewer_user)
    page = client.get(reverse("qa:review-detail", args=[released.pk]))
    assert b'data-testid="self-review"' not in page.content


def test_another_agent_gets_404_on_the_self_review_and_on_starting_one(client, submitted_self_review, released, team):
    other = AgentFactory(team=team)
    client.force_login(other.user)
    assert client.get(reverse("qa:review-detail", args=[submitted_self_review.pk])).status_code == 404
    assert client.post(reverse("qa:review-self-review", args=[released.pk])).status_code == 404
    assert client.post(reverse("qa:review-score", args=[submitted_self_review.pk])).status_code == 404


def test_only_the_agent_writes_their_self_review(released, version, agent, reviewer_user):
    self_review = review_services.self_review_start(review=released, user=agent.user)
    with pytest.raises(ValidationError, match="Only the agent"):
        review_services.review_save(
            review=self_review, actor=reviewer_user, answers=full_answers(version), lock_version=0, submit=True
        )


def test_reviewer_opening_a_self_review_draft_gets_no_form(client, released, agent, reviewer_user, version):
    self_review = review_services.self_review_start(review=released, user=agent.user)
    client.force_login(reviewer_user)
    page = client.get(reverse("qa:review-detail", args=[self_review.pk]))
    assert page.status_code == 200 and b'id="scorecard-form"' not in page.content
    assert _self_answers(client, self_review, version).status_code == 403


def test_self_review_starts_only_from_a_review_released_to_the_agent(version, contact, agent, reviewer_user):
    draft = review_services.review_create(contact=contact, reviewer=reviewer_user, version=version)
    with pytest.raises(ValidationError):
        review_services.self_review_start(review=draft, user=agent.user)
    with pytest.raises(ValidationError):
        review_services.self_review_start(review=draft, user=UserFactory(roles=[roles.AGENT]))


def test_starting_twice_gives_the_same_self_review_and_the_reviewers_queue_is_untouched(
    client, released, agent, reviewer_user
):
    first = review_services.self_review_start(review=released, user=agent.user)
    assert review_services.self_review_start(review=released, user=agent.user) == first
    assert first.pk not in set(selectors.queue_base(user=reviewer_user).values_list("pk", flat=True))
    assert not review_services.has_review([]) and review_services.has_review([released.contact_id])
