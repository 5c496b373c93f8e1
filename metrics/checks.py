"""System check: the contacts' days and the rollups were counted in the time zone in force (settings.TIME_ZONE)."""

from django.conf import settings
from django.core.checks import Error
from django.db import DatabaseError

ZONE_CHANGED = "metrics.E001"


def rollups_time_zone(app_configs=None, **kwargs) -> list[Error]:
    """An error while TIME_ZONE differs from the zone the last whole full rollup counted days in, on a database
    with contacts: every contact's day (and so every daily figure) is still in the old zone until
    `rollup_metrics --full` counts them again. Silent when the database cannot be read yet (before migrate)."""
    from core.models import Contact
    from metrics.models import RollupZone

    try:
        recorded = RollupZone.objects.filter(pk=1).values_list("zone", flat=True).first()
        if recorded is None or recorded == settings.TIME_ZONE or not Contact.objects.exists():
            return []
    except DatabaseError:  # no database, or its tables not created yet
        return []
    except RuntimeError:  # database access not allowed here (a test without a database, a build step)
        return []
    return [
        Error(
            f"TIME_ZONE is {settings.TIME_ZONE!r} but the contacts' days and the KPI rollups were counted in "
            f"{recorded!r}: every daily figure is on the old zone's days.",
            hint="run `manage.py rollup_metrics --full` to count the days again in the new zone.",
            id=ZONE_CHANGED,
        )
    ]
