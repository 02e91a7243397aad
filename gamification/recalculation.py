"""Rebuild a learner's XP, streak, hearts, achievements and weekly league XP from the logs; report and repair drift.

The logs are the truth: completed LessonSessions (XP, time, local day, perfect, whether it finished the course),
UserAchievement unlocks (XP, time, local day), completed UserQuests (reward XP and freezes given, time, local
day), UserHeartsLog (balance after each change), UserLessonProgress (lessons completed) and applied league
results. Every aggregate (LearnerStats, UserDailyXP, UserCourse XP, UserAchievement progress, a league
membership's weekly XP) is a function of them, computed with the same rules the services use. None depends on the
course content as it is now (completion percentages are derived on read), so archiving or adding content never
drifts. A day's best run of right answers and its count of practice sessions are not rebuilt.

Memory states (progress.memory) are a function of the answer log: the replay reviews each first answer to an
exercise in a session, in the order the answers were recorded, and the stored states must equal it.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from gamification import rules
from gamification.models import (
    Achievement,
    LeagueMembership,
    LeagueWeek,
    LearnerStats,
    UserAchievement,
    UserDailyXP,
    UserHeartsLog,
    UserQuest,
)
from gamification.services import XpEvent, achievement_metric, achievements_evaluate, learner_stats_lock
from progress.memory import (
    Memory,
    answer_log,
    learner_retention,
    memory_from_model,
    memory_replay,
    memory_state_upsert,
)
from progress.models import LessonSession, MemoryState, UserCourse, UserLessonProgress


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
    daily: dict[dt.date, tuple[int, int, int]]  # date -> (xp, lessons completed, perfect lessons)
    courses: dict[int, int]  # course id -> course XP
    hearts: int
    hearts_problem: str | None
    league_xp: dict[dt.date, int]  # league week -> XP earned in it


def _expected(user) -> Expected:
    sessions = list(
        LessonSession.objects.filter(user=user, status=LessonSession.Status.COMPLETED).values_list(
            "course_id", "xp_awarded", "completed_on", "is_perfect", "completed_course", "finished_at", "kind"
        )
    )
    unlocks = list(
        UserAchievement.objects.filter(user=user, unlocked_at__isnull=False).values_list(
            "xp_awarded", "unlocked_on", "unlocked_at"
        )
    )
    quests = list(
        UserQuest.objects.filter(user=user, completed_at__isnull=False).values_list(
            "reward_xp", "date", "completed_at", "freezes_given"
        )
    )
    daily: dict[dt.date, list[int]] = defaultdict(lambda: [0, 0, 0])
    course_xp: dict[int, int] = defaultdict(int)
    league_xp: dict[dt.date, int] = defaultdict(int)
    for course_id, xp, day, perfect, _, at, kind in sessions:
        lesson = kind == LessonSession.Kind.LESSON  # practice counts for XP and the streak, not as a lesson
        daily[day][0] += xp
        daily[day][1] += int(lesson)
        daily[day][2] += int(perfect and lesson)
        course_xp[course_id] += xp
        league_xp[rules.league_week(at).start] += xp
    for xp, day, at in unlocks:
        daily[day][0] += xp
        league_xp[rules.league_week(at).start] += xp
    freezes_granted: dict[dt.date, int] = defaultdict(int)
    for xp, day, at, freezes in quests:
        daily[day][0] += xp
        league_xp[rules.league_week(at).start] += xp
        freezes_granted[day] += freezes
    streak = rules.streak_replay([day for _, _, day, *_ in sessions], freezes_granted=freezes_granted)
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
    results = LeagueMembership.objects.filter(user=user, applied_at__isnull=False).values_list(
        "tier__order", "next_tier__order", "rank", "cohort__member_count"
    )
    best_tier = max((max(order, next_order) for order, next_order, _, _ in results), default=0)
    first_places = sum(1 for _, _, rank, size in results if rank == 1 and size > 1)
    return Expected(
        stats={
            "total_xp": sum(x for _, x, *_ in sessions) + sum(x for x, *_ in unlocks) + sum(x for x, *_ in quests),
            "current_streak": streak.current,
            "longest_streak": streak.longest,
            "last_active_date": streak.last_active_date,
            "streak_freezes": streak.freezes,
            "lessons_completed": lessons_completed.count(),
            "perfect_lessons": sum(
                1 for _, _, _, perfect, _, _, kind in sessions if perfect and kind == LessonSession.Kind.LESSON
            ),
            "courses_completed": sum(1 for _, _, _, _, completed_course, _, _ in sessions if completed_course),
            "league_best_tier": best_tier,
            "league_first_places": first_places,
        },
        daily={day: tuple(values) for day, values in daily.items()},
        courses=dict(course_xp),
        hearts=hearts,
        hearts_problem=problem,
        league_xp=dict(league_xp),
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
            xp, lessons, perfect = expected.daily.get(day, (0, 0, 0))
            drift.add(f"daily_xp[{day.isoformat()}]", row.xp if row else 0, xp)
            drift.add(f"daily_lessons[{day.isoformat()}]", row.lessons_completed if row else 0, lessons)
            drift.add(f"daily_perfect_lessons[{day.isoformat()}]", row.perfect_lessons if row else 0, perfect)

        enrollments = {e.course_id: e for e in UserCourse.objects.filter(user=user)}
        for course_id, enrollment in enrollments.items():
            drift.add(f"course[{course_id}].xp", enrollment.xp, expected.courses.get(course_id, 0))

        memberships = {m.week_id: m for m in LeagueMembership.objects.filter(user=user)}
        # Weeks with XP count only where leagues ran (the week has a row: someone joined it).
        league_weeks = set(LeagueWeek.objects.filter(start__in=expected.league_xp).values_list("start", flat=True))
        for week in sorted(set(memberships) | {w for w, xp in expected.league_xp.items() if xp and w in league_weeks}):
            membership, xp = memberships.get(week), expected.league_xp.get(week, 0)
            if membership is None:
                drift.problems.append(f"league week {week.isoformat()}: {xp} XP earned but no league membership")
            elif membership.rank is not None and membership.weekly_xp != xp:
                drift.problems.append(
                    f"league week {week.isoformat()}: weekly XP {membership.weekly_xp}, expected {xp}; "
                    "the week is closed, its results are kept"
                )
            else:
                drift.add(f"league[{week.isoformat()}].weekly_xp", membership.weekly_xp, xp)

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

        memory_fixes = _memory_drift(user=user, drift=drift)

        if fix and memory_fixes:
            _memory_repair(user=user, fixes=memory_fixes)
        if fix and drift.changes:
            _repair(
                user=user,
                stats=stats,
                expected=expected,
                stored_daily=stored_daily,
                enrollments=enrollments,
                memberships=memberships,
                now=now,
            )
    return drift


MEMORY_FIELDS = ("course_id", "stability", "difficulty", "due", "last_review", "state", "step", "reps", "lapses")


def _memory_values(course_id: int, memory: Memory) -> dict[str, Any]:
    values = {name: getattr(memory, name) for name in MEMORY_FIELDS if name != "course_id"}
    return {"course_id": course_id, **values, "last_first_try_correct": memory.last_first_try_correct}


def _same(stored, expected) -> bool:
    if isinstance(stored, float) and isinstance(expected, float):
        return math.isclose(stored, expected, rel_tol=1e-9, abs_tol=1e-12)
    return stored == expected


def _memory_drift(*, user, drift: Drift) -> dict[int, tuple[int, Memory] | None]:
    """Compare the learner's memory states with a replay of their answers; returns what a fix writes, by exercise
    (None: a state no answer supports, deleted)."""
    stored = {state.exercise_id: state for state in MemoryState.objects.filter(user=user)}
    default_retention = learner_retention(user)
    # `due` was scheduled with the retention in force at the last review, which the row keeps.
    expected = memory_replay(
        answer_log(user=user),
        retention_for=lambda exercise_id: stored[exercise_id].retention if exercise_id in stored else default_retention,
    )
    fixes: dict[int, tuple[int, Memory] | None] = {}
    for exercise_id in sorted(set(stored) | set(expected)):
        state, replayed = stored.get(exercise_id), expected.get(exercise_id)
        if replayed is None:
            drift.add(f"memory[{exercise_id}]", "stored", "no answers")
            fixes[exercise_id] = None
            continue
        if state is None:
            drift.add(f"memory[{exercise_id}]", "missing", "replayed")
            fixes[exercise_id] = replayed
            continue
        have = _memory_values(state.course_id, memory_from_model(state))
        want = _memory_values(*replayed)
        for name, value in want.items():
            if not _same(have[name], value):
                drift.add(f"memory[{exercise_id}].{name}", have[name], value)
                fixes[exercise_id] = replayed
    return fixes


def _memory_repair(*, user, fixes: dict[int, tuple[int, Memory] | None]) -> None:
    gone = [exercise_id for exercise_id, fix in fixes.items() if fix is None]
    MemoryState.objects.filter(user=user, exercise_id__in=gone).delete()
    for exercise_id, fix in fixes.items():
        if fix is not None:
            memory_state_upsert(user_id=user.pk, exercise_id=exercise_id, course_id=fix[0], memory=fix[1])


def _repair(*, user, stats, expected: Expected, stored_daily, enrollments, memberships, now) -> None:
    for name, value in expected.stats.items():
        setattr(stats, name, value)
    if stats.hearts != expected.hearts:
        stats.hearts, stats.hearts_updated_at = expected.hearts, now
    for day in set(stored_daily) | set(expected.daily):
        xp, lessons, perfect = expected.daily.get(day, (0, 0, 0))
        row = stored_daily.get(day)
        if row is None:
            UserDailyXP.objects.create(
                user=user, date=day, xp=xp, lessons_completed=lessons, perfect_lessons=perfect, goal=user.daily_xp_goal
            )
        elif (row.xp, row.lessons_completed, row.perfect_lessons) != (xp, lessons, perfect):
            UserDailyXP.objects.filter(pk=row.pk).update(xp=xp, lessons_completed=lessons, perfect_lessons=perfect)
    for course_id, enrollment in enrollments.items():
        UserCourse.objects.filter(pk=enrollment.pk).update(xp=expected.courses.get(course_id, 0))
    for week, membership in memberships.items():
        xp = expected.league_xp.get(week, 0)
        if membership.rank is None and membership.weekly_xp != xp:
            LeagueMembership.objects.filter(pk=membership.pk).update(weekly_xp=xp)
    stats.save()
    # Progress and missing unlocks go through the normal rule and the XP path, so a repaired unlock pays its XP
    # once, to the total, today and this week's league.
    achievements_evaluate(event=XpEvent(stats=stats, user=user, now=now, day=user.local_date(now)))
    stats.save()
