from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core import roles
from core.tests.factories import AgentFactory, ContactFactory, ScopeFactory, UserFactory
from qa.disputes import services as dispute_services
from qa.models import Review, SamplingRun
from qa.reviews import services as review_services
from qa.rules import QA_LEAD_GROUP
from qa.sampling import services as sampling_services
from qa.scorecards import services as scorecard_services
from qa.tests.conftest import compete_for_contacts, full_answers


def _released(version, contact, reviewer):
    review = review_services.review_create(contact=contact, reviewer=reviewer, version=version)
    return review_services.review_save(
        review=review, actor=reviewer, answers=full_answers(version), lock_version=0, submit=True
    )


@pytest.fixture
def draft(version, contact, reviewer_user):
    return review_services.review_create(contact=contact, reviewer=reviewer_user, version=version)


@pytest.fixture
def qa_lead(reviewer_user):
    from django.contrib.auth.models import Group

    reviewer_user.groups.add(Group.objects.get(name=QA_LEAD_GROUP))
    return reviewer_user


def _post_answers(client, review, version, *, action="save", data_value="1", lock=None, **extra):
    payload = {
        "lock_version": review.lock_version if lock is None else lock,
        f"c{version.c_listen.pk}": "1",
        f"c{version.c_solve.pk}": "4",
        f"c{version.c_data.pk}": data_value,
        f"c{version.c_calm.pk}": "na",
        "comment": "Well done",
        "action": action,
        **extra,
    }
    return client.post(reverse("qa:review-detail", args=[review.pk]), payload)


# Reviewing -------------------------------------------------------------------------------------------------------


def test_reviewer_saves_a_draft_then_submits_and_it_is_released(client, draft, version, reviewer_user):
    client.force_login(reviewer_user)
    page = client.get(reverse("qa:review-detail", args=[draft.pk]))
    assert page.status_code == 200
    assert b"Submit and release" in page.content and b"Structure" not in page.content  # email-only line hidden
    assert _post_answers(client, draft, version).status_code == 302
    draft.refresh_from_db()
    assert draft.status == Review.Status.DRAFT and draft.answers.count() == 4
    assert _post_answers(client, draft, version, action="submit").status_code == 302
    draft.refresh_from_db()
    assert draft.status == Review.Status.RELEASED and float(draft.score) == pytest.approx(100 * 3.75 / 4)


def test_review_page_needs_a_reason_for_a_critical_fail(client, draft, version, reviewer_user):
    client.force_login(reviewer_user)
    response = _post_answers(client, draft, version, action="submit", data_value="0")
    assert response.status_code == 400
    assert b"A critical fail needs a reason" in response.content
    draft.refresh_from_db()
    assert draft.status == Review.Status.DRAFT and not draft.answers.exists()


def test_a_submit_refused_for_a_missing_reason_keeps_the_auto_fail_score_and_the_feedback(
    client, draft, version, reviewer_user
):
    client.force_login(reviewer_user)
    response = _post_answers(client, draft, version, action="submit", data_value="0", comment="Typed before submit")
    assert response.status_code == 400
    content = response.content.decode()
    # The critical "No" is still selected, so the score on screen is the auto-fail's 0, not the other answers' mean.
    assert response.context["live"].auto_failed and response.context["live"].score == 0
    assert 'data-testid="live-score-value">0.0<' in content and "Auto-fail:" in content
    assert ">\nTyped before submit</textarea>" in content  # the overall feedback typed before submitting
    # The error is next to the reason box, which is marked for focus, and the summary links to the criterion.
    data = version.c_data.pk
    assert (
        f'name="c{data}_comment" id="id_c{data}_comment" rows="1" class="form-control form-control-sm mt-1 is-invalid"'
        in (content)
    )
    assert "data-error-focus" in content and f'href="#crit-{data}">Data protection</a>' in content


def test_review_page_shows_a_conflict_when_someone_saved_first(client, draft, version, reviewer_user, second_reviewer):
    stale = draft.lock_version
    client.force_login(second_reviewer)
    assert _post_answers(client, draft, version, lock=stale).status_code == 302
    client.force_login(reviewer_user)
    response = _post_answers(client, draft, version, lock=stale, **{f"c{version.c_listen.pk}": "0"})
    assert response.status_code == 409
    assert b"saved this review" in response.content and b"Reload the review" in response.content
    assert draft.answers.get(criterion=version.c_listen).value == 1


def test_live_score_adds_up_the_posted_answers_without_saving(client, draft, version, reviewer_user):
    client.force_login(reviewer_user)
    response = client.post(
        reverse("qa:review-score", args=[draft.pk]),
        {f"c{version.c_listen.pk}": "1", f"c{version.c_data.pk}": "0"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert b'data-testid="live-score-value">0.0<' in response.content
    assert b"Auto-fail" in response.content
    assert not draft.answers.exists()


def test_written_channel_review_shows_reading_ease_and_highlights(client, version, agent, reviewer_user):
    contact = ContactFactory(
        agent=agent, channel="email", transcript="Customer: It broke.\nAgent: I'm sorry, that must be frustrating."
    )
    review = review_services.review_create(contact=contact, reviewer=reviewer_user, version=version)
    client.force_login(reviewer_user)
    content = client.get(reverse("qa:review-detail", args=[review.pk])).content.decode()
    assert 'data-testid="flesch"' in content
    assert (
        '<mark class="hint-empathy" title="Shows empathy">I&#x27;m sorry'
        '<span class="visually-hidden"> (Shows empathy)</span></mark>' in content
    )


# Release, disputes -----------------------------------------------------------------------------------------------


def test_agent_acknowledges_or_disputes_their_released_review(client, version, contact, reviewer_user, agent_user):
    review = _released(version, contact, reviewer_user)
    client.force_login(agent_user)
    assert client.get(reverse("qa:review-detail", args=[review.pk])).status_code == 200
    bad = client.post(reverse("qa:review-dispute", args=[review.pk]), {"reason": ""})
    assert bad.status_code == 400
    client.post(reverse("qa:review-dispute", args=[review.pk]), {"code": "other", "reason": "Listen again at 02:10"})
    review.refresh_from_db()
    assert review.status == Review.Status.DISPUTED


def test_dispute_resolution_page_is_refused_to_the_original_reviewer(
    client, version, contact, reviewer_user, second_reviewer, agent_user
):
    review = _released(version, contact, reviewer_user)
    dispute_services.review_dispute(review=review, user=agent_user, reason="Unfair")
    review.refresh_from_db()
    url = reverse("qa:review-resolve", args=[review.pk])
    client.force_login(reviewer_user)
    assert client.get(url).status_code == 403
    client.force_login(second_reviewer)
    assert client.get(url).status_code == 200
    payload = {
        "lock_version": review.lock_version,
        f"c{version.c_listen.pk}": "1",
        f"c{version.c_solve.pk}": "5",
        f"c{version.c_data.pk}": "1",
        f"c{version.c_calm.pk}": "1",
        "note": "",
    }
    assert client.post(url, payload).status_code == 400  # a decision note is required
    payload["note"] = "Agreed\x00"  # posted raw (not through a form field): refused, not a database error
    assert client.post(url, payload).status_code == 400
    payload["note"] = "Agreed"
    assert client.post(url, payload).status_code == 302
    review.refresh_from_db()
    assert review.status == Review.Status.RESOLVED and float(review.score) == 100.0
    page = client.get(reverse("qa:review-detail", args=[review.pk])).content.decode()
    assert "Dispute resolved" in page and "5 of 1–5" in page


# Scope -----------------------------------------------------------------------------------------------------------


def test_agent_gets_404_on_another_agents_review_and_on_their_own_draft(client, version, team, reviewer_user):
    mine, theirs = AgentFactory(team=team), AgentFactory(team=team)
    other_review = _released(version, ContactFactory(agent=theirs), reviewer_user)
    own_draft = review_services.review_create(
        contact=ContactFactory(agent=mine), reviewer=reviewer_user, version=version
    )
    client.force_login(mine.user)
    assert client.get(reverse("qa:review-detail", args=[other_review.pk])).status_code == 404
    assert client.get(reverse("qa:review-detail", args=[own_draft.pk])).status_code == 404
    assert client.post(reverse("qa:review-acknowledge", args=[other_review.pk])).status_code == 404


def test_reviewer_gets_404_on_a_review_of_another_vendors_agent(client, version, other_agent, reviewer_user):
    other_reviewer = UserFactory(roles=[roles.QA_REVIEWER])
    ScopeFactory(user=other_reviewer, teams=[other_agent.team])
    review = _released(version, ContactFactory(agent=other_agent), other_reviewer)
    client.force_login(reviewer_user)
    assert client.get(reverse("qa:review-detail", args=[review.pk])).status_code == 404
    assert client.get(reverse("qa:agent-reviews", args=[other_agent.pk])).status_code == 404


def test_hiring_manager_is_refused_every_qa_page(client, hiring_user, draft):
    client.force_login(hiring_user)
    for url in [
        reverse("qa:queue"),
        reverse("qa:review-detail", args=[draft.pk]),
        reverse("qa:my-reviews"),
        reverse("qa:agent-list"),
        reverse("qa:template-list"),
        reverse("qa:sampling"),
    ]:
        assert client.get(url).status_code == 403, url


def test_ops_lead_reads_released_reviews_but_cannot_score(client, version, contact, reviewer_user, lead_user, draft):
    client.force_login(lead_user)
    assert client.get(reverse("qa:review-detail", args=[draft.pk])).status_code == 404  # drafts are not theirs
    assert client.get(reverse("qa:queue")).status_code == 403
    review_services.review_save(
        review=draft, actor=reviewer_user, answers=full_answers(version), lock_version=0, submit=True
    )
    assert client.get(reverse("qa:review-detail", args=[draft.pk])).status_code == 200
    assert _post_answers(client, draft, version).status_code == 403


def test_only_qa_leads_build_templates_and_sample(client, reviewer_user, version):
    client.force_login(reviewer_user)
    assert client.post(reverse("qa:template-list"), {"name": "Chat only"}).status_code == 403
    assert client.post(reverse("qa:version-edit", args=[version.pk])).status_code == 403
    assert client.get(reverse("qa:version-publish", args=[version.pk])).status_code == 403  # the confirm page
    assert client.get(reverse("qa:sampling")).status_code == 200
    fields = {"teams": [version.template.pk], "period_start": "2026-03-02", "period_end": "2026-03-08", "per_agent": 2}
    assert client.post(reverse("qa:sampling"), fields).status_code == 403  # the preview
    assert client.post(reverse("qa:sampling"), {**fields, "confirm": "1"}).status_code == 403
    assert not SamplingRun.objects.exists()


# Builder ---------------------------------------------------------------------------------------------------------


def test_qa_lead_builds_a_template_previews_and_publishes_it(client, qa_lead):
    from core.models import Skill
    from qa.models import ScorecardTemplate

    client.force_login(qa_lead)
    response = client.post(reverse("qa:template-list"), {"name": "Chat quality", "description": ""})
    template = ScorecardTemplate.objects.get(name="Chat quality")
    version = template.versions.get()
    assert response.url == reverse("qa:version-detail", args=[version.pk])
    client.post(reverse("qa:section-create", args=[version.pk]), {"title": "Opening"})
    section = version.sections.get()
    bad = client.post(
        reverse("qa:criterion-create", args=[version.pk]),
        {
            "section": section.pk,
            "skill": Skill.objects.get(code="empathy").pk,
            "text": "Warm greeting",
            "weight": "2",
            "scale": "points",
            "scale_min": 1,
            "scale_max": 3,
            "point_labels": "cold\nok",
        },
    )
    assert bad.status_code == 400 and b"Describe each of the 3 points" in bad.content
    client.post(
        reverse("qa:criterion-create", args=[version.pk]),
        {
            "section": section.pk,
            "skill": Skill.objects.get(code="empathy").pk,
            "text": "Warm greeting",
            "weight": "2",
            "scale": "points",
            "scale_min": 1,
            "scale_max": 3,
            "point_labels": "cold\nok\nwarm",
            "channels": ["chat"],
        },
    )
    preview = client.get(
        reverse("qa:version-detail", args=[version.pk]),
        {"channel": "chat", "partial": "preview"},
        HTTP_HX_REQUEST="true",
    )
    assert b"Warm greeting" in preview.content and b"<html" not in preview.content
    phone = client.get(
        reverse("qa:version-detail", args=[version.pk]),
        {"channel": "phone", "partial": "preview"},
        HTTP_HX_REQUEST="true",
    )
    assert b"No criterion applies" in phone.content
    confirm = client.get(reverse("qa:version-publish", args=[version.pk]))
    assert confirm.status_code == 200 and b'data-testid="confirm"' in confirm.content
    assert b"1 criteria over 1 skills" in confirm.content
    version.refresh_from_db()
    assert version.status == "draft"  # the confirmation step publishes nothing
    client.post(reverse("qa:version-publish", args=[version.pk]), {"confirm": "1"})
    version.refresh_from_db()
    assert version.status == "published"
    # Published, with no review yet: still never edited in place (no Edit/Remove; Edit goes to a new draft).
    page = client.get(reverse("qa:version-detail", args=[version.pk])).content.decode()
    criterion = version.criteria.get()
    assert reverse("qa:criterion-update", args=[criterion.pk]) not in page
    assert reverse("qa:criterion-delete", args=[criterion.pk]) not in page
    assert "Remove section" not in page and "Edit in a draft version" in page
    assert client.get(reverse("qa:criterion-update", args=[criterion.pk])).status_code == 302
    response = client.post(reverse("qa:version-edit", args=[version.pk]))
    draft = version.template.versions.get(status="draft")
    assert response.url == reverse("qa:version-detail", args=[draft.pk]) and draft.number == version.number + 1
    assert reverse("qa:criterion-update", args=[draft.criteria.get().pk]) in client.get(response.url).content.decode()


def test_whatif_rescores_last_periods_reviews_under_the_draft(client, qa_lead, version, agent):
    from decimal import Decimal

    review = _released(version, ContactFactory(agent=agent), UserFactory(roles=[roles.QA_REVIEWER]))
    assert review.score == Decimal("95.00")
    draft = scorecard_services.version_for_editing(version=version, user=qa_lead)
    solve = draft.criteria.get(key=version.c_solve.key)
    scorecard_services.criterion_save(
        section=solve.section, criterion=solve, text=solve.text, weight=Decimal(1), scale="yes_no"
    )  # 4 on 1..5 is 0.75 → yes
    client.force_login(qa_lead)
    response = client.get(reverse("qa:version-whatif", args=[draft.pk]))
    assert response.status_code == 200
    row = response.context["rows"][0]
    assert (row.real, row.whatif) == (Decimal("95.00"), Decimal("100.00"))
    review.refresh_from_db()
    assert review.score == Decimal("95.00")


def test_sampling_page_says_how_many_reviews_a_margin_needs(client, reviewer_user):
    client.force_login(reviewer_user)
    response = client.get(reverse("qa:sampling"), {"margin": "5"})
    # no observed spread yet: assumed sd 15 → (1.96·15/5)² = 34.6 → 35
    assert response.context["needed"] == 35
    assert client.get(reverse("qa:sampling"), {"margin": "-1"}).status_code == 200


def test_qa_lead_samples_on_demand(client, qa_lead, version, team, agent, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    for i in range(4):
        ContactFactory(agent=agent, started_at=timezone.now() - timedelta(days=2, hours=i))
    client.force_login(qa_lead)
    bad = client.post(
        reverse("qa:sampling"),
        {"teams": [team.pk], "period_start": today, "period_end": today - timedelta(days=5), "per_agent": 2},
    )
    assert bad.status_code == 400
    fields = {"teams": [team.pk], "period_start": today - timedelta(days=6), "period_end": today, "per_agent": 2}
    # First a preview: what it would draw per agent and per reviewer, with the seed the confirmed run will use.
    preview = client.post(reverse("qa:sampling"), fields)
    assert preview.status_code == 200 and not SamplingRun.objects.exists() and not Review.objects.exists()
    drawn = preview.context["preview"]
    assert drawn.total == 2 and [(a.pk, n) for a, n in drawn.per_agent] == [(agent.pk, 2)]
    assert [(r.pk, n) for r, n in drawn.per_reviewer] == [(qa_lead.pk, 2)]
    confirm = dict(preview.context["confirm_fields"])
    assert confirm["seed"] == str(drawn.seed) and b"Draw and assign these 2" in preview.content
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("qa:sampling"), {**fields, "seed": 77, "confirm": "1"})
    assert response.status_code == 302
    assert Review.objects.filter(sampling_run__seed=77, reviewer=qa_lead).count() == 2
    assert client.get(response.url).status_code == 200


def test_the_sampling_forms_default_week_is_the_weekly_jobs(client, reviewer_user):
    client.force_login(reviewer_user)
    form = client.get(reverse("qa:sampling")).context["form"]
    week = sampling_services.last_week()
    assert (form["period_start"].initial, form["period_end"].initial) == week
    assert week[0].weekday() == 0 and (week[1] - week[0]).days == 6


def test_sampling_on_demand_with_the_queue_down_says_so_instead_of_failing(client, qa_lead, team):
    from unittest import mock

    from kombu.exceptions import OperationalError

    today = timezone.localdate()
    client.force_login(qa_lead)
    with mock.patch("qa.tasks.sampling_run_execute.delay_on_commit", side_effect=OperationalError("refused")):
        response = client.post(
            reverse("qa:sampling"),
            {
                "teams": [team.pk],
                "period_start": today - timedelta(days=6),
                "period_end": today,
                "per_agent": 2,
                "confirm": "1",
            },
            follow=True,
        )
    assert response.status_code == 200
    assert "task queue is unreachable" in response.content.decode()


# Query counts ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [2, 12])
def test_queue_page_query_count_is_flat(
    client, version, team, reviewer_user, second_reviewer, n, django_assert_max_num_queries
):
    for _ in range(n):
        agent = AgentFactory(team=team)
        review_services.review_create(contact=ContactFactory(agent=agent), reviewer=reviewer_user, version=version)
        disputed = _released(version, ContactFactory(agent=agent), second_reviewer)
        dispute_services.review_dispute(review=disputed, user=agent.user, reason="no")
        _released(version, ContactFactory(agent=agent), reviewer_user)
    client.force_login(reviewer_user)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("qa:queue"))
    assert response.status_code == 200 and len(response.context["rows"]) == n


def test_my_reviews_trend_breaks_at_weeks_without_reviews_and_bands_only_real_intervals(
    client, version, agent, reviewer_user
):
    today = timezone.localdate()
    this_monday = today - timedelta(days=today.weekday())
    first = this_monday - timedelta(weeks=10)

    def released_on(day, data=1):
        started = timezone.make_aware(timezone.datetime.combine(day, timezone.datetime.min.time())) + timedelta(
            hours=10
        )
        review = review_services.review_create(
            contact=ContactFactory(agent=agent, started_at=started), reviewer=reviewer_user, version=version
        )
        review_services.review_save(
            review=review, actor=reviewer_user, answers=full_answers(version, data=data), lock_version=0, submit=True
        )

    released_on(first)
    released_on(first + timedelta(days=1), data=0)  # two reviews: an interval
    released_on(first + timedelta(weeks=1))  # one review: a mean, no interval
    released_on(first + timedelta(weeks=8))  # then a seven-week gap (nothing after it up to this week)
    client.force_login(agent.user)
    context = client.get(reverse("qa:my-reviews"), {"days": 180}).context
    weeks = [(first + timedelta(weeks=i)).isoformat() for i in range(11)]
    assert context["trend_labels"] == weeks  # every week to this one, not only those with reviews
    gap = [None] * 6
    assert context["trend_values"] == [47.5, 95.0, *gap, 95.0, None, None]
    assert context["trend_n"] == [2, 1, *[0] * 6, 1, 0, 0]
    low, high = context["trend_low"], context["trend_high"]
    assert low[0] is not None and high[0] is not None and low[0] < 47.5 < high[0]
    # Both bounds or neither, so the band is drawn between two real lines and never towards a missing one.
    assert [i for i, v in enumerate(low) if v is not None] == [i for i, v in enumerate(high) if v is not None] == [0]


def test_agents_do_not_see_the_sampling_seed_of_their_reviews(
    client, qa_lead, version, team, agent, django_capture_on_commit_callbacks
):
    ContactFactory(agent=agent, started_at=timezone.now() - timedelta(days=2))
    run = sampling_services.sampling_run_create(
        teams=[team],
        period_start=timezone.localdate() - timedelta(days=6),
        period_end=timezone.localdate(),
        seed=987654,
        version=version,
    )
    sampling_services.sampling_run_execute(run=run)
    review = Review.objects.get(sampling_run=run)
    review_services.review_save(
        review=review, actor=qa_lead, answers=full_answers(version), lock_version=review.lock_version, submit=True
    )
    client.force_login(qa_lead)
    assert "987654" in client.get(reverse("qa:review-detail", args=[review.pk])).content.decode()  # QA's own view
    client.force_login(agent.user)
    for url in [reverse("qa:review-detail", args=[review.pk]), reverse("qa:my-reviews")]:
        text = client.get(url).content.decode()
        assert "987654" not in text and "seed" not in text.lower(), url
    history = client.get(reverse("qa:review-detail", args=[review.pk])).context["history"]
    assert history[0].why == "Picked for review in a random sample"


@pytest.mark.parametrize("n", [2, 12])
def test_agent_page_query_count_is_flat(client, version, agent, reviewer_user, n, django_assert_max_num_queries):
    for i in range(n):
        _released(
            version, ContactFactory(agent=agent, started_at=timezone.now() - timedelta(days=3 * i)), reviewer_user
        )
    client.force_login(agent.user)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("qa:my-reviews"))
    assert response.status_code == 200
    assert response.context["overall"].n == n
    client.force_login(reviewer_user)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("qa:agent-reviews", args=[agent.pk])).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(reverse("qa:agent-list")).status_code == 200


def test_agent_list_shows_team_and_agent_scores_with_n(client, version, agent, team, reviewer_user):
    for _ in range(3):
        _released(version, ContactFactory(agent=agent), UserFactory(roles=[roles.QA_REVIEWER]))
    client.force_login(reviewer_user)
    response = client.get(reverse("qa:agent-list"))
    assert response.context["teams"][0]["ci"].n == 3
    assert b"n = 3" in response.content


def test_out_of_range_numbers_in_builder_and_sampling_forms_are_form_errors(client, qa_lead, team):
    from core.models import Skill
    from qa.models import ScorecardTemplate

    client.force_login(qa_lead)
    client.post(reverse("qa:template-list"), {"name": "Huge points", "description": ""})
    version = ScorecardTemplate.objects.get(name="Huge points").versions.get()
    client.post(reverse("qa:section-create", args=[version.pk]), {"title": "Opening"})
    criterion = {
        "section": version.sections.get().pk,
        "skill": Skill.objects.get(code="empathy").pk,
        "text": "Warm greeting",
        "weight": "1",
        "scale": "points",
        "scale_min": 10**20,
        "scale_max": 10**20 + 1,
        "point_labels": "low\nhigh",
    }
    response = client.post(reverse("qa:criterion-create", args=[version.pk]), criterion)
    assert response.status_code == 400 and not version.sections.get().criteria.exists()
    today = timezone.localdate()
    sampling = {"teams": [team.pk], "period_start": today, "period_end": today, "per_agent": 2}
    response = client.post(reverse("qa:sampling"), {**sampling, "min_handle_seconds": 10**20})
    assert response.status_code == 400 and not SamplingRun.objects.exists()


def test_a_reviewer_who_is_not_a_qa_lead_cannot_sample(client, reviewer_user, team):

    client.force_login(reviewer_user)
    today = timezone.localdate()
    response = client.post(
        reverse("qa:sampling"),
        {"teams": [team.pk], "period_start": today - timedelta(days=6), "period_end": today, "per_agent": 2},
    )
    assert response.status_code == 403 and not SamplingRun.objects.exists()


def test_sampling_on_demand_that_loses_a_race_says_so_instead_of_failing(client, qa_lead, team, agent, monkeypatch):
    """Without a task queue the run executes inside the request; losing every attempt there is a message, not a 500."""
    from unittest import mock

    from qa import tasks

    for i in range(4):
        ContactFactory(agent=agent, started_at=timezone.now() - timedelta(days=2, hours=i))
    compete_for_contacts(monkeypatch, times=sampling_services.SAMPLING_ATTEMPTS)
    today = timezone.localdate()
    client.force_login(qa_lead)
    with mock.patch("qa.tasks.sampling_run_execute.delay_on_commit", side_effect=tasks.sampling_run_execute):
        response = client.post(
            reverse("qa:sampling"),
            {
                "teams": [team.pk],
                "period_start": today - timedelta(days=6),
                "period_end": today,
                "per_agent": 4,
                "confirm": "1",
            },
            follow=True,
        )
    assert response.status_code == 200
    assert "being created at the same time; nothing was sampled" in response.content.decode()


def test_review_page_shows_each_answer_with_its_scale(client, version, contact, reviewer_user):
    from qa.scoring import RawAnswer

    review = review_services.review_create(contact=contact, reviewer=reviewer_user, version=version)
    answers = {
        version.c_listen.pk: RawAnswer(0),
        version.c_solve.pk: RawAnswer(4),
        version.c_calm.pk: RawAnswer(is_na=True),
    }
    review_services.review_save(review=review, actor=reviewer_user, answers=answers, lock_version=0)
    client.force_login(reviewer_user)
    page = client.get(reverse("qa:review-detail", args=[review.pk]))
    shown = {criterion.pk: label for _, rows in page.context["answer_groups"] for criterion, _, label in rows}
    assert shown == {
        version.c_listen.pk: "No",
        version.c_solve.pk: "4 of 1–5 — d",
        version.c_data.pk: "Not answered",
        version.c_calm.pk: "N/A",
    }


def test_calibration_tables_show_answers_as_their_number():
    from qa.calibration.analytics import NA
    from qa.models import Criterion
    from qa.templatetags.calibration_tags import answer_text

    yes_no, points = (
        Criterion(scale="yes_no"),
        Criterion(scale="points", scale_min=1, scale_max=5, point_labels=["a"] * 5),
    )
    shown = [answer_text(a, c) for a, c in [(1, yes_no), (0, yes_no), (NA, points), (None, points), (4, points)]]
    assert shown == ["Yes", "No", "N/A", "—", "4"]


def _sized_version(n: int):
    """A published version of n criteria for every channel: a 1–5 scale, then a line that allows N/A, then yes/no."""
    from core.models import Skill
    from qa.models import Criterion
    from qa.tests.factories import CriterionFactory, SectionFactory, VersionFactory

    version = VersionFactory()
    section = SectionFactory(version=version)
    skills = list(Skill.objects.order_by("position"))
    for i in range(n):
        points = {"scale": Criterion.Scale.POINTS, "scale_min": 1, "scale_max": 5, "point_labels": list("abcde")}
        CriterionFactory(
            section=section,
            skill=skills[i % len(skills)],
            position=i,
            allow_na=i == 1,
            **(points if i == 0 else {}),
        )
    return version, list(version.criteria.order_by("position"))


def _payload(review, criteria, *, first: str, rest: str, action: str | None = None) -> dict:
    """Answers to every criterion: `first` on the 1–5 scale, the second N/A, `rest` (yes/no) on the others."""
    data = {"lock_version": review.lock_version, "comment": "Sized"}
    for i, criterion in enumerate(criteria):
        data[f"c{criterion.pk}"] = first if i == 0 else "na" if i == 1 else rest
        data[f"c{criterion.pk}_comment"] = f"Note {i}"
    if action:
        data["action"] = action
    return data


@pytest.mark.parametrize("n_items", [4, 20])
def test_saving_and_submitting_a_review_query_count_is_flat(
    client, agent, reviewer_user, n_items, django_assert_max_num_queries
):
    from qa.models import ReviewAnswer
    from qa.scoring import RawAnswer

    version, criteria = _sized_version(n_items)
    review = review_services.review_create(contact=ContactFactory(agent=agent), reviewer=reviewer_user, version=version)
    # Two answers were saved before: the first changes below, the last stays as it is.
    review = review_services.review_save(
        review=review,
        actor=reviewer_user,
        answers={
            criteria[0].pk: RawAnswer(2, comment="Note 0"),
            criteria[-1].pk: RawAnswer(1, comment=f"Note {n_items - 1}"),
        },
        lock_version=0,
    )
    client.force_login(reviewer_user)
    detail = reverse("qa:review-detail", args=[review.pk])
    with django_assert_max_num_queries(27):  # "Save draft": the remaining answers are new, the first changes
        response = client.post(detail, _payload(review, criteria, first="3", rest="1", action="save"))
    assert response.status_code == 302
    review.refresh_from_db()
    with django_assert_max_num_queries(25):  # autosave: all but 2 answers change (59 for 20 one by one)
        response = client.post(
            reverse("qa:review-autosave", args=[review.pk]),
            {**_payload(review, criteria, first="4", rest="0"), f"c{criteria[-1].pk}": "1"},
            HTTP_HX_REQUEST="true",
        )
    assert response.status_code == 200
    review.refresh_from_db()
    # submit: they change back (60 for 20 one by one), and the agent is told (12: the notice and its email)
    # (+1: AutoQA's suggestions for the answers, read once per save)
    with django_assert_max_num_queries(26 + 12 + 1):
        response = client.post(detail, _payload(review, criteria, first="5", rest="1", action="submit"))
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.status == Review.Status.RELEASED and review.lock_version == 4
    assert review.score == 100  # 5 of 1–5 and yes everywhere; the N/A line leaves both sums
    answers = review_services.review_raw_answers(review)
    assert len(answers) == n_items
    assert answers[criteria[0].pk] == RawAnswer(5, comment="Note 0")
    assert answers[criteria[1].pk] == RawAnswer(is_na=True, comment="Note 1")
    assert all(answers[c.pk] == RawAnswer(1, comment=f"Note {i}") for i, c in enumerate(criteria) if i > 1)
    # Every new or changed answer has its history record by the reviewer, with the values and the reason it was
    # saved for; the answer that never changed has only the record of its creation.
    history = ReviewAnswer.history.filter(review_id=review.pk)
    assert {record.history_user for record in history} == {reviewer_user}
    assert history.filter(history_type="+").count() == n_items
    assert history.filter(criterion_id=criteria[-1].pk).count() == 1
    first = history.filter(criterion_id=criteria[0].pk).order_by("history_id")
    assert [(r.value, r.history_type, r.history_change_reason) for r in first] == [
        (2, "+", "Draft saved"),
        (3, "~", "Draft saved"),
        (4, "~", Review.AUTOSAVE_REASON),
        (5, "~", "Submitted"),
    ]
    middle = history.filter(criterion_id=criteria[-2].pk).order_by("history_id")
    assert [(r.value, r.history_change_reason) for r in middle] == [
        (1, "Draft saved"),
        (0, Review.AUTOSAVE_REASON),
        (1, "Submitted"),
    ]
    assert history.filter(criterion_id=criteria[1].pk, history_type="~").count() == 0  # N/A throughout


@pytest.mark.parametrize("n_items", [4, 20])
def test_resolving_a_dispute_with_changed_answers_query_count_is_flat(
    client, agent, reviewer_user, second_reviewer, n_items, django_assert_max_num_queries
):
    from qa.models import ReviewAnswer
    from qa.scoring import RawAnswer

    version, criteria = _sized_version(n_items)
    review = review_services.review_create(contact=ContactFactory(agent=agent), reviewer=reviewer_user, version=version)
    answers = {c.pk: RawAnswer(1 if i else 5) for i, c in enumerate(criteria)}
    review = review_services.review_save(
        review=review, actor=reviewer_user, answers=answers, lock_version=0, submit=True
    )
    review = dispute_services.review_dispute(review=review, user=agent.user, reason="Listen again")
    client.force_login(second_reviewer)
    payload = {**_payload(review, criteria, first="1", rest="0"), "note": "Changed them all"}
    # 63 for 20 items when each answer was saved on its own; + 18: the agent and the reviewer told (notice, email)
    with django_assert_max_num_queries(25 + 18):
        response = client.post(reverse("qa:review-resolve", args=[review.pk]), payload)
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.status == Review.Status.RESOLVED and review.score == 0
    changed = ReviewAnswer.history.filter(review_id=review.pk, history_type="~")
    assert changed.count() == n_items
    assert {(r.history_user, r.history_change_reason) for r in changed} == {(second_reviewer, "Dispute resolved")}


def test_a_double_submitted_edit_of_a_version_with_reviews_lands_on_one_draft(
    client, qa_lead, version, contact, monkeypatch
):
    """ "Edit" on a version with reviews makes a draft copy. A double click sends the POST twice: the second
    request may look for the draft before the first has made it, then find one when it copies. Both answers go to
    the one draft (before, the second answered 500 on the one-draft-per-template rule)."""
    from qa.models import ScorecardVersion

    _released(version, contact, qa_lead)
    real_copy = scorecard_services.version_copy
    raced = []

    def copy_after_the_other_submit(**kwargs):
        if not raced:  # the first submit's copy lands between this request's look and its own copy
            raced.append(real_copy(**kwargs))
        return real_copy(**kwargs)

    monkeypatch.setattr(scorecard_services, "version_copy", copy_after_the_other_submit)
    client.force_login(qa_lead)
    client.raise_request_exception = False
    url = reverse("qa:version-edit", args=[version.pk])
    first, second = client.post(url), client.post(url)
    drafts = ScorecardVersion.objects.filter(template=version.template, status=ScorecardVersion.Status.DRAFT)
    assert drafts.count() == 1 and raced == [drafts.get()]
    target = reverse("qa:version-detail", args=[drafts.get().pk])
    assert (first.status_code, first.url) == (302, target) and (second.status_code, second.url) == (302, target)
    page = client.get(target).content.decode()
    assert f"so your edits go to draft v{drafts.get().number}" in page
