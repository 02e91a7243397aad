"""Rebuild a learner's XP, streak, hearts and achievements from the logs; report and repair drift.

The logs are the truth: completed LessonSessions (XP, local day, perfect, whether it finished the course),
UserAchievement unlocks (XP, local day), UserHeartsLog (balance after each change) and UserLessonProgress
(lessons completed). Every aggregate (LearnerStats, UserDailyXP, UserCourse XP, UserAchievement progress)
is a function of them, computed with the same rules the services use. None depends on the course content
as it is now (completion percentages are derived on read), so archiving or adding content never drifts.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from gamification import rules
from gamification.models import Achievement, LearnerStats, UserAchievement, UserDailyXP, UserHeartsLog
from gamification.services import achievement_metric, daily_xp_add, learner_stats_lock
from progress.models import LessonSession, UserCourse, UserLessonProgress


@dataclass
class Drift:
    user_id: int
    changes: dict[str, Any] = field(default_factory=dict)  # what: [stored, expected]
    problems: list[str] = field(default_factory=list)  # inconsistencies a fix cannot decide

    def add(self, what: str, stored, expected) -> None:
        if stored != expected:
            self.changes[what] = [_plain(stored), _plain(expected)]

    @property
    def found(self) -> bool:
        return bool(self.changes or self.problems)


def _plain(value):
    return value.isoformat() if isinstance(value, dt.date) else value


@dataclass
class Expected:
    stats: dict[str, Any]
    daily: dict[dt.date, tuple[int, int]]  # date -> (xp, lessons completed)
    courses: dict[int, int]  # course id -> course XP
    hearts: int
    hearts_problem: str | None


def _expected(user) -> Expected:
    sessions = list(
        LessonSession.objects.filter(user=user, status=LessonSession.Status.COMPLETED).values_list(
            "course_id", "xp_awarded", "completed_on", "is_perfect", "completed_course"
        )
    )
    unlocks = list(
        UserAchievement.objects.filter(user=user, unlocked_at__isnull=False).values_list("xp_awarded", "unlocked_on")
    )
    daily: dict[dt.date, list[int]] = defaultdict(lambda: [0, 0])
    course_xp: dict[int, int] = defaultdict(int)
    for course_id, xp, day, *_ in sessions:
        daily[day][0] += xp
        daily[day][1] += 1
        course_xp[course_id] += xp
    for xp, day in unlocks:
        daily[day][0] += xp
    streak = rules.streak_replay([day for _, _, day, *_ in sessions])
    lessons_completed = UserLessonProgress.objects.filter(user=user, status=UserLessonProgress.Status.COMPLETED)

    # In id order: ids are taken under the learner's lock, so they follow the order of the changes.
    log = list(UserHeartsLog.objects.filter(user=user).order_by("id").values_list("delta", "balance_after"))
    hearts, problem, running = settings.HEARTS_MAX, None, settings.HEARTS_MAX
    for delta, balance in log:
        running += delta
        if running != balance and problem is None:
            problem = f"hearts log does not add up: running total {running} but balance_after {balance}"
            running = balance
        hearts = balance
    return Expected(
        stats={
            "total_xp": sum(xp for _, xp, *_ in sessions) + sum(xp for xp, _ in unlocks),
            "current_streak": streak.current,
            "longest_streak": streak.longest,
            "last_active_date": streak.last_active_date,
            "streak_freezes": streak.freezes,
            "lessons_completed": lessons_completed.count(),
            "perfect_lessons": sum(1 for *_, perfect, _ in sessions if perfect),
            "courses_completed": sum(1 for *_, completed_course in sessions if completed_course),
        },
        daily={day: (xp, lessons) for day, (xp, lessons) in daily.items()},
        courses=dict(course_xp),
        hearts=hearts,
        hearts_problem=problem,
    )


def learner_progress_recalculate(*, user, fix: bool = False, now: dt.datetime | None = None) -> Drift:
    """Compare the learner's aggregates with what the logs say; with fix=True, repair them (atomically)."""
    now = now or timezone.now()
    with transaction.atomic():
        stats = learner_stats_lock(user=user) if fix else LearnerStats.objects.filter(user=user).first()
        if stats is None:
            stats = LearnerStats(user=user)
        expected = _expected(user)
        drift = Drift(user_id=user.pk)
        for name, value in expected.stats.items():
            drift.add(name, getattr(stats, name), value)
        drift.add("hearts", stats.hearts, expected.hearts)
        if expected.hearts_problem:
            drift.problems.append(expected.hearts_problem)

        stored_daily = {row.date: row for row in UserDailyXP.objects.filter(user=user)}
        for day in sorted(set(stored_daily) | set(expected.daily)):
            row = stored_daily.get(day)
            xp, lessons = expected.daily.get(day, (0, 0))
            drift.add(f"daily_xp[{day.isoformat()}]", row.xp if row else 0, xp)
            drift.add(f"daily_lessons[{day.isoformat()}]", row.lessons_completed if row else 0, lessons)

        enrollments = {e.course_id: e for e in UserCourse.objects.filter(user=user)}
        for course_id, enrollment in enrollments.items():
            drift.add(f"course[{course_id}].xp", enrollment.xp, expected.courses.get(course_id, 0))

        metrics = LearnerStats(**dict(expected.stats.items()))
        rows = {row.achievement_id: row for row in UserAchievement.objects.filter(user=user)}
        for achievement in Achievement.objects.live().filter(is_active=True):
            row = rows.get(achievement.pk)
            target = min(achievement_metric(metrics, achievement.kind), achievement.threshold)
            unlocked = row is not None and row.unlocked_at is not None
            if not unlocked:
                drift.add(f"achievement[{achievement.code}].progress", row.progress if row else 0, target)
                if target >= achievement.threshold:
                    drift.add(f"achievement[{achievement.code}].unlocked", False, True)

        if fix and drift.changes:
            _repair(
                user=user, stats=stats, expected=expected, stored_daily=stored_daily, enrollments=enrollments, now=now
            )
    return drift


def _repair(*, user, stats, expected: Expected, stored_daily, enrollments, now) -> None:
    from gamification.services import achievements_evaluate

    for name, value in expected.stats.items():
        setattr(stats, name, value)
    if stats.hearts != expected.hearts:
        stats.hearts, stats.hearts_updated_at = expected.hearts, now
    for day in set(stored_daily) | set(expected.daily):
        xp, lessons = expected.daily.get(day, (0, 0))
        row = stored_daily.get(day)
        if row is None:
            UserDailyXP.objects.create(user=user, date=day, xp=xp, lessons_completed=lessons, goal=user.daily_xp_goal)
        elif (row.xp, row.lessons_completed) != (xp, lessons):
            UserDailyXP.objects.filter(pk=row.pk).update(xp=xp, lessons_completed=lessons)
    for course_id, enrollment in enrollments.items():
        UserCourse.objects.filter(pk=enrollment.pk).update(xp=expected.courses.get(course_id, 0))
    stats.save()
    # Progress and missing unlocks go through the normal rule, so a repaired unlock pays its XP once.
    before = stats.total_xp
    day = user.local_date(now)
    achievements_evaluate(stats=stats, user=user, now=now, day=day)
    if stats.total_xp != before:
        stats.save(update_fields=["total_xp", "updated_at"])
        daily_xp_add(user=user, day=day, xp=stats.total_xp - before, lessons=0)
