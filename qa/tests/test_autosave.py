"""Autosave of review drafts (qa:review-autosave): saved as the reviewer types, through review_save, with the lock."""

import pytest
from django.urls import reverse

from core import roles
from core.tests.factories import ContactFactory, ScopeFactory, UserFactory
from qa.models import Review
from qa.reviews import selectors as review_selectors
from qa.reviews import services as review_services
from qa.tests.calibration_fixtures import *  # noqa: F403
from qa.tests.conftest import full_answers


@pytest.fixture
def draft(version, contact, reviewer_user):
    return review_services.review_create(contact=contact, reviewer=reviewer_user, version=version)


def _autosave(client, review, version, *, lock=None, **extra):
    payload = {
        "lock_version": review.lock_version if lock is None else lock,
        f"c{version.c_listen.pk}": "1",
        f"c{version.c_listen.pk}_comment": "Restated it in her words",
        f"c{version.c_solve.pk}": "4",
        "comment": "Half-way through",
        **extra,
    }
    return client.post(reverse("qa:review-autosave", args=[review.pk]), payload, HTTP_HX_REQUEST="true")


def test_autosave_saves_the_draft_and_sends_back_the_new_lock_version(client, draft, version, reviewer_user):
    client.force_login(reviewer_user)
    response = _autosave(client, draft, version)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Saved " in body
    draft.refresh_from_db()
    assert draft.status == Review.Status.DRAFT and draft.submitted_at is None
    assert draft.lock_version == 1 and draft.comment == "Half-way through"
    answers = review_services.review_raw_answers(draft)
    assert answers[version.c_listen.pk].comment == "Restated it in her words"
    assert answers[version.c_solve.pk].value == 4
    assert 'id="id_lock_version"' in body and 'value="1"' in body and 'hx-swap-oob="true"' in body


def test_autosave_then_save_draft_with_the_returned_lock_version_is_no_conflict(client, draft, version, reviewer_user):
    client.force_login(reviewer_user)
    assert _autosave(client, draft, version).status_code == 200
    response = client.post(
        reverse("qa:review-detail", args=[draft.pk]),
        {"lock_version": 1, f"c{version.c_listen.pk}": "0", "comment": "Done", "action": "save"},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.lock_version == 2 and draft.comment == "Done"


def test_autosave_that_changes_nothing_writes_nothing(client, draft, version, reviewer_user):
    client.force_login(reviewer_user)
    assert _autosave(client, draft, version).status_code == 200
    records = draft.history.count()
    response = _autosave(client, draft, version, lock=1)
    assert response.status_code == 200 and "Saved " in response.content.decode()
    draft.refresh_from_db()
    assert draft.lock_version == 1 and draft.history.count() == records


def test_autosave_refuses_a_stale_lock_version_with_409(client, draft, version, reviewer_user, second_reviewer):
    review_services.review_save(review=draft, actor=second_reviewer, answers=full_answers(version), lock_version=0)
    client.force_login(reviewer_user)
    response = _autosave(client, draft, version, lock=0)
    assert response.status_code == 409
    body = response.content.decode()
    assert "Not saved" in body and "after you opened it" in body and "Reload the review" in body
    assert "hx-swap-oob" not in body
    draft.refresh_from_db()
    assert draft.lock_version == 1 and draft.comment == ""  # the colleague's save stands


def test_autosave_unchanged_but_stale_is_still_a_conflict(client, draft, version, reviewer_user, second_reviewer):
    client.force_login(reviewer_user)
    assert _autosave(client, draft, version).status_code == 200
    review_services.review_save(
        review=draft, actor=second_reviewer, answers={}, lock_version=1, comment="Half-way through"
    )
    assert _autosave(client, draft, version, lock=1).status_code == 409


@pytest.mark.parametrize(
    "bad",
    [
        {"lock_version": ""},
        {"lock_version": "x"},
        {"lock_version": "-1"},
        {"c{listen}": "9"},
        {"c{listen}": "na"},  # N/A is not allowed on this criterion
        {"c{solve}": "<script>"},
    ],
)
def test_autosave_with_bad_input_answers_400_and_saves_nothing(client, draft, version, reviewer_user, bad):
    client.force_login(reviewer_user)
    keys = {"listen": version.c_listen.pk, "solve": version.c_solve.pk}
    extra = {key.format(**keys): value for key, value in bad.items()}
    response = _autosave(client, draft, version, **extra)
    assert response.status_code == 400
    assert "Not saved" in response.content.decode()
    draft.refresh_from_db()
    assert draft.lock_version == 0 and not draft.answers.exists()


def test_autosave_of_a_submitted_review_is_refused_with_a_status_line(client, draft, version, reviewer_user):
    review_services.review_save(
        review=draft, actor=reviewer_user, answers=full_answers(version), lock_version=0, submit=True
    )
    client.force_login(reviewer_user)
    response = _autosave(client, draft, version, lock=1)
    assert response.status_code == 403
    assert "can no longer be edited" in response.content.decode()


def test_autosave_is_refused_to_roles_that_do_not_review(client, draft, version, agent_user, lead_user, hiring_user):
    for user in (lead_user, hiring_user):
        client.force_login(user)
        assert _autosave(client, draft, version).status_code == 403
    # An agent autosaves only their own self-review; a reviewer's draft of their work is not theirs to see.
    client.force_login(agent_user)
    assert _autosave(client, draft, version).status_code == 404
    draft.refresh_from_db()
    assert draft.lock_version == 0


def test_autosave_sends_the_anonymous_visitor_to_sign_in(client, draft, version):
    response = client.post(reverse("qa:review-autosave", args=[draft.pk]), {"lock_version": 0})
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_autosave_of_another_vendors_review_is_404(client, version, other_agent, reviewer_user):
    partner_reviewer = UserFactory(roles=[roles.QA_REVIEWER])
    ScopeFactory(user=partner_reviewer, teams=[other_agent.team])
    review = review_services.review_create(
        contact=ContactFactory(agent=other_agent), reviewer=partner_reviewer, version=version
    )
    client.force_login(reviewer_user)
    assert _autosave(client, review, version).status_code == 404
    review.refresh_from_db()
    assert review.lock_version == 0


def test_autosave_of_another_reviewers_calibration_review_is_404(client, calibration, version, in_house_reviewer):
    theirs = Review.objects.filter(is_calibration=True).exclude(reviewer=in_house_reviewer).first()
    mine = Review.objects.filter(is_calibration=True, reviewer=in_house_reviewer).first()
    client.force_login(in_house_reviewer)
    assert _autosave(client, theirs, version).status_code == 404
    assert _autosave(client, mine, version).status_code == 200  # calibration scoring autosaves on the same page


def test_autosaves_are_not_listed_as_review_history(client, draft, version, reviewer_user):
    client.force_login(reviewer_user)
    _autosave(client, draft, version)
    _autosave(client, draft, version, lock=1, comment="Changed my mind")
    whys = [entry.why for entry in review_selectors.review_history(review=draft)]
    assert Review.AUTOSAVE_REASON not in whys
    assert draft.history.filter(history_change_reason=Review.AUTOSAVE_REASON).count() == 2


def test_review_page_marks_the_form_as_a_draft_of_this_review_and_user(client, draft, reviewer_user):
    client.force_login(reviewer_user)
    page = client.get(reverse("qa:review-detail", args=[draft.pk])).content.decode()
    assert f'data-draft-key="qa-review-{draft.pk}-u{reviewer_user.pk}"' in page
    assert reverse("qa:review-autosave", args=[draft.pk]) in page
    assert "data-draft-unsaved" not in page
    assert "/static/js/drafts.js" in page and f'data-draft-user="{reviewer_user.pk}"' in page


def test_review_page_re_rendered_with_errors_keeps_the_device_copy(client, draft, version, reviewer_user):
    client.force_login(reviewer_user)
    response = client.post(reverse("qa:review-detail", args=[draft.pk]), {"lock_version": "x", "action": "save"})
    assert response.status_code == 400
    assert "data-draft-unsaved" in response.content.decode()


def test_calibration_discussion_notes_keep_a_device_copy_per_criterion(client, calibration, version, qa_lead):
    from qa.calibration import services as calibration_services

    calibration_services.session_close(session=calibration, user=qa_lead)
    client.force_login(qa_lead)
    body = client.get(reverse("qa:calibration-results", args=[calibration.pk])).content.decode()
    assert f'data-draft-key="calibration-{calibration.pk}-note-{version.c_listen.pk}-u{qa_lead.pk}"' in body
