"""The authoring console for languages, courses, sections and units (lessons live in exercises.admin).

Every write goes through the content services (courses.admin_content.ContentAdmin): validated, locked, audited;
deleting what learners have history in archives it.
"""

from adminsortable2.admin import SortableAdminBase, SortableTabularInline
from django.contrib import admin, messages
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html

from courses import services
from courses.admin_content import ARCHIVED_FILTER, ContentAdmin, admin_context
from courses.admin_forms import LanguageAdminForm, OrderedInlineFormSet
from courses.content import NO_HISTORY, Removal
from courses.models import Course, Language, Lesson, Section, Unit

TIMESTAMPS = ("created_at", "updated_at")
ARCHIVE_FIELDS = ("archived_at", *TIMESTAMPS)


@admin.register(Language)
class LanguageAdmin(ContentAdmin):
    form = LanguageAdminForm
    list_display = ["code", "name", "native_name", "flag", "direction", "is_active"]
    list_filter = ["direction", "is_active"]
    search_fields = ["code", "name", "native_name"]
    readonly_fields = TIMESTAMPS

    def content_remove(self, obj, *, by, before=None):
        target = str(obj)
        services.language_delete(language=obj, by=by)
        return Removal(archived=False, history=NO_HISTORY, target=target)


class SectionInline(SortableTabularInline):
    model = Section
    formset = OrderedInlineFormSet
    ordering = ["position"]
    fields = ["title", "key", "description", "archived_at"]
    readonly_fields = ["archived_at"]
    extra = 0
    show_change_link = True


@admin.register(Course)
class CourseAdmin(SortableAdminBase, ContentAdmin):
    list_display = [
        "title",
        "from_language",
        "to_language",
        "cefr_from",
        "cefr_to",
        "is_published",
        "section_count",
        "archived_at",
    ]
    list_filter = ["is_published", ARCHIVED_FILTER, "from_language", "to_language", "cefr_from", "cefr_to"]
    search_fields = ["title", "description", "from_language__code", "to_language__code"]
    autocomplete_fields = ["from_language", "to_language"]
    list_select_related = ["from_language", "to_language"]
    readonly_fields = ARCHIVE_FIELDS
    inlines = [SectionInline]
    actions = ["publish", "unpublish", "restore_selected"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(section_count=Count("sections"))

    @admin.display(description="Sections", ordering="section_count")
    def section_count(self, course):
        return course.section_count

    def _set_published(self, request, queryset, is_published: bool):
        changed = services.courses_set_published(
            courses=list(queryset), is_published=is_published, by=admin_context(request)
        )
        verb = "published" if is_published else "unpublished"
        self.message_user(request, f"{changed} course(s) {verb}.", messages.SUCCESS)

    @admin.action(description="Publish selected courses", permissions=["change"])
    def publish(self, request, queryset):
        self._set_published(request, queryset, True)

    @admin.action(description="Unpublish selected courses", permissions=["change"])
    def unpublish(self, request, queryset):
        self._set_published(request, queryset, False)


class UnitInline(SortableTabularInline):
    model = Unit
    formset = OrderedInlineFormSet
    ordering = ["position"]
    fields = ["title", "key", "icon", "color", "archived_at"]
    readonly_fields = ["archived_at"]
    extra = 0
    show_change_link = True


@admin.register(Section)
class SectionAdmin(SortableAdminBase, ContentAdmin):
    list_display = ["title", "course", "position", "key", "archived_at"]
    list_filter = ["course__is_published", ARCHIVED_FILTER, "course"]
    search_fields = ["title", "key", "course__title"]
    autocomplete_fields = ["course"]
    list_select_related = ["course"]
    readonly_fields = ARCHIVE_FIELDS
    inlines = [UnitInline]


class LessonInline(SortableTabularInline):
    model = Lesson
    formset = OrderedInlineFormSet
    ordering = ["position"]
    fields = ["title", "key", "xp_reward", "estimated_minutes", "archived_at"]
    readonly_fields = ["archived_at"]
    extra = 0
    show_change_link = True


@admin.register(Unit)
class UnitAdmin(SortableAdminBase, ContentAdmin):
    list_display = ["title", "section", "course", "position", "colour_swatch", "archived_at"]
    list_filter = [ARCHIVED_FILTER, "section__course", "section"]
    search_fields = ["title", "key", "section__title", "section__course__title"]
    autocomplete_fields = ["section"]
    list_select_related = ["section__course"]
    readonly_fields = ARCHIVE_FIELDS
    inlines = [LessonInline]

    @admin.display(description="Course", ordering="section__course__title")
    def course(self, unit):
        link = reverse("admin:courses_course_change", args=[unit.section.course_id])
        return format_html('<a href="{}">{}</a>', link, unit.section.course)

    @admin.display(description="Colour")
    def colour_swatch(self, unit):
        return format_html(
            '<span style="display:inline-block;width:1.2em;height:1.2em;background:{};border-radius:3px"></span> {}',
            unit.color,
            unit.color,
        )
