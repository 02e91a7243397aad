"""The audit console: read-only views of both logs, for everyone (superusers too), with CSV export."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect, StreamingHttpResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator

from audit.models import SystemAuditLog, UserActivityLog


class EmailFilter(admin.SimpleListFilter):
    """A text box filter on an account's email (a choice list of every learner would not fit)."""

    template = "admin/audit/text_filter.html"
    lookup = ""

    def lookups(self, request, model_admin):
        return ()

    def has_output(self):
        return True

    def queryset(self, request, queryset):
        value = (self.value() or "").strip()
        if value:
            return queryset.filter(**{f"{self.lookup}__iexact": value})
        return queryset

    def choices(self, changelist):
        hidden = [(name, value) for name, value in changelist.params.items() if name != self.parameter_name]
        yield {
            "parameter_name": self.parameter_name,
            "value": self.value() or "",
            "hidden_params": hidden,
            "placeholder": "email",
        }


class UserEmailFilter(EmailFilter):
    title = "learner"
    parameter_name = "user_email"
    lookup = "user__email"


class ActorEmailFilter(EmailFilter):
    title = "actor"
    parameter_name = "actor_email"
    lookup = "actor__email"


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False, sort_keys=True)
    value = str(value)
    # A cell a spreadsheet would run as a formula is written as text.
    if value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


class _Echo:
    def write(self, value):
        return value


class ReadOnlyAuditAdmin(admin.ModelAdmin):
    """Nobody adds, changes or deletes audit rows here; viewing needs the model's view permission."""

    change_list_template = "admin/audit/change_list.html"
    date_hierarchy = "created_at"
    list_per_page = 100
    show_full_result_count = False  # a COUNT(*) over the whole log on every page is wasted work
    csv_fields: tuple[str, ...] = ()

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "export-csv/",
                self.admin_site.admin_view(self.export_csv_view),
                name=f"{opts.app_label}_{opts.model_name}_export_csv",
            ),
            *super().get_urls(),
        ]

    def export_csv_view(self, request):
        """The changelist's rows, with the filters, search and date drill-down of the page it came from."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            messages.error(request, "The filters of this export are not valid.")
            opts = self.model._meta
            return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        queryset = changelist.get_queryset(request)
        filename = f"{self.model._meta.model_name}-{timezone.now():%Y%m%d-%H%M%S}.csv"
        response = StreamingHttpResponse(self._csv_rows(queryset), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    def _csv_rows(self, queryset) -> Iterator[str]:
        writer = csv.writer(_Echo())
        yield writer.writerow(self.csv_fields)
        for row in queryset.iterator(chunk_size=2000):
            yield writer.writerow([_csv_cell(self.csv_value(row, name)) for name in self.csv_fields])

    def csv_value(self, row, name: str):
        return getattr(row, name)

    @staticmethod
    def pretty_json(value) -> str:
        return format_html("<pre>{}</pre>", json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True))


@admin.register(UserActivityLog)
class UserActivityLogAdmin(ReadOnlyAuditAdmin):
    list_display = ("created_at", "action", "user_link", "ip", "short_user_agent", "short_metadata")
    list_filter = (UserEmailFilter, "action", "created_at")
    list_select_related = ("user",)
    search_fields = ("user__email", "ip", "user_agent")
    fields = ("created_at", "action", "user", "ip", "user_agent", "metadata_pretty")
    readonly_fields = ("metadata_pretty",)
    csv_fields = ("id", "created_at", "action", "user_id", "user_email", "ip", "user_agent", "metadata")

    @admin.display(description="learner", ordering="user__email")
    def user_link(self, obj):
        if obj.user_id is None:
            return "(deleted or unknown)"
        return format_html('<a href="?user__id__exact={}">{}</a>', obj.user_id, obj.user.email)

    @admin.display(description="user agent")
    def short_user_agent(self, obj):
        return Truncator(obj.user_agent).chars(60)

    @admin.display(description="metadata")
    def short_metadata(self, obj):
        return Truncator(json.dumps(obj.metadata, ensure_ascii=False, sort_keys=True)).chars(80) if obj.metadata else ""

    @admin.display(description="metadata")
    def metadata_pretty(self, obj):
        return self.pretty_json(obj.metadata)

    def csv_value(self, row, name):
        if name == "user_email":
            return row.user.email if row.user_id else ""
        return super().csv_value(row, name)


@admin.register(SystemAuditLog)
class SystemAuditLogAdmin(ReadOnlyAuditAdmin):
    list_display = ("created_at", "source", "action", "actor_display", "target_type", "target_link", "short_changes")
    list_filter = (
        ActorEmailFilter,
        "source",
        "action",
        ("target_type", admin.RelatedOnlyFieldListFilter),
        "created_at",
    )
    list_select_related = ("actor", "target_type")
    search_fields = ("actor_repr", "target_repr", "=target_id", "ip")
    fields = (
        "created_at",
        "source",
        "action",
        "actor",
        "actor_repr",
        "ip",
        "target_type",
        "target_id",
        "target_repr",
        "changes_pretty",
        "summary_pretty",
    )
    readonly_fields = ("changes_pretty", "summary_pretty")
    csv_fields = (
        "id",
        "created_at",
        "source",
        "action",
        "actor_id",
        "actor_repr",
        "ip",
        "target_type",
        "target_id",
        "target_repr",
        "changes",
        "summary",
    )

    @admin.display(description="actor", ordering="actor_repr")
    def actor_display(self, obj):
        return obj.actor_repr or ("(deleted user)" if obj.source == SystemAuditLog.Source.ADMIN else "")

    @admin.display(description="target", ordering="target_repr")
    def target_link(self, obj):
        if not obj.target_type_id:
            return obj.target_repr
        return format_html(
            '<a href="?target_type__id__exact={}&target_id={}">{}</a>',
            obj.target_type_id,
            obj.target_id,
            obj.target_repr or f"#{obj.target_id}",
        )

    @admin.display(description="changes")
    def short_changes(self, obj):
        data = obj.changes or obj.summary
        return Truncator(json.dumps(data, ensure_ascii=False, sort_keys=True)).chars(100) if data else ""

    @admin.display(description="changes")
    def changes_pretty(self, obj):
        return self.pretty_json(obj.changes)

    @admin.display(description="summary")
    def summary_pretty(self, obj):
        return self.pretty_json(obj.summary)

    def csv_value(self, row, name):
        if name == "target_type":
            return row.target_type.app_labeled_name if row.target_type_id else ""
        return super().csv_value(row, name)
