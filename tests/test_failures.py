"""Failure survival: broker down, a rollup dying half-way, a database error during an import."""

from datetime import date
from unittest import mock

import pytest
from django.db import DatabaseError
from django.urls import reverse
from kombu.exceptions import OperationalError as BrokerDown

from core.models import Contact, RollupMark
from imports import services as imports
from imports.tests.contact_rows import row, run_import
from metrics import rollups
from metrics.models import AgentDay
from metrics.tasks import rollup_metrics

pytestmark = pytest.mark.django_db(transaction=True)


def _broker_down(*args, **kwargs):
    raise BrokerDown("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


def test_import_succeeds_with_the_broker_down_and_the_rollup_catches_up(agent, caplog):
    with mock.patch.object(rollup_metrics, "delay", side_effect=_broker_down):
        summary = run_import([row("f1", "K1", agent, "2026-03-01T10:00:00Z", csat=5)])
    assert summary.created == 1
    assert Contact.objects.filter(external_id="f1").exists()
    assert RollupMark.objects.filter(agent=agent, day=date(2026, 3, 1)).exists()  # no lost mark
    assert "rollup not queued" in caplog.text
    assert not AgentDay.objects.exists()
    # Redis is back: the next scheduled run rebuilds every marked day.
    rollup_metrics.delay()
    day = AgentDay.objects.get(agent=agent, day=date(2026, 3, 1))
    assert (day.contacts, day.csat_satisfied) == (1, 1)
    assert not RollupMark.objects.exists()


def test_bulk_import_api_answers_201_with_the_broker_down(client, admin_user, agent):
    client.force_login(admin_user)
    body = [row("api1", "KA", agent, "2026-03-02T10:00:00Z")]
    with mock.patch.object(rollup_metrics, "delay", side_effect=_broker_down) as delay:
        response = client.post(reverse("interactions-bulk"), body, content_type="application/json")
    assert delay.called  # the enqueue was tried after the commit, and its failure did not reach the caller
    assert response.status_code == 201, response.content
    assert Contact.objects.filter(external_id="api1").exists()
    assert RollupMark.objects.filter(agent=agent, day=date(2026, 3, 2)).exists()


def test_a_rollup_killed_half_way_leaves_the_old_figures_and_the_next_run_is_right(agent):
    run_import([row("k1", "K1", agent, "2026-03-01T10:00:00Z")])
    assert AgentDay.objects.get(agent=agent, day=date(2026, 3, 1)).contacts == 1
    with mock.patch.object(rollup_metrics, "delay"):  # the import's own rollup never runs
        run_import([row("k2", "K2", agent, "2026-03-01T11:00:00Z")])

    def dies_after_deleting(start, end, **kwargs):
        rollups.AgentDay.objects.filter(day__range=(start, end)).delete()
        rollups.AgentRunning.objects.filter(day__gte=start).delete()
        raise DatabaseError("worker lost mid-rollup")

    with mock.patch.object(rollups, "_rebuild", side_effect=dies_after_deleting), pytest.raises(DatabaseError):
        rollups.rollup_pending()
    # Old figures, never half: the delete was rolled back with the rest, and the mark is still there.
    assert AgentDay.objects.get(agent=agent, day=date(2026, 3, 1)).contacts == 1
    assert rollups.AgentRunning.objects.get(agent=agent, day=date(2026, 3, 1)).contacts == 1
    assert RollupMark.objects.filter(day=date(2026, 3, 1)).exists()
    rollups.rollup_pending()
    assert AgentDay.objects.get(agent=agent, day=date(2026, 3, 1)).contacts == 2
    assert rollups.AgentRunning.objects.get(agent=agent, day=date(2026, 3, 1)).contacts == 2


def test_a_worker_killed_between_the_days_and_the_running_totals_loses_nothing(agent):
    run_import([row("w1", "W1", agent, "2026-03-01T10:00:00Z")])
    assert rollups.AgentRunning.objects.get(agent=agent, day=date(2026, 3, 1)).contacts == 1
    with mock.patch.object(rollup_metrics, "delay"):
        run_import([row("w2", "W2", agent, "2026-03-01T11:00:00Z")])

    def dies(*args, **kwargs):
        raise DatabaseError("worker lost before the running totals")

    with mock.patch.object(rollups, "_running_rebuild_changed", side_effect=dies), pytest.raises(DatabaseError):
        rollups.rollup_pending()
    # The day is new, the running totals old (never half), and the change is still marked.
    assert AgentDay.objects.get(agent=agent, day=date(2026, 3, 1)).contacts == 2
    assert rollups.AgentRunning.objects.get(agent=agent, day=date(2026, 3, 1)).contacts == 1
    assert rollups.RunningDirty.objects.filter(key_id=agent.pk).exists()
    rollups.rollup_pending()  # nothing left to roll up; the flush catches up
    assert rollups.AgentRunning.objects.get(agent=agent, day=date(2026, 3, 1)).contacts == 2
    assert not rollups.RunningDirty.objects.exists()


def test_a_database_error_during_an_import_leaves_nothing_written(agent, monkeypatch):
    monkeypatch.setattr(imports, "CHUNK_ROWS", 2)
    rows = [row(f"d{i}", f"D{i}", agent, f"2026-03-0{i + 1}T10:00:00Z") for i in range(5)]
    calls = {"n": 0}
    original = imports._process_chunk

    def fails_on_second_chunk(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise DatabaseError("connection lost during the import")
        return original(*args, **kwargs)

    monkeypatch.setattr(imports, "_process_chunk", fails_on_second_chunk)
    with pytest.raises(DatabaseError):
        run_import(rows)
    assert not Contact.objects.filter(external_id__startswith="d").exists()
    assert not RollupMark.objects.exists()
