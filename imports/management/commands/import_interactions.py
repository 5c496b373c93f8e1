import time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from imports import services as imports


class Command(BaseCommand):
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
        parser.add_argument("--create-agents", action="store_true", help="Create agents the file names but we lack")
        parser.add_argument("--dry-run", action="store_true", help="Check everything, write nothing")

    def handle(self, *args, **options):
        try:
            mapping = imports.parse_mapping(options["map"])
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        try:
            stream, rows = imports.open_rows(options["file"], mapping)
        except OSError as error:
            raise CommandError(f"Cannot read {options['file']}: {error}") from error
        started = time.perf_counter()
        bar = tqdm(unit=" rows", desc="Importing", disable=options["verbosity"] < 1, file=self.stderr._out)
        try:
            summary = imports.interactions_import(
                rows=rows, create_agents=options["create_agents"], dry_run=options["dry_run"], progress=bar.update
            )
        except imports.ImportRejected as rejected:
            bar.close()
            for error in rejected.errors:
                self.stderr.write(f"  {error}")
            if rejected.more:
                self.stderr.write(f"  … and {rejected.more} more")
            raise CommandError(f"{options['file']} refused: nothing was imported.") from rejected
        finally:
            stream.close()
        bar.close()
        seconds = time.perf_counter() - started
        verb = "Would import" if summary.dry_run else "Imported"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} {summary.rows} rows: {summary.created} created, {summary.updated} updated, "
                f"{summary.unchanged} unchanged"
                + (f", {summary.agents_created} agents created" if summary.agents_created else "")
                + (" (dry run: nothing written)" if summary.dry_run else "")
                + f" in {seconds:.1f} s ({summary.rows / max(seconds, 1e-9):,.0f} rows/s)"
            )
        )
        written = "Fields it would write" if summary.dry_run else "Fields written"
        self.stdout.write(f"{written}: {', '.join(summary.fields)} (fields the file lacks keep their values)")
