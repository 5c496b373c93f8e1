import time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from imports.rosters import roster_import
from imports.services import ImportRejected, error_groups


class Command(BaseCommand):
    help = (
        "Import agents and their team history from an HR or workforce roster: one row per team period of an agent "
        "(employee_id, name, email, team, start_date, end_date). A bad file is refused whole, nothing written."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV with a header line naming the roster fields, or any file --profile reads")
        parser.add_argument("--profile", help="A roster import profile: a YAML/JSON file or a saved profile's name")
        parser.add_argument(
            "--create-teams",
            action="store_true",
            help="Create the teams the file names but SkillHub lacks (under the row's vendor column, else the "
            "in-house vendor)",
        )
        parser.add_argument("--dry-run", action="store_true", help="Check everything, write nothing")

    def handle(self, *args, **options):
        try:
            stream = open(options["file"], "rb")  # noqa: SIM115 (closed below)
        except OSError as error:
            raise CommandError(f"Cannot read {options['file']}: {error}") from error
        started = time.perf_counter()
        bar = tqdm(unit=" rows", desc="Reading", disable=options["verbosity"] < 1, file=self.stderr._out)
        try:
            summary = roster_import(
                stream,
                options["profile"],
                create_teams=options["create_teams"],
                dry_run=options["dry_run"],
                progress=bar.update,
            )
        except ImportRejected as rejected:
            bar.close()
            for group in error_groups(rejected.errors):
                self.stderr.write(f"  {group}")
            if rejected.more:
                self.stderr.write(f"  … and {rejected.more} more")
            raise CommandError(f"{options['file']} refused: nothing was imported.") from rejected
        except ValidationError as error:  # a profile that cannot be found or read
            bar.close()
            raise CommandError(" ".join(error.messages)) from error
        finally:
            stream.close()
        bar.close()
        seconds = time.perf_counter() - started
        verb = "Would import" if summary.dry_run else "Imported"
        count = len(summary.teams_created)
        teams = f"{count} team{'' if count == 1 else 's'} created" + (
            f" ({', '.join(summary.teams_created)})" if count else ""
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} {summary.rows} rows: {summary.agents_created} agents created, {summary.agents_updated} "
                f"updated, {summary.agents_unchanged} unchanged, {summary.agents_deactivated} deactivated"
                + (f", {summary.agents_reactivated} reactivated" if summary.agents_reactivated else "")
                + f"; {summary.memberships_written} memberships written; {teams}"
                + (
                    f"; contacts of {summary.contacts_moved_days} agent-days follow the new teams (rollup queued)"
                    if summary.contacts_moved_days
                    else ""
                )
                + (" (dry run: nothing written)" if summary.dry_run else "")
                + f" in {seconds:.1f} s"
            )
        )
