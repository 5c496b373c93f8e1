#!/usr/bin/env python
"""Benchmark of the conversation browser's search on PostgreSQL (a script, not a test).

    python bench/conversations.py [--rows 1000000] [--agents 2000] [--teams 100] [--days 365] [--runs 20]
                                  [--db skillhub_bench_conv] [--pg postgres://postgres@127.0.0.1:5432]

It (re)creates its own database with the app's migrations, generates the contacts and their turns in the database
(3–6 turns a contact from a word list; a rare marker word in 1 % of the contacts, a common one in 30 %; one contact
in ten also carries a plain transcript), then times the browser's own code path, the one its page runs
(qa.browser.filters.ConversationFilter over qa.browser.selectors.contacts_for_browser, then
qa.browser.selectors.result_page: the count capped at 10,000 and the first page of 50), --runs times each as an
admin and as a partner reviewer (a fifth of the teams), for each marker word, over the page's default period (the
last 30 days) and over all time. It prints p50 and p95 of the database time (every query of the path, timed
around the driver's execute). Target: p95 < 200 ms.
"""

import argparse
import os
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RARE, COMMON = "zebrafish", "invoice"  # in 1 % and in 30 % of the contacts; never in WORDS
WORDS = (
    "hello thanks please order delivery account password reset card payment refund late package address email "
    "phone number update cancel subscription plan upgrade price discount code error screen app login help issue "
    "problem today tomorrow week month check status tracking store return exchange size colour broken missing item "
    "receipt charge bank transfer wallet balance open close call back agent customer manager sorry understand sure "
    "right moment wait minute ticket case reference confirm details name date time service router internet slow "
    "signal outage technician visit booking change seat flight hotel room night price policy warranty repair device"
).split()
CHANNELS = ["phone", "email", "chat", "social"]
USERNAMES = {"admin": "bench-admin", "partner reviewer": "bench-partner-reviewer"}
POOL = 20_000  # generated sentences the turns draw from


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000, help="contacts generated")
    parser.add_argument("--agents", type=int, default=2000)
    parser.add_argument("--teams", type=int, default=100)
    parser.add_argument("--days", type=int, default=365, help="days the contacts span, up to today")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--db", default="skillhub_bench_conv")
    parser.add_argument("--pg", default=os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432"))
    parser.add_argument("--explain", action="store_true", help="print the plans of the timed queries once")
    parser.add_argument("--reuse", action="store_true", help="time the database of an earlier run again")
    args = parser.parse_args()

    if not args.reuse:
        _recreate_database(args.pg, args.db)
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
    # JIT compilation costs 50–100 ms per query and pays off only for long analytical queries: off, as recommended
    # for the app's database in bench/README.md (`ALTER DATABASE … SET jit = off`).
    _sql(f'ALTER DATABASE "{args.db}" SET jit = off')
    _sql("SET jit = off")
    print(f"Load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"PostgreSQL database {args.db}: {args.rows:,} contacts, {args.agents:,} agents, {args.teams} teams")

    started = time.perf_counter()
    if args.reuse:
        from core.models import User

        users = {who: User.objects.get(username=name) for who, name in USERNAMES.items()}
        args.rows = _sql("SELECT count(*) FROM skillhub_contact")[0][0]
    else:
        users = _create_org(args.agents, args.teams)
        _generate(args.rows, args.days)
    generated = time.perf_counter() - started
    turns = _sql("SELECT count(*) FROM skillhub_contactturn")[0][0]
    print(f"{args.rows:,} contacts and {turns:,} turns, generated, indexed and analysed in {generated:.0f} s")
    for word in (RARE, COMMON):
        share = _sql(
            "SELECT count(DISTINCT contact_id) FROM skillhub_contactturn WHERE position(%s in text) > 0", [word]
        )[0][0]
        print(f"  “{word}” is in {share:,} contacts ({100 * share / args.rows:.1f} %)")

    print(f"\nDatabase time of the browser's search (count capped at 10,000 + first page of 50), {args.runs} runs")
    print(f"{'user':<17} {'word':<10} {'period':<13} {'count':>7} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    worst = 0.0
    for who, user in users.items():
        for word in (RARE, COMMON):
            for period, params in (("last 30 days", {}), ("all time", {"start": "", "end": ""})):
                times, count = _time_search(user, {"words": word, **params}, args.runs, explain=args.explain)
                p50, p95 = statistics.median(times), _p95(times)
                worst = max(worst, p95)
                shown = "10,000+" if count > 10_000 else f"{count:,}"
                print(f"{who:<17} {word:<10} {period:<13} {shown:>7} {p50:8.1f} {p95:8.1f} {max(times):8.1f}")
    print(f"\nWorst p95: {worst:.1f} ms (target < 200 ms): {'met' if worst < 200 else 'NOT met'}")


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(round(0.95 * len(ordered))) - 1)]


def _time_search(user, params: dict, runs: int, *, explain: bool) -> tuple[list[float], int]:
    """The page's path: the filters over the user's contacts, then one page of results. Database time only."""
    from django.db import connection
    from django.http import QueryDict

    from qa.browser import filters, selectors

    spent: list[float] = []

    def timer(execute, sql, params_, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params_, many, context)
        finally:
            spent.append(time.perf_counter() - start)
            if explain and not timed and sql.lstrip().upper().startswith("SELECT"):
                with connection.cursor() as cursor:
                    cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params_)
                    print("\n".join(row[0] for row in cursor.fetchall()) + "\n")

    query = QueryDict(mutable=True)
    query.update(params)
    times: list[float] = []
    count = 0
    timed = False
    for run in range(runs + 1):  # the first run warms the caches and is not counted
        spent.clear()
        with connection.execute_wrapper(timer):
            filterset = filters.ConversationFilter(
                filters.with_default_period(query),
                queryset=selectors.contacts_for_browser(user=user),
                request=SimpleNamespace(user=user),
            )
            assert filterset.is_valid(), filterset.errors
            page = selectors.result_page(filterset.qs)
        count = page.count
        if run:
            times.append(sum(spent) * 1000)
        timed = True
    return times, count


def _recreate_database(pg: str, name: str) -> None:
    import psycopg2

    admin = psycopg2.connect(f"{pg}/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def _sql(statement: str, params=None):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall() if cursor.description else None


def _create_org(n_agents: int, n_teams: int) -> dict:
    """Two vendors (a fifth of the teams are the partner's), agents, an admin and the partner's reviewer."""
    from django.contrib.auth.models import Group

    from core import roles
    from core.models import Agent, Scope, Team, TeamMembership, User, Vendor

    vendor = Vendor.objects.create(name="Bench in-house")
    partner = Vendor.objects.create(name="Bench partner", kind=Vendor.Kind.PARTNER)
    teams = Team.objects.bulk_create(
        [Team(name=f"Team {n:03d}", vendor=partner if n % 5 == 0 else vendor) for n in range(n_teams)]
    )
    people = User.objects.bulk_create(
        [User(username=f"bench{n}", email=f"bench{n}@bench.test", last_name=str(n)) for n in range(n_agents)]
    )
    agents = Agent.objects.bulk_create(
        [
            Agent(user=u, employee_id=f"B{n:05d}", email=u.email, team=teams[n % n_teams], start_date=date(2020, 1, 1))
            for n, u in enumerate(people)
        ]
    )
    TeamMembership.objects.bulk_create(
        [TeamMembership(agent=a, team_id=a.team_id, start_date=date(2020, 1, 1)) for a in agents]
    )
    admin = User.objects.create(username=USERNAMES["admin"], is_staff=True, is_superuser=True)
    admin.groups.add(Group.objects.get_or_create(name=roles.ADMIN)[0])
    reviewer = User.objects.create(username=USERNAMES["partner reviewer"])
    reviewer.groups.add(Group.objects.get_or_create(name=roles.QA_REVIEWER)[0])
    Scope.objects.create(user=reviewer).vendors.set([partner])
    return {"admin": admin, "partner reviewer": reviewer}


def _generate(rows: int, days: int) -> None:
    """Contacts and turns generated in the database (INSERT … SELECT over generate_series: no data crosses the
    wire), with the full-text indexes dropped during the load and built after it, as a bulk import would."""
    from core.models import Contact, ContactTurn

    contact, turn = Contact._meta.db_table, ContactTurn._meta.db_table
    migration = __import__("core.migrations.0017_browser_contact_search_indexes", fromlist=["x"])
    from django.apps import apps
    from django.db import connection

    with connection.schema_editor() as editor:  # the search triggers and index off during the load, as an import
        migration.drop(apps, editor)
    words = "ARRAY[" + ",".join(f"'{w}'" for w in WORDS) + "]"
    channels = "ARRAY[" + ",".join(f"'{c}'" for c in CHANNELS) + "]"
    first = date.today() - timedelta(days=days - 1)
    _sql("SET synchronous_commit = off")
    # A pool of generated sentences, joined by a hash of (contact, position): random words per turn, without
    # calling random() a dozen times for each of millions of rows.
    _sql(
        f"""
        CREATE TEMP TABLE bench_sentence AS
        SELECT n, (SELECT string_agg(({words})[1 + floor(random() * {len(WORDS)})::int], ' ')
                   FROM generate_series(1, 6 + n % 5 + 0 * n)) AS text
        FROM generate_series(0, {POOL - 1}) AS n
        """
    )
    _sql("CREATE UNIQUE INDEX ON bench_sentence (n)")
    _sql("ANALYZE bench_sentence")
    _sql(
        f"""
        WITH agents AS (SELECT array_agg(id ORDER BY id) AS ids, array_agg(team_id ORDER BY id) AS teams
                        FROM skillhub_agent)
        INSERT INTO "{contact}" (external_id, case_id, agent_id, team_id, channel, started_at, day, handle_seconds,
                                 after_contact_seconds, resolved, csat, ces, nps, transcript, escalated,
                                 created_at, updated_at)
        SELECT 'B' || g, 'K' || (g - (g % 3 = 0)::int), ids[1 + g % cardinality(ids)],
               teams[1 + g % cardinality(ids)], ({channels})[1 + g % 4], at, at::date,
               60 + (g * 7919) % 900, (g * 31) % 180, g % 7 <> 0,
               CASE WHEN g % 4 = 0 THEN 1 + g % 5 END, CASE WHEN g % 6 = 0 THEN 1 + g % 7 END,
               CASE WHEN g % 6 = 3 THEN g % 11 END,
               CASE WHEN g % 10 = 0 THEN 'Customer: ' || s1.text || ' Agent: ' || s2.text ELSE '' END,
               g % 20 = 0, now(), now()
        FROM agents, generate_series(1::bigint, {int(rows)}) AS g
        CROSS JOIN LATERAL (SELECT timestamptz '{first.isoformat()}'
                                   + (g::float / {int(rows)}) * interval '{int(days)} days' AS at) AS t
        JOIN bench_sentence s1 ON s1.n = (g * 7) % {POOL}
        JOIN bench_sentence s2 ON s2.n = (g * 13 + 1) % {POOL}
        """
    )
    _sql(
        f"""
        INSERT INTO "{turn}" (contact_id, position, author, text)
        SELECT c.id, p, CASE WHEN p % 2 = 0 THEN 'customer' ELSE 'agent' END,
               s.text
               || CASE WHEN p = 1 AND (c.id / 7) % 100 = 0 THEN ' {RARE}' ELSE '' END
               || CASE WHEN p = 2 AND (c.id / 100) % 10 < 3 THEN ' {COMMON}' ELSE '' END
        FROM "{contact}" c
        CROSS JOIN LATERAL generate_series(0, 2 + c.id % 4) AS p
        JOIN bench_sentence s ON s.n = (c.id * 31 + p * 7919) % {POOL}
        """
    )
    _sql("SET maintenance_work_mem = '512MB'")
    with connection.schema_editor() as editor:  # back on: the documents filled in one statement, then the index
        migration.create(apps, editor)
    _sql(f'VACUUM ANALYZE "{contact}"')
    _sql(f'VACUUM ANALYZE "{turn}"')


if __name__ == "__main__":
    main()
