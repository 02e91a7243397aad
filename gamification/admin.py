"""Admin for achievements (authored by staff) and read-mostly views of learners' gamification state."""

from django.contrib import admin

from audit.admin_mixins import AuditedModelAdmin
from courses.admin_content import ARCHIVED_FILTER, ContentAdmin
from gamification.models import Achievement, LearnerStats, UserAchievement, UserDailyXP, UserHeartsLog


@admin.register(Achievement)
class AchievementAdmin(ContentAdmin):
    """Achievements are authored content: retiring one that learners hold archives it (their records stay)."""

    list_display = ["code", "name", "kind", "threshold", "xp_reward", "is_active", "archived_at"]
    list_filter = ["kind", "is_active", ARCHIVED_FILTER]
    search_fields = ["code", "name"]
    readonly_fields = ["archived_at", "created_at", "updated_at"]


class ReadOnlyAdmin(AuditedModelAdmin):
    """Learner state changes only through services and recalculate_progress."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(LearnerStats)
class LearnerStatsAdmin(ReadOnlyAdmin):
    list_display = ["user", "total_xp", "hearts", "current_streak", "longest_streak", "last_active_date"]
    search_fields = ["user__email"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]


@admin.register(UserHeartsLog)
class UserHeartsLogAdmin(ReadOnlyAdmin):
    list_display = ["user", "delta", "reason", "balance_after", "created_at"]
    list_filter = ["reason"]
    search_fields = ["user__email"]
    list_select_related = ["user"]
    raw_id_fields = ["user", "session"]
    date_hierarchy = "created_at"


@admin.register(UserDailyXP)
class UserDailyXPAdmin(ReadOnlyAdmin):
    list_display = ["user", "date", "xp", "goal", "lessons_completed"]
    search_fields = ["user__email"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
    date_hierarchy = "date"


@admin.register(UserAchievement)
class UserAchievementAdmin(ReadOnlyAdmin):
    list_display = ["user", "achievement", "progress", "unlocked_at"]
    list_filter = ["achievement"]
    search_fields = ["user__email", "achievement__code"]
    list_select_related = ["user", "achievement"]
    raw_id_fields = ["user", "achievement"]
