"""A test-only admin site: an audited Lesson admin with an inline, independent of the content admins."""

from django.contrib import admin
from django.urls import path

from audit.admin_mixins import AuditedModelAdmin
from courses.models import Lesson, LessonPrerequisite

site = admin.AdminSite(name="audit_test_admin")


class PrerequisiteInline(admin.TabularInline):
    model = LessonPrerequisite
    fk_name = "lesson"
    extra = 0


class LessonAdmin(AuditedModelAdmin):
    fields = ("unit", "position", "key", "title", "xp_reward", "estimated_minutes")
    list_display = ("title", "position")
    list_editable = ("position",)
    inlines = [PrerequisiteInline]


site.register(Lesson, LessonAdmin)

urlpatterns = [path("test-admin/", site.urls)]
