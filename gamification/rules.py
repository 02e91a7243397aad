"""The learning rules as pure functions of stored state and time: hearts regeneration and streaks.

Services apply them under the learner's row lock; recalculate_progress replays them over the logs,
so both always agree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

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


def streak_replay(days: list[dt.date], *, initial_freezes: int | None = None) -> Streak:
    """The streak a learner has after completing lessons on exactly these local days."""
    freezes = settings.STREAK_FREEZE_INITIAL if initial_freezes is None else initial_freezes
    streak = Streak(0, 0, None, freezes)
    for day in sorted(set(days)):
        streak = streak_after_lesson(streak, day).streak
    return streak
