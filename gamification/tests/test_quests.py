"""Daily quests: the deterministic draw, `me/quests/`, progress from lessons and practice, rewards given once."""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys
import threading
from types import SimpleNamespace

import pytest
import time_machine
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test import override_settings
from rest_framework.test import APIClient

from accounts.tests.factories import UserFactory
from courses.tests.factories import UnitFactory
from exercises.tests.factories import RIGHT, lesson_with_exercises
from gamification import answering, rules, services
from gamification.models import (
    LeagueMembership,
    LearnerStats,
    QuestTemplate,
    UserDailyXP,
    UserHeartsLog,
    UserQuest,
)
from gamification.tests.factories import FIXTURES, LearnerStatsFactory, QuestTemplateFactory, seeded_tiers
from gamification.tests.helpers import enroll, play_lesson

pytestmark = pytest.mark.django_db

UTC = dt.UTC
MORNING = dt.datetime(2026, 3, 4, 8, 0, tzinfo=UTC)
Kind, Reward = QuestTemplate.Kind, QuestTemplate.Reward


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def run(*args) -> str:
    """recalculate_progress's report (it exits 1, a CommandError here, when drift is left unrepaired)."""
    out = io.StringIO()
    try:
        call_command("recalculate_progress", *args, stdout=out)
    except CommandError as exc:
        out.write(f"CommandError: {exc}\n")
    return out.getvalue()


def only_templates(*specs) -> list[QuestTemplate]:
    """Make these the only active templates: (code, kind, target, reward, reward_xp)."""
    QuestTemplate.objects.update(is_active=False)
    return [
        QuestTemplateFactory(code=code, name=code, kind=kind, target=target, reward=reward, reward_xp=xp)
        for code, kind, target, reward, xp in specs
    ]


def quest(user, code: str, day: dt.date) -> UserQuest:
    return UserQuest.objects.get(user=user, date=day, template__code=code)


# --- the draw ---------------------------------------------------------------------------------------

DRAW_SCRIPT = """
import datetime as dt, sys
from types import SimpleNamespace
sys.path.insert(0, {base!r})
import django
from django.conf import settings
settings.configure()
from gamification.rules import quest_draw
templates = [SimpleNamespace(code=f"q{{i}}", kind=f"k{{i % 4}}") for i in range(10)]
print(",".join(t.code for t in quest_draw(templates, user_id=42, day=dt.date(2026, 3, 4), count=3)))
"""


def test_the_draw_is_three_kinds_and_the_same_in_every_process():
    templates = [SimpleNamespace(code=f"q{i}", kind=f"k{i % 4}") for i in range(10)]
    drawn = rules.quest_draw(templates, user_id=42, day=dt.date(2026, 3, 4), count=3)
    assert len({t.kind for t in drawn}) == 3
    assert drawn == rules.quest_draw(list(reversed(templates)), user_id=42, day=dt.date(2026, 3, 4), count=3)
    # Another process with another hash seed draws the same (the seed is a SHA-256 of learner and date).
    script = DRAW_SCRIPT.format(base=str(settings.BASE_DIR))
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    elsewhere = subprocess.run(  # noqa: S603 (our own script)
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True
    )
    assert elsewhere.stdout.strip() == ",".join(t.code for t in drawn)
    # Learners and days differ.
    draws = {
        tuple(t.code for t in rules.quest_draw(templates, user_id=user_id, day=day, count=3))
        for user_id in range(1, 6)
        for day in (dt.date(2026, 3, 4), dt.date(2026, 3, 5))
    }
    assert len(draws) > 1
    # Fewer kinds than quests: one quest per kind.
    assert len(rules.quest_draw(templates[:2], user_id=1, day=dt.date(2026, 3, 4), count=3)) == 2


def test_practice_quests_are_drawn_unless_switched_off():
    only_templates(("practice", Kind.PRACTICE_SESSIONS, 1, Reward.XP, 5), ("xp", Kind.EARN_XP, 10, Reward.XP, 5))
    learner, other = UserFactory(), UserFactory()
    codes = {q["code"] for q in client_for(learner).get("/api/v1/me/quests/").json()["quests"]}
    assert codes == {"practice", "xp"}
    with override_settings(QUEST_PRACTICE_ENABLED=False):
        assert [q["code"] for q in client_for(other).get("/api/v1/me/quests/").json()["quests"]] == ["xp"]


def test_me_quests_are_the_same_on_every_request_of_the_day(django_assert_num_queries):
    from courses.reference_data import reference_data_load

    reference_data_load(paths=[FIXTURES / "quest_templates.yaml"])
    learner = UserFactory(timezone="America/New_York")
    lesson = lesson_with_exercises(2)
    enroll(learner, lesson)
    client = client_for(learner)
    seen = []
    for hour in (5, 12, 23):  # 00:00, 07:00 and 18:00 in New York, March 4
        # Stored quests (none yet), the templates, the day's row.
        with time_machine.travel(dt.datetime(2026, 3, 4, hour, tzinfo=UTC), tick=False), django_assert_num_queries(3):
            body = client.get("/api/v1/me/quests/").json()
        seen.append([q["code"] for q in body["quests"]])
    assert body["date"] == "2026-03-04"
    assert body["resets_at"] == "2026-03-05T05:00:00Z"
    assert len(seen[0]) == 3
    assert seen[0] == seen[1] == seen[2]
    expected = [
        t.code
        for t in rules.quest_draw(
            list(QuestTemplate.objects.filter(is_active=True)),
            user_id=learner.pk,
            day=dt.date(2026, 3, 4),
            count=3,
        )
    ]
    assert seen[0] == expected
    # The first lesson stores them as drawn; an editor's change afterwards does not change today's quests.
    play_lesson(learner, lesson, now=dt.datetime(2026, 3, 4, 15, tzinfo=UTC))
    QuestTemplate.objects.filter(code__in=seen[0]).update(is_active=False)
    with time_machine.travel(dt.datetime(2026, 3, 4, 23, 30, tzinfo=UTC), tick=False), django_assert_num_queries(2):
        stored = [q["code"] for q in client.get("/api/v1/me/quests/").json()["quests"]]  # stored quests, day's row
    assert stored == seen[0]
    # The learner's next day (05:00 UTC) draws again, from the templates active then.
    with time_machine.travel(dt.datetime(2026, 3, 5, 5, 30, tzinfo=UTC), tick=False):
        tomorrow = client.get("/api/v1/me/quests/").json()
    assert tomorrow["date"] == "2026-03-05"
    assert not {q["code"] for q in tomorrow["quests"]} & set(seen[0])


# --- progress and rewards ---------------------------------------------------------------------------


def test_quests_progress_with_lessons_and_practice_and_reward_once():
    seeded_tiers()
    only_templates(
        ("two-lessons", Kind.COMPLETE_LESSONS, 2, Reward.XP, 10),
        ("three-in-a-row", Kind.CORRECT_IN_A_ROW, 3, Reward.HEART_REFILL, 0),
        ("practice", Kind.PRACTICE_SESSIONS, 1, Reward.STREAK_FREEZE, 0),
    )
    learner = UserFactory()
    unit = UnitFactory()
    first, second, third = (lesson_with_exercises(3, unit=unit, position=i) for i in range(3))
    enroll(learner, first)
    LearnerStatsFactory(user=learner)
    day = MORNING.date()

    # One wrong answer first (a heart lost), then three right: a run of 3, one lesson of two.
    done = play_lesson(learner, first, wrong=1, now=MORNING)
    assert [(q.template.code, q.progress, q.completed_at) for q in done.outcome.quests] == sorted(
        [("two-lessons", 1, None), ("three-in-a-row", 3, MORNING), ("practice", 0, None)],
        key=lambda row: [q.template.code for q in done.outcome.quests].index(row[0]),
    )
    refill = quest(learner, "three-in-a-row", day)
    assert (refill.reward, refill.hearts_given, refill.reward_xp, refill.freezes_given) == ("heart_refill", 1, 0, 0)
    stats = LearnerStats.objects.get(user=learner)
    assert stats.hearts == 5
    assert list(UserHeartsLog.objects.filter(user=learner).order_by("id").values_list("delta", "reason")) == [
        (-1, "wrong_answer"),
        (1, "quest_reward"),
    ]
    assert done.outcome.quest_xp == 0

    # A practice session, through its hook: the practice quest gives a streak freeze. (Its XP is left at 0 here:
    # the practice session that will log it comes with practice sessions themselves.)
    with transaction.atomic():
        locked = services.learner_stats_lock(user=learner)
        event = services.XpEvent(stats=locked, user=learner, now=MORNING + dt.timedelta(hours=1), day=day)
        practice = services.practice_session_record(event=event, xp=0, correct_run=2)
    assert [q.template.code for q in practice.quests_completed] == ["practice"]
    assert LearnerStats.objects.get(user=learner).streak_freezes == 1
    assert UserDailyXP.objects.get(user=learner, date=day).practice_sessions == 1

    # The second lesson completes "two lessons": 10 XP more, through the XP path, once.
    client = client_for(learner)
    with time_machine.travel(MORNING + dt.timedelta(hours=2), tick=False):
        session = client.post(f"/api/v1/lessons/{second.pk}/sessions/").json()
        for item in session["exercises"]:
            client.post(f"/api/v1/sessions/{session['id']}/answers/", {"exercise": item["id"], "answer": RIGHT})
        body = client.post(f"/api/v1/sessions/{session['id']}/complete/").json()
    assert body["xp"] == {"lesson": 10, "perfect_bonus": 5, "achievements": 0, "quests": 10}
    assert (body["lesson_xp_awarded"], body["total_xp_awarded"]) == (15, 25)
    by_code = {q["code"]: q for q in body["quests"]}
    assert by_code["two-lessons"]["progress"] == 2
    assert by_code["two-lessons"]["completed"] is True
    assert by_code["two-lessons"]["reward_given"] == {"xp": 10, "hearts": 0, "freezes": 0}
    assert by_code["practice"]["reward_given"] == {"xp": 0, "hearts": 0, "freezes": 1}
    # 10 (first lesson, a mistake) + 15 (second, perfect) + 10 (quest)
    assert LearnerStats.objects.get(user=learner).total_xp == 35
    assert UserDailyXP.objects.get(user=learner, date=day).xp == 35
    assert LeagueMembership.objects.get(user=learner).weekly_xp == 35
    # Nothing completes twice: a third lesson adds no reward.
    again = play_lesson(learner, third, now=MORNING + dt.timedelta(hours=3))
    assert (again.outcome.quests_completed, again.outcome.quest_xp) == ([], 0)
    assert UserQuest.objects.filter(user=learner, completed_at__isnull=False).count() == 3
    assert "No drift" in run("--user", str(learner.pk))


def test_a_full_stock_takes_no_more_and_the_log_replays():
    only_templates(
        ("refill", Kind.COMPLETE_LESSONS, 1, Reward.HEART_REFILL, 0),
        ("freeze", Kind.EARN_XP, 5, Reward.STREAK_FREEZE, 0),
        ("goal", Kind.DAILY_GOAL, 1, Reward.XP, 7),
    )
    learner = UserFactory()
    lesson = lesson_with_exercises(1)
    enroll(learner, lesson)
    LearnerStatsFactory(user=learner, streak_freezes=settings.STREAK_FREEZE_MAX)
    done = play_lesson(learner, lesson, now=MORNING)  # 15 XP: under the goal of 20
    given = {q.template.code: (q.hearts_given, q.freezes_given, q.reward_xp) for q in done.outcome.quests_completed}
    assert given == {"refill": (0, 0, 0), "freeze": (0, 0, 0)}
    assert not UserHeartsLog.objects.filter(user=learner).exists()
    assert LearnerStats.objects.get(user=learner).streak_freezes == settings.STREAK_FREEZE_MAX
    second = lesson_with_exercises(1)
    enroll(learner, second)
    after = play_lesson(learner, second, now=MORNING + dt.timedelta(hours=1))  # 30 XP: the goal is met
    assert [(q.template.code, q.reward_xp) for q in after.outcome.quests_completed] == [("goal", 7)]
    assert after.outcome.daily.xp == 37
    # The freezes a learner starts with are not in the logs; recalculation sees only what they replay.
    assert run("--user", str(learner.pk)).count("streak_freezes") == 1


def test_quest_rewards_replay_in_recalculate_progress():
    seeded_tiers()
    only_templates(
        ("xp", Kind.EARN_XP, 10, Reward.XP, 5),
        ("freeze", Kind.COMPLETE_LESSONS, 1, Reward.STREAK_FREEZE, 0),
        ("goal", Kind.DAILY_GOAL, 1, Reward.XP, 6),
    )
    learner = UserFactory()
    unit = UnitFactory()
    lessons = [lesson_with_exercises(1, unit=unit, position=i) for i in range(2)]
    enroll(learner, lessons[0])
    LearnerStatsFactory(user=learner)
    play_lesson(learner, lessons[0], now=MORNING)
    play_lesson(learner, lessons[1], now=MORNING + dt.timedelta(days=1))
    stats = LearnerStats.objects.get(user=learner)
    # Each day: 15 (lesson) + 5 (earn 10 XP) reaches the goal of 20: + 6.
    assert stats.total_xp == 52
    assert stats.streak_freezes == 2
    assert "No drift" in run("--user", str(learner.pk))
    # A corrupted weekly XP of an open week is reported and repaired; a closed week's is reported only.
    LeagueMembership.objects.filter(user=learner).update(weekly_xp=1)
    assert "league[2026-03-02].weekly_xp: stored 1, expected 52" in run("--user", str(learner.pk))
    run("--user", str(learner.pk), "--fix")
    assert LeagueMembership.objects.get(user=learner).weekly_xp == 52
    services.league_rollover(week=dt.date(2026, 3, 2), now=dt.datetime(2026, 3, 9, 1, tzinfo=UTC))
    LeagueMembership.objects.filter(user=learner, week_id=dt.date(2026, 3, 2)).update(weekly_xp=2)
    report = run("--user", str(learner.pk), "--fix")
    assert "league week 2026-03-02: weekly XP 2, expected 52; the week is closed, its results are kept" in report
    assert LeagueMembership.objects.get(user=learner, week_id=dt.date(2026, 3, 2)).weekly_xp == 2


# --- concurrency (PostgreSQL) ------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_completions_give_each_reward_once():
    seeded_tiers()
    only_templates(
        ("two-lessons", Kind.COMPLETE_LESSONS, 2, Reward.XP, 10),
        ("earn-20", Kind.EARN_XP, 20, Reward.XP, 7),
        ("goal", Kind.DAILY_GOAL, 1, Reward.STREAK_FREEZE, 0),
    )
    learner = UserFactory()
    unit = UnitFactory()
    lessons = [lesson_with_exercises(1, unit=unit, position=i) for i in range(6)]
    enroll(learner, lessons[0])
    LearnerStatsFactory(user=learner)
    starts = [services.lesson_session_start(user=learner, lesson_id=lesson.pk) for lesson in lessons]
    for start in starts:
        answering.lesson_session_answer(
            user=learner, session_id=start.session.pk, exercise_id=start.exercises[0].exercise_id, answer=RIGHT
        )
    barrier, errors = threading.Barrier(len(starts)), []

    def complete(index):
        try:
            barrier.wait(timeout=30)
            client_for(learner).post(f"/api/v1/sessions/{starts[index].session.pk}/complete/")
        except Exception as exc:  # re-raised below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=complete, args=(i,)) for i in range(len(starts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors
    quests = UserQuest.objects.filter(user=learner)
    assert quests.count() == 3
    assert sorted(quests.values_list("template__code", "reward_xp", "freezes_given")) == [
        ("earn-20", 7, 0),
        ("goal", 0, 1),
        ("two-lessons", 10, 0),
    ]
    stats = LearnerStats.objects.get(user=learner)
    assert (stats.total_xp, stats.streak_freezes, stats.lessons_completed) == (6 * 15 + 17, 1, 6)
    assert UserDailyXP.objects.get(user=learner).xp == 6 * 15 + 17
    assert LeagueMembership.objects.get(user=learner).weekly_xp == 6 * 15 + 17
    assert "No drift" in run("--user", str(learner.pk))
