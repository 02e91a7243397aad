"""Fixed-clock rules through the services: local days across midnight and DST, freezes, heart regeneration."""

import datetime as dt

import pytest
import time_machine
from django.test import override_settings

from accounts.tests.factories import UserFactory
from exercises.tests.factories import WRONG, lesson_with_exercises
from gamification import answering, selectors, services
from gamification.models import LearnerStats, UserDailyXP, UserHeartsLog
from gamification.tests.helpers import enroll, play_lesson

pytestmark = pytest.mark.django_db

UTC = dt.UTC


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


@pytest.fixture
def lesson():
    return lesson_with_exercises(1)


def learner_in(tz: str, lesson):
    user = UserFactory(timezone=tz)
    enroll(user, lesson)
    return user


def days_and_streak(user):
    stats = LearnerStats.objects.get(user=user)
    days = list(UserDailyXP.objects.filter(user=user).order_by("date").values_list("date", "lessons_completed"))
    return days, stats.current_streak


def test_auckland_local_midnight_starts_a_new_day(lesson):
    user = learner_in("Pacific/Auckland", lesson)
    play_lesson(user, lesson, now=at(2026, 3, 10, 10, 30))  # 23:30 on 10 March in Auckland (NZDT, +13)
    play_lesson(user, lesson, now=at(2026, 3, 10, 11, 30))  # 00:30 on 11 March, same UTC day
    assert days_and_streak(user) == ([(dt.date(2026, 3, 10), 1), (dt.date(2026, 3, 11), 1)], 2)


def test_los_angeles_same_local_day_across_utc_midnight(lesson):
    user = learner_in("America/Los_Angeles", lesson)
    play_lesson(user, lesson, now=at(2026, 3, 10, 23, 0))  # 16:00 on 10 March (PDT, -7)
    play_lesson(user, lesson, now=at(2026, 3, 11, 6, 30))  # 23:30 on 10 March, next UTC day
    assert days_and_streak(user) == ([(dt.date(2026, 3, 10), 2)], 1)
    play_lesson(user, lesson, now=at(2026, 3, 11, 7, 30))  # 00:30 on 11 March
    assert days_and_streak(user)[1] == 2


def test_los_angeles_spring_forward_day_has_23_hours(lesson):
    user = learner_in("America/Los_Angeles", lesson)
    play_lesson(user, lesson, now=at(2026, 3, 8, 7, 30))  # 23:30 PST on 7 March
    play_lesson(user, lesson, now=at(2026, 3, 9, 6, 30))  # 23:30 PDT on 8 March, 23 hours later
    assert days_and_streak(user) == ([(dt.date(2026, 3, 7), 1), (dt.date(2026, 3, 8), 1)], 2)


def test_auckland_fall_back_day_has_25_hours(lesson):
    user = learner_in("Pacific/Auckland", lesson)
    play_lesson(user, lesson, now=at(2026, 4, 4, 11, 30))  # 00:30 NZDT on 5 April
    play_lesson(user, lesson, now=at(2026, 4, 5, 11, 30))  # 23:30 NZST on 5 April, 24 hours later
    assert days_and_streak(user) == ([(dt.date(2026, 4, 5), 2)], 1)
    play_lesson(user, lesson, now=at(2026, 4, 5, 12, 30))  # 00:30 on 6 April
    assert days_and_streak(user)[1] == 2


@override_settings(STREAK_FREEZE_EARN_DAYS=7)
def test_a_freeze_earned_on_day_seven_covers_a_missed_day(lesson):
    user = learner_in("America/Los_Angeles", lesson)
    for day in range(7):
        done = play_lesson(user, lesson, now=at(2026, 6, 1 + day, 18))
    assert (done.stats.current_streak, done.stats.streak_freezes, done.streak.freezes_earned) == (7, 1, 1)
    # 8 June missed; shown as kept on 9 June because the freeze covers it.
    with time_machine.travel(at(2026, 6, 9, 18), tick=False):
        assert selectors.me_stats(user=user).streak.current == 7
    done = play_lesson(user, lesson, now=at(2026, 6, 9, 18))
    assert (done.stats.current_streak, done.stats.streak_freezes, done.streak.freezes_used) == (8, 0, 1)
    assert done.stats.longest_streak == 8


def test_a_streak_breaks_after_a_missed_day_without_freezes(lesson):
    user = learner_in("Pacific/Auckland", lesson)
    for day in range(3):
        play_lesson(user, lesson, now=at(2026, 6, 1 + day, 1))
    with time_machine.travel(at(2026, 6, 5, 1), tick=False):
        assert selectors.me_stats(user=user).streak.current == 0  # 4 June missed
    done = play_lesson(user, lesson, now=at(2026, 6, 5, 1))
    assert (done.stats.current_streak, done.stats.longest_streak, done.streak.broken) == (1, 3, True)


def test_hearts_regenerate_at_four_hours_not_before_and_cap_at_five(lesson):
    user = learner_in("UTC", lesson)
    t0 = at(2026, 2, 1, 8)
    start = services.lesson_session_start(user=user, lesson_id=lesson.pk, now=t0)
    exercise = start.exercises[0].exercise_id
    for _ in range(2):
        answering.lesson_session_answer(
            user=user, session_id=start.session.pk, exercise_id=exercise, answer=WRONG, now=t0
        )

    def hearts(now):
        with time_machine.travel(now, tick=False):
            hearts = selectors.me_stats(user=user).hearts
            return {"count": hearts.count, "next_heart_at": hearts.next_heart_at, "full_at": hearts.full_at}

    assert hearts(t0) == {
        "count": 3,
        "next_heart_at": t0 + dt.timedelta(hours=4),
        "full_at": at(2026, 2, 1, 16),
    }
    assert hearts(t0 + dt.timedelta(hours=3, minutes=59))["count"] == 3
    assert hearts(t0 + dt.timedelta(hours=4))["count"] == 4
    assert hearts(t0 + dt.timedelta(hours=8)) == {"count": 5, "next_heart_at": None, "full_at": None}
    assert hearts(t0 + dt.timedelta(days=3))["count"] == 5

    # A write after 4h30 (a new session: the old one went idle) turns the regenerated heart into a
    # log row and keeps the half period.
    later = t0 + dt.timedelta(hours=4, minutes=30)
    again = services.lesson_session_start(user=user, lesson_id=lesson.pk, now=later)
    answering.lesson_session_answer(
        user=user, session_id=again.session.pk, exercise_id=exercise, answer=WRONG, now=later
    )
    start.session.refresh_from_db()
    assert start.session.status == "abandoned"
    assert list(UserHeartsLog.objects.filter(user=user).values_list("delta", "reason", "balance_after")) == [
        (-1, "wrong_answer", 4),
        (-1, "wrong_answer", 3),
        (1, "regeneration", 4),
        (-1, "wrong_answer", 3),
    ]
    assert hearts(later)["next_heart_at"] == t0 + dt.timedelta(hours=8)
