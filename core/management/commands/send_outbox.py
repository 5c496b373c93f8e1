from django.core.management.base import BaseCommand
from tqdm import tqdm

from core.notifications import outbox


class Command(BaseCommand):
    help = (
        "Send every due pending outbox message (emails and chat messages) now, in this process, without a worker or "
        "the broker; claims of lost workers are taken back first. Prints how many were sent, will be retried, failed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--all",
            action="store_true",
            help="Also send the messages waiting out a retry backoff (e.g. once the mail server is fixed)",
        )

    def handle(self, *args, **options):
        total = outbox.due_count(send_all=options["all"])
        bar = tqdm(
            total=total, unit=" messages", desc="Sending", disable=options["verbosity"] < 1, file=self.stderr._out
        )
        counts = outbox.send_due(send_all=options["all"], progress=bar.update)
        bar.close()
        self.stdout.write(
            f"Sent {counts['sent']}, to retry {counts['retry']}, failed {counts['failed']}"
            + (f", skipped {counts['skipped']} (taken by a worker)" if counts["skipped"] else "")
            + (f"; {counts['retaken']} lost claim(s) taken back" if counts["retaken"] else "")
            + (f"; {counts['lost']} lost twice, marked failed" if counts["lost"] else "")
            + "."
        )
        left = outbox.status_counts()
        if left["pending"] or left["failed"]:
            self.stdout.write(
                f"Now {left['pending']} pending and {left['failed']} failed: see Outbox messages in the admin."
            )
