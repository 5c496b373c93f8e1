from datetime import date, datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core import roles
from core.tests.factories import AgentFactory, ContactFactory, ScopeFactory, UserFactory
from qa import tasks
from qa.models import Review, SamplingRun
from qa.reviews import services as review_services
from qa.sampling import services as sampling_services
from qa.tests.conftest import compete_for_contacts

START = date(2026, 3, 2)
END = date(2026, 3, 8)


def _contacts(agent, n, **kwargs):
    tz = timezone.get_current_timezone()
    return [
        ContactFactory(
            agent=agent, started_at=datetime.combine(START + timedelta(days=i % 7), time(9 + i % 8), tz), **kwargs
        )
        for i in range(n)
    ]


@pytest.fixture
def staffed_team(team, vendor, version):
    agents = AgentFactory.create_batch(4, team=team)
    for agent in agents:
        _contacts(agent, 12)
    reviewers = []
    for _ in range(3):
        user = UserFactory(roles=[roles.QA_REVIEWER])
        ScopeFactory(user=user, vendors=[vendor])
        reviewers.append(user)
    return agents, reviewers


def _run(team, version, seed, **kwargs):
    return sampling_services.sampling_run_create(
        teams=[team], period_start=START, period_end=END, per_agent=3, seed=seed, version=version, **kwargs
    )


def test_sampling_same_seed_draws_the_same_conversations(staffed_team, team, version):
    agents, _ = staffed_team
    first = sampling_services.sample_contacts(run=_run(team, version, 1234), agents=agents)
    again = sampling_services.sample_contacts(run=_run(team, version, 1234), agents=agents)
    other = sampling_services.sample_contacts(run=_run(team, version, 99), agents=agents)
    assert first == again
    assert first != other
    assert all(len(ids) == 3 for ids in first.values())


def test_sampling_filters_by_channel_csat_and_handle_time(team, version, reviewer_user):
    agent = AgentFactory(team=team)
    _contacts(agent, 5, channel="phone", csat=5, handle_seconds=100)
    wanted = _contacts(agent, 2, channel="email", csat=2, handle_seconds=900)
    _contacts(agent, 2, channel="email", csat=5, handle_seconds=900)
    run = _run(team, version, 7, channel="email", max_csat=3, min_handle_seconds=600)
    assert sampling_services.sample_contacts(run=run, agents=[agent]) == {agent.pk: sorted(c.pk for c in wanted)}


def test_sampling_spreads_reviews_evenly_by_load_and_is_safe_to_run_twice(staffed_team, team, version):
    agents, reviewers = staffed_team
    busy = reviewers[0]
    other_agent = AgentFactory(team=team)
    for contact in _contacts(other_agent, 3):
        review_services.review_create(contact=contact, reviewer=busy, version=version)  # busy already has 3 open
    run = _run(team, version, 42)
    created = sampling_services.sampling_run_execute(run=run)
    assert created == 4 * 3  # other_agent's 3 drawn contacts already have reviews and are skipped
    loads = {r.pk: Review.objects.filter(reviewer=r, status="draft").count() for r in reviewers}
    assert sorted(loads.values()) == [5, 5, 5]  # busy got 2 new, the others 5 each
    assert sampling_services.sampling_run_execute(run=run) == 0
    assert Review.objects.filter(sampling_run=run).count() == created


def test_sampling_never_assigns_a_reviewer_their_own_work(team, vendor, version):
    reviewer_agent = AgentFactory(team=team)
    reviewer_agent.user.groups.add(*UserFactory(roles=[roles.QA_REVIEWER]).groups.all())
    ScopeFactory(user=reviewer_agent.user, vendors=[vendor])
    other = UserFactory(roles=[roles.QA_REVIEWER])
    ScopeFactory(user=other, vendors=[vendor])
    _contacts(reviewer_agent, 6)
    sampling_services.sampling_run_execute(run=_run(team, version, 5))
    reviews = Review.objects.filter(agent=reviewer_agent)
    assert reviews.count() == 3
    assert set(reviews.values_list("reviewer", flat=True)) == {other.pk}


def test_assign_by_load_gives_each_to_the_least_loaded_eligible_reviewer():
    items = [(i, 100) for i in range(6)]
    load = {1: 2}
    assignment = sampling_services.assign_by_load(items=items, eligible={100: [1, 2, 3]}, load=load)
    counts = {r: list(assignment.values()).count(r) for r in (1, 2, 3)}
    assert counts == {1: 1, 2: 3, 3: 2}
    assert load == {1: 3, 2: 3, 3: 2}
    assert sampling_services.assign_by_load(items=[(1, 5)], eligible={5: [5]}, load={}) == {1: None}


def test_weekly_task_samples_last_week_once_per_team(staffed_team, team, version, django_capture_on_commit_callbacks):
    today = END + timedelta(days=1)
    from unittest import mock

    with mock.patch("qa.sampling.services.timezone.localdate", return_value=today):
        with django_capture_on_commit_callbacks(execute=True):
            run_ids = tasks.sampling_weekly(per_agent=2)
        assert tasks.sampling_weekly(per_agent=2) == []
    run = SamplingRun.objects.get(pk__in=run_ids, teams=team)
    assert (run.period_start, run.period_end) == (START, END)
    assert run.reviews.count() == 4 * 2


def test_weekly_sampling_is_on_the_beat_schedule(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["qa-sampling-weekly"]
    assert entry["task"] == "qa.tasks.sampling_weekly"
    assert entry["schedule"].day_of_week == {1}


@pytest.mark.parametrize("per_agent", [2, 10])
def test_sampling_run_execute_runs_a_constant_number_of_queries(
    staffed_team, team, version, per_agent, django_assert_max_num_queries
):
    agents, reviewers = staffed_team
    lead = UserFactory(roles=[roles.QA_REVIEWER])
    run = sampling_services.sampling_run_create(
        teams=[team], period_start=START, period_end=END, per_agent=per_agent, seed=3, version=version, created_by=lead
    )
    # 14 on PostgreSQL at both sizes; SQLite splits an insert past 999 parameters: at 40 reviews both the reviews'
    # insert and their history records' (a review has some 30 columns). Then the notices: the run's teams, and one
    # notice (with its email, 11 queries with the savepoint) per reviewer, whatever the number of reviews each gets.
    with django_assert_max_num_queries(16 + 2 + 11 * len(reviewers)):
        created = sampling_services.sampling_run_execute(run=run)
    assert created == len(agents) * per_agent
    reviews = Review.objects.filter(sampling_run=run)
    assert reviews.count() == created and set(reviews.values_list("reviewer", flat=True)) <= {r.pk for r in reviewers}
    # Each new review has its history record, made by the lead who asked for the run, with the seed as its reason.
    records = Review.history.filter(sampling_run_id=run.pk)
    assert records.count() == created
    assert set(records.values_list("history_user", "history_change_reason", "history_type")) == {
        (lead.pk, "Sampled (seed 3)", "+")
    }


def test_sampling_skips_what_a_concurrent_run_reviewed_first(staffed_team, team, version, monkeypatch):
    run = _run(team, version, 11)
    taken = compete_for_contacts(monkeypatch, times=1)
    assert sampling_services.sampling_run_execute(run=run) == 4 * 3 - 1
    mine = Review.objects.filter(sampling_run=run)
    assert taken[0].contact_id not in set(mine.values_list("contact_id", flat=True))
    assert Review.objects.filter(pk=taken[0].pk).exists()
    run.refresh_from_db()
    assert run.picked == 4 * 3 - 1 and run.executed_at is not None


def test_sampling_that_keeps_losing_the_race_says_so_and_samples_nothing(staffed_team, team, version, monkeypatch):
    run = _run(team, version, 12)
    compete_for_contacts(monkeypatch, times=sampling_services.SAMPLING_ATTEMPTS)
    with pytest.raises(ValidationError, match="being created at the same time; nothing was sampled"):
        sampling_services.sampling_run_execute(run=run)
    assert not Review.objects.filter(sampling_run=run).exists()
