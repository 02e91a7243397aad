"""PostgreSQL triggers that keep `updated_at` current for every write, QuerySet.update() and raw SQL included.

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
