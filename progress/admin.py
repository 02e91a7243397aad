"""Read-mostly admin for learner progress: operators look, services write."""

from django.contrib import admin

from audit.admin_mixins import AuditedModelAdmin
from progress.models import (
    LessonSession,
    MemoryState,
    PracticeSessionItem,
    UserCourse,
    UserExerciseInteraction,
    UserLessonProgress,
)


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


class PracticeItemInline(admin.TabularInline):
    model = PracticeSessionItem
    fields = ["position", "exercise"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(LessonSession)
class LessonSessionAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "user",
        "kind",
        "lesson",
        "status",
        "mistakes",
        "hearts_lost",
        "xp_awarded",
        "score",
        "started_at",
    ]
    list_filter = ["kind", "status", "is_perfect", "course"]
    inlines = [PracticeItemInline]
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


class RangeFilter(admin.SimpleListFilter):
    """Buckets of a number: (label, low, high) with high excluded; None is open."""

    buckets: tuple[tuple[str, float | None, float | None], ...] = ()

    def lookups(self, request, model_admin):
        return [(str(index), label) for index, (label, _, _) in enumerate(self.buckets)]

    def queryset(self, request, queryset):
        if self.value() is None or not self.value().isdigit() or int(self.value()) >= len(self.buckets):
            return queryset
        _, low, high = self.buckets[int(self.value())]
        if low is not None:
            queryset = queryset.filter(**{f"{self.parameter_name}__gte": low})
        if high is not None:
            queryset = queryset.filter(**{f"{self.parameter_name}__lt": high})
        return queryset


class StabilityFilter(RangeFilter):
    title = "stability (days)"
    parameter_name = "stability"
    buckets = (("under 1 day", None, 1), ("1 to 7 days", 1, 7), ("7 to 30 days", 7, 30), ("30 days or more", 30, None))


class DifficultyFilter(RangeFilter):
    title = "difficulty"
    parameter_name = "difficulty"
    buckets = (("easy (1-4)", None, 4), ("medium (4-7)", 4, 7), ("hard (7-10)", 7, None))


@admin.register(MemoryState)
class MemoryStateAdmin(ReadOnlyAdmin):
    """What each learner remembers of each exercise (progress.memory): derived from the answers, so read-only; a
    wrong row is repaired by `recalculate_progress --fix`, not by hand."""

    list_display = [
        "user",
        "exercise",
        "course",
        "due",
        "stability",
        "difficulty",
        "reps",
        "lapses",
        "last_first_try_correct",
    ]
    list_filter = ["course", ("due", admin.DateFieldListFilter), StabilityFilter, DifficultyFilter]
    search_fields = ["user__email"]
    list_select_related = ["user", "exercise__type", "course"]
    raw_id_fields = ["user", "exercise", "course"]
    date_hierarchy = "due"

    def has_delete_permission(self, request, obj=None):
        return False
