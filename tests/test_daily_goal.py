"""Today's goal is the learner's current goal everywhere; past days keep the goal that was in force then."""

import datetime as dt

import pytest
import time_machine
from django.db import transaction

from accounts.tests.factories import SuperuserFactory, UserFactory, token_client
from gamification.models import UserDailyXP
from gamification.services import daily_xp_add, learner_stats_lock
from tests.learners import first_lessons, play

pytestmark = pytest.mark.django_db

DAY1_NOON = dt.datetime(2026, 5, 4, 12, tzinfo=dt.UTC)
DAY2_MORNING = DAY1_NOON + dt.timedelta(hours=20)  # 08:00 on May 5th
DAY2_NOON = DAY2_MORNING + dt.timedelta(hours=4)


def test_a_goal_changed_mid_day_is_todays_goal_in_every_answer(demo_course):
    first, second = first_lessons(demo_course, 2)
    with time_machine.travel(DAY1_NOON, tick=False):
        owner = token_client(UserFactory())
        assert owner.post("/api/v1/enrollments/", {"course": demo_course.pk}).status_code == 201
        play(owner, first)  # 6 + 5 perfect + 5 for the first-lesson badge
    with time_machine.travel(DAY2_MORNING, tick=False):
        morning = play(owner, second)  # 5 + 5 perfect
    assert morning["today"] == {"date": "2026-05-05", "xp": 10, "goal": 20, "goal_met": False}

    with time_machine.travel(DAY2_NOON, tick=False):
        assert owner.patch("/api/v1/me/", {"daily_xp_goal": 10}, format="json").status_code == 200
        assert owner.get("/api/v1/me/").json()["daily_xp_goal"] == 10
        today = {"date": "2026-05-05", "xp": 10, "goal": 10, "goal_met": True}
        assert owner.get("/api/v1/me/stats/").json()["today"] == today
        history = owner.get("/api/v1/me/xp-history/", {"days": 2}).json()["results"]
        assert history == [{"date": "2026-05-04", "xp": 16, "goal": 20, "goal_met": False}, today]
        afternoon = play(owner, first)  # a replay earns its XP again: 6 + 5 perfect
    assert afternoon["today"] == {"date": "2026-05-05", "xp": 21, "goal": 10, "goal_met": True}
    assert UserDailyXP.objects.get(user=owner.user, date=dt.date(2026, 5, 4)).goal == 20


def test_a_goal_changed_in_the_admin_is_todays_goal_too(owner, client):
    client.force_login(SuperuserFactory())
    learner = owner.user
    today = UserDailyXP.objects.get(user=learner)
    assert today.goal == 20
    response = client.post(
        f"/admin/accounts/user/{learner.pk}/change/",
        {
            "email": learner.email,
            "display_name": learner.display_name,
            "timezone": learner.timezone,
            "daily_xp_goal": 50,
            "is_active": "on",
            "last_login_0": "",
            "last_login_1": "",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert owner.get("/api/v1/me/stats/").json()["today"]["goal"] == 50
    today.refresh_from_db()
    assert today.goal == 50


def test_a_learning_event_records_the_committed_goal_not_the_requests_stale_copy(owner):
    """A request loads its user before the learner's lock; a goal change committed meanwhile must win."""
    stale = type(owner.user).objects.get(pk=owner.user.pk)
    assert stale.daily_xp_goal == 20
    type(owner.user).objects.filter(pk=stale.pk).update(daily_xp_goal=50)  # a profile change committed meanwhile
    today = UserDailyXP.objects.get(user=stale)
    with transaction.atomic():
        learner_stats_lock(user=stale)
        daily = daily_xp_add(user=stale, day=today.date, xp=5)
    assert (daily.xp, daily.goal) == (today.xp + 5, 50)
    today.refresh_from_db()
    assert (today.xp, today.goal) == (daily.xp, 50)
