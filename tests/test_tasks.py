import time
from datetime import date, timedelta
from unittest import mock

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.management import call_command
from django.db import OperationalError

from core.models import RollupMark
from imports.tests.contact_rows import row, run_import
from metrics import rollups
from metrics.models import AgentDay, AgentRunning, RunningDirty
from metrics.tasks import DAYS_PER_RUN, rollup_metrics
from skillhub.celery import app


def test_rollup_task_is_safe_to_retry_and_bounded():
    assert rollup_metrics.acks_late and rollup_metrics.reject_on_worker_lost
    assert OperationalError in rollup_metrics.autoretry_for and rollup_metrics.retry_backoff
    assert rollup_metrics.soft_time_limit < rollup_metrics.time_limit < 3600


def test_beat_schedule_runs_the_rollup_often_and_sweeps_nightly(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule["rollup-metrics-marked"]["task"] == "skillhub.tasks.rollup_metrics"
    assert schedule["rollup-metrics-last-7-days"]["task"] == "skillhub.tasks.rollup_metrics"
    assert schedule["rollup-metrics-last-7-days"]["kwargs"] == {"last_days": 7}


def test_every_beat_entry_names_a_registered_task(settings):
    from skillhub.celery import app

    app.loader.import_default_modules()
    missing = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()} - set(app.tasks)
    assert not missing


def test_rollup_task_arguments_rebuild_the_right_days(agent):
    run_import([row("t1", "K", agent, "2026-03-01T10:00:00Z"), row("t2", "L", agent, "2026-03-20T10:00:00Z")])
    assert rollup_metrics.delay(days=["2026-03-01"]).get() == {"days": 1, "rows": 1}
    assert set(RollupMark.objects.values_list("day", flat=True)) == {date(2026, 3, 20)}
    assert rollup_metrics.delay(start="2026-03-01", end="2026-03-31").get() == {"days": 31, "rows": 2}
    AgentDay.objects.all().delete()
    flushes = []
    original = rollups.running_rebuild
    with mock.patch.object(rollups, "running_rebuild", side_effect=lambda **kw: flushes.append(kw) or original(**kw)):
        assert rollup_metrics.delay(full=True).get()["months"] == 1
    assert AgentDay.objects.count() == 2 and flushes == [{"start": None}]  # once, after the months (its record's)
    assert AgentRunning.objects.get(agent=agent, day=date(2026, 3, 20)).contacts == 2
    assert not RunningDirty.objects.exists()
    assert rollup_metrics.delay(last_days=7).get()["days"] == 7


def test_rollup_task_requeues_when_more_days_are_marked(agent):
    from core.services.rollup_marks import rollup_mark

    run_import([row("m1", "K1", agent, "2026-01-01T10:00:00Z")])
    rollup_mark(agent_days=[(agent.pk, date(2025, 1, 1) + timedelta(days=n)) for n in range(40)])
    assert DAYS_PER_RUN < RollupMark.objects.count()
    rollup_metrics.delay()
    assert not RollupMark.objects.exists()


def test_rollup_metrics_command_days_and_full(agent, capsys):
    run_import([row("c1", "K", agent, "2026-03-01T10:00:00Z")])
    call_command("rollup_metrics", "--days", "2026-03-01")
    assert "Rolled up 1 days, 1 agent-day rows." in capsys.readouterr().out
    call_command("rollup_metrics", "--full")
    assert AgentDay.objects.get().contacts == 1


def rolled_up() -> bool:
    try:
        return AgentDay.objects.exists()
    except OperationalError:  # SQLite's shared in-memory test database: "table is locked" while the worker writes it
        return False


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_import_with_a_real_worker_rolls_up(agent):
    app.conf.task_always_eager = False
    try:
        with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
            run_import([row("w1", "W", agent, "2026-03-03T10:00:00Z", csat=5)])  # enqueues on commit
            deadline = time.monotonic() + 30
            while not rolled_up() and time.monotonic() < deadline:
                time.sleep(0.2)
    finally:
        app.conf.task_always_eager = True
    day = AgentDay.objects.get()
    assert (day.day, day.contacts, day.csat_satisfied) == (date(2026, 3, 3), 1, 1)
    assert not RollupMark.objects.exists()
