"""Full-text search of the conversation browser (qa.browser) on PostgreSQL: one search document per contact.

`search_document` (tsvector, 'simple' configuration) holds the words of the contact's transcript and of all its turns;
a GIN index serves the browser's `search_document @@ websearch_to_tsquery('simple', …)`. Matches come straight from
that one index (or, for a common word, from walking the newest contacts and testing each), instead of collecting
every matching turn and de-duplicating it into contact ids (measured in bench/README.md, "Conversation browser").

The database keeps the document up to date, whoever writes (imports, the API, the admin, raw SQL):
- BEFORE triggers on the contact set it from its transcript and turns when a contact with a transcript is
  inserted or its transcript changes (a contact inserted without one has no words yet: NULL, outside the partial
  GIN index);
- statement-level AFTER triggers on the turns (one per event, with their transition table) recompute it for the
  contacts whose turns were inserted, changed or deleted, once per statement.
The column is not a field of the Django model (it is only ever read by that one query). SQLite has none of this:
the browser falls back to a plain icontains there.
"""

from django.db import migrations

INDEX = "contact_search_document_idx"


def _tables(apps) -> tuple[str, str]:
    contact = apps.get_model("skillhub", "Contact")._meta.db_table
    turn = apps.get_model("skillhub", "ContactTurn")._meta.db_table
    return contact, turn


def _document(contact_alias: str, turn: str) -> str:
    """The search document of the contact `contact_alias` (a row or NEW): its transcript's words and its turns'."""
    return (
        f"NULLIF(to_tsvector('simple', {contact_alias}.transcript) || COALESCE(("
        f"SELECT to_tsvector('simple', string_agg(t.text, ' ' ORDER BY t.position)) FROM \"{turn}\" t "
        f"WHERE t.contact_id = {contact_alias}.id), ''::tsvector), ''::tsvector)"
    )


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    contact, turn = _tables(apps)
    run = schema_editor.execute
    run(f'ALTER TABLE "{contact}" ADD COLUMN IF NOT EXISTS search_document tsvector')
    run(
        f"""
        CREATE OR REPLACE FUNCTION skillhub_contact_search_row() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            NEW.search_document := {_document("NEW", turn)};
            RETURN NEW;
        END $$
        """
    )
    # A new contact has no turns yet: only one with a transcript has words to index. The WHEN test runs without
    # calling the function, so an import of contacts without transcripts pays nothing per row.
    run(f'DROP TRIGGER IF EXISTS skillhub_contact_search ON "{contact}"')
    run(f'DROP TRIGGER IF EXISTS skillhub_contact_search_insert ON "{contact}"')
    run(f'DROP TRIGGER IF EXISTS skillhub_contact_search_update ON "{contact}"')
    run(
        f'CREATE TRIGGER skillhub_contact_search_insert BEFORE INSERT ON "{contact}" '
        f"FOR EACH ROW WHEN (NEW.transcript <> '') EXECUTE FUNCTION skillhub_contact_search_row()"
    )
    run(
        f'CREATE TRIGGER skillhub_contact_search_update BEFORE UPDATE OF transcript ON "{contact}" '
        f"FOR EACH ROW WHEN (NEW.transcript IS DISTINCT FROM OLD.transcript) "
        f"EXECUTE FUNCTION skillhub_contact_search_row()"
    )
    run(
        f"""
        CREATE OR REPLACE FUNCTION skillhub_contact_search_turns() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE "{contact}" c SET search_document = {_document("c", turn)}
            WHERE c.id IN (SELECT DISTINCT contact_id FROM changed_turns);
            RETURN NULL;
        END $$
        """
    )
    for event, table in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")):
        name = f"skillhub_turn_search_{event.lower()}"
        run(f'DROP TRIGGER IF EXISTS {name} ON "{turn}"')
        run(
            f'CREATE TRIGGER {name} AFTER {event} ON "{turn}" REFERENCING {table} TABLE AS changed_turns '
            f"FOR EACH STATEMENT EXECUTE FUNCTION skillhub_contact_search_turns()"
        )
    # The contacts already stored (one statement; a large table takes a while, once).
    run(f'UPDATE "{contact}" c SET search_document = {_document("c", turn)}')
    # Partial: contacts without words (most of an import of call records) never enter the index.
    run(
        f'CREATE INDEX IF NOT EXISTS {INDEX} ON "{contact}" USING gin (search_document) '
        f"WHERE search_document IS NOT NULL"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    contact, turn = _tables(apps)
    run = schema_editor.execute
    for event in ("insert", "update", "delete"):
        run(f'DROP TRIGGER IF EXISTS skillhub_turn_search_{event} ON "{turn}"')
    for name in ("skillhub_contact_search_insert", "skillhub_contact_search_update"):
        run(f'DROP TRIGGER IF EXISTS {name} ON "{contact}"')
    run("DROP FUNCTION IF EXISTS skillhub_contact_search_turns()")
    run("DROP FUNCTION IF EXISTS skillhub_contact_search_row()")
    run(f"DROP INDEX IF EXISTS {INDEX}")
    run(f'ALTER TABLE "{contact}" DROP COLUMN IF EXISTS search_document')


class Migration(migrations.Migration):
    dependencies = [("skillhub", "0016_rollup_mark_whole_days")]

    operations = [migrations.RunPython(create, drop)]
