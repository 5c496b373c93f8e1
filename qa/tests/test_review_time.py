"""Time spent on a review: opened_at on the reviewer's first opening, active seconds from the page's heartbeats."""

import pytest
from django.urls import reverse

from qa.models import Review
from qa.reviews import services as review_services
from qa.tests.conftest import full_answers


@pytest.fixture
def draft(version, contact, reviewer_user):
    return review_services.review_create(contact=contact, reviewer=reviewer_user, version=version)


def _beat(client, review, seconds):
    return client.post(reverse("qa:review-time", args=[review.pk]), {"seconds": seconds})


def test_reviewer_opening_the_draft_records_opened_at_once_and_the_page_sends_heartbeats(client, draft, reviewer_user):
    client.force_login(reviewer_user)
    page = client.get(reverse("qa:review-detail", args=[draft.pk]))
    assert b"data-review-time=" in page.content and b"qa/js/review_time.js" in page.content
    draft.refresh_from_db()
    first = draft.opened_at
    assert first is not None
    client.get(reverse("qa:review-detail", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.opened_at == first


def test_heartbeats_of_the_reviewer_add_up_and_show_on_the_page(client, draft, reviewer_user):
    client.force_login(reviewer_user)
    assert _beat(client, draft, 30).status_code == 204
    assert _beat(client, draft, 60).status_code == 204
    assert _beat(client, draft, 270).status_code == 400  # more than a heartbeat can hold: refused
    draft.refresh_from_db()
    assert draft.active_seconds == 90 and draft.opened_at is not None
    Review.objects.filter(pk=draft.pk).update(active_seconds=6 * 60 + 10)
    page = client.get(reverse("qa:review-detail", args=[draft.pk]))
    assert "Time spent: 6 min" in page.content.decode()


@pytest.mark.parametrize("bad", ["", "abc", "-5", "1.5", "61", "99999999999999999999"])
def test_heartbeat_with_bad_input_is_400(client, draft, reviewer_user, bad):
    client.force_login(reviewer_user)
    assert _beat(client, draft, bad).status_code == 400
    draft.refresh_from_db()
    assert draft.active_seconds == 0


def test_heartbeat_is_refused_from_anyone_but_the_reviews_reviewer(client, draft, second_reviewer, agent, other_agent):
    client.force_login(second_reviewer)
    assert _beat(client, draft, 30).status_code == 403
    client.force_login(agent.user)
    assert _beat(client, draft, 30).status_code == 404  # a draft is not the agent's to see
    client.force_login(other_agent.user)
    assert _beat(client, draft, 30).status_code == 404
    draft.refresh_from_db()
    assert draft.active_seconds == 0


def test_heartbeat_after_the_submit_is_refused(client, draft, version, reviewer_user):
    review_services.review_save(
        review=draft, actor=reviewer_user, answers=full_answers(version), lock_version=0, submit=True
    )
    client.force_login(reviewer_user)
    assert _beat(client, draft, 30).status_code == 403


def test_time_spent_is_shown_to_leads_but_not_to_the_agent(client, draft, version, reviewer_user, lead_user, agent):
    review = review_services.review_save(
        review=draft, actor=reviewer_user, answers=full_answers(version), lock_version=0, submit=True
    )
    client.force_login(lead_user)
    assert b"Time spent:" in client.get(reverse("qa:review-detail", args=[review.pk])).content
    client.force_login(agent.user)
    page = client.get(reverse("qa:review-detail", args=[review.pk]))
    assert page.status_code == 200 and b"Time spent:" not in page.content


def test_review_time_add_service_refuses_nonsense(draft, reviewer_user):
    from django.core.exceptions import ValidationError

    for bad in (-1, 61, 1.5, True, "30"):
        with pytest.raises(ValidationError):
            review_services.review_time_add(review=draft, user=reviewer_user, seconds=bad)
