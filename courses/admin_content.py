"""The admin side of the one write path for content: every save, delete and inline row goes through courses.content.

Content admins inherit `ContentAdmin` instead of AuditedModelAdmin: the services write the audit rows (one per
change, with before/after values), so nothing is logged twice; Django's own LogEntry history is kept. Deleting
a row learners have history in archives it instead ("archived, not deleted: N learners have history in it"),
in the delete view and in the "delete selected" action alike; rows nobody used are deleted. "Restore selected"
un-archives.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected as django_delete_selected
from django.core.exceptions import PermissionDenied
from django.db import models, router, transaction
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import capfirst

from audit.diff import audit_snapshot
from audit.models import SystemAuditLog
from audit.services import AuditContext
from courses.content import (
    NO_HISTORY,
    Removal,
    archived_ancestors,
    content_create,
    content_history,
    content_remove,
    content_restore,
    content_update,
    is_archivable,
)


def admin_context(request) -> AuditContext:
    return AuditContext.from_request(request, source=SystemAuditLog.Source.ADMIN)


def form_fields(obj: models.Model) -> dict[str, Any]:
    """The instance's editable values, as the form left them: the fields it shows, and those its clean() set
    (an exercise's kind turns its own fields into content and answers). Only what differs is written and audited."""
    return {
        field.name: getattr(obj, field.name)
        for field in obj._meta.concrete_fields
        if field.editable and not field.primary_key
    }


class ContentAdmin(admin.ModelAdmin):
    """ModelAdmin whose writes (the object, its inline rows, deletes, restores) call the content services."""

    actions = ["restore_selected"]

    # --- the object ---------------------------------------------------------------------------------
    def save_model(self, request, obj, form, change):
        by = admin_context(request)
        if change:
            content_update(obj, form_fields(obj), by=by)
        else:
            self.content_create(obj, by=by)

    def content_create(self, obj: models.Model, *, by: AuditContext) -> models.Model:
        """Create a new row (the object or an inline row); admins with a dedicated service override this."""
        return content_create(obj, by=by)

    def content_update(self, obj: models.Model, fields: dict, *, by: AuditContext, before=None) -> None:
        content_update(obj, fields, by=by, before=before)

    def content_remove(self, obj: models.Model, *, by: AuditContext, before=None) -> Removal:
        return content_remove(obj, by=by, before=before)

    def delete_model(self, request, obj):
        removal = self.content_remove(obj, by=admin_context(request))
        request.__dict__.setdefault("_content_removals", []).append(removal)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)

    def response_delete(self, request, obj_display, obj_id):
        removals = request.__dict__.get("_content_removals", [])
        if removals and removals[-1].archived:
            self.message_user(request, removals[-1].message, messages.WARNING)
            opts = self.model._meta
            return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        return super().response_delete(request, obj_display, obj_id)

    def get_deleted_objects(self, objs, request):
        """What the delete confirmation lists: rows with learner history are announced as archived, and their
        history does not block the delete (it is kept, not deleted)."""
        objs = list(objs)
        if not is_archivable(self.model):
            return super().get_deleted_objects(objs, request)
        histories = content_history(self.model, [obj.pk for obj in objs])
        used = [obj for obj in objs if histories.get(obj.pk, NO_HISTORY).used]
        unused = [obj for obj in objs if obj not in used]
        deleted, counts, perms_needed, protected = (
            super().get_deleted_objects(unused, request) if unused else ([], {}, set(), [])
        )
        name = capfirst(self.model._meta.verbose_name)
        for obj in used:
            history = histories[obj.pk]
            deleted.append(
                format_html(
                    "{}: {} — will be archived, not deleted: {} learner(s) have history in it",
                    name,
                    obj,
                    history.learners,
                )
            )
        return deleted, counts, perms_needed, protected

    def log_deletions(self, request, queryset):
        # Called before the removal: rows with history will be archived, which Django's history records as a change.
        objs = list(queryset)
        if not is_archivable(self.model):
            return super().log_deletions(request, objs)
        histories = content_history(self.model, [obj.pk for obj in objs])
        for obj in objs:
            if histories.get(obj.pk, NO_HISTORY).used:
                self.log_change(request, obj, "Archived (learners have history in it).")
        return super().log_deletions(request, [obj for obj in objs if not histories.get(obj.pk, NO_HISTORY).used])

    # --- actions -------------------------------------------------------------------------------------
    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            actions["delete_selected"] = (
                type(self).remove_selected,
                "delete_selected",
                "Delete selected %(verbose_name_plural)s (archive those with learner history)",
            )
        if not is_archivable(self.model):
            actions.pop("restore_selected", None)
        return actions

    def remove_selected(self, request, queryset):
        """Django's delete-selected confirmation, then each row archived or deleted by the service."""
        if not request.POST.get("post"):
            return django_delete_selected(self, request, queryset)
        if not self.has_delete_permission(request):
            raise PermissionDenied
        with transaction.atomic(using=router.db_for_write(self.model)):
            self.log_deletions(request, queryset)
            self.delete_queryset(request, queryset)
        removals = request.__dict__.get("_content_removals", [])
        archived = [removal for removal in removals if removal.archived]
        deleted = len(removals) - len(archived)
        if deleted:
            self.message_user(request, f"Deleted {deleted} {self.model._meta.verbose_name_plural}.", messages.SUCCESS)
        for removal in archived:
            self.message_user(request, removal.message, messages.WARNING)
        return None

    @admin.action(description="Restore selected (show them to learners again)", permissions=["change"])
    def restore_selected(self, request, queryset):
        by = admin_context(request)
        restored = 0
        with transaction.atomic(using=router.db_for_write(self.model)):
            for obj in queryset:
                if content_restore(obj, by=by):
                    restored += 1
                    self.log_change(request, obj, "Restored.")
                for ancestor in archived_ancestors(obj):
                    self.message_user(
                        request,
                        f"“{obj}” stays hidden while its {ancestor._meta.verbose_name} “{ancestor}” is archived.",
                        messages.WARNING,
                    )
        self.message_user(request, f"Restored {restored} {self.model._meta.verbose_name_plural}.", messages.SUCCESS)

    # --- inline rows ---------------------------------------------------------------------------------
    def save_formset(self, request, form, formset, change):
        """Save the inline rows through the services: one audited change per row, deletes archived or deleted."""
        by = admin_context(request)
        deleted_ids = {id(f) for f in formset.deleted_forms} if formset.can_delete else set()
        before = {}
        for inline_form in formset.initial_forms:
            obj = inline_form.instance
            if obj.pk is not None and (id(inline_form) in deleted_ids or inline_form.has_changed()):
                stored = type(obj)._base_manager.filter(pk=obj.pk).first()
                before[obj.pk] = audit_snapshot(stored) if stored is not None else None
        if hasattr(formset, "park_moving_rows"):
            formset.park_moving_rows()
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for inline_form in formset.initial_forms:
            obj = inline_form.instance
            if obj.pk is None or before.get(obj.pk, True) is None:
                continue
            if id(inline_form) in deleted_ids:
                self.content_remove(obj, by=by, before=before[obj.pk])
                formset.deleted_objects.append(obj)
            elif inline_form.has_changed():
                self.content_update(obj, form_fields(obj), by=by, before=before[obj.pk])
                formset.changed_objects.append((obj, inline_form.changed_data))
        for inline_form in formset.extra_forms:
            if not inline_form.has_changed() or id(inline_form) in deleted_ids:
                continue
            obj = formset.save_new(inline_form, commit=False)
            self.content_create(obj, by=by)
            formset.new_objects.append(obj)


ARCHIVED_FILTER = ("archived_at", admin.EmptyFieldListFilter)
