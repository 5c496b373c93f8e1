#!/usr/bin/env python
"""Benchmark of AutoQA end to end on PostgreSQL (a script, not a test).

    python bench/autoqa.py [--rows 20000] [--batch 500] [--db skillhub_bench_autoqa]
                           [--pg postgres://postgres@127.0.0.1:5432]

It (re)creates its own database with the app's migrations and generates contacts with 3–6 turns each in the
database (bench/conversations.py's generator), publishes a default scorecard whose eleven criteria are answered by
detectors (the demo's: phrase rules, PII, identity before account details, readability, response time, customer
sentiment), then times in one process, side by side:

- baseline: qa.autoqa.services.autoreviews_build with the detectors replaced by a no-op: reading the contacts and
  turns, choosing the scorecard, scoring and writing the automatic reviews and answers, without detecting;
- AutoQA: the same call with the detectors (read, detect, write), forced over the same contacts.

It prints contacts/s for each and the process's peak memory after each (flat: batches of --batch contacts).
Target: at least 300 conversations per second per worker process.
"""

import argparse
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

DETECTORS = [
    ("greeted", "phrases", {"kind": "greeting", "where": "first_agent_turn"}),
    ("introduced", "phrases", {"kind": "introduction", "where": "first_agent_turn"}),
    ("empathy", "phrases", {"kind": "empathy"}),
    ("ownership", "phrases", {"kind": "prohibited", "expect": "absent"}),
    ("hold", "phrases", {"kind": "hold"}),
    ("closing", "phrases", {"kind": "closing", "where": "last_agent_turns"}),
    ("data", "pii", {}),
    ("verified", "verification_before_account", {}),
    ("readable", "readability", {"min_flesch": 60}),
    ("responsive", "response_time", {"max_seconds": 120}),
    ("calm", "sentiment_end", {"min_end": 0.05}),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=20_000, help="contacts generated")
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--db", default="skillhub_bench_autoqa")
    parser.add_argument("--pg", default=os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432"))
    args = parser.parse_args()

    import conversations as generator

    generator._recreate_database(args.pg, args.db)
    os.environ.update(
        DATABASE_URL=f"{args.pg}/{args.db}",
        DJANGO_SETTINGS_MODULE="skillhub.settings",
        DEBUG="true",
        CELERY_BROKER_URL="",
        LOG_LEVEL="WARNING",
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    generator._sql(f'ALTER DATABASE "{args.db}" SET jit = off')
    generator._sql("SET jit = off")
    print(f"Load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    generator._create_org(200, 10)
    generator._generate(args.rows, 90)
    _scorecard()
    from core.models import Contact
    from qa.autoqa import services

    ids = list(Contact.objects.order_by("pk").values_list("pk", flat=True))
    print(f"PostgreSQL database {args.db}: {len(ids):,} contacts with 3–6 turns; batches of {args.batch}")

    real = services.analyse
    services.analyse = lambda conversation, specs: ({}, [], (None, None))
    baseline = _timed(services, ids, args.batch)
    services.analyse = real
    autoqa = _timed(services, ids, args.batch)
    print()
    print(f"{'step':<34}{'contacts/s':>12}{'seconds':>10}{'peak RSS MB':>14}")
    for label, (rate, seconds, rss) in (
        ("baseline: read, score, write", baseline),
        ("AutoQA: read, detect, write", autoqa),
    ):
        print(f"{label:<34}{rate:>12,.0f}{seconds:>10.1f}{rss:>14.0f}")
    print(
        f"Detecting costs {autoqa[1] - baseline[1]:.1f} s of {autoqa[1]:.1f} s; target ≥ 300 contacts/s: "
        f"{'met' if autoqa[0] >= 300 else 'NOT met'}. Load average at end: {os.getloadavg()[0]:.1f}"
    )


def _timed(services, ids: list[int], batch: int) -> tuple[float, float, float]:
    started = time.perf_counter()
    counts = services.autoreviews_build(contact_ids=ids, force=True, batch=batch)
    seconds = time.perf_counter() - started
    assert counts["scored"] == len(ids), counts
    return len(ids) / seconds, seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _scorecard() -> None:
    from core.models import Skill
    from qa.scorecards.models import Criterion, ScorecardSection, ScorecardTemplate, ScorecardVersion

    ScorecardTemplate.objects.update(is_default=False)
    template = ScorecardTemplate.objects.create(name="Bench AutoQA", is_default=True)
    version = ScorecardVersion.objects.create(template=template, number=1, status="published")
    section = ScorecardSection.objects.create(version=version, title="Conversation basics")
    skill = Skill.objects.order_by("position").first()
    Criterion.objects.bulk_create(
        Criterion(
            version=version,
            section=section,
            key=key,
            skill=skill,
            text=key,
            detector=code,
            detector_params=params,
            allow_na=True,
            position=n,
            scale_min=0,
            scale_max=1,
        )
        for n, (key, code, params) in enumerate(DETECTORS)
    )


if __name__ == "__main__":
    main()
