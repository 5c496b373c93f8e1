from datetime import date

from django.core.management.base import BaseCommand, CommandError

from metrics import rollups


class Command(BaseCommand):
    help = "Rebuild KPI rollups: the marked days (default), given days, or everything (--full). Same code as the task."

    def add_arguments(self, parser):
        parser.add_argument("--full", action="store_true", help="Full reconciliation of every day with data")
        parser.add_argument("--days", nargs="+", metavar="YYYY-MM-DD", help="Rebuild these days")

    def handle(self, *args, **options):
        if options["full"] and options["days"]:
            raise CommandError("Use either --full or --days.")
        if options["full"]:
            result = rollups.rollup_full()
        elif options["days"]:
            try:
                days = [date.fromisoformat(day) for day in options["days"]]
            except ValueError as error:
                raise CommandError(f"--days: {error}") from error
            result = rollups.rollup_day_list(days=days)
        else:
            result = rollups.rollup_pending()
        self.stdout.write(self.style.SUCCESS(f"Rolled up {result.days} days, {result.rows} agent-day rows."))
