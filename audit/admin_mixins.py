"""Admin base class that records every add, change and delete made in the admin in the system audit log.

Rows are written from the hooks Django's admin itself calls after every successful add, change and
delete (`log_addition`, `log_change`, `log_deletions`: the change form, list_editable, the delete
view and the bulk delete action), so an admin that overrides `save_model` or `delete_queryset` to
call a service is still audited. "Before" values are read from the database in `save_form`, before
anything is saved; inline objects are audited in `save_formset`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models, router, transaction

from audit.diff import Snapshot, audit_diff, audit_snapshot
from audit.models import SystemAuditLog
from audit.services import system_audit_record


def _key(obj: models.Model) -> tuple[str, str]:
    return (obj._meta.label_lower, str(obj.pk))


class AuditedModelAdmin(admin.ModelAdmin):
    """ModelAdmin that appends one SystemAuditLog row per object added, changed or deleted."""

    # Fields whose values never go into the audit trail; the row only says they changed.
    audit_masked_fields: tuple[str, ...] = ("password",)
    # Fields left out of the audit trail entirely (e.g. denormalised counters).
    audit_excluded_fields: tuple[str, ...] = ()

    # --- snapshots --------------------------------------------------------------------------
    def _audit_snapshot_from_db(self, model: type[models.Model], pk: Any) -> Snapshot | None:
        current = model._base_manager.filter(pk=pk).first()
        if current is None:
            return None
        return audit_snapshot(current, exclude=frozenset(self.audit_excluded_fields))

    def audit_remember(self, request, obj: models.Model) -> None:
        """Read the object's stored values before it is changed; `log_change` diffs against them."""
        if obj.pk is None:
            return
        pending = request.__dict__.setdefault("_audit_before", {})
        key = _key(obj)
        if key not in pending:
            pending[key] = self._audit_snapshot_from_db(type(obj), obj.pk)

    def _audit_write(self, request, *, action: str, obj: models.Model, changes: Snapshot) -> SystemAuditLog:
        return system_audit_record(
            source=SystemAuditLog.Source.ADMIN,
            action=action,
            actor=request.user,
            target=obj,
            changes=changes,
            request=request,
        )

    def _audit_masked(self) -> frozenset[str]:
        return frozenset(self.audit_masked_fields)

    # --- the parent object ------------------------------------------------------------------
    def save_form(self, request, form, change):
        # The form has already copied its data onto the instance, but nothing is saved yet:
        # the database still holds the "before" values.
        if change and form.instance.pk is not None:
            self.audit_remember(request, form.instance)
        return super().save_form(request, form, change)

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        after = self._audit_snapshot_from_db(type(obj), obj.pk)
        self._audit_write(
            request,
            action=SystemAuditLog.Action.CREATE,
            obj=obj,
            changes=audit_diff(None, after, masked=self._audit_masked()),
        )
        return entry

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        pending = request.__dict__.get("_audit_before", {})
        key = _key(obj)
        if key in pending:
            before = pending.pop(key)
            after = self._audit_snapshot_from_db(type(obj), obj.pk)
            changes = audit_diff(before, after, masked=self._audit_masked())
            if changes:
                self._audit_write(request, action=SystemAuditLog.Action.CHANGE, obj=obj, changes=changes)
        else:
            # A custom admin view changed the object without going through save_form: we do not
            # know the before values, so record Django's own description of the change.
            system_audit_record(
                source=SystemAuditLog.Source.ADMIN,
                action=SystemAuditLog.Action.CHANGE,
                actor=request.user,
                target=obj,
                summary={"message": message},
                request=request,
            )
        return entry

    def log_deletions(self, request, queryset):
        # Called before the deletion, so every object still has its pk and stored values.
        entries = super().log_deletions(request, queryset)
        for obj in queryset:
            before = audit_snapshot(obj, exclude=frozenset(self.audit_excluded_fields))
            self._audit_write(
                request,
                action=SystemAuditLog.Action.DELETE,
                obj=obj,
                changes=audit_diff(before, None, masked=self._audit_masked()),
            )
        return entries

    def response_action(self, request, queryset):
        # The bulk delete action logs, then deletes: one transaction, so a failed delete leaves no rows.
        with transaction.atomic(using=router.db_for_write(self.model)):
            return super().response_action(request, queryset)

    # --- inline objects ---------------------------------------------------------------------
    def save_formset(self, request, form, formset, change):
        masked = self._audit_masked()
        exclude = frozenset(self.audit_excluded_fields)
        model = formset.model
        deleted = {id(f) for f in formset.deleted_forms} if formset.can_delete else set()
        before: dict[Any, Snapshot | None] = {}
        for inline_form in formset.initial_forms:
            obj = inline_form.instance
            if obj.pk is None:
                continue
            if id(inline_form) in deleted:
                self._audit_write(
                    request,
                    action=SystemAuditLog.Action.DELETE,
                    obj=obj,
                    changes=audit_diff(self._audit_snapshot_from_db(model, obj.pk), None, masked=masked),
                )
            elif inline_form.has_changed():
                before[obj.pk] = self._audit_snapshot_from_db(model, obj.pk)
        result = super().save_formset(request, form, formset, change)
        for obj in getattr(formset, "new_objects", []):
            after = audit_snapshot(model._base_manager.get(pk=obj.pk), exclude=exclude)
            self._audit_write(
                request, action=SystemAuditLog.Action.CREATE, obj=obj, changes=audit_diff(None, after, masked=masked)
            )
        for obj, _fields in getattr(formset, "changed_objects", []):
            after = self._audit_snapshot_from_db(model, obj.pk)
            changes = audit_diff(before.get(obj.pk), after, masked=masked)
            if changes:
                self._audit_write(request, action=SystemAuditLog.Action.CHANGE, obj=obj, changes=changes)
        return result
