import importlib
import random

from django.core.management.base import BaseCommand

from demo import org as demo

# Each app seeds its own part, in this order; a seeder takes rng and stdout and is safe to run twice.
SEEDERS = [
    "demo.org.seed_org",
    # Hires exist before the contacts and QA seeders run, so their figures are seeded with everyone's.
    "demo.hiring.seed_hiring",
    "demo.contacts.seed_contacts",
    "demo.qa.seed_qa",
    "demo.hiring.seed_hiring_reviews",
    "demo.calibration.seed_calibration",
    "demo.coaching.seed_coaching",
]


class Command(BaseCommand):
    help = "Create (or top up) a demo organisation with every role; safe to run twice. Prints the demo logins."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=42, help="Random seed, for reproducible demo data.")

    def handle(self, *args, **options):
        for dotted in SEEDERS:
            module_name, func_name = dotted.rsplit(".", 1)
            seeder = getattr(importlib.import_module(module_name), func_name)
            self.stdout.write(f"Seeding {dotted} …")
            seeder(rng=random.Random(f"{options['seed']}:{dotted}"), stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data ready. Sign in at http://127.0.0.1:8000/ with:"))
        for username, what in demo.demo_logins():
            self.stdout.write(f"  {username:<18} password {demo.DEMO_PASSWORD:<14} {what}")
