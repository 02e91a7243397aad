"""Read-mostly admin for learner progress: operators look, services write."""

from django.contrib import admin

from audit.admin_mixins import AuditedModelAdmin
from progress.models import LessonSession, UserCourse, UserExerciseInteraction, UserLessonProgress


class ReadOnlyAdmin(AuditedModelAdmin):
    """Rows change only through services (and recalculate_progress); staff may look and delete."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(UserCourse)
class UserCourseAdmin(ReadOnlyAdmin):
    list_display = ["user", "course", "xp", "enrolled_at", "last_activity_at"]
    list_filter = ["course"]
    search_fields = ["user__email", "course__title"]
    list_select_related = ["user", "course"]
    raw_id_fields = ["user", "course"]


@admin.register(LessonSession)
class LessonSessionAdmin(ReadOnlyAdmin):
    list_display = ["id", "user", "lesson", "status", "mistakes", "hearts_lost", "xp_awarded", "score", "started_at"]
    list_filter = ["status", "is_perfect", "course"]
    search_fields = ["user__email", "lesson__title"]
    list_select_related = ["user", "lesson"]
    raw_id_fields = ["user", "lesson", "course"]
    date_hierarchy = "started_at"


@admin.register(UserLessonProgress)
class UserLessonProgressAdmin(ReadOnlyAdmin):
    list_display = ["user", "lesson", "status", "attempts", "completions", "best_score", "last_completed_at"]
    list_filter = ["status", "course"]
    search_fields = ["user__email", "lesson__title"]
    list_select_related = ["user", "lesson"]
    raw_id_fields = ["user", "lesson", "course"]


@admin.register(UserExerciseInteraction)
class UserExerciseInteractionAdmin(ReadOnlyAdmin):
    list_display = ["id", "user", "exercise", "is_correct", "feedback", "time_ms", "created_at"]
    list_filter = ["is_correct", "feedback"]
    search_fields = ["user__email", "exercise__prompt"]
    list_select_related = ["user", "exercise__type"]
    raw_id_fields = ["user", "session", "exercise"]
    date_hierarchy = "created_at"
