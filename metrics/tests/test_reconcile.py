"""The full reconciliation's record: resumed by the beat when its worker dies, flushed once after all its months,
never two at once; and the time zone its days were counted in, checked against settings.TIME_ZONE."""

from datetime import UTC, date, datetime, timedelta
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import IntegrityError, transaction
from django.test import override_settings
from django.utils import timezone

from core.models import Contact
from core.tests.factories import ContactFactory
from metrics import reconcile, rollups
from metrics.checks import ZONE_CHANGED, rollups_time_zone
from metrics.models import AgentDay, AgentRunning, FullRollup, FullRollupMonth, RollupZone
from metrics.tasks import rollup_metrics

pytestmark = pytest.mark.django_db

MONTHS = [date(2026, month, 1) for month in range(1, 6)]
# The run's months start on the first day with data (10 January), then on each 1st; the last ends on 10 May.
STARTS = [date(2026, 1, 10), *MONTHS[1:]]


@pytest.fixture
def five_months(agent):
    """Two contacts in each of January..May 2026, rolled up, then the day rows wiped (a full run rebuilds them)."""
    for n, month in enumerate(MONTHS):
        for hour in (9, 15):
            ContactFactory(
                agent=agent,
                team=agent.team,
                external_id=f"f{n}-{hour}",
                case_id=f"K{n}-{hour}",
                started_at=datetime(month.year, month.month, 10, hour, tzinfo=UTC),
                csat=5,
            )
    rollups.rollup_full()
    expected = (agent_days(), running())
    AgentDay.objects.all().delete()
    AgentRunning.objects.all().delete()
    return expected


def agent_days():
    return list(AgentDay.objects.order_by("day").values_list("day", "contacts", "csat_sum"))


def running():
    return list(AgentRunning.objects.order_by("day").values_list("day", "contacts", "csat_sum"))


class Spy:
    """Counts calls of a function (and their keyword arguments) while still calling it."""

    def __init__(self, target, name):
        self.calls = []
        original = getattr(target, name)

        def spy(*args, **kwargs):
            self.calls.append(kwargs)
            return original(*args, **kwargs)

        self.patch = mock.patch.object(target, name, side_effect=spy)

    def __enter__(self):
        self.patch.start()
        return self

    def __exit__(self, *exc):
        self.patch.stop()


def crashed_run(done: int, *, minutes_ago: int) -> FullRollup:
    """A run whose worker did `done` months and then died `minutes_ago` minutes ago."""
    run, created = reconcile.full_run_start()
    assert created and run.months_total == len(MONTHS)
    assert [start for start, _end in reconcile.full_run_months_left(run=run)] == STARTS
    for start in STARTS[:done]:
        reconcile.full_run_month(run_id=run.pk, start=start)
    FullRollup.objects.filter(pk=run.pk).update(heartbeat_at=timezone.now() - timedelta(minutes=minutes_ago))
    return run


def test_the_beat_resumes_a_stale_run_from_its_first_month_left_and_flushes_once(five_months, settings):
    expected_days, expected_running = five_months
    run = crashed_run(2, minutes_ago=settings.ROLLUP_FULL_STALE_MINUTES + 1)
    assert [day for day, *_ in agent_days()] == [date(2026, 1, 10), date(2026, 2, 10)]
    with Spy(reconcile.rollups, "rollup_days") as months, Spy(reconcile, "full_run_flush") as flushes:
        rollup_metrics.delay()  # the 5-minute beat entry: no arguments
    assert [call["start"] for call in months.calls] == STARTS[2:]  # the three months left, in order, once each
    assert len(flushes.calls) == 1
    run.refresh_from_db()
    assert (run.state, run.resumed) == (FullRollup.State.DONE, 1) and run.finished_at is not None
    assert not run.months.filter(done_at__isnull=True).exists()
    assert agent_days() == expected_days and running() == expected_running


def test_the_beat_leaves_a_live_run_alone(five_months):
    run = crashed_run(2, minutes_ago=1)  # its worker is still at work
    with Spy(reconcile, "full_run_flush") as flushes:
        rollup_metrics.delay()
    run.refresh_from_db()
    assert run.state == FullRollup.State.RUNNING and run.resumed == 0 and flushes.calls == []
    assert len(reconcile.full_run_months_left(run=run)) == 3


def test_the_flush_never_runs_while_a_month_is_left(five_months):
    expected_days, expected_running = five_months
    run, _created = reconcile.full_run_start()
    with Spy(reconcile, "full_run_flush") as flushes:
        for start in STARTS[:-1]:
            reconcile.full_run_month(run_id=run.pk, start=start)
            assert reconcile.full_run_finish(run_id=run.pk) is False  # a month is left: no flush
        assert flushes.calls == [] and running() == []
        reconcile.full_run_month(run_id=run.pk, start=STARTS[-1])
        assert reconcile.full_run_finish(run_id=run.pk) is True
        assert reconcile.full_run_finish(run_id=run.pk) is False  # done: a late caller does nothing
    assert len(flushes.calls) == 1
    assert agent_days() == expected_days and running() == expected_running


def test_a_month_done_is_not_rebuilt_again(five_months):
    run, _created = reconcile.full_run_start()
    assert reconcile.full_run_month(run_id=run.pk, start=STARTS[1]).days == 28
    with Spy(reconcile.rollups, "rollup_days") as months:
        assert reconcile.full_run_month(run_id=run.pk, start=STARTS[1]).days == 0
    assert months.calls == []


def test_the_full_task_queues_a_task_per_month_and_the_last_one_flushes(five_months):
    expected_days, expected_running = five_months
    with Spy(reconcile, "full_run_flush") as flushes:
        result = rollup_metrics.delay(full=True).get()  # eager: each month runs as it is queued
    run = FullRollup.objects.get()
    assert result == {"run": run.pk, "months": 5}
    assert run.state == FullRollup.State.DONE and len(flushes.calls) == 1
    assert agent_days() == expected_days and running() == expected_running


def test_two_full_runs_never_run_at_once(five_months):
    run, created = reconcile.full_run_start()
    again, created_again = reconcile.full_run_start()
    assert created and not created_again and again.pk == run.pk
    assert rollup_metrics.delay(full=True).get() == {"run": run.pk, "months": 0, "in_progress": True}
    with pytest.raises(IntegrityError), transaction.atomic():
        FullRollup.objects.create(zone="UTC", heartbeat_at=timezone.now())  # the database refuses a second one
    assert FullRollupMonth.objects.filter(run=run).count() == 5  # the task queued nothing more


def test_the_command_joins_and_finishes_a_run_in_progress(five_months, capsys):
    expected_days, expected_running = five_months
    run = crashed_run(3, minutes_ago=1)
    call_command("rollup_metrics", "--full")
    out = capsys.readouterr().out
    assert f"Full rollup {run.pk} (already in progress, joined): 5 of 5 months done, done; days counted in UTC." in out
    assert "Rolled up 40 days, 2 agent-day rows." in out  # April and 1-10 May: what this call rebuilt
    assert agent_days() == expected_days and running() == expected_running


def test_a_full_run_with_no_contacts_finishes_at_once(db):
    run, created, result = reconcile.full_run()
    assert created and run.state == FullRollup.State.DONE and run.months_total == 0 and result.days == 0


# Time zones


def late_evening_contact(agent) -> Contact:
    """23:30 UTC on 1 March: 2 March in Berlin."""
    return ContactFactory(
        agent=agent, team=agent.team, external_id="tz1", started_at=datetime(2026, 3, 1, 23, 30, tzinfo=UTC)
    )


def test_changing_the_time_zone_is_an_error_until_a_full_rollup_counts_days_again(agent):
    contact = late_evening_contact(agent)
    rollups.rollup_full()
    assert RollupZone.objects.get().zone == "UTC" and rollups_time_zone() == []
    with override_settings(TIME_ZONE="Europe/Berlin"):
        [error] = rollups_time_zone()
        assert error.id == ZONE_CHANGED and "'Europe/Berlin'" in error.msg and "'UTC'" in error.msg
        assert "rollup_metrics --full" in error.hint
        with pytest.raises(SystemCheckError, match="rollup_metrics --full"):
            call_command("check")  # registered: runserver, migrate and every command stop on it
        call_command("rollup_metrics", "--full")  # which is not stopped by it
        assert rollups_time_zone() == []
        contact.refresh_from_db()
        assert contact.day == date(2026, 3, 2)
        assert list(AgentDay.objects.values_list("day", "contacts")) == [(date(2026, 3, 2), 1)]
    assert [error.id for error in rollups_time_zone()] == [ZONE_CHANGED]  # back in UTC: counted in Berlin now


def test_no_error_on_a_database_without_contacts(db):
    with override_settings(TIME_ZONE="Europe/Berlin"):
        assert rollups_time_zone() == []


def test_contact_days_are_recounted_in_sql_for_the_zone(agent):
    contact = late_evening_contact(agent)
    assert reconcile.contact_days_recount(zone="UTC") == 0
    assert reconcile.contact_days_recount(zone="America/Sao_Paulo") == 0  # 20:30 on 1 March there
    assert reconcile.contact_days_recount(zone="Asia/Tokyo") == 1
    contact.refresh_from_db()
    assert contact.day == date(2026, 3, 2)


def test_admins_read_the_runs_in_the_django_admin_and_cannot_write_them(admin_client, five_months):
    run = crashed_run(2, minutes_ago=1)
    listing = admin_client.get("/admin/metrics/fullrollup/")
    assert listing.status_code == 200 and "In progress" in listing.content.decode()
    page = admin_client.get(f"/admin/metrics/fullrollup/{run.pk}/change/")
    assert page.status_code == 200
    [months] = page.context["inline_admin_formsets"]
    assert [form.instance.start for form in months.formset] == STARTS
    assert admin_client.get("/admin/metrics/fullrollup/add/").status_code == 403
    assert admin_client.post(f"/admin/metrics/fullrollup/{run.pk}/change/", {"zone": "X"}).status_code == 403


def test_a_lead_cannot_open_the_runs(client, lead_user, five_months):
    client.force_login(lead_user)
    assert client.get("/admin/metrics/fullrollup/").status_code == 302  # to the admin login: not staff
