"""Benchmark of the team dashboard and the vendor comparison on PostgreSQL with a year of rollups.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/skillhub_dashboards python bench/dashboard.py [--agents 2000]

1. Data: if there are no AgentDay rows yet (e.g. bench/rollup.py has not been run), the rolled-up form of the large
   data set is generated directly in SQL: 2,000 agents in 100 teams (two vendors: in-house and a partner), one
   AgentDay row per agent per day for 365 days (what 10M contacts roll up to: 730,000 rows) and QA skill rows;
   the TeamDay rows (AgentDay summed per day and team) are built from them when missing.
2. Query count and the raw SQL: one request of each page is captured; the same SQL statements are then re-run
   directly on the connection (no Django) and timed, so the ratio page / SQL shows what Django adds.
3. Served by Django in-process (test client): 200 sequential requests, p50/p95/p99. Then the heatmap's read
   (skill scores of the lead's 100 agents) from the daily rows against the per-skill running totals, per period
   length (7 days to a year), side by side, with a check that both give the same rows.
4. Under load: gunicorn (2 workers × 4 threads, loopback, port 8018) and a second process of 20 concurrent users
   for 30 s each page; p50/p95/p99 and requests per second. The app runs as deployed, with the rendered-body
   cache (DASHBOARD_CACHE_SECONDS, default 60; `--cache-seconds 0` to measure without it).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "skillhub.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("SESSION_COOKIE_SECURE", "false")
os.environ.setdefault("CSRF_COOKIE_SECURE", "false")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")

PAGES = {
    "team dashboard (lead, 5 teams, 90 days)": ("lead", "/dashboards/team/?preset=90"),
    "vendor comparison (admin, 100 teams, 90 days)": ("admin", "/dashboards/vendors/?preset=90"),
}


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))]


def setup(n_agents: int, n_teams: int, days: int) -> None:
    from django.db import connection
    from django.db.models import Max, Min

    from core import roles
    from core.models import Agent, Team, TeamMembership, User, Vendor
    from metrics.models import AgentDay, AgentRunning, AgentSkillRunning, TeamDay
    from metrics.rollups import derived_rebuild

    if AgentDay.objects.exists():
        print(f"Using the existing rollups: {AgentDay.objects.count():,} AgentDay rows.")
    else:
        print(f"Generating {n_agents:,} agents × {days} days of rollups …", flush=True)
        in_house, _ = Vendor.objects.get_or_create(name="Bench In-house", defaults={"kind": Vendor.Kind.IN_HOUSE})
        partner, _ = Vendor.objects.get_or_create(name="Bench Partner", defaults={"kind": Vendor.Kind.PARTNER})
        teams = [
            Team.objects.get_or_create(name=f"Bench team {i:03d}", defaults={"vendor": in_house if i % 4 else partner})[
                0
            ]
            for i in range(n_teams)
        ]
        users = User.objects.bulk_create(
            [User(username=f"bench.agent{i}", first_name="Agent", last_name=f"{i:05d}") for i in range(n_agents)]
        )
        import datetime as dt

        agents = Agent.objects.bulk_create(
            [
                Agent(
                    user=u,
                    employee_id=f"B{i:06d}",
                    email=f"b{i}@bench.test",
                    team=teams[i % n_teams],
                    start_date=dt.date(2024, 1, 1),
                )
                for i, u in enumerate(users)
            ]
        )
        TeamMembership.objects.bulk_create(
            [TeamMembership(agent=a, team_id=a.team_id, start_date=dt.date(2024, 1, 1)) for a in agents]
        )
        with connection.cursor() as cursor:
            cursor.execute(
                """
                INSERT INTO skillhub_agentday (day, agent_id, team_id, contacts, cases, fcr_cases, csat_responses,
                    csat_satisfied, csat_sum, ces_responses, ces_sum, nps_responses, promoters, detractors,
                    handle_seconds, after_seconds, reviews, qa_score_sum)
                SELECT d::date, a.id, a.team_id, c, c - 2, ((c - 2) * 0.74)::int, c / 3, ((c / 3) * 0.8)::int,
                       (c / 3) * 4, c / 5, (c / 5) * 3, c / 5, (c / 5) / 2, (c / 5) / 5, c * 330, c * 50,
                       CASE WHEN random() < 0.15 THEN 1 ELSE 0 END, 0
                FROM skillhub_agent a
                CROSS JOIN generate_series(CURRENT_DATE - %s, CURRENT_DATE, interval '1 day') d
                CROSS JOIN LATERAL (SELECT 10 + (random() * 8)::int + (a.id %% 3) AS c) x
                WHERE a.employee_id LIKE 'B%%'
                """,
                [days - 1],
            )
            cursor.execute("UPDATE skillhub_agentday SET qa_score_sum = 60 + random() * 40 WHERE reviews = 1")
            cursor.execute(
                """
                INSERT INTO skillhub_agentskillday (day, agent_id, team_id, skill_id, reviews, score_sum)
                SELECT r.day, r.agent_id, r.team_id, s.id, 1, 50 + random() * 50
                FROM skillhub_agentday r CROSS JOIN skillhub_skill s WHERE r.reviews = 1
                """
            )
            cursor.execute("ANALYZE skillhub_agentday; ANALYZE skillhub_agentskillday;")
        print(f"… {AgentDay.objects.count():,} AgentDay rows.")
    if not TeamDay.objects.exists() or not AgentRunning.objects.exists() or not AgentSkillRunning.objects.exists():
        print("Building the TeamDay rows and the running totals from the daily rows …", flush=True)
        bounds = AgentDay.objects.aggregate(first=Min("day"), last=Max("day"))
        derived_rebuild(start=bounds["first"], end=bounds["last"])
        with connection.cursor() as cursor:
            cursor.execute(
                "ANALYZE skillhub_teamday; ANALYZE skillhub_agentrunning; ANALYZE skillhub_agentskillrunning;"
            )
    print(f"{TeamDay.objects.count():,} TeamDay rows.")
    from django.contrib.auth.models import Group

    lead, _ = User.objects.get_or_create(username="bench.lead")
    lead.groups.add(Group.objects.get_or_create(name=roles.OPS_LEAD)[0])
    for team in Team.objects.order_by("name")[:5]:
        team.leads.add(lead)
    admin, _ = User.objects.get_or_create(username="bench.admin", defaults={"is_superuser": True, "is_staff": True})
    admin.groups.add(Group.objects.get_or_create(name=roles.ADMIN)[0])


def users():
    from core.models import User

    return {"lead": User.objects.get(username="bench.lead"), "admin": User.objects.get(username="bench.admin")}


def measure_in_process(n: int) -> dict:
    """Uncached: DASHBOARD_CACHE_SECONDS is 0 here, so every request computes the figures and renders the body."""
    from django.conf import settings
    from django.db import connection

    settings.DASHBOARD_CACHE_SECONDS = 0
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    results = {}
    for name, (who, url) in PAGES.items():
        client = Client()
        client.force_login(users()[who])
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, response.status_code
        queries = [q["sql"] for q in captured.captured_queries]
        page_times = []
        for _ in range(n):
            t = time.perf_counter()
            client.get(url)
            page_times.append((time.perf_counter() - t) * 1000)
        # The raw SQL behind the page: the same statements, straight on the connection.
        sql_times = []
        per_statement: dict[int, list[float]] = {}
        with connection.cursor() as cursor:
            for _ in range(n):
                t = time.perf_counter()
                for index, sql in enumerate(queries):
                    if sql.startswith(("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE")):
                        continue
                    s = time.perf_counter()
                    cursor.execute(sql)
                    if cursor.description:
                        cursor.fetchall()
                    per_statement.setdefault(index, []).append((time.perf_counter() - s) * 1000)
                sql_times.append((time.perf_counter() - t) * 1000)
        slowest = sorted(per_statement.items(), key=lambda item: -statistics.median(item[1]))[:4]
        results[name] = {
            "queries": len(queries),
            "page_p50_ms": statistics.median(page_times),
            "page_p95_ms": pct(page_times, 95),
            "page_p99_ms": pct(page_times, 99),
            "sql_p50_ms": statistics.median(sql_times),
            "sql_p95_ms": pct(sql_times, 95),
            "ratio_page_over_sql": statistics.median(page_times) / statistics.median(sql_times),
            "slowest_statements_p50_ms": [
                [round(statistics.median(times), 2), queries[index][:160]] for index, times in slowest
            ],
        }
    return results


def measure_skill_sources(n: int) -> dict:
    """The heatmap's read (metrics.skill_scores_by_agent for the lead's 100 agents) from the daily rows against the
    running totals, per period length: where SKILL_RUNNING_MIN_DAYS belongs. p50 ms of n calls each."""
    from datetime import timedelta

    from django.utils import timezone

    from core.models import Agent
    from metrics import selectors as metrics

    lead = users()["lead"]
    ids = list(Agent.objects.filter(team__leads=lead).values_list("pk", flat=True))
    end = timezone.localdate()
    results = {"agents": len(ids), "threshold_days": metrics.SKILL_RUNNING_MIN_DAYS}
    for days in (7, 14, 28, 60, 90, 365):
        start = end - timedelta(days=days - 1)
        timings = {}
        for source in ("daily", "running"):
            times = []
            for _ in range(n):
                t = time.perf_counter()
                rows = metrics.skill_scores_by_agent(agents=ids, start=start, end=end, source=source)
                times.append((time.perf_counter() - t) * 1000)
            timings[source] = (round(statistics.median(times), 2), len(rows))
        same = metrics.skill_scores_by_agent(agents=ids, start=start, end=end, source="daily") == (
            metrics.skill_scores_by_agent(agents=ids, start=start, end=end, source="running")
        )
        results[f"{days} days"] = {
            "daily_ms": timings["daily"][0],
            "running_ms": timings["running"][0],
            "cells": timings["daily"][1],
            "same_rows": same,
        }
    return results


def session_cookie(user) -> str:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def load(url: str, cookie: str, users_n: int, seconds: float) -> dict:
    times: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def user():
        while time.perf_counter() < stop:
            request = urllib.request.Request(url, headers={"Cookie": cookie})
            t = time.perf_counter()
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    response.read()
                    ok = response.status == 200
            except Exception:
                ok = False
            elapsed = (time.perf_counter() - t) * 1000
            with lock:
                if ok:
                    times.append(elapsed)
                else:
                    errors[0] += 1

    # Steady state: a few requests first, so each gunicorn worker has the page (as a page in use would).
    for _ in range(4):
        with urllib.request.urlopen(urllib.request.Request(url, headers={"Cookie": cookie}), timeout=60) as r:
            r.read()
    stop = time.perf_counter() + seconds
    threads = [threading.Thread(target=user) for _ in range(users_n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {
        "requests": len(times),
        "errors": errors[0],
        "rps": len(times) / seconds,
        "p50_ms": statistics.median(times) if times else None,
        "p95_ms": pct(times, 95) if times else None,
        "p99_ms": pct(times, 99) if times else None,
    }


def measure_under_load(users_n: int, seconds: float, port: int, cache_seconds: int) -> dict:
    env = {**os.environ, "DEBUG": "false", "LOG_LEVEL": "WARNING", "DASHBOARD_CACHE_SECONDS": str(cache_seconds)}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "skillhub.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            "2",
            "--threads",
            "4",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=1)
                break
            except Exception:
                time.sleep(0.2)
        people = users()
        results = {}
        for name, (who, path) in PAGES.items():
            cookie = session_cookie(people[who])
            # The load generator is a second process, as a browser population would be.
            out = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--load-only",
                    f"http://127.0.0.1:{port}{path}",
                    cookie,
                    str(users_n),
                    str(seconds),
                ],
                capture_output=True,
                text=True,
                check=True,
                env=env,
            )
            results[name] = json.loads(out.stdout.strip().splitlines()[-1])
            print(name, results[name], flush=True)
        return results
    finally:
        server.terminate()
        server.wait(timeout=10)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--load-only":
        url, cookie, users_n, seconds = sys.argv[2], sys.argv[3], int(sys.argv[4]), float(sys.argv[5])
        print(json.dumps(load(url, cookie, users_n, seconds)))
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--agents", type=int, default=2000)
    parser.add_argument("--teams", type=int, default=100)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--port", type=int, default=8018)
    parser.add_argument("--cache-seconds", type=int, default=60, help="DASHBOARD_CACHE_SECONDS of the served app")
    parser.add_argument("--no-load", action="store_true", help="skip the gunicorn load test")
    parser.add_argument("--load-only-server", action="store_true", help="skip the in-process timings")
    args = parser.parse_args()
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("Run this on PostgreSQL: DATABASE_URL=postgres://…")
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # pages are served as deployed (hashed names)
    setup(args.agents, args.teams, args.days)
    report = {} if args.load_only_server else {"in_process": measure_in_process(args.requests)}
    if not args.load_only_server:
        report["skill_scores_daily_vs_running"] = measure_skill_sources(min(args.requests, 50))
    print(json.dumps(report, indent=2), flush=True)
    if not args.no_load:
        report["under_load"] = measure_under_load(args.users, args.seconds, args.port, args.cache_seconds)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
