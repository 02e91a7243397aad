"""Content-table triggers: `updated_at` kept current and the content revision bumped on every write.

The `updated_at` trigger (PostgreSQL) covers QuerySet.update() and raw SQL too.

Reusable by any app: add `updated_at_trigger_operation("app_table", ...)` to a migration. On other
databases the operation does nothing (auto_now still covers Model.save()).
"""

from __future__ import annotations

from django.db import migrations

FUNCTION_SQL = """
CREATE OR REPLACE FUNCTION lingo_set_updated_at() RETURNS trigger AS $$
BEGIN
    -- Keep an explicit new value (e.g. a data migration setting it); otherwise stamp the write.
    IF NEW.updated_at IS NOT DISTINCT FROM OLD.updated_at THEN
        NEW.updated_at := clock_timestamp();
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""


def _trigger_name(table: str) -> str:
    return f"{table}_set_updated_at"[:63]


def _create(tables):
    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(FUNCTION_SQL)
        for table in tables:
            name = schema_editor.quote_name(_trigger_name(table))
            quoted = schema_editor.quote_name(table)
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {quoted}")
            schema_editor.execute(
                f"CREATE TRIGGER {name} BEFORE UPDATE ON {quoted} FOR EACH ROW EXECUTE FUNCTION lingo_set_updated_at()"
            )

    return forwards


def _drop(tables):
    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for table in tables:
            name = schema_editor.quote_name(_trigger_name(table))
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {schema_editor.quote_name(table)}")

    return backwards


def updated_at_trigger_operation(*tables: str) -> migrations.RunPython:
    """A migration operation installing the updated_at trigger on the given tables (PostgreSQL only)."""
    return migrations.RunPython(_create(tables), _drop(tables), elidable=False)


# Bumps the single ContentRevision row (creating it if a flush removed it) after any write to a content table.
_BUMP_SQL = (
    "INSERT INTO courses_contentrevision (id, revision) VALUES (1, 1) "
    "ON CONFLICT (id) DO UPDATE SET revision = courses_contentrevision.revision + 1"
)
_PG_BUMP_FUNCTION = f"""
CREATE OR REPLACE FUNCTION lingo_bump_content_revision() RETURNS trigger AS $$
BEGIN
    {_BUMP_SQL};
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""


def _revision_trigger_names(table: str) -> dict[str, str]:
    return {event: f"{table}_content_rev_{event.lower()}"[:63] for event in ("INSERT", "UPDATE", "DELETE")}


def _create_revision_triggers(tables):
    def forwards(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor == "postgresql":
            schema_editor.execute(_PG_BUMP_FUNCTION)
        for table in tables:
            quoted = schema_editor.quote_name(table)
            if vendor == "postgresql":
                name = schema_editor.quote_name(f"{table}_content_revision"[:63])
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {quoted}")
                schema_editor.execute(
                    f"CREATE TRIGGER {name} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {quoted} "
                    "FOR EACH STATEMENT EXECUTE FUNCTION lingo_bump_content_revision()"
                )
            elif vendor == "sqlite":  # row-level triggers only; content writes are few
                for event, name in _revision_trigger_names(table).items():
                    schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
                    schema_editor.execute(f"CREATE TRIGGER {name} AFTER {event} ON {quoted} BEGIN {_BUMP_SQL}; END")

    return forwards


def _drop_revision_triggers(tables):
    def backwards(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        for table in tables:
            quoted = schema_editor.quote_name(table)
            if vendor == "postgresql":
                name = schema_editor.quote_name(f"{table}_content_revision"[:63])
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {quoted}")
            elif vendor == "sqlite":
                for name in _revision_trigger_names(table).values():
                    schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")

    return backwards


def content_revision_trigger_operation(*tables: str) -> migrations.RunPython:
    """A migration operation making writes to these tables bump ContentRevision (PostgreSQL and SQLite)."""
    return migrations.RunPython(_create_revision_triggers(tables), _drop_revision_triggers(tables), elidable=False)
