"""The learning rules as pure functions of stored state and time: hearts, streaks, league weeks and zones, quests.

Services apply them under the learner's row lock; recalculate_progress replays them over the logs,
so both always agree.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings


@dataclass(frozen=True)
class Hearts:
    count: int
    # Where the regeneration clock stands once the regenerated hearts are counted in.
    anchor: dt.datetime
    regenerated: int
    next_heart_at: dt.datetime | None
    full_at: dt.datetime | None


def hearts_at(*, stored: int, updated_at: dt.datetime, now: dt.datetime) -> Hearts:
    """Hearts at `now`: one back every HEART_REGEN_SECONDS since `updated_at`, up to HEARTS_MAX."""
    maximum, period = settings.HEARTS_MAX, dt.timedelta(seconds=settings.HEART_REGEN_SECONDS)
    if stored >= maximum:
        return Hearts(stored, now, 0, None, None)
    elapsed = max(now - updated_at, dt.timedelta(0))
    regenerated = min(int(elapsed // period), maximum - stored)
    count = stored + regenerated
    if count >= maximum:
        return Hearts(count, now, regenerated, None, None)
    anchor = updated_at + regenerated * period
    return Hearts(count, anchor, regenerated, anchor + period, anchor + (maximum - count) * period)


@dataclass(frozen=True)
class Streak:
    current: int
    longest: int
    last_active_date: dt.date | None
    freezes: int


@dataclass(frozen=True)
class StreakChange:
    streak: Streak
    extended: bool  # the day counted for the first time
    freezes_used: int
    freezes_earned: int
    broken: bool  # the streak had lapsed and restarted at 1


def streak_after_lesson(streak: Streak, day: dt.date) -> StreakChange:
    """The streak once a lesson is completed on the learner's local `day`.

    Missed days since the last active day are covered by freezes when the stock suffices (they
    are spent; a covered day keeps the streak but does not lengthen it), else the streak restarts
    at 1. Reaching every STREAK_FREEZE_EARN_DAYS-th day of a streak earns a freeze, up to
    STREAK_FREEZE_MAX.
    """
    last = streak.last_active_date
    if last is not None and day <= last:
        return StreakChange(streak, False, 0, 0, False)
    freezes, used, broken = streak.freezes, 0, False
    if last is None:
        current = 1
    else:
        missed = (day - last).days - 1
        if missed == 0:
            current = streak.current + 1
        elif missed <= freezes:
            used, freezes, current = missed, freezes - missed, streak.current + 1
        else:
            current, broken = 1, True
    earned = 0
    every = settings.STREAK_FREEZE_EARN_DAYS
    if every and current % every == 0 and freezes < settings.STREAK_FREEZE_MAX:
        earned, freezes = 1, freezes + 1
    longest = max(streak.longest, current)
    return StreakChange(Streak(current, longest, day, freezes), True, used, earned, broken)


def streak_as_of(streak: Streak, today: dt.date) -> int:
    """The current streak shown on `today`: kept while today or yesterday counted or freezes cover the gap."""
    last = streak.last_active_date
    if last is None:
        return 0
    missed = (today - last).days - 1
    return streak.current if missed <= streak.freezes else 0


def streak_replay(
    days: list[dt.date], *, initial_freezes: int | None = None, freezes_granted: dict[dt.date, int] | None = None
) -> Streak:
    """The streak a learner has after completing lessons on exactly these local days.

    `freezes_granted` are freezes given on a day by other means (quest rewards), after that day's lesson.
    """
    freezes = settings.STREAK_FREEZE_INITIAL if initial_freezes is None else initial_freezes
    granted = freezes_granted or {}
    streak = Streak(0, 0, None, freezes)
    lesson_days = set(days)
    for day in sorted(lesson_days | set(granted)):
        if day in lesson_days:
            streak = streak_after_lesson(streak, day).streak
        if granted.get(day):
            stock = min(streak.freezes + granted[day], settings.STREAK_FREEZE_MAX)
            streak = Streak(streak.current, streak.longest, streak.last_active_date, stock)
    return streak


def longest_correct_run(history: Sequence[tuple[Any, bool]]) -> int:
    """The longest run of right answers, one after the other, in a session's (exercise, correct) history."""
    best = run = 0
    for _, correct in history:
        run = run + 1 if correct else 0
        best = max(best, run)
    return best


# --- Leagues --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LeagueWeekBounds:
    start: dt.date  # the week's key
    starts_at: dt.datetime
    ends_at: dt.datetime


def league_week(at: dt.datetime) -> LeagueWeekBounds:
    """The UTC league week holding `at`: from LEAGUE_WEEK_START_WEEKDAY at LEAGUE_WEEK_START_HOUR, seven days."""
    hour = dt.timedelta(hours=settings.LEAGUE_WEEK_START_HOUR)
    shifted = at.astimezone(dt.UTC) - hour
    start = shifted.date() - dt.timedelta(days=(shifted.weekday() - settings.LEAGUE_WEEK_START_WEEKDAY) % 7)
    starts_at = dt.datetime.combine(start, dt.time(), tzinfo=dt.UTC) + hour
    return LeagueWeekBounds(start, starts_at, starts_at + dt.timedelta(days=7))


def league_week_starting(start: dt.date) -> LeagueWeekBounds | None:
    """The league week that starts on `start`, or None when no week starts that day."""
    if start.weekday() != settings.LEAGUE_WEEK_START_WEEKDAY:
        return None
    starts_at = dt.datetime.combine(start, dt.time(settings.LEAGUE_WEEK_START_HOUR), tzinfo=dt.UTC)
    return LeagueWeekBounds(start, starts_at, starts_at + dt.timedelta(days=7))


PROMOTION, SAFE, DEMOTION = "promotion", "safe", "demotion"


def league_zone(*, rank: int, size: int, promote: int, demote: int, has_higher: bool, has_lower: bool) -> str:
    """Where `rank` (1 = first) of a cohort of `size` stands: the top `promote` move up (when there is a tier
    above), the bottom `demote` of those not promoted move down (when there is a tier below), the rest stay."""
    promote = promote if has_higher else 0
    demote = demote if has_lower else 0
    if rank <= promote:
        return PROMOTION
    if rank > max(size - demote, promote):
        return DEMOTION
    return SAFE


# --- Quests ---------------------------------------------------------------------------------------


def quest_draw(templates: Sequence[Any], *, user_id: int, day: dt.date, count: int) -> list[Any]:
    """`count` templates of different kinds for a learner's day, the same on every call and in every process.

    Templates need `code` and `kind`. The seed is a hash of (learner, date), not Python's salted hash().
    """
    by_kind: dict[str, list[Any]] = {}
    for template in sorted(templates, key=lambda t: t.code):
        by_kind.setdefault(template.kind, []).append(template)
    digest = hashlib.sha256(f"{user_id}:{day.isoformat()}".encode()).digest()
    rng = random.Random(int.from_bytes(digest[:8], "big"))
    kinds = rng.sample(sorted(by_kind), min(count, len(by_kind)))
    return [rng.choice(by_kind[kind]) for kind in kinds]
