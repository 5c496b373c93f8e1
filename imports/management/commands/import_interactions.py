import os
import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from imports import services as imports

# Individual bad lines printed after the grouped summary of a refused file (all are in the groups' counts).
SHOWN_LINES = 50


class Command(BaseCommand):
    # The system checks import every URLconf and view (about 0.4 s of a 1 s start-up); they run on deploy and in CI
    # (`manage.py check`), and this command touches no URL or view.
    requires_system_checks = []
    help = (
        "Import contacts from a CSV or JSON-lines file (external_id is the key: re-importing changes nothing). "
        "A bad file is refused whole, listing every bad row."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV with a header line, or JSON lines (.jsonl)")
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="FIELD=COLUMN",
            help=f"Read FIELD from the file's COLUMN (repeatable). Fields: {', '.join(imports.FIELDS)}",
        )
        parser.add_argument(
            "--profile",
            metavar="PROFILE",
            help="Read the file with an import profile: a YAML/JSON file, a saved profile's name, or a built-in "
            "(zendesk, freshdesk, intercom, acd, skillhub)",
        )
        parser.add_argument("--create-agents", action="store_true", help="Create agents the file names but we lack")
        parser.add_argument("--dry-run", action="store_true", help="Check everything, write nothing")
        parser.add_argument(
            "--show-lines",
            type=int,
            default=SHOWN_LINES,
            metavar="N",
            help=f"Of a refused file, print at most N bad lines after the grouped errors (default {SHOWN_LINES})",
        )

    def handle(self, *args, **options):
        if options["profile"] and options["map"]:
            raise CommandError("--map and --profile cannot be combined: a profile names the columns itself.")
        started = time.perf_counter()
        try:
            if options["profile"]:
                summary = self._with_profile(options)
            else:
                summary = self._plain(options)
        except imports.ImportRejected as rejected:
            self._refused(rejected, options)
            raise CommandError(f"{options['file']} refused: nothing was imported.") from rejected
        seconds = time.perf_counter() - started
        verb = "Would import" if summary.dry_run else "Imported"
        extra = ""
        if summary.skipped:
            extra += f"; {summary.skipped} rows skipped by the profile"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} {summary.rows} rows: {summary.created} created, {summary.updated} updated, "
                f"{summary.unchanged} unchanged"
                + (f", {summary.agents_created} agents created" if summary.agents_created else "")
                + (" (dry run: nothing written)" if summary.dry_run else "")
                + f" in {seconds:.1f} s ({summary.rows / max(seconds, 1e-9):,.0f} rows/s)"
                + extra
            )
        )
        if summary.fields:
            written = "Fields it would write" if summary.dry_run else "Fields written"
            self.stdout.write(f"{written}: {', '.join(summary.fields)} (fields the file lacks keep their values)")
        self.stdout.write(zone_line(summary))

    def _plain(self, options):
        try:
            mapping = imports.parse_mapping(options["map"])
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        try:
            stream, rows = imports.open_rows(options["file"], mapping)
        except OSError as error:
            raise CommandError(f"Cannot read {options['file']}: {error}") from error
        bar = tqdm(unit=" rows", desc="Importing", disable=options["verbosity"] < 1, file=self.stderr._out)
        try:
            return imports.interactions_import(
                rows=rows, create_agents=options["create_agents"], dry_run=options["dry_run"], progress=bar.update
            )
        finally:
            bar.close()
            stream.close()

    def _with_profile(self, options):
        from imports.profiles import load_profile
        from imports.staged import profile_import

        try:
            profile = load_profile(options["profile"])
        except ValidationError as error:
            raise CommandError("\n".join(error.messages)) from error
        try:
            stream = open(options["file"], "rb")  # noqa: SIM115 (closed below)
        except OSError as error:
            raise CommandError(f"Cannot read {options['file']}: {error}") from error
        bar = tqdm(
            total=os.fstat(stream.fileno()).st_size,
            unit="B",
            unit_scale=True,
            desc="Importing",
            disable=options["verbosity"] < 1,
            file=self.stderr._out,
        )
        try:
            return profile_import(
                stream,
                profile,
                create_agents=options["create_agents"],
                dry_run=options["dry_run"],
                progress=bar.update,
            )
        finally:
            bar.close()
            stream.close()

    def _refused(self, rejected, options):
        total = len(rejected.errors) + rejected.more
        self.stderr.write(f"{total:,} bad rows, by kind:")
        for group in imports.error_groups(rejected.errors):
            self.stderr.write(f"  {group}")
        if rejected.more:
            self.stderr.write(f"  … and {rejected.more:,} more not grouped")
        shown = rejected.errors[: max(options["show_lines"], 0)]
        if shown:
            self.stderr.write(f"First {len(shown)} bad lines:" if len(shown) < total else "Bad lines:")
            for error in shown:
                self.stderr.write(f"  {error}")


def zone_line(summary: imports.ImportSummary) -> str:
    """Which zone days are counted in (TIME_ZONE), and how many rows carried no UTC offset and in which zone they
    were read (the import's: TIME_ZONE, or a profile's own)."""
    read, days = summary.no_offset_rows, settings.TIME_ZONE
    if not read:
        return f"Days are counted in {days}; every time had its UTC offset."
    rows = "1 row" if read == 1 else f"{read:,} rows"
    verb = "was" if read == 1 else "were"
    return f"Days are counted in {days}; {rows} had no UTC offset and {verb} read in {summary.timezone or days}."
