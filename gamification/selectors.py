"""Reads of the learner's gamification state: stats, XP history, achievements (constant queries)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from gamification import rules
from gamification.models import Achievement, LearnerStats, UserAchievement, UserDailyXP


def learner_stats(*, user) -> LearnerStats:
    """The learner's stats, or a fresh unsaved row (all zero, full hearts) before their first lesson."""
    return LearnerStats.objects.filter(user=user).first() or LearnerStats(
        user=user, hearts=settings.HEARTS_MAX, hearts_updated_at=timezone.now()
    )


def me_stats(*, user, now: dt.datetime | None = None) -> dict[str, Any]:
    """`me/stats/`: total XP, streak, hearts with the next heart's time, and today's XP against the goal."""
    now = now or timezone.now()
    stats = learner_stats(user=user)
    today = user.local_date(now)
    daily = UserDailyXP.objects.filter(user=user, date=today).first()
    hearts = rules.hearts_at(stored=stats.hearts, updated_at=stats.hearts_updated_at, now=now)
    streak = rules.Streak(stats.current_streak, stats.longest_streak, stats.last_active_date, stats.streak_freezes)
    goal = daily.goal if daily else user.daily_xp_goal
    xp_today = daily.xp if daily else 0
    return {
        "total_xp": stats.total_xp,
        "streak": {
            "current": rules.streak_as_of(streak, today),
            "longest": stats.longest_streak,
            "freezes": stats.streak_freezes,
            "freezes_max": settings.STREAK_FREEZE_MAX,
            "last_active_date": stats.last_active_date,
            "extended_today": stats.last_active_date == today,
        },
        "hearts": {
            "count": hearts.count,
            "max": settings.HEARTS_MAX,
            "next_heart_at": hearts.next_heart_at,
            "full_at": hearts.full_at,
        },
        "today": {"date": today, "xp": xp_today, "goal": goal, "goal_met": xp_today >= goal},
        "lessons_completed": stats.lessons_completed,
        "perfect_lessons": stats.perfect_lessons,
        "courses_completed": stats.courses_completed,
    }


def xp_history(*, user, days: int, now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """One entry per local day, oldest first, ending today; days without XP included with 0."""
    today = user.local_date(now or timezone.now())
    first = today - dt.timedelta(days=days - 1)
    rows = {row.date: row for row in UserDailyXP.objects.filter(user=user, date__gte=first, date__lte=today)}
    history = []
    for offset in range(days):
        day = first + dt.timedelta(days=offset)
        row = rows.get(day)
        xp, goal = (row.xp, row.goal) if row else (0, user.daily_xp_goal)
        history.append({"date": day, "xp": xp, "goal": goal, "goal_met": xp >= goal})
    return history


@dataclass
class AchievementProgress:
    achievement: Achievement
    progress: int
    unlocked_at: dt.datetime | None


def achievement_list_for_learner(*, user) -> list[AchievementProgress]:
    """Every active achievement with the learner's progress and unlock time, and the retired (archived) ones the
    learner unlocked: a badge earned stays earned (two queries)."""
    earned_and_retired = Q(
        archived_at__isnull=False, user_achievements__user=user, user_achievements__unlocked_at__isnull=False
    )
    achievements: QuerySet[Achievement] = (
        Achievement.objects.filter(Q(is_active=True, archived_at__isnull=True) | earned_and_retired)
        .distinct()
        .prefetch_related(
            Prefetch("user_achievements", queryset=UserAchievement.objects.filter(user=user), to_attr="mine")
        )
    )
    result = []
    for achievement in achievements:
        row = achievement.mine[0] if achievement.mine else None
        result.append(
            AchievementProgress(
                achievement=achievement,
                progress=row.progress if row else 0,
                unlocked_at=row.unlocked_at if row else None,
            )
        )
    return result
