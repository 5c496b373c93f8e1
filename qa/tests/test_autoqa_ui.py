"""AutoQA on the review page: suggestions beside the criteria (never pre-selected), the automatic summary, and the
suggestion recorded on each human answer when it is saved; nothing of AutoQA counts as a human review."""

from decimal import Decimal

import pytest
from django.urls import reverse

from qa.autoqa import ui
from qa.autoqa.models import AutoAnswer, AutoReview
from qa.models import Review, ReviewAnswer
from qa.reviews import services as review_services
from qa.scoring import RawAnswer
from qa.tests.conftest import full_answers


def make_auto_review(contact, version, *, listen=1, solve=2, calm_na=True) -> AutoReview:
    auto = AutoReview.objects.create(
        contact=contact,
        version=version,
        engine="test-1",
        score=Decimal("62.50"),
        answered=3,
        sentiment_start=-0.6,
        sentiment_end=0.4,
        flags=["pii_card_number"],
    )
    AutoAnswer.objects.create(
        auto_review=auto, criterion=version.c_listen, value=listen, evidence="Agent: So the [card] was charged twice"
    )
    AutoAnswer.objects.create(
        auto_review=auto, criterion=version.c_solve, value=solve, source="model", source_version="m3", counts=False
    )
    AutoAnswer.objects.create(auto_review=auto, criterion=version.c_calm, value=None, is_na=calm_na)
    return auto


@pytest.fixture
def draft(version, contact, reviewer_user):
    return review_services.review_create(contact=contact, reviewer=reviewer_user, version=version)


def test_review_page_shows_suggestions_beside_criteria_never_selected(client, draft, version, contact, reviewer_user):
    make_auto_review(contact, version)
    client.force_login(reviewer_user)
    response = client.get(reverse("qa:review-detail", args=[draft.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Automatic — not counted as a review" in body
    assert "Card number typed by the agent" in body
    assert "-0.60 → 0.40" in body and "62.5" in body
    assert f'data-testid="autoqa-{version.c_listen.key}"' in body and "AutoQA: Yes" in body
    assert "AutoQA: 2 of 1–5 — b" in body and "Learned model m3" in body and "AutoQA: N/A" in body
    assert "So the [card] was charged twice" in body
    assert "Accept AutoQA's answers" in body and "qa/js/autoqa.js" in body
    assert " checked" not in body  # nothing is pre-selected as the reviewer's answer


def test_review_page_without_auto_review_shows_no_autoqa(client, draft, reviewer_user):
    client.force_login(reviewer_user)
    body = client.get(reverse("qa:review-detail", args=[draft.pk])).content.decode()
    assert "AutoQA" not in body and "autoqa.js" not in body


def test_review_page_hides_suggestions_from_the_agent_reading_their_review(client, draft, version, contact, agent):
    make_auto_review(contact, version)
    review_services.review_save(
        review=draft, actor=draft.reviewer, answers=full_answers(version), lock_version=0, submit=True
    )
    client.force_login(agent.user)
    body = client.get(reverse("qa:review-detail", args=[draft.pk])).content.decode()
    assert "AutoQA" not in body


def test_suggestions_are_not_shown_on_calibration_or_self_reviews(draft, version, contact):
    make_auto_review(contact, version)
    draft.is_calibration = True
    assert not ui.suggestions_shown(draft)
    assert ui.suggestions_for_save(review=draft, criterion_ids=[version.c_listen.pk]) == {}


def test_review_save_records_the_suggestion_when_the_reviewer_accepts_it(draft, version, contact, reviewer_user):
    make_auto_review(contact, version, listen=1)
    review_services.review_save(
        review=draft, actor=reviewer_user, answers={version.c_listen.pk: RawAnswer(1)}, lock_version=0, autosave=True
    )
    answer = ReviewAnswer.objects.get(review=draft, criterion=version.c_listen)
    assert (answer.value, answer.suggested_value, answer.suggested_na) == (1, 1, False)


def test_review_save_records_the_suggestion_when_the_reviewer_overrides_it(draft, version, contact, reviewer_user):
    auto = make_auto_review(contact, version, listen=1, solve=2)
    review_services.review_save(
        review=draft,
        actor=reviewer_user,
        answers={version.c_listen.pk: RawAnswer(0), version.c_solve.pk: RawAnswer(5), version.c_calm.pk: RawAnswer(1)},
        lock_version=0,
    )
    stored = {a.criterion_id: a for a in ReviewAnswer.objects.filter(review=draft)}
    for auto_answer in auto.answers.all():
        human = stored[auto_answer.criterion_id]
        assert (human.suggested_value, human.suggested_na) == (auto_answer.value, auto_answer.is_na)
    assert stored[version.c_listen.pk].value == 0 and stored[version.c_solve.pk].value == 5
    assert stored[version.c_calm.pk].suggested_na and stored[version.c_calm.pk].value == 1


def test_review_save_records_no_suggestion_without_an_auto_review(draft, version, reviewer_user):
    review_services.review_save(
        review=draft, actor=reviewer_user, answers={version.c_listen.pk: RawAnswer(1)}, lock_version=0
    )
    answer = ReviewAnswer.objects.get(review=draft, criterion=version.c_listen)
    assert answer.suggested_value is None and not answer.suggested_na


def test_review_save_reads_the_suggestions_in_one_query(
    draft, version, contact, reviewer_user, django_assert_num_queries
):
    make_auto_review(contact, version)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        review_services.review_save(
            review=draft, actor=reviewer_user, answers=full_answers(version), lock_version=0, autosave=True
        )
    assert sum('"qa_autoanswer"' in q["sql"] for q in queries.captured_queries) == 1


def test_suggestions_count_for_nothing_until_the_human_answers(draft, version, contact, reviewer_user):
    make_auto_review(contact, version)
    draft.refresh_from_db()
    assert draft.score is None and not draft.answers.exists()
    review_services.review_save(
        review=draft, actor=reviewer_user, answers={version.c_listen.pk: RawAnswer(0)}, lock_version=0
    )
    draft.refresh_from_db()
    assert draft.answers.count() == 1  # the two other suggestions wrote no answer
    # The score is the human's alone: listening answered No (AutoQA said Yes), so 0.
    assert draft.score == 0
    assert Review.objects.filter(contact=contact).count() == 1  # AutoQA wrote no review


def test_review_page_autosave_records_the_suggestion(client, draft, version, contact, reviewer_user):
    make_auto_review(contact, version, solve=2)
    client.force_login(reviewer_user)
    response = client.post(
        reverse("qa:review-autosave", args=[draft.pk]),
        {"lock_version": 0, f"c{version.c_solve.pk}": "2", "comment": ""},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    answer = ReviewAnswer.objects.get(review=draft, criterion=version.c_solve)
    assert (answer.value, answer.suggested_value) == (2, 2)


def test_review_page_query_count_with_suggestions_is_flat(
    client, draft, version, contact, reviewer_user, django_assert_max_num_queries
):
    make_auto_review(contact, version)
    client.force_login(reviewer_user)
    with django_assert_max_num_queries(60):
        assert client.get(reverse("qa:review-detail", args=[draft.pk])).status_code == 200


def test_suggestions_match_criteria_by_key_across_versions(draft, version, contact, reviewer_user):
    """AutoQA scored the contact with an older version; the review uses `version`: the keys still match."""
    from qa.tests.factories import CriterionFactory, SectionFactory, VersionFactory

    older = VersionFactory()
    section = SectionFactory(version=older)
    old_listen = CriterionFactory(section=section, key=version.c_listen.key, skill=version.c_listen.skill)
    auto = AutoReview.objects.create(contact=contact, version=older, engine="old")
    AutoAnswer.objects.create(auto_review=auto, criterion=old_listen, value=0)
    suggestions = ui.suggestions_for_save(review=draft, criterion_ids=[version.c_listen.pk, version.c_solve.pk])
    assert suggestions == {version.c_listen.pk: (0, False)}
    section_context = ui.review_page_section(
        user=reviewer_user, review=draft, criteria=list(version.criteria.all()), answers={}
    )
    assert section_context["autoqa"]["suggestions"][version.c_listen.pk].label == "No"


def test_admin_shows_phrase_lists_and_auto_reviews_read_only(client, admin_user, draft, version, contact):
    from qa.autoqa.models import PhraseList

    auto = make_auto_review(contact, version)
    phrases, _ = PhraseList.objects.update_or_create(
        kind="greeting", language="es", defaults={"phrases": "hola\n/buen(os|as) d[ií]as/"}
    )
    client.force_login(admin_user)
    assert client.get(reverse("admin:qa_phraselist_change", args=[phrases.pk])).status_code == 200
    assert client.get(reverse("admin:qa_phraselist_add")).status_code == 200
    page = client.get(reverse("admin:qa_autoreview_change", args=[auto.pk]))
    assert page.status_code == 200 and "So the [card] was charged twice" in page.content.decode()
    assert client.get(reverse("admin:qa_autoreview_changelist")).status_code == 200
    assert client.get(reverse("admin:qa_autoreview_add")).status_code == 403
    client.post(reverse("admin:qa_autoreview_change", args=[auto.pk]), {"score": "1"})
    auto.refresh_from_db()
    assert auto.score == Decimal("62.50")  # read-only
