"""Score contacts with AutoQA now: the ones due (missing or scored by an older engine), or all with --force."""

import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from core.models import Contact
from qa.autoqa import services


class Command(BaseCommand):
    help = "Score contacts with AutoQA (automatic reviews, kept apart from human ones). Prints a progress bar."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Score again even where this engine already did.")
        parser.add_argument("--since", help="Only contacts started on or after this day (YYYY-MM-DD).")
        parser.add_argument("--batch", type=int, default=services.BATCH, help="Contacts per batch (default 500).")

    def handle(self, *args, **options):
        if options["batch"] < 1:
            raise CommandError("--batch must be 1 or more.")
        if options["force"]:
            qs = Contact.objects.filter(services.contacts_with_text())
            if options["since"]:
                qs = qs.filter(day__gte=self._day(options["since"]))
            ids = list(qs.order_by("-pk").values_list("pk", flat=True))
        else:
            ids = services.autoreviews_due()
            if options["since"]:
                keep = set(
                    Contact.objects.filter(pk__in=ids, day__gte=self._day(options["since"])).values_list(
                        "pk", flat=True
                    )
                )
                ids = [pk for pk in ids if pk in keep]
        started = time.monotonic()
        with tqdm(total=len(ids), unit=" contacts", disable=options["verbosity"] < 1, file=self.stderr._out) as bar:
            counts = services.autoreviews_build(
                contact_ids=ids, force=options["force"], batch=options["batch"], progress=bar.update
            )
        seconds = max(time.monotonic() - started, 1e-9)
        self.stdout.write(
            f"AutoQA: {counts['scored']} scored, {counts['skipped']} already up to date, {counts['no_text']} without "
            f"text, {counts['no_scorecard']} without automatic criteria; {counts['scored'] / seconds:,.0f} contacts/s."
        )

    @staticmethod
    def _day(value: str) -> date:
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise CommandError(f"--since {value!r} is not a date (YYYY-MM-DD).") from None
