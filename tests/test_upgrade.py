"""An installation upgraded from the pre-split main (9484248) migrates to the new layout keeping every row.

The fixture tests/fixtures/skillhub-9484248-seed_demo.data.sql.gz is a data-only dump of a database migrated and
seeded (seed_demo) by commit 9484248, django_migrations, django_content_type and auth_permission included (see
tests/fixtures/README.md). The test builds that commit's schema in a scratch database of its own from the migration
files (unchanged by the split: core/migrations/0001-0012 are the old skillhub/migrations), migrating every app only
to the migrations the dump records, so the new app `metrics` stays unmigrated; loads the dump into the emptied
tables; counts the rows of every table; runs the new code's `migrate`; and checks that no row and no table was lost,
that django_migrations gained exactly the migrations the new code adds, that the moved models' content types
(same ids, so their permissions and admin log entries) now belong to `metrics`, that models and migrations are in
step, and that a full rollup on the upgraded data rebuilds the same number of rollup rows.

It does not use pytest-django's test database: it talks to the PostgreSQL server named by DATABASE_URL (skips
otherwise), creating and dropping a uniquely named scratch database there, and runs manage.py in subprocesses.
"""

import gzip
import os
import re
import shutil
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from assessments import bank_data

ROOT = Path(__file__).resolve().parent.parent
DUMP = ROOT / "tests" / "fixtures" / "skillhub-9484248-seed_demo.data.sql.gz"
DATABASE_URL = os.environ.get("DATABASE_URL", "")
IS_POSTGRES = urlsplit(DATABASE_URL).scheme in {"postgres", "postgresql", "pgsql", "postgis"}

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not IS_POSTGRES, reason="PostgreSQL only: DATABASE_URL is not a postgres:// URL"),
    pytest.mark.skipif(shutil.which("psql") is None, reason="needs psql to load the dump"),
]

# The rollup models moved to `metrics`; in the old database their tables are skillhub_<model name>.
ROLLUP_MODELS = ["AgentDay", "TeamDay", "AgentSkillDay", "AgentRunning", "TeamRunning", "AgentSkillRunning"]
ROLLUP_TABLES = [f"skillhub_{name.lower()}" for name in ROLLUP_MODELS]


def url_for(database: str) -> str:
    """DATABASE_URL with its database name replaced (same server, user, password and options)."""
    parts = urlsplit(DATABASE_URL)
    return urlunsplit(parts._replace(path=f"/{database}"))


def connect(database: str):
    import psycopg2

    parts = urlsplit(DATABASE_URL)
    connection = psycopg2.connect(
        dbname=database,
        user=parts.username or None,
        password=parts.password or None,
        host=parts.hostname or None,
        port=parts.port or None,
    )
    connection.autocommit = True
    return connection


def maintenance_connection():
    """A connection to the server outside the scratch database: `postgres`, else DATABASE_URL's own database."""
    import psycopg2

    try:
        return connect("postgres")
    except psycopg2.OperationalError:
        return connect(urlsplit(DATABASE_URL).path.lstrip("/"))


def manage(database_url: str, *args: str, timeout: int = 300) -> str:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "skillhub.settings",  # what an installation runs its upgrade with
        "DEBUG": "true",
        "CELERY_BROKER_URL": "",  # empty (not just unset, a .env could set it): tasks run eagerly in-process
        "CONN_MAX_AGE": "0",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def dumped_migrations() -> list[tuple[str, str]]:
    """The (app, name) rows of django_migrations in the dump, in id order."""
    text = gzip.decompress(DUMP.read_bytes()).decode()
    block = re.search(r"INSERT INTO public\.django_migrations \([^)]*\) VALUES\n(.*?);\n", text, re.S)
    assert block, "the dump has no django_migrations rows"
    rows = re.findall(r"\((\d+), '([^']+)', '([^']+)', '[^']*'\)", block.group(1))
    return [(app, name) for _, app, name in sorted(rows, key=lambda row: int(row[0]))]


def row_counts(cursor) -> dict[str, int]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    tables = [table for (table,) in cursor.fetchall()]
    cursor.execute(" UNION ALL ".join(f"SELECT '{table}', count(*) FROM public.\"{table}\"" for table in tables))
    return dict(cursor.fetchall())


def applied(cursor) -> set[tuple[str, str]]:
    cursor.execute("SELECT app, name FROM django_migrations")
    return set(cursor.fetchall())


def content_types(cursor) -> dict[int, tuple[str, str]]:
    cursor.execute("SELECT id, app_label, model FROM django_content_type")
    return {pk: (app_label, model) for pk, app_label, model in cursor.fetchall()}


@pytest.fixture
def scratch_database():
    """A uniquely named empty database on DATABASE_URL's server, dropped afterwards whatever happened."""
    name = f"skillhub_upgrade_{uuid.uuid4().hex[:12]}"
    admin = maintenance_connection()
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def test_a_database_dumped_from_the_pre_split_main_migrates_to_the_new_layout_keeping_every_row(scratch_database):
    from django.apps import apps
    from django.db.migrations.loader import MigrationLoader

    database_url = url_for(scratch_database)
    old_migrations = dumped_migrations()

    # 1. The old schema: every app migrated only as far as the dump records (its last recorded migration); apps the
    # old code did not have (metrics) stay unmigrated. One plan for all the targets, as `migrate` makes for one
    # app: the targets one `migrate <app> <name>` at a time would send post_migrate after each, and the roles sync
    # it triggers reads auth tables not created yet. (No post_migrate at all here: every table is emptied next.)
    old_heads = {app: name for app, name in old_migrations}  # the last row of each app wins
    assert "metrics" not in old_heads
    assert old_heads["skillhub"] == "0012_skill_running_fill"
    script = (
        "from django.db import connection\n"
        "from django.db.migrations.executor import MigrationExecutor\n"
        f"targets = {sorted(old_heads.items())!r}\n"
        "executor = MigrationExecutor(connection)\n"
        "executor.migrate(targets, plan=executor.migration_plan(targets))\n"
    )
    manage(database_url, "shell", "-c", script)

    connection = connect(scratch_database)
    try:
        with connection.cursor() as cursor:
            # The schema is exactly the one the dump was taken from: the same migrations applied.
            assert applied(cursor) == set(old_migrations)

            # 2. Empty every table (django_migrations too) and load the dump, all or nothing.
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            tables = ", ".join(f'public."{table}"' for (table,) in cursor.fetchall())
            cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
        load = subprocess.run(
            ["psql", "--no-psqlrc", "-q", "-X", "-v", "ON_ERROR_STOP=1", "--single-transaction", "-d", database_url],
            input=gzip.decompress(DUMP.read_bytes()),
            capture_output=True,
            timeout=300,
        )
        assert load.returncode == 0, load.stderr.decode()

        with connection.cursor() as cursor:
            before = row_counts(cursor)
            cursor.execute("SELECT COUNT(*) FROM (SELECT DISTINCT agent_id, day FROM skillhub_agentday) days")
            (rolled_days,) = cursor.fetchone()
            migrations_before = applied(cursor)
            types_before = content_types(cursor)
        assert migrations_before == set(old_migrations)
        assert before["skillhub_contact"] > 10_000 and before["skillhub_agentday"] > 1_000  # the dump is loaded

        # 3. The upgrade.
        manage(database_url, "migrate", "--no-input")

        with connection.cursor() as cursor:
            after = row_counts(cursor)
            migrations_after = applied(cursor)
            types_after = content_types(cursor)

        # No table dropped and none added (the split adds no model with a table of its own: a moved model that got
        # a new, empty table instead of its old one would show here). Every table keeps its rows but
        # django_migrations, which gains exactly the migrations of the new code's graph that the old database did
        # not have (skillhub 0013_rollups_to_metrics, metrics 0001_initial, and any later ones).
        graph = MigrationLoader(None, ignore_no_migrations=True).graph
        new_migrations = set(graph.nodes) - set(old_migrations)
        # Models added since the split (a CreateModel of their own, not the moved ones' state-only operations) come
        # with a new table each (and their many-to-many tables), a content type and its permissions.
        created = created_models(graph, new_migrations)
        new_tables = {model._meta.db_table for model in created} | {
            field.remote_field.through._meta.db_table
            for model in created
            for field in model._meta.local_many_to_many
            if field.remote_field.through._meta.auto_created
        }
        # Tables dropped on purpose: a model a new migration deletes after moving its rows elsewhere (coaching's own
        # notices, moved into the core's notification service).
        dropped = deleted_tables(new_migrations)
        assert sorted(set(before) - set(after)) == sorted(dropped)
        if "coaching_notification" in dropped:  # every coaching notice moved into the core's notices
            assert after["skillhub_notice"] == before["coaching_notification"]
        assert sorted(set(after) - set(before)) == sorted(new_tables)
        assert {("skillhub", "0013_rollups_to_metrics"), ("metrics", "0001_initial")} <= new_migrations
        assert migrations_after - migrations_before == new_migrations
        assert migrations_before <= migrations_after
        assert after["django_migrations"] == before["django_migrations"] + len(new_migrations)
        changed = {
            table: (count, after[table])
            for table, count in before.items()
            if table != "django_migrations" and table not in dropped and after[table] != count
        }
        # The one data migration since the split that adds rows: assessments 0006 seeds the question bank for every
        # skill a role profile weights (bank_data.ROLE_SKILL_QUESTIONS and ROLE_SKILL_SCENARIOS, upserted by code).
        seeded = {
            "assessments_question": len(bank_data.ROLE_SKILL_QUESTIONS),
            "assessments_scenario": len(bank_data.ROLE_SKILL_SCENARIOS),
            "assessments_rubriccriterion": sum(len(row[-1]) for row in bank_data.ROLE_SKILL_SCENARIOS),
        }
        # metrics 0003 marks every day already rolled up, so the next rollup fills the counts it adds.
        if ("metrics", "0003_richer_contact_figures") in new_migrations:
            seeded["skillhub_rollupmark"] = rolled_days - before["skillhub_rollupmark"]
        seeded["django_content_type"] = len(created)
        seeded["auth_permission"] = sum(len(m._meta.default_permissions) + len(m._meta.permissions) for m in created)
        seeded = {table: n for table, n in seeded.items() if n}
        # The roles' groups are given the new models' permissions their role has (core's post_migrate sync).
        if created and "auth_group_permissions" in changed:
            granted = changed.pop("auth_group_permissions")
            assert granted[0] < granted[1] <= granted[0] + seeded["auth_permission"] * before["auth_group"]
        assert changed == {table: (before[table], before[table] + n) for table, n in seeded.items()}

        # The moved models' content types changed app only: same ids (so their permissions and admin log entries
        # follow), same number of rows, none left stale under "skillhub" and none created afresh under "metrics".
        moved = {model._meta.model_name for model in apps.get_app_config("metrics").get_models()}
        assert moved >= {name.lower() for name in ROLLUP_MODELS} | {"runningdirty"}
        expected_types = {
            pk: ("metrics", model) if app_label == "skillhub" and model in moved else (app_label, model)
            for pk, (app_label, model) in types_before.items()
        }
        assert {pk: types_after[pk] for pk in types_before} == expected_types
        assert sorted(value for pk, value in types_after.items() if pk not in types_before) == sorted(
            (model._meta.app_label, model._meta.model_name) for model in created
        )
        current = {(model._meta.app_label, model._meta.model_name) for model in apps.get_models()}
        # No stale content type but those of deleted models (Django keeps them until remove_stale_contenttypes).
        assert set(types_after.values()) - current == set(deleted_models(new_migrations))

        # Models and migrations are in step on the upgraded database.
        manage(database_url, "makemigrations", "--check", "--dry-run")

        # The moved models read and write their old tables: a full rollup by the new code, through the models' own
        # db_table, rebuilds as many rollup rows as the old code had made.
        rollup_models = {name: apps.get_model("metrics", name)._meta.db_table for name in ROLLUP_MODELS}
        manage(database_url, "rollup_metrics", "--full")
        with connection.cursor() as cursor:
            rebuilt = row_counts(cursor)
        assert {name: rebuilt.get(table) for name, table in rollup_models.items()} == dict(
            zip(ROLLUP_MODELS, (before[table] for table in ROLLUP_TABLES))
        )
    finally:
        connection.close()


def deleted_models(nodes) -> list[tuple[str, str]]:
    """(app label, model name) of the models the migrations `nodes` delete."""
    from django.db import migrations
    from django.db.migrations.loader import MigrationLoader

    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    return [
        (app_label, operation.name_lower)
        for app_label, name in sorted(nodes)
        for operation in graph.nodes[(app_label, name)].operations
        if isinstance(operation, migrations.DeleteModel)
    ]


def deleted_tables(nodes) -> list[str]:
    """The tables of the models the migrations `nodes` delete (DeleteModel), named as in the state before each."""
    from django.db import migrations
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    tables = []
    for app_label, name in sorted(nodes):
        for operation in loader.graph.nodes[(app_label, name)].operations:
            if isinstance(operation, migrations.DeleteModel):
                state = loader.project_state((app_label, name), at_end=False)
                tables.append(state.apps.get_model(app_label, operation.name)._meta.db_table)
    return tables


def created_models(graph, nodes) -> list:
    """The models the migrations `nodes` create with a table of their own (top-level CreateModel operations) and that
    still exist."""
    from django.apps import apps
    from django.db import migrations

    found = []
    for app_label, name in sorted(nodes):
        for operation in graph.nodes[(app_label, name)].operations:
            if isinstance(operation, migrations.CreateModel):
                try:
                    found.append(apps.get_model(app_label, operation.name))
                except LookupError:  # created, then deleted by a later migration
                    continue
    return found
