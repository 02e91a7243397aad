"""Admin for achievements, league tiers and quest templates (authored by staff) and read-mostly views of learners'
gamification state: stats, days, hearts, badges, league weeks, quests and reminders."""

from django.contrib import admin

from audit.admin_mixins import AuditedModelAdmin
from courses.admin_content import ARCHIVED_FILTER, ContentAdmin
from gamification.models import (
    Achievement,
    LeagueCohort,
    LeagueMembership,
    LeagueTier,
    LeagueWeek,
    LearnerStats,
    QuestTemplate,
    StreakReminder,
    UserAchievement,
    UserDailyXP,
    UserHeartsLog,
    UserQuest,
)


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


@admin.register(LeagueTier)
class LeagueTierAdmin(AuditedModelAdmin):
    list_display = ["order", "code", "name", "promote_count", "demote_count"]
    list_display_links = ["code"]
    search_fields = ["code", "name"]


@admin.register(QuestTemplate)
class QuestTemplateAdmin(AuditedModelAdmin):
    list_display = ["code", "name", "kind", "target", "reward", "reward_xp", "is_active"]
    list_filter = ["kind", "reward", "is_active"]
    search_fields = ["code", "name"]


class NoDeleteReadOnlyAdmin(ReadOnlyAdmin):
    """League history is kept: learners' past weeks point at it."""

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LeagueWeek)
class LeagueWeekAdmin(NoDeleteReadOnlyAdmin):
    list_display = ["start", "starts_at", "ends_at", "closed_at"]


@admin.register(LeagueCohort)
class LeagueCohortAdmin(NoDeleteReadOnlyAdmin):
    list_display = ["week", "tier", "number", "member_count", "capacity", "closed_at"]
    list_filter = ["tier", "week"]
    list_select_related = ["week", "tier"]


@admin.register(LeagueMembership)
class LeagueMembershipAdmin(NoDeleteReadOnlyAdmin):
    list_display = ["user", "week", "tier", "cohort", "weekly_xp", "rank", "result", "next_tier", "applied_at"]
    list_filter = ["result", "tier", "week"]
    search_fields = ["user__email"]
    list_select_related = ["user", "tier", "next_tier", "cohort"]
    raw_id_fields = ["user", "cohort"]


@admin.register(UserQuest)
class UserQuestAdmin(ReadOnlyAdmin):
    list_display = ["user", "date", "slot", "template", "target", "completed_at", "reward"]
    list_filter = ["reward", "template"]
    search_fields = ["user__email", "template__code"]
    list_select_related = ["user", "template"]
    raw_id_fields = ["user"]
    date_hierarchy = "date"


@admin.register(StreakReminder)
class StreakReminderAdmin(ReadOnlyAdmin):
    list_display = ["user", "date", "status", "attempts", "due_at", "sent_at", "error"]
    list_filter = ["status"]
    search_fields = ["user__email"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
    date_hierarchy = "date"
