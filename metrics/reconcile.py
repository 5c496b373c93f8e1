"""The full reconciliation as a resumable run: a FullRollup record with one FullRollupMonth per calendar month.

Learnt from zulip's analytics FillState (a row per stat saying how far its fill got and whether one is under way):
here the record keeps which months are done and a heartbeat, so whoever finds it can finish it.

- `full_run_start` claims the run (a partial unique constraint lets one be in progress), counts every contact's
  day again in settings.TIME_ZONE (one UPDATE), drops rollup rows outside the days with data and writes the months.
- `full_run_month` rebuilds one month unless it is done (the month's row is locked meanwhile, so a duplicate waits
  and then skips it) and marks it done in the same transaction.
- `full_run_finish` rebuilds the running totals once every month is done, and only then: it first claims the run
  with a conditional UPDATE (which waits for anyone else finishing it), checks no month is left, rebuilds, and marks
  the run done and its zone as the zone of the rollups, all in one transaction. Every month calls it after it
  commits, so the last one to commit flushes; an earlier caller sees a month left and does nothing.
- `full_run_claim_stale` is the 5-minute beat's look at the record: a run in progress whose heartbeat is older
  than ROLLUP_FULL_STALE_MINUTES lost its worker; the beat takes it over and redoes the months not done.
"""

import logging
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.db.models.functions import TruncDate
from django.utils import timezone

from core.models import Contact
from metrics import rollups
from metrics.models import FullRollup, FullRollupMonth, RollupZone

logger = logging.getLogger(__name__)

RUNNING = FullRollup.State.RUNNING


def stale_after() -> timedelta:
    return timedelta(minutes=settings.ROLLUP_FULL_STALE_MINUTES)


def contact_days_recount(*, zone: str) -> int:
    """Set every contact's `day` to the local day of its started_at in `zone` (one UPDATE of the rows whose day
    differs); returns how many changed."""
    local = TruncDate("started_at", tzinfo=ZoneInfo(zone))
    return Contact.objects.exclude(day=local).update(day=local)


def full_run_in_progress() -> FullRollup | None:
    return FullRollup.objects.filter(state=RUNNING).first()


def full_run_start() -> tuple[FullRollup, bool]:
    """Start a full run in settings.TIME_ZONE, or return the one in progress; (run, True when this call started it).

    Starting recounts the contacts' days in the zone, drops rollup rows and marks of days without contacts and
    writes the months, with the record, in one transaction: a run that could not start leaves nothing behind.
    """
    for _attempt in range(3):
        current = full_run_in_progress()
        if current is not None:
            return current, False
        zone = settings.TIME_ZONE
        try:
            with transaction.atomic():
                run = FullRollup.objects.create(zone=zone, heartbeat_at=timezone.now())
                moved = contact_days_recount(zone=zone)
                if moved:
                    logger.info("full rollup %s: %s contacts' days recounted in %s", run.pk, moved, zone)
                first, last = rollups.contact_day_bounds()
                rollups.rollup_drop_outside(first=first, last=last)
                months = list(rollups.month_chunks(first, last)) if first and last else []
                FullRollupMonth.objects.bulk_create(
                    FullRollupMonth(run=run, start=start, end=end) for start, end in months
                )
                FullRollup.objects.filter(pk=run.pk).update(first_day=first, last_day=last, months_total=len(months))
                run.first_day, run.last_day, run.months_total = first, last, len(months)
        except IntegrityError:  # another run started meanwhile: join it
            continue
        return run, True
    raise RuntimeError("could not start or find a full rollup run")


def full_run_months_left(*, run: FullRollup) -> list[tuple[date, date]]:
    return list(run.months.filter(done_at__isnull=True).order_by("start").values_list("start", "end"))


def full_run_month(*, run_id: int, start: date) -> rollups.RollupResult:
    """Rebuild the month of run `run_id` starting on `start` unless it is done, and mark it done (one transaction).

    Returns what it rebuilt (nothing when the month was done already)."""
    _heartbeat(run_id)
    with transaction.atomic():
        month = _locked(FullRollupMonth.objects.filter(run_id=run_id, start=start, done_at__isnull=True)).first()
        if month is None:
            return rollups.RollupResult()
        result = rollups.rollup_days(start=month.start, end=month.end, running=False)
        now = timezone.now()
        FullRollupMonth.objects.filter(pk=month.pk).update(done_at=now)
        FullRollup.objects.filter(pk=run_id).update(heartbeat_at=now)
    return result


def full_run_finish(*, run_id: int) -> bool:
    """Rebuild the running totals and close the run if every month is done; True when this call did it.

    The conditional UPDATE claims the run's row first (a second caller waits for the first to commit, then finds
    the run done), so the flush runs once, and never while a month is left."""
    with transaction.atomic():
        if not FullRollup.objects.filter(pk=run_id, state=RUNNING).update(heartbeat_at=timezone.now()):
            return False
        if FullRollupMonth.objects.filter(run_id=run_id, done_at__isnull=True).exists():
            return False
        run = FullRollup.objects.get(pk=run_id)
        full_run_flush(run=run)
        FullRollup.objects.filter(pk=run_id).update(state=FullRollup.State.DONE, finished_at=timezone.now())
        RollupZone.objects.update_or_create(pk=1, defaults={"zone": run.zone})
    return True


def full_run_flush(*, run: FullRollup) -> None:
    """After the last month: every running total again from the day rows (the months leave them alone)."""
    rollups.running_rebuild(start=None)


def full_run_claim_stale() -> FullRollup | None:
    """Take over the run in progress if its heartbeat is older than the stale limit (its worker died or was
    killed); returns it, its heartbeat renewed, for the caller to redo its months left and finish it."""
    cutoff = timezone.now() - stale_after()
    run = FullRollup.objects.filter(state=RUNNING, heartbeat_at__lt=cutoff).first()
    if run is None:
        return None
    claimed = FullRollup.objects.filter(pk=run.pk, state=RUNNING, heartbeat_at__lt=cutoff).update(
        heartbeat_at=timezone.now(), resumed=F("resumed") + 1
    )
    if not claimed:  # someone else took it over, or it finished, in between
        return None
    logger.warning("full rollup %s had no heartbeat since %s: resuming its months left", run.pk, run.heartbeat_at)
    run.refresh_from_db()
    return run


def full_run_complete(*, run: FullRollup) -> rollups.RollupResult:
    """Do the run's months left here, in order, then finish it (the command's way, and a resumed run's)."""
    result = rollups.RollupResult()
    for start, _end in full_run_months_left(run=run):
        result += full_run_month(run_id=run.pk, start=start)
    full_run_finish(run_id=run.pk)
    return result


def full_run() -> tuple[FullRollup, bool, rollups.RollupResult]:
    """A whole full reconciliation in this process: start one (or join the run in progress, doing its months left
    alongside whoever else works on it: a month done by one is skipped by the other) and finish it.
    Returns the run, whether this call started it, and what this call rebuilt."""
    run, created = full_run_start()
    result = full_run_complete(run=run)
    run.refresh_from_db()
    return run, created, result


def _heartbeat(run_id: int) -> None:
    FullRollup.objects.filter(pk=run_id, state=RUNNING).update(heartbeat_at=timezone.now())


def _locked(queryset):
    return queryset.select_for_update() if connection.features.has_select_for_update else queryset
