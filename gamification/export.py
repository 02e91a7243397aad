"""The gamification app's sections of the learner's data export (me/export/)."""

from __future__ import annotations

from typing import Any

from gamification.models import LearnerStats, UserAchievement, UserDailyXP, UserHeartsLog


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
    }


def daily_xp(user) -> list[dict[str, Any]]:
    return [
        {"date": d.date.isoformat(), "xp": d.xp, "goal": d.goal, "goal_met": d.goal_met}
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


SECTIONS = {"stats": stats, "daily_xp": daily_xp, "hearts_log": hearts_log, "achievements": achievements}
