"""Make both audit tables append-only on PostgreSQL, and index them by time.

A row trigger rejects every UPDATE and DELETE except two that a transaction asks for explicitly
through transaction-local settings (set by audit.services, never by a request):
- `audit.redact_user` = a departing user's id (and `audit.redact_user_type` = the user model's
  content type id): that user's rows may have their personal fields cleared, nothing else;
- `audit.allow_prune` = 'on' with `audit.prune_before` = a timestamp: rows created before it may
  be deleted (manage.py prune_audit, which logs itself).
TRUNCATE is left to the table owner (the test runner flushes with it).
"""

from django.db import migrations, models

ACTIVITY_GUARD = r"""
CREATE OR REPLACE FUNCTION audit_activity_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    redact_user text := nullif(current_setting('audit.redact_user', true), '');
    personal text[] := ARRAY['user_id', 'ip', 'user_agent'];
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF current_setting('audit.allow_prune', true) = 'on'
           AND OLD.created_at < nullif(current_setting('audit.prune_before', true), '')::timestamptz THEN
            RETURN OLD;
        END IF;
        RAISE EXCEPTION 'audit_useractivitylog is append-only: only manage.py prune_audit deletes (old) rows'
            USING ERRCODE = 'restrict_violation';
    END IF;
    IF redact_user IS NOT NULL
       AND OLD.user_id::text = redact_user
       AND (to_jsonb(NEW) - personal) = (to_jsonb(OLD) - personal)
       AND (NEW.user_id IS NULL OR NEW.user_id = OLD.user_id)
       AND (NEW.ip IS NULL OR NEW.ip IS NOT DISTINCT FROM OLD.ip)
       AND (NEW.user_agent = '' OR NEW.user_agent = OLD.user_agent) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_useractivitylog is append-only: rows cannot be changed (only a deleted user''s personal fields are cleared)'
        USING ERRCODE = 'restrict_violation';
END;
$$;
"""

SYSTEM_GUARD = r"""
CREATE OR REPLACE FUNCTION audit_system_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    redact_user text := nullif(current_setting('audit.redact_user', true), '');
    redact_type text := nullif(current_setting('audit.redact_user_type', true), '');
    personal text[] := ARRAY['actor_id', 'actor_repr', 'ip', 'target_repr', 'changes'];
    is_actor boolean;
    is_target boolean;
    masked jsonb;
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF current_setting('audit.allow_prune', true) = 'on'
           AND OLD.created_at < nullif(current_setting('audit.prune_before', true), '')::timestamptz THEN
            RETURN OLD;
        END IF;
        RAISE EXCEPTION 'audit_systemauditlog is append-only: only manage.py prune_audit deletes (old) rows'
            USING ERRCODE = 'restrict_violation';
    END IF;
    is_actor := redact_user IS NOT NULL AND OLD.actor_id IS NOT NULL AND OLD.actor_id::text = redact_user;
    is_target := redact_user IS NOT NULL AND redact_type IS NOT NULL
        AND OLD.target_type_id::text = redact_type AND OLD.target_id = redact_user;
    masked := CASE WHEN jsonb_typeof(OLD.changes) = 'object'
        THEN coalesce((SELECT jsonb_object_agg(key, '["***", "***"]'::jsonb) FROM jsonb_each(OLD.changes)), '{}'::jsonb)
        ELSE OLD.changes END;
    IF (is_actor OR is_target)
       AND (to_jsonb(NEW) - personal) = (to_jsonb(OLD) - personal)
       -- the actor's fields may be cleared on rows the departing user made ...
       AND (NEW.actor_id IS NOT DISTINCT FROM OLD.actor_id OR (is_actor AND NEW.actor_id IS NULL))
       AND (NEW.actor_repr = OLD.actor_repr OR (is_actor AND NEW.actor_repr = ''))
       AND (NEW.ip IS NOT DISTINCT FROM OLD.ip OR (is_actor AND NEW.ip IS NULL))
       -- ... and the values on rows about the departing user's account
       AND (NEW.target_repr = OLD.target_repr OR (is_target AND NEW.target_repr = ''))
       AND (NEW.changes = OLD.changes OR (is_target AND NEW.changes = masked)) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_systemauditlog is append-only: rows cannot be changed (only a deleted user''s personal fields are cleared)'
        USING ERRCODE = 'restrict_violation';
END;
$$;
"""

CREATE_TRIGGERS = """
CREATE TRIGGER audit_useractivitylog_append_only BEFORE UPDATE OR DELETE ON audit_useractivitylog
    FOR EACH ROW EXECUTE FUNCTION audit_activity_guard();
CREATE TRIGGER audit_systemauditlog_append_only BEFORE UPDATE OR DELETE ON audit_systemauditlog
    FOR EACH ROW EXECUTE FUNCTION audit_system_guard();
"""

DROP_TRIGGERS = """
DROP TRIGGER IF EXISTS audit_useractivitylog_append_only ON audit_useractivitylog;
DROP TRIGGER IF EXISTS audit_systemauditlog_append_only ON audit_systemauditlog;
DROP FUNCTION IF EXISTS audit_activity_guard();
DROP FUNCTION IF EXISTS audit_system_guard();
"""


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite, the zero-setup demo database, relies on the code alone.
    for sql in (ACTIVITY_GUARD, SYSTEM_GUARD, CREATE_TRIGGERS):
        schema_editor.execute(sql)


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(DROP_TRIGGERS)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="systemauditlog",
            index=models.Index(fields=["created_at"], name="sysaudit_time_idx"),
        ),
        migrations.AddIndex(
            model_name="useractivitylog",
            index=models.Index(fields=["created_at"], name="activity_time_idx"),
        ),
        migrations.RunPython(create_triggers, drop_triggers, elidable=False),
    ]
