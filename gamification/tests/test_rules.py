"""The pure rules: heart regeneration from timestamps and the streak with freezes."""

import datetime as dt

import pytest
from django.test import override_settings

from gamification.rules import Streak, hearts_at, streak_after_lesson, streak_as_of, streak_replay

T0 = dt.datetime(2026, 1, 1, 12, 0, tzinfo=dt.UTC)
H = dt.timedelta(hours=1)


@pytest.mark.parametrize(
    ("stored", "elapsed", "count", "next_in"),
    [
        (4, dt.timedelta(hours=3, minutes=59), 4, dt.timedelta(hours=4)),
        (4, 4 * H, 5, None),
        (3, 4 * H, 4, 8 * H),
        (3, 7 * H + dt.timedelta(minutes=59, seconds=59), 4, 8 * H),
        (3, 8 * H, 5, None),
        (3, 100 * H, 5, None),  # capped at 5
        (0, 0 * H, 0, 4 * H),
        (0, 20 * H, 5, None),
        (0, 19 * H, 4, 20 * H),
        (5, 100 * H, 5, None),
    ],
)
def test_hearts_come_back_one_per_four_hours_up_to_five(stored, elapsed, count, next_in):
    hearts = hearts_at(stored=stored, updated_at=T0, now=T0 + elapsed)
    assert hearts.count == count
    assert hearts.next_heart_at == (T0 + next_in if next_in else None)


def test_regeneration_keeps_the_partial_period():
    hearts = hearts_at(stored=2, updated_at=T0, now=T0 + 5 * H)
    assert (hearts.count, hearts.regenerated, hearts.anchor) == (3, 1, T0 + 4 * H)
    assert hearts.full_at == T0 + 12 * H


@override_settings(HEARTS_MAX=3, HEART_REGEN_SECONDS=60)
def test_hearts_rules_are_settings():
    assert hearts_at(stored=0, updated_at=T0, now=T0 + dt.timedelta(minutes=10)).count == 3


D = dt.date(2026, 5, 1)


def day(n: int) -> dt.date:
    return D + dt.timedelta(days=n)


def test_streak_counts_consecutive_days_once_per_day():
    s = Streak(0, 0, None, 0)
    change = streak_after_lesson(s, day(0))
    assert (change.streak.current, change.extended) == (1, True)
    same_day = streak_after_lesson(change.streak, day(0))
    assert (same_day.streak.current, same_day.extended) == (1, False)
    assert streak_after_lesson(change.streak, day(1)).streak.current == 2


def test_missed_day_without_freeze_restarts_and_keeps_longest():
    change = streak_after_lesson(Streak(5, 5, day(0), 0), day(2))
    assert (change.streak.current, change.streak.longest, change.broken) == (1, 5, True)


def test_freezes_cover_missed_days_and_are_spent():
    change = streak_after_lesson(Streak(5, 5, day(0), 2), day(3))
    assert (change.streak.current, change.freezes_used, change.streak.freezes) == (6, 2, 0)
    too_many = streak_after_lesson(Streak(5, 5, day(0), 2), day(4))
    assert (too_many.streak.current, too_many.freezes_used, too_many.streak.freezes) == (1, 0, 2)


@override_settings(STREAK_FREEZE_EARN_DAYS=3, STREAK_FREEZE_MAX=1)
def test_freezes_are_earned_every_n_days_up_to_the_max():
    streak = streak_replay([day(i) for i in range(7)])
    assert (streak.current, streak.freezes) == (7, 1)


def test_streak_as_of_today_or_yesterday_or_covered():
    s = Streak(4, 4, day(0), 1)
    assert [streak_as_of(s, day(n)) for n in (0, 1, 2, 3)] == [4, 4, 4, 0]
    assert streak_as_of(Streak(0, 0, None, 0), day(0)) == 0


def test_replay_ignores_order_and_duplicates():
    assert streak_replay([day(2), day(0), day(1), day(1)]) == Streak(3, 3, day(2), 0)
