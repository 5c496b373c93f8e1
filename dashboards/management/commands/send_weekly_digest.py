from datetime import date

from django.core.management.base import BaseCommand, CommandError

from dashboards import weekly_digest


class Command(BaseCommand):
    help = (
        "Send the weekly digest to ops leads and QA leads (last week by default; the same code as the Monday beat "
        "task). A user already sent that week's digest gets nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--week", metavar="YYYY-MM-DD", help="Any day of the week (Monday to Sunday) to report on")
        parser.add_argument("--dry-run", action="store_true", help="List who would get which teams; send nothing")

    def handle(self, *args, **options):
        week = None
        if options["week"]:
            try:
                week = weekly_digest.week_of(date.fromisoformat(options["week"]))
            except ValueError as error:
                raise CommandError(f"--week: give a day as YYYY-MM-DD ({error}).") from error
        week = week or weekly_digest.last_week()
        report = weekly_digest.digests_send(week=week, dry_run=options["dry_run"])
        verb = "Would send" if options["dry_run"] else "Sent"
        self.stdout.write(f"Weekly digest of {week} ({week.start.isoformat()} to {week.end.isoformat()}):")
        for row in report:
            teams = f": {', '.join(row['teams'])}" if row["teams"] else ""
            self.stdout.write(f"  {row['email']} ({row['user'].get_username()}) - {row['status']}{teams}")
        sent = sum(1 for row in report if row["status"] in ("queued", "would send"))
        self.stdout.write(self.style.SUCCESS(f"{verb}: {sent} of {len(report)} recipients."))
