"""Full-text search of the conversation browser (qa.browser) on PostgreSQL: GIN indexes on the 'simple' tsvector of a
contact's transcript and of each turn's text. The browser's query uses exactly these expressions, so both indexes
serve it. SQLite has no full-text index; the browser falls back to a plain icontains there."""

from django.db import migrations

CONTACT_INDEX = "contact_transcript_fts_idx"
TURN_INDEX = "contact_turn_text_fts_idx"


def _tables(apps) -> tuple[str, str]:
    return apps.get_model("skillhub", "Contact")._meta.db_table, apps.get_model(
        "skillhub", "ContactTurn"
    )._meta.db_table


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    contact, turn = _tables(apps)
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {CONTACT_INDEX} ON \"{contact}\" USING gin (to_tsvector('simple', transcript))"
    )
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {TURN_INDEX} ON \"{turn}\" USING gin (to_tsvector('simple', text))"
    )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {CONTACT_INDEX}")
    schema_editor.execute(f"DROP INDEX IF EXISTS {TURN_INDEX}")


class Migration(migrations.Migration):
    dependencies = [("skillhub", "0016_rollup_mark_whole_days")]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
