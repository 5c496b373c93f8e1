from datetime import date

from django.core.management.base import BaseCommand, CommandError

from metrics import reconcile, rollups


class Command(BaseCommand):
    help = "Rebuild KPI rollups: the marked days (default), given days, or everything (--full). Same code as the task."
    # It is what clears the time-zone check's error (days counted in another zone), so that error must not stop it.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--full",
            action="store_true",
            help="Full reconciliation of every day with data in settings.TIME_ZONE (joins a run in progress)",
        )
        parser.add_argument("--days", nargs="+", metavar="YYYY-MM-DD", help="Rebuild these days")

    def handle(self, *args, **options):
        if options["full"] and options["days"]:
            raise CommandError("Use either --full or --days.")
        if options["full"]:
            run, created, result = reconcile.full_run()
            done = run.months.filter(done_at__isnull=False).count()
            self.stdout.write(
                f"Full rollup {run.pk} ({'started' if created else 'already in progress, joined'}): "
                f"{done} of {run.months_total} months done, {run.get_state_display().lower()}; "
                f"days counted in {run.zone}."
            )
        elif options["days"]:
            try:
                days = [date.fromisoformat(day) for day in options["days"]]
            except ValueError as error:
                raise CommandError(f"--days: {error}") from error
            result = rollups.rollup_day_list(days=days)
        else:
            result = rollups.rollup_pending()
        self.stdout.write(self.style.SUCCESS(f"Rolled up {result.days} days, {result.rows} agent-day rows."))
