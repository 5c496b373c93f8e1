import importlib
import logging
import random
import time
from contextlib import contextmanager
from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from core.notifications.services import emails_held
from demo import org as demo
from demo.notices import notices_tidy

# Each app seeds its own part, in this order; a seeder takes rng and stdout and is safe to run twice.
SEEDERS = [
    ("demo.org.seed_org", "organisation, people and roles"),
    # Hires exist before the contacts and QA seeders run, so their figures are seeded with everyone's.
    ("demo.hiring.seed_hiring", "hiring: requisitions, candidates, interviews"),
    ("demo.contacts.seed_contacts", "contacts of the last 90 days and their rollups"),
    ("demo.qa.seed_qa", "QA reviews, disputes and this week's sample"),
    ("demo.hiring.seed_hiring_reviews", "QA reviews of the new hires' first 90 days"),
    ("demo.calibration.seed_calibration", "calibration sessions and the gold set"),
    ("demo.coaching.seed_coaching", "coaching plans, goals and sessions"),
    # Last: the scorecard gains its detectors in a new version after the human reviews were scored with the old one.
    ("demo.autoqa.seed_autoqa", "AutoQA on every conversation"),
]

# Loggers that write a line per event (every review submitted, every Celery task run in eager mode): useful in
# production, noise while seeding thousands of rows. Raised to WARNING for the duration of the command.
# Celery's and kombu's warnings about the eager mode's broker are raised to ERROR too.
QUIET_LOGGERS = {
    "skillhub.security": logging.WARNING,
    "core.services.rollup_marks": logging.WARNING,
    "metrics.rollups": logging.WARNING,
    "celery": logging.ERROR,
    "kombu": logging.ERROR,
    "amqp": logging.ERROR,
}


@contextmanager
def quiet_loggers(levels: dict[str, int] = QUIET_LOGGERS):
    """Raise the loggers' levels for the duration of the block, then put them back."""
    before = {name: logging.getLogger(name).level for name in levels}
    for name, level in levels.items():
        logging.getLogger(name).setLevel(max(level, before[name]))
    try:
        yield
    finally:
        for name, level in before.items():
            logging.getLogger(name).setLevel(level)


def summary_lines() -> list[str]:
    """What the demo holds now, in a few lines (counts read from the database)."""
    from assessments.models import Candidate, Requisition
    from coaching.models import CoachingPlan, Goal
    from core.models import Agent, Contact, Team, Vendor
    from qa.models import COUNTED_STATUSES, CalibrationSession, GoldSet, Review

    today = timezone.localdate()
    counted = Review.objects.filter(is_calibration=False, status__in=COUNTED_STATUSES)
    active = Agent.objects.filter(is_active=True)
    recent = counted.filter(contact__day__gte=today - timedelta(days=29), agent__in=active)
    drafts = Review.objects.filter(status=Review.Status.DRAFT, is_calibration=False)
    return [
        f"  organisation: {Vendor.objects.count()} vendors, {Team.objects.count()} teams, "
        f"{active.count()} active agents",
        f"  contacts: {Contact.objects.count():,}",
        f"  QA: {counted.count()} released reviews ({recent.values('agent').distinct().count()} agents reviewed in "
        f"the last 30 days), {drafts.count()} drafts in the queues",
        f"  calibration: {CalibrationSession.objects.count()} sessions "
        f"({CalibrationSession.objects.filter(gold_set__isnull=False).count()} gold-set runs), "
        f"{GoldSet.objects.count()} gold set",
        f"  hiring: {Requisition.objects.count()} requisitions, {Candidate.objects.count()} candidates, "
        f"{Candidate.objects.filter(agent__isnull=False).count()} hired",
        f"  coaching: {CoachingPlan.objects.count()} plans, {Goal.objects.count()} goals",
    ]


class Command(BaseCommand):
    help = (
        "Create (or top up) a demo organisation with every role; safe to run twice. Prints one line per step, "
        "a summary and the demo logins."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=42, help="Random seed, for reproducible demo data.")

    def handle(self, *args, **options):
        # The seeded past tells people in the app (the notification centre has something to show) but emails nobody.
        with quiet_loggers(), emails_held():
            for step, (dotted, what) in enumerate(SEEDERS, start=1):
                module_name, func_name = dotted.rsplit(".", 1)
                seeder = getattr(importlib.import_module(module_name), func_name)
                started = time.monotonic()
                self.stdout.write(f"[{step}/{len(SEEDERS)}] {what} …", ending="")
                self.stdout.flush()
                seeder(rng=random.Random(f"{options['seed']}:{dotted}"), stdout=None)
                self.stdout.write(f" {time.monotonic() - started:.0f} s")
            notices_tidy()
            lines = summary_lines()
        self.stdout.write(self.style.SUCCESS("Demo data ready:"))
        for line in lines:
            self.stdout.write(line)
        self.stdout.write(f"Sign in at http://127.0.0.1:8000/ with password {demo.DEMO_PASSWORD} as:")
        for username, what in demo.demo_logins():
            self.stdout.write(f"  {username:<18} {what}")
