"""The full reconciliation through real Celery workers (Redis): two worker threads share the months and the flush
runs once, after the last; a run whose worker died is finished by the beat's task."""

import time
from datetime import UTC, datetime, timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import OperationalError
from django.utils import timezone

from core.tests.factories import ContactFactory
from metrics import reconcile, rollups
from metrics.models import AgentDay, AgentRunning, FullRollup
from metrics.tasks import rollup_metrics

app = rollup_metrics.app  # the project's Celery app (metrics must not import the wiring)
pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def contacts_over_months(agent, months: int) -> None:
    for month in range(1, months + 1):
        for hour in (9, 15):
            ContactFactory(
                agent=agent,
                team=agent.team,
                external_id=f"w{month}-{hour}",
                case_id=f"W{month}-{hour}",
                started_at=datetime(2026, month, 3, hour, tzinfo=UTC),
                csat=4,
            )


def tables():
    return (
        list(AgentDay.objects.order_by("day").values_list("day", "contacts", "csat_sum")),
        list(AgentRunning.objects.order_by("day").values_list("day", "contacts", "csat_sum")),
    )


def wait_until_done(run_id: int, seconds: float = 60) -> FullRollup:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            run = FullRollup.objects.get(pk=run_id)
        except OperationalError:  # SQLite's shared in-memory test database: "table is locked" while a worker writes
            run = None
        if run is not None and run.state == FullRollup.State.DONE:
            return run
        time.sleep(0.2)
    raise AssertionError(f"full run {run_id} not done after {seconds} s")


class Flushes:
    """Wraps reconcile.full_run_flush (the workers run in this process's threads) to see when it ran."""

    def __init__(self, monkeypatch):
        self.calls: list[int] = []
        original = reconcile.full_run_flush

        def flush(*, run):
            self.calls.append(run.months.filter(done_at__isnull=True).count())  # months left when it ran
            original(run=run)

        monkeypatch.setattr(reconcile, "full_run_flush", flush)


@pytest.fixture
def worker():
    app.conf.task_always_eager = False
    try:
        with start_worker(app, perform_ping_check=False, pool="threads", concurrency=2, loglevel="WARNING"):
            yield
    finally:
        app.conf.task_always_eager = True


def test_two_worker_threads_share_the_months_and_flush_once_after_all(postgres_only, agent, monkeypatch, worker):
    contacts_over_months(agent, 6)
    rollups.rollup_full()
    expected = tables()
    AgentDay.objects.all().delete()
    AgentRunning.objects.all().delete()
    flushes = Flushes(monkeypatch)
    rollup_metrics.delay(full=True)
    deadline = time.monotonic() + 30
    while not FullRollup.objects.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    wait_until_done(FullRollup.objects.get().pk)
    assert flushes.calls == [0]  # once, with no month left
    assert tables() == expected


def test_the_beat_task_finishes_a_run_whose_worker_died(agent, monkeypatch, settings, worker):
    contacts_over_months(agent, 5)
    rollups.rollup_full()
    expected = tables()
    run, _created = reconcile.full_run_start()
    for start, _end in reconcile.full_run_months_left(run=run)[:2]:
        reconcile.full_run_month(run_id=run.pk, start=start)  # then the worker died
    stale = timezone.now() - timedelta(minutes=settings.ROLLUP_FULL_STALE_MINUTES + 1)
    FullRollup.objects.filter(pk=run.pk).update(heartbeat_at=stale)
    flushes = Flushes(monkeypatch)
    rollup_metrics.delay()  # what beat sends every 5 minutes
    run = wait_until_done(run.pk)
    assert run.resumed == 1 and flushes.calls == [0]
    assert tables() == expected
