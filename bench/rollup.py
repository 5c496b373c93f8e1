#!/usr/bin/env python
"""Benchmark of the KPI rollups and the contact import on PostgreSQL (a script, not a test).

    python bench/rollup.py [--rows 1000000] [--agents 2000] [--teams 100] [--days 365] [--import-rows 100000]
                           [--db skillhub_bench] [--pg postgres://postgres@127.0.0.1:5432]

It (re)creates its own database, generates the contacts with COPY, then times in the same run:
  (a) the app's full rollup (services.rollups.rollup_full: SQL in the database, one transaction per month;
      AgentDay, TeamDay and AgentSkillDay);
  (b) the floor: one hand-written INSERT … SELECT … GROUP BY … ON CONFLICT computing the same table;
  (c) the app's incremental rollup after importing one more day (marked days, and one day on its own);
  (d) `manage.py import_interactions` on a CSV of --import-rows new contacts, and `import_interactions
      --profile skillhub` (the staged path) on a file of the same shape, against COPY of the same rows, with each
      import's peak memory (and at a fifth of the size, to show it stays flat).
"""

import argparse
import csv
import io
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

COPY_COLUMNS = [
    "external_id",
    "case_id",
    "agent_id",
    "team_id",
    "channel",
    "started_at",
    "day",
    "handle_seconds",
    "after_contact_seconds",
    "resolved",
    "first_contact_resolved",
    "csat",
    "ces",
    "nps",
    "transcript",
    "created_at",
    "updated_at",
]
CSV_COLUMNS = [
    "external_id",
    "case_id",
    "agent_email",
    "team",
    "channel",
    "started_at",
    "handle_seconds",
    "after_contact_seconds",
    "resolved",
    "first_contact_resolved",
    "csat",
    "ces",
    "nps",
]
CHANNELS = ["phone", "email", "chat", "social"]

FLOOR_SQL = """
INSERT INTO bench_floor (day, agent_id, team_id, contacts, cases, fcr_cases, csat_responses, csat_satisfied,
                         csat_sum, ces_responses, ces_sum, nps_responses, promoters, detractors, handle_seconds,
                         after_seconds, reviews, qa_score_sum, repeat_contacts, escalated_contacts,
                         transferred_contacts, complaint_cases, complaint_fcr_cases, escalated_csat_responses,
                         escalated_csat_satisfied, hold_seconds_sum, hold_contacts)
SELECT day, agent_id, team_id,
       COUNT(*),
       COUNT(*) FILTER (WHERE rn = 1),
       COUNT(*) FILTER (WHERE rn = 1 AND fcr),
       COUNT(csat), COUNT(*) FILTER (WHERE csat >= 4), COALESCE(SUM(csat), 0),
       COUNT(ces), COALESCE(SUM(ces), 0),
       COUNT(nps), COUNT(*) FILTER (WHERE nps >= 9), COUNT(*) FILTER (WHERE nps <= 6),
       SUM(handle_seconds), SUM(after_contact_seconds), 0, 0,
       COUNT(*) FILTER (WHERE repeated),
       COUNT(*) FILTER (WHERE escalated), COUNT(*) FILTER (WHERE transferred),
       COUNT(*) FILTER (WHERE rn = 1 AND complaint), COUNT(*) FILTER (WHERE rn = 1 AND complaint AND fcr),
       COUNT(*) FILTER (WHERE escalated AND csat IS NOT NULL), COUNT(*) FILTER (WHERE escalated AND csat >= 4),
       COALESCE(SUM(hold_seconds), 0), COUNT(hold_seconds)
FROM (
    SELECT y.*, COALESCE(first_contact_resolved, resolved AND NOT repeated) AS fcr
    FROM (
        SELECT x.*, (next_at IS NOT NULL AND next_at <= started_at + make_interval(days => %(window)s)) AS repeated
        FROM (
            SELECT c.*, row_number() OVER w AS rn, lead(started_at) OVER w AS next_at
            FROM skillhub_contact c
            WINDOW w AS (PARTITION BY case_id ORDER BY started_at, id)
        ) x
    ) y
) z
GROUP BY day, agent_id, team_id
ON CONFLICT (day, agent_id, team_id) DO NOTHING
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--agents", type=int, default=2000)
    parser.add_argument("--teams", type=int, default=100)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--import-rows", type=int, default=100_000)
    parser.add_argument("--db", default="skillhub_bench")
    parser.add_argument("--pg", default=os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432"))
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--broker", default=os.environ.get("BENCH_BROKER", "redis://127.0.0.1:6379/3"))
    args = parser.parse_args()

    database_url = f"{args.pg}/{args.db}"
    _recreate_database(args.pg, args.db)
    os.environ.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="skillhub.settings",
        DEBUG="true",
        CELERY_BROKER_URL="",
        LOG_LEVEL="WARNING",
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    rng = random.Random(args.seed)
    first_day = date(2025, 1, 1)
    results: list[tuple[str, float, str]] = []

    print(f"Load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(
        f"PostgreSQL database {args.db}: {args.rows:,} contacts, {args.agents:,} agents, {args.teams} teams, "
        f"{args.days} days"
    )
    agents, emails = _create_org(args.agents, args.teams)
    started = time.perf_counter()
    _copy_contacts(_contact_rows(rng, args.rows, agents, first_day, args.days, prefix="B"))
    _sql("ANALYZE skillhub_contact")
    print(f"  generated and COPYed {args.rows:,} contacts in {time.perf_counter() - started:.1f} s")

    from django.conf import settings

    from metrics import rollups
    from metrics.models import AgentDay

    _sql("CREATE TABLE bench_floor (LIKE skillhub_agentday INCLUDING ALL)")
    full_times, floor_times, full_cpu, floor_cpu = [], [], [], []
    for _ in range(2):  # alternate, best of two, so caches favour neither
        _sql(
            "TRUNCATE skillhub_agentday, skillhub_teamday, metrics_agentchannelday, metrics_teamchannelday, "
            "metrics_teamreasonday, bench_floor"
        )
        started, cpu = time.perf_counter(), _backend_cpu() + _cpu_now()
        result = rollups.rollup_full()
        full_times.append(time.perf_counter() - started)
        full_cpu.append(_backend_cpu() + _cpu_now() - cpu)
        started, cpu = time.perf_counter(), _backend_cpu() + _cpu_now()
        _sql(FLOOR_SQL, {"window": settings.REPEAT_WINDOW_DAYS})
        floor_times.append(time.perf_counter() - started)
        floor_cpu.append(_backend_cpu() + _cpu_now() - cpu)
    columns = ", ".join(["day", "agent_id", "team_id", *rollups.AGENT_DAY_COLUMNS])
    differ = _sql(
        f"SELECT (SELECT COUNT(*) FROM (SELECT {columns} FROM skillhub_agentday EXCEPT SELECT {columns} "
        f"FROM bench_floor) a) + (SELECT COUNT(*) FROM (SELECT {columns} FROM bench_floor EXCEPT SELECT {columns} "
        f"FROM skillhub_agentday) b)"
    )[0][0]
    full, floor = min(full_times), min(floor_times)
    results.append(
        (
            "(a) app full rollup (by month)",
            full,
            f"CPU {min(full_cpu):.1f} s (database + app); {result.rows:,} agent-day rows, {result.days} days",
        )
    )
    results.append(
        (
            "(b) hand-written INSERT…SELECT floor",
            floor,
            f"CPU {min(floor_cpu):.1f} s; tables identical: {'yes' if not differ else 'NO'}",
        )
    )

    # (c) one more day arrives: new contacts, some of them repeats of earlier cases.
    from imports import services as imports

    new_day = first_day + timedelta(days=args.days)
    per_day = max(1, args.rows // args.days)
    day_rows = list(_csv_rows(rng, per_day, agents, new_day, 1, prefix="D", emails=emails, repeat_of=("B", args.rows)))
    from unittest import mock

    started = time.perf_counter()
    with mock.patch("imports.services.rollup_enqueue"):  # a worker would run it; we time it below
        imports.interactions_import(rows=((n + 2, row) for n, row in enumerate(day_rows)))
    import_day = time.perf_counter() - started
    marked_days = len({day for day in _sql("SELECT DISTINCT day FROM skillhub_rollupmark")})
    started = time.perf_counter()
    pending = rollups.rollup_pending()
    pending_time = time.perf_counter() - started
    timings = []
    cpu = _backend_cpu()
    for _ in range(5):
        started = time.perf_counter()
        rollups.rollup_days(start=new_day, end=new_day)
        timings.append(time.perf_counter() - started)
    day_cpu_ms = (_backend_cpu() - cpu) / 5 * 1000
    one_day = sorted(timings)[len(timings) // 2]
    db_ms = _explain_ms(rollups, new_day)
    results.append(
        (
            "(c) incremental: one day rebuilt",
            one_day,
            f"{per_day:,} contacts that day; EXPLAIN ANALYZE {db_ms:.0f} ms; database CPU {day_cpu_ms:.0f} ms",
        )
    )
    results.append(
        (
            "(c') incremental: all marked days",
            pending_time,
            f"{pending.days} days marked by the import (repeats flip earlier days; {marked_days} distinct)",
        )
    )
    results.append(("     importing that day", import_day, f"{len(day_rows):,} rows via the import service"))
    assert AgentDay.objects.filter(day=new_day).exists()

    # (d) import_interactions on a CSV against COPY of the same rows.
    with tempfile.TemporaryDirectory() as tmp:
        small = Path(tmp) / "small.csv"
        big = Path(tmp) / "big.csv"
        profile_small = Path(tmp) / "profile_small.csv"
        profile_big = Path(tmp) / "profile_big.csv"
        files = (
            (small, args.import_rows // 5, "S"),
            (big, args.import_rows, "I"),
            (profile_small, args.import_rows // 5, "PS"),
            (profile_big, args.import_rows, "P"),
        )
        for path, count, prefix in files:
            with open(path, "w", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow(CSV_COLUMNS)
                for row in _csv_rows(rng, count, agents, first_day, args.days, prefix=prefix, emails=emails):
                    writer.writerow([row[name] for name in CSV_COLUMNS])
        small_seconds, small_rss, _ = _run_import(small, database_url, args.broker)
        big_seconds, big_rss, big_out = _run_import(big, database_url, args.broker)
        again_seconds, _, again_out = _run_import(big, database_url, args.broker)
        # The profile path (staged, validated in SQL) on files of the same shape with new ids.
        skillhub = ["--profile", "skillhub"]
        profile_small_seconds, profile_small_rss, _ = _run_import(profile_small, database_url, args.broker, skillhub)
        profile_seconds, profile_rss, profile_out = _run_import(profile_big, database_url, args.broker, skillhub)
        profile_again_seconds, _, profile_again_out = _run_import(profile_big, database_url, args.broker, skillhub)
        _purge(args.broker)
        started = time.perf_counter()
        after_import = rollups.rollup_pending()
        import_rollup = time.perf_counter() - started
        _sql(
            "CREATE UNLOGGED TABLE bench_staging (external_id text, case_id text, agent_email text, team text, "
            "channel text, started_at timestamptz, handle_seconds int, after_contact_seconds int, resolved text, "
            "first_contact_resolved text, csat smallint, ces smallint, nps smallint)"
        )
        started = time.perf_counter()
        _copy_file(big, "bench_staging", CSV_COLUMNS)
        copy_seconds = time.perf_counter() - started
    rate = args.import_rows / big_seconds
    results.append(
        (
            "(d) import_interactions, new rows",
            big_seconds,
            f"{rate:,.0f} rows/s incl. start-up; {_summary(big_out)}; peak RSS {big_rss:.0f} MB "
            f"({args.import_rows // 5:,} rows: {small_rss:.0f} MB, {small_seconds:.1f} s)",
        )
    )
    results.append(
        (
            "    import_interactions, same file again",
            again_seconds,
            f"{args.import_rows / again_seconds:,.0f} rows/s; {_summary(again_out)}",
        )
    )
    profile_rate = args.import_rows / profile_seconds
    results.append(
        (
            "(d) import_interactions --profile skillhub",
            profile_seconds,
            f"{profile_rate:,.0f} rows/s incl. start-up; {_summary(profile_out)}; peak RSS {profile_rss:.0f} MB "
            f"({args.import_rows // 5:,} rows: {profile_small_rss:.0f} MB, {profile_small_seconds:.1f} s)",
        )
    )
    results.append(
        (
            "    --profile skillhub, same file again",
            profile_again_seconds,
            f"{args.import_rows / profile_again_seconds:,.0f} rows/s; {_summary(profile_again_out)}",
        )
    )
    results.append(
        (
            "    rollup of the days the imports marked",
            import_rollup,
            f"{after_import.days} days, {after_import.rows:,} agent-day rows (one transaction per day)",
        )
    )
    results.append(("    COPY of the same rows", copy_seconds, f"{args.import_rows / copy_seconds:,.0f} rows/s"))

    print()
    print(f"Load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    width = max(len(name) for name, _, _ in results)
    for name, seconds, note in results:
        print(f"  {name:<{width}}  {seconds * 1000:>10,.0f} ms   {note}")
    print()
    print(f"  ratio a/b (full rollup vs floor):      {full / floor:.2f}x   (target ≤ 1.5)")
    print(f"  ratio a/b by CPU time:                 {min(full_cpu) / min(floor_cpu):.2f}x")
    print(
        f"  one day incremental:                   {one_day * 1000:.0f} ms wall, {db_ms:.0f} ms database "
        f"(EXPLAIN ANALYZE), {day_cpu_ms:.0f} ms database CPU (target < 100 ms)"
    )
    print(f"  ratio d/COPY (import vs COPY):         {big_seconds / copy_seconds:.1f}x")
    print(f"  import rate:                           {rate:,.0f} rows/s (target ≥ 20,000)")
    print(f"  import rate with --profile skillhub:   {profile_rate:,.0f} rows/s (target ≥ 20,000)")
    print(f"  ratio profile/COPY:                    {profile_seconds / copy_seconds:.1f}x")
    print(
        f"  peak memory of the import:             {small_rss:.0f} MB at {args.import_rows // 5:,} rows, "
        f"{big_rss:.0f} MB at {args.import_rows:,} rows"
    )
    print(
        f"  peak memory of --profile skillhub:     {profile_small_rss:.0f} MB at {args.import_rows // 5:,} rows, "
        f"{profile_rss:.0f} MB at {args.import_rows:,} rows"
    )


def _backend_cpu() -> float:
    """CPU seconds the PostgreSQL backend of this connection has used (from /proc; the server runs here).

    On a busy machine wall time mostly measures waiting for a CPU; CPU time measures the work itself.
    """
    pid = _sql("SELECT pg_backend_pid()")[0][0]
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _cpu_now() -> float:
    usage = os.times()
    return usage.user + usage.system


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


def _create_org(n_agents: int, n_teams: int) -> dict[int, int]:
    """Vendors, teams and agents (users, memberships) in bulk; returns {agent id: team id}."""
    from core.models import Agent, Team, TeamMembership, User, Vendor

    vendor = Vendor.objects.create(name="Bench in-house")
    partner = Vendor.objects.create(name="Bench partner", kind=Vendor.Kind.PARTNER)
    teams = Team.objects.bulk_create(
        [Team(name=f"Team {n:03d}", vendor=partner if n % 5 == 0 else vendor) for n in range(n_teams)]
    )
    users = User.objects.bulk_create(
        [
            User(username=f"bench{n}", email=f"bench{n}@bench.test", first_name="Bench", last_name=str(n))
            for n in range(n_agents)
        ]
    )
    agents = Agent.objects.bulk_create(
        [
            Agent(
                user=user,
                employee_id=f"B{n:05d}",
                email=f"bench{n}@bench.test",
                team=teams[n % n_teams],
                start_date=date(2020, 1, 1),
            )
            for n, user in enumerate(users)
        ]
    )
    TeamMembership.objects.bulk_create(
        [TeamMembership(agent=agent, team_id=agent.team_id, start_date=date(2020, 1, 1)) for agent in agents]
    )
    return {agent.pk: agent.team_id for agent in agents}, {agent.pk: agent.email for agent in agents}


def _contact_rows(rng, count, agents, first_day, days, *, prefix):
    """Contact tuples for COPY: about one in six contacts is a repeat of a recent case."""
    agent_ids = list(agents)
    recent: list[tuple[str, datetime]] = []
    start = datetime.combine(first_day, datetime.min.time(), tzinfo=UTC)
    span = days * 86400
    now = datetime.now(UTC).isoformat()
    for n in range(count):
        at = start + timedelta(seconds=int(span * n / count) + rng.randint(0, 60))
        if recent and rng.random() < 0.17:
            case_id, _ = recent[rng.randrange(len(recent))]
        else:
            case_id = f"{prefix}K{n}"
            if len(recent) < 5000:
                recent.append((case_id, at))
            else:
                recent[rng.randrange(5000)] = (case_id, at)
        agent_id = agent_ids[rng.randrange(len(agent_ids))]
        yield (
            f"{prefix}{n}",
            case_id,
            agent_id,
            agents[agent_id],
            CHANNELS[n % 4],
            at.isoformat(),
            at.date().isoformat(),
            rng.randint(60, 900),
            rng.randint(0, 180),
            "t" if rng.random() < 0.85 else "f",
            "\\N" if rng.random() < 0.97 else ("t" if rng.random() < 0.5 else "f"),
            rng.randint(1, 5) if rng.random() < 0.25 else "\\N",
            rng.randint(1, 7) if rng.random() < 0.15 else "\\N",
            rng.randint(0, 10) if rng.random() < 0.15 else "\\N",
            "",
            now,
            now,
        )


def _copy_contacts(rows) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        raw = cursor.connection.cursor()
        buffer = io.StringIO()
        for n, row in enumerate(rows, start=1):
            buffer.write("\t".join(str(value) for value in row))
            buffer.write("\n")
            if n % 200_000 == 0:
                buffer.seek(0)
                raw.copy_expert(f"COPY skillhub_contact ({', '.join(COPY_COLUMNS)}) FROM STDIN", buffer)
                buffer = io.StringIO()
        buffer.seek(0)
        raw.copy_expert(f"COPY skillhub_contact ({', '.join(COPY_COLUMNS)}) FROM STDIN", buffer)


def _csv_rows(rng, count, agents, first_day, days, *, prefix, emails, repeat_of=None):
    """Import rows (dicts of CSV fields) spread over `days` from first_day."""
    agent_ids = list(agents)
    start = datetime.combine(first_day, datetime.min.time(), tzinfo=UTC)
    span = days * 86400
    for n in range(count):
        at = start + timedelta(seconds=int(span * n / count))
        agent_id = agent_ids[rng.randrange(len(agent_ids))]
        case_id = f"{prefix}K{n}"
        if repeat_of and rng.random() < 0.1:  # a repeat of a case from the last days of the year
            case_prefix, total = repeat_of
            case_id = f"{case_prefix}K{total - 1 - rng.randrange(min(total, 20_000))}"
        yield {
            "external_id": f"{prefix}{n}",
            "case_id": case_id,
            "agent_email": emails[agent_id],
            "team": "",
            "channel": CHANNELS[n % 4],
            "started_at": at.isoformat(),
            "handle_seconds": rng.randint(60, 900),
            "after_contact_seconds": rng.randint(0, 180),
            "resolved": "yes" if rng.random() < 0.85 else "no",
            "first_contact_resolved": "",
            "csat": rng.randint(1, 5) if rng.random() < 0.25 else "",
            "ces": rng.randint(1, 7) if rng.random() < 0.15 else "",
            "nps": rng.randint(0, 10) if rng.random() < 0.15 else "",
        }


def _run_import(path: Path, database_url: str, broker: str, extra: list[str] | None = None) -> tuple[float, float, str]:
    """Run manage.py import_interactions in a child process: wall seconds, peak RSS (MB), output.

    With a broker, as in production: the import enqueues the rollup for a worker instead of running it inline.
    """
    env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "true", "CELERY_BROKER_URL": broker}
    with tempfile.TemporaryFile("w+") as out_file, tempfile.TemporaryFile("w+") as err_file:
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "manage.py"), "import_interactions", str(path), "-v", "0", *(extra or [])],
            env=env,
            stdout=out_file,
            stderr=err_file,
        )
        peak_kb = 0
        while True:  # the child's own high-water mark, read while it runs (see below)
            done, status, usage = os.wait4(process.pid, os.WNOHANG)
            if done:
                break
            peak_kb = max(peak_kb, _high_water_kb(process.pid))
            time.sleep(0.01)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out_file.seek(0)
        err_file.seek(0)
        out, err = out_file.read(), err_file.read()
    if process.returncode != 0:
        raise SystemExit(f"import failed: {err[-2000:]}")
    # Not ru_maxrss: on Linux it carries over the parent's size through fork and exec (this script holds about
    # 250 MB), which hid the import's own peak.
    rss = peak_kb / 1024
    return seconds, rss, out.strip() + f" [cpu {usage.ru_utime + usage.ru_stime:.1f} s]"


def _high_water_kb(pid: int) -> int:
    """Peak resident memory of a running process (VmHWM), in kB; 0 once it is gone."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _purge(broker: str) -> None:
    """Drop the rollup messages the imports queued (no worker runs here; we time the rollup ourselves)."""
    import redis

    redis.Redis.from_url(broker).delete("celery")


def _summary(output: str) -> str:
    match = re.search(r"(\d+ created, \d+ updated, \d+ unchanged) in ([\d.]+) s \(([\d,]+) rows/s\)", output)
    cpu = re.search(r"\[cpu ([\d.]+) s\]", output)
    if not match:
        return output
    return f"{match.group(1)}, {match.group(3)} rows/s inside the command, command CPU {cpu.group(1)} s"


def _copy_file(path: Path, table: str, columns: list[str]) -> None:
    from django.db import connection

    with connection.cursor() as cursor, open(path) as handle:
        cursor.connection.cursor().copy_expert(
            f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv, HEADER true)", handle
        )


def _explain_ms(rollups, day: date) -> float:
    """Database execution time of one day's rebuild statements (EXPLAIN ANALYZE, rolled back)."""
    from django.db import connection, transaction

    total = 0.0
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {rollups.GRAIN}")
            for statement, params in (
                ("DELETE FROM skillhub_agentday WHERE day BETWEEN %s AND %s", [day, day]),
                ("DELETE FROM skillhub_agentskillday WHERE day BETWEEN %s AND %s", [day, day]),
                ("DELETE FROM metrics_agentchannelday WHERE day BETWEEN %s AND %s", [day, day]),
                ("DELETE FROM metrics_teamreasonday WHERE day BETWEEN %s AND %s", [day, day]),
                (rollups.contact_grain_sql(), [day, day, day, day]),
                (rollups.agent_channel_day_sql(), []),
                (rollups.agent_day_sql(), rollups.agent_day_params(day, day)),
                (rollups.team_reason_day_sql(), []),
                (rollups.agent_skill_day_sql(), rollups.agent_skill_day_params(day, day)),
            ):
                cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + statement, params)
                plan = cursor.fetchone()[0][0]
                total += plan["Planning Time"] + plan["Execution Time"]
        transaction.set_rollback(True)
    return total


if __name__ == "__main__":
    main()
