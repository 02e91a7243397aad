"""The gamification app's sections of the learner's data export (me/export/)."""

from __future__ import annotations

from rest_framework import serializers

from accounts.export import ExportSection
from gamification.models import (
    LeagueMembership,
    LearnerStats,
    StreakReminder,
    UserAchievement,
    UserDailyXP,
    UserHeartsLog,
    UserQuest,
)
from gamification.quests import quest_progress


class StatsExportSerializer(serializers.Serializer):
    total_xp = serializers.IntegerField()
    hearts = serializers.IntegerField()
    hearts_updated_at = serializers.DateTimeField()
    current_streak = serializers.IntegerField()
    longest_streak = serializers.IntegerField()
    last_active_date = serializers.DateField(allow_null=True)
    streak_freezes = serializers.IntegerField()
    lessons_completed = serializers.IntegerField()
    perfect_lessons = serializers.IntegerField()
    courses_completed = serializers.IntegerField()
    league_best_tier = serializers.IntegerField()
    league_first_places = serializers.IntegerField()


class DailyXpExportSerializer(serializers.Serializer):
    date = serializers.DateField()
    xp = serializers.IntegerField()
    goal = serializers.IntegerField()
    goal_met = serializers.BooleanField()
    lessons_completed = serializers.IntegerField()
    perfect_lessons = serializers.IntegerField()
    best_correct_run = serializers.IntegerField()
    practice_sessions = serializers.IntegerField()


class HeartsLogExportSerializer(serializers.Serializer):
    delta = serializers.IntegerField()
    reason = serializers.ChoiceField(choices=UserHeartsLog.Reason.choices)
    balance_after = serializers.IntegerField()
    created_at = serializers.DateTimeField()


class AchievementExportSerializer(serializers.Serializer):
    achievement = serializers.CharField(source="achievement.code")
    progress = serializers.IntegerField()
    unlocked_at = serializers.DateTimeField(allow_null=True)
    xp_awarded = serializers.IntegerField()


class LeagueWeekExportSerializer(serializers.Serializer):
    week = serializers.DateField(source="week_id")
    tier = serializers.CharField(source="tier.code")
    weekly_xp = serializers.IntegerField()
    joined_at = serializers.DateTimeField()
    rank = serializers.IntegerField(allow_null=True)
    result = serializers.SerializerMethodField()
    next_tier = serializers.CharField(source="next_tier.code", allow_null=True)

    def get_result(self, membership) -> str | None:
        return membership.result or None


class QuestExportSerializer(serializers.Serializer):
    """A UserQuest with `export_progress` set (its progress is read from its day's row)."""

    date = serializers.DateField()
    quest = serializers.CharField(source="template.code")
    target = serializers.IntegerField()
    progress = serializers.IntegerField(source="export_progress")
    completed_at = serializers.DateTimeField(allow_null=True)
    reward = serializers.CharField()
    reward_xp = serializers.IntegerField()
    hearts_given = serializers.IntegerField()
    freezes_given = serializers.IntegerField()


class StreakReminderExportSerializer(serializers.Serializer):
    date = serializers.DateField()
    status = serializers.ChoiceField(choices=StreakReminder.Status.choices)
    due_at = serializers.DateTimeField()
    sent_at = serializers.DateTimeField(allow_null=True)


def quests(user) -> list[UserQuest]:
    days = {d.date: d for d in UserDailyXP.objects.filter(user=user)}
    rows = list(UserQuest.objects.filter(user=user).select_related("template").order_by("date", "slot"))
    for quest in rows:
        quest.export_progress = quest_progress(quest, days.get(quest.date))
    return rows


SECTIONS = {
    "stats": ExportSection(
        rows=lambda user: LearnerStats.objects.filter(user=user).first(), serializer=StatsExportSerializer, many=False
    ),
    "daily_xp": ExportSection(
        rows=lambda user: UserDailyXP.objects.filter(user=user).order_by("date"), serializer=DailyXpExportSerializer
    ),
    "hearts_log": ExportSection(
        rows=lambda user: UserHeartsLog.objects.filter(user=user).order_by("created_at", "id"),
        serializer=HeartsLogExportSerializer,
    ),
    "achievements": ExportSection(
        rows=lambda user: (
            UserAchievement.objects.filter(user=user).select_related("achievement").order_by("achievement_id")
        ),
        serializer=AchievementExportSerializer,
    ),
    "league_weeks": ExportSection(
        rows=lambda user: (
            LeagueMembership.objects.filter(user=user).select_related("tier", "next_tier").order_by("week_id")
        ),
        serializer=LeagueWeekExportSerializer,
    ),
    "quests": ExportSection(rows=quests, serializer=QuestExportSerializer),
    "streak_reminders": ExportSection(
        rows=lambda user: StreakReminder.objects.filter(user=user).order_by("date"),
        serializer=StreakReminderExportSerializer,
    ),
}
