"""The one door through which course content is written: create, update, archive-or-delete and restore.

Every content model (languages, courses, sections, units, lessons, prerequisites, exercises, options,
lesson-exercise links, audio, achievements) is written by the services of its app, which call these
helpers: each validates (`full_clean`), locks the row it changes (courses.locks), and appends one
SystemAuditLog row with the change's before/after values (audit.diff) in the same transaction. The admin,
the staff API and `import_course` all come through here; the bulk variants serve large imports and keep the
same rules (every row validated, the rows locked when loaded, one audit row per change, inserted in bulk).

Learner history is never deleted by a content change. `content_remove` is the one place that decides:
a row some learner row references (directly or through what is under it) is archived: hidden from the
catalog, the course tree and new sessions, kept for history and exports, restorable by `content_restore`;
a row nobody used is deleted. What counts as history is told by the apps that own learner data
(`register_history_counter`, called from their AppConfig.ready), since courses cannot import them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from audit.diff import Snapshot, audit_diff, audit_snapshot
from audit.models import SystemAuditLog
from audit.services import AuditContext, change_audit_bulk_record, change_audit_record, change_audit_row
from courses.locks import content_row_lock

Action = SystemAuditLog.Action


@dataclass(frozen=True)
class History:
    """How much learner history a content row holds: distinct learners and learner rows referring to it."""

    learners: int = 0
    rows: int = 0

    @property
    def used(self) -> bool:
        return self.rows > 0

    def __add__(self, other: History) -> History:
        return History(learners=self.learners + other.learners, rows=self.rows + other.rows)


NO_HISTORY = History()

# model -> function(pks) -> {pk: History} (only pks with history need an entry)
_history_counters: dict[type[models.Model], Callable[[Sequence[Any]], dict[Any, History]]] = {}


def register_history_counter(model: type[models.Model], counter: Callable[[Sequence[Any]], dict[Any, History]]):
    """Tell content services how to count the learner history of `model` rows (progress, gamification)."""
    _history_counters[model] = counter


def content_history(model: type[models.Model], pks: Iterable[Any]) -> dict[Any, History]:
    """{pk: History} for the given rows, in a constant number of queries (rows without history are left out)."""
    pks = list(pks)
    counter = _history_counters.get(model)
    if counter is None or not pks:
        return {}
    return counter(pks)


def is_archivable(model: type[models.Model]) -> bool:
    return any(field.name == "archived_at" for field in model._meta.concrete_fields)


@dataclass(frozen=True)
class Removal:
    """What content_remove did: archived (the row had learner history) or deleted."""

    archived: bool
    history: History
    target: str

    @property
    def message(self) -> str:
        if self.archived:
            return (
                f"“{self.target}” was archived, not deleted: {self.history.learners} learner(s) have history in it "
                f"({self.history.rows} row(s)). Restore it to show it again."
            )
        return f"“{self.target}” was deleted."


# --- single rows ---------------------------------------------------------------------------------


def _fresh_copy(source: models.Model, target: models.Model) -> None:
    """Copy the stored values of `source` onto `target` (the caller's instance of the same row)."""
    for field in source._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))


@transaction.atomic
def content_create(obj: models.Model, *, by: AuditContext, validate: bool = True) -> models.Model:
    """Save a new content row after validating it; one audit row with every value."""
    if validate:
        obj.full_clean()
    obj.save(force_insert=True)
    change_audit_record(by=by, action=Action.CREATE, target=obj, changes=audit_diff(None, audit_snapshot(obj)))
    return obj


@transaction.atomic
def content_update(
    obj: models.Model, fields: dict[str, Any], *, by: AuditContext, before: Snapshot | None = None
) -> dict[str, list]:
    """Change the given fields of a stored row: locked, validated, audited with the values that changed.

    `before` is the row's snapshot taken before an earlier step of the same change moved it (an admin
    reorder parks rows first); by default the locked row is the "before". Returns the audited changes; the
    caller's instance is brought up to date.
    """
    row = content_row_lock(type(obj), obj.pk)
    before = before if before is not None else audit_snapshot(row)
    for name, value in fields.items():
        setattr(row, name, value)
    row.full_clean()
    changes = audit_diff(before, audit_snapshot(row))
    if changes or any(_is_uncommitted_file(row, name) for name in fields):
        row.save()
        changes = audit_diff(before, audit_snapshot(row))
        if changes:
            change_audit_record(by=by, action=Action.CHANGE, target=row, changes=changes)
    _fresh_copy(row, obj)
    return changes


def _is_uncommitted_file(obj: models.Model, name: str) -> bool:
    value = getattr(obj, name, None)
    return isinstance(value, models.fields.files.FieldFile) and not getattr(value, "_committed", True)


@transaction.atomic
def content_delete(obj: models.Model, *, by: AuditContext, before: Snapshot | None = None) -> None:
    """Delete a row outright (what cascades with it is named in the audit row). Raises ProtectedError when
    something still refers to it through a protecting key."""
    row = content_row_lock(type(obj), obj.pk)
    before = before if before is not None else audit_snapshot(row)
    audit = change_audit_row(by=by, action=Action.DELETE, target=row, changes=audit_diff(before, None))
    _, deleted = row.delete()
    cascaded = {label: count for label, count in deleted.items() if label != row._meta.label and count}
    if cascaded:
        audit.summary = {"deleted_with_it": dict(sorted(cascaded.items()))}
    audit.save(force_insert=True)


@transaction.atomic
def content_remove(obj: models.Model, *, by: AuditContext, before: Snapshot | None = None) -> Removal:
    """Archive the row when learners have history in it, else delete it; the one place that decides."""
    model = type(obj)
    history = content_history(model, [obj.pk]).get(obj.pk, NO_HISTORY)
    target = str(obj)
    if not history.used or not is_archivable(model):
        content_delete(obj, by=by, before=before)
        return Removal(archived=False, history=history, target=target)
    content_archive(obj, by=by, history=history, before=before)
    return Removal(archived=True, history=history, target=target)


@transaction.atomic
def content_archive(
    obj: models.Model, *, by: AuditContext, history: History = NO_HISTORY, before: Snapshot | None = None
) -> bool:
    """Hide a row from learners, keeping it and its history; returns False when it already was archived."""
    row = content_row_lock(type(obj), obj.pk)
    if row.archived_at is not None:
        _fresh_copy(row, obj)
        return False
    before = before if before is not None else audit_snapshot(row)
    row.archived_at = timezone.now()
    row.save(update_fields=["archived_at", *_updated_at(row)])
    change_audit_record(
        by=by,
        action=Action.CHANGE,
        target=row,
        changes=audit_diff(before, audit_snapshot(row)),
        summary={"archived": True, "learners": history.learners, "learner_rows": history.rows},
    )
    _fresh_copy(row, obj)
    return True


@transaction.atomic
def content_restore(obj: models.Model, *, by: AuditContext) -> bool:
    """Show an archived row again; returns False when it was not archived."""
    row = content_row_lock(type(obj), obj.pk)
    if row.archived_at is None:
        _fresh_copy(row, obj)
        return False
    before = audit_snapshot(row)
    row.archived_at = None
    row.full_clean()
    row.save(update_fields=["archived_at", *_updated_at(row)])
    change_audit_record(
        by=by,
        action=Action.CHANGE,
        target=row,
        changes=audit_diff(before, audit_snapshot(row)),
        summary={"restored": True},
    )
    _fresh_copy(row, obj)
    return True


def _updated_at(obj: models.Model) -> list[str]:
    return ["updated_at"] if any(field.name == "updated_at" for field in obj._meta.concrete_fields) else []


def archived_ancestors(obj: models.Model) -> list[models.Model]:
    """The archived rows above `obj` in the course tree, which keep it hidden even when it is live itself."""
    found = []
    for path in getattr(obj, "LIVE_PATHS", ("",)):
        if not path:
            continue
        parent = obj
        for name in path.strip("_").split("__"):
            parent = getattr(parent, name)
        if parent.archived_at is not None:
            found.append(parent)
    return found


# --- many rows at once (imports) -----------------------------------------------------------------


class BulkAudit:
    """Collects the audit rows of a bulk write and inserts them in one go (same transaction, same shape)."""

    def __init__(self, by: AuditContext):
        self.by = by
        self.rows: list[SystemAuditLog] = []

    def add(self, action: str, target: models.Model, changes: dict, summary: dict | None = None) -> None:
        row = change_audit_row(by=self.by, action=action, target=target, changes=changes)
        if summary:
            row.summary = summary
        self.rows.append(row)

    def flush(self) -> None:
        change_audit_bulk_record(self.rows)
        self.rows = []


def _bulk_clean(obj: models.Model) -> None:
    """full_clean for rows written in bulk: every field and the model's own rules; uniqueness, constraints and
    foreign keys are the database's to check (the related rows are the ones the caller just loaded or created, and
    asking the database for each of them costs a query per row)."""
    foreign_keys = [field.name for field in obj._meta.concrete_fields if field.many_to_one]
    obj.full_clean(exclude=foreign_keys, validate_unique=False, validate_constraints=False)


def content_bulk_create(objs: list[models.Model], *, audit: BulkAudit, validate: bool = True) -> list[models.Model]:
    """Insert many new rows of one model, each validated like content_create (the database checks uniqueness)."""
    if not objs:
        return objs
    if validate:
        for obj in objs:
            _bulk_clean(obj)
    model = type(objs[0])
    model._default_manager.bulk_create(objs, batch_size=500)
    for obj in objs:
        audit.add(Action.CREATE, obj, audit_diff(None, audit_snapshot(obj)))
    return objs


def content_bulk_update(
    changes: list[tuple[models.Model, Snapshot]], *, audit: BulkAudit, validate: bool = True
) -> None:
    """Save rows already locked and changed in memory, each with the snapshot taken when it was loaded."""
    for obj, before in changes:
        if validate:
            _bulk_clean(obj)
        diff = audit_diff(before, audit_snapshot(obj))
        if not diff:
            continue
        obj.save(update_fields=[*diff_fields(obj, diff), *_updated_at(obj)])
        audit.add(Action.CHANGE, obj, diff)


def diff_fields(obj: models.Model, diff: dict) -> list[str]:
    names = {field.name for field in obj._meta.concrete_fields}
    return [name for name in diff if name in names]


def content_bulk_archive(
    rows: list[models.Model], *, audit: BulkAudit, histories: dict[Any, History], now=None
) -> None:
    """Archive locked rows that hold learner history, one audit row each."""
    if not rows:
        return
    now = now or timezone.now()
    model = type(rows[0])
    for row in rows:
        before = audit_snapshot(row)
        row.archived_at = now
        history = histories.get(row.pk, NO_HISTORY)
        audit.add(
            Action.CHANGE,
            row,
            audit_diff(before, audit_snapshot(row)),
            {"archived": True, "learners": history.learners, "learner_rows": history.rows},
        )
    _bulk_set(model, rows, archived_at=now)


def _bulk_set(model: type[models.Model], rows: list[models.Model], **values) -> None:
    if any(field.name == "updated_at" for field in model._meta.concrete_fields):
        values["updated_at"] = timezone.now()
    model._default_manager.filter(pk__in=[row.pk for row in rows]).update(**values)


def content_bulk_delete(rows: list[models.Model], *, audit: BulkAudit) -> None:
    """Delete rows nobody used (what cascades with them, e.g. links and options, goes too)."""
    if not rows:
        return
    model = type(rows[0])
    for row in rows:
        audit.add(Action.DELETE, row, audit_diff(audit_snapshot(row), None))
    model._default_manager.filter(pk__in=[row.pk for row in rows]).delete()
