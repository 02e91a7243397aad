"""The gamification app's sections of the learner's data export (me/export/)."""

from __future__ import annotations

from typing import Any

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


def _iso(value):
    return value.isoformat() if value is not None else None


def stats(user) -> dict[str, Any] | None:
    row = LearnerStats.objects.filter(user=user).first()
    if row is None:
        return None
    return {
        "total_xp": row.total_xp,
        "hearts": row.hearts,
        "hearts_updated_at": _iso(row.hearts_updated_at),
        "current_streak": row.current_streak,
        "longest_streak": row.longest_streak,
        "last_active_date": _iso(row.last_active_date),
        "streak_freezes": row.streak_freezes,
        "lessons_completed": row.lessons_completed,
        "perfect_lessons": row.perfect_lessons,
        "courses_completed": row.courses_completed,
        "league_best_tier": row.league_best_tier,
        "league_first_places": row.league_first_places,
    }


def daily_xp(user) -> list[dict[str, Any]]:
    return [
        {
            "date": d.date.isoformat(),
            "xp": d.xp,
            "goal": d.goal,
            "goal_met": d.goal_met,
            "lessons_completed": d.lessons_completed,
            "perfect_lessons": d.perfect_lessons,
            "best_correct_run": d.best_correct_run,
            "practice_sessions": d.practice_sessions,
        }
        for d in UserDailyXP.objects.filter(user=user).order_by("date")
    ]


def hearts_log(user) -> list[dict[str, Any]]:
    return [
        {"delta": h.delta, "reason": h.reason, "balance_after": h.balance_after, "created_at": _iso(h.created_at)}
        for h in UserHeartsLog.objects.filter(user=user).order_by("created_at", "id")
    ]


def achievements(user) -> list[dict[str, Any]]:
    return [
        {
            "achievement": a.achievement.code,
            "progress": a.progress,
            "unlocked_at": _iso(a.unlocked_at),
            "xp_awarded": a.xp_awarded,
        }
        for a in UserAchievement.objects.filter(user=user).select_related("achievement").order_by("achievement_id")
    ]


def league_weeks(user) -> list[dict[str, Any]]:
    return [
        {
            "week": m.week_id.isoformat(),
            "tier": m.tier.code,
            "weekly_xp": m.weekly_xp,
            "joined_at": _iso(m.joined_at),
            "rank": m.rank,
            "result": m.result or None,
            "next_tier": m.next_tier.code if m.next_tier else None,
        }
        for m in LeagueMembership.objects.filter(user=user).select_related("tier", "next_tier").order_by("week_id")
    ]


def quests(user) -> list[dict[str, Any]]:
    days = {d.date: d for d in UserDailyXP.objects.filter(user=user)}
    return [
        {
            "date": q.date.isoformat(),
            "quest": q.template.code,
            "target": q.target,
            "progress": quest_progress(q, days.get(q.date)),
            "completed_at": _iso(q.completed_at),
            "reward": q.reward,
            "reward_xp": q.reward_xp,
            "hearts_given": q.hearts_given,
            "freezes_given": q.freezes_given,
        }
        for q in UserQuest.objects.filter(user=user).select_related("template").order_by("date", "slot")
    ]


def streak_reminders(user) -> list[dict[str, Any]]:
    return [
        {"date": r.date.isoformat(), "status": r.status, "due_at": _iso(r.due_at), "sent_at": _iso(r.sent_at)}
        for r in StreakReminder.objects.filter(user=user).order_by("date")
    ]


SECTIONS = {
    "stats": stats,
    "daily_xp": daily_xp,
    "hearts_log": hearts_log,
    "achievements": achievements,
    "league_weeks": league_weeks,
    "quests": quests,
    "streak_reminders": streak_reminders,
}
