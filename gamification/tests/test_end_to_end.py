"""The whole learner journey over HTTP: sign up, enroll, start, answer wrong then right, complete."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.core.management import call_command

from audit.models import UserActivityLog
from exercises.tests.factories import RIGHT, WRONG, course_with_lessons
from gamification.models import Achievement, LearnerStats, UserAchievement, UserDailyXP, UserHeartsLog
from gamification.tests.factories import AchievementFactory
from progress.models import LessonSession, UserCourse, UserExerciseInteraction, UserLessonProgress

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 10, 9, 30, tzinfo=zoneinfo.ZoneInfo("UTC"))


@time_machine.travel(NOW, tick=False)
def test_sign_up_enroll_play_and_complete(api_client):
    course, (first, second) = course_with_lessons(lessons=2, exercises=2)
    AchievementFactory(code="first-lesson", kind=Achievement.Kind.LESSONS_COMPLETED, threshold=1, xp_reward=5)
    AchievementFactory(code="ten-lessons", kind=Achievement.Kind.LESSONS_COMPLETED, threshold=10, xp_reward=50)

    signup = api_client.post(
        "/_allauth/app/v1/auth/signup", {"email": "ana@example.com", "password": "Corr3ct-Horse-Battery"}
    )
    assert signup.status_code == 200, signup.content
    api_client.credentials(HTTP_X_SESSION_TOKEN=signup.json()["meta"]["session_token"])

    enroll = api_client.post("/api/v1/enrollments/", {"course": course.pk})
    assert enroll.status_code == 201, enroll.content
    again = api_client.post("/api/v1/enrollments/", {"course": course.pk})
    assert again.status_code == 200
    assert again.json()["id"] == enroll.json()["id"]

    locked = api_client.post(f"/api/v1/lessons/{second.pk}/sessions/")
    assert locked.status_code == 409
    assert locked.json()["code"] == "lesson_locked"

    start = api_client.post(f"/api/v1/lessons/{first.pk}/sessions/")
    assert start.status_code == 201, start.content
    body = start.json()
    session_id = body["id"]
    assert body["status"] == "active"
    assert body["hearts"] == {"count": 5, "max": 5, "next_heart_at": None}
    exercise_ids = [exercise["id"] for exercise in body["exercises"]]
    assert len(exercise_ids) == 2
    assert "answers" not in str(body["exercises"])
    assert "manzana" not in str(body["exercises"])

    wrong = api_client.post(
        f"/api/v1/sessions/{session_id}/answers/", {"exercise": exercise_ids[0], "answer": WRONG, "time_ms": 4000}
    )
    assert wrong.status_code == 200, wrong.content
    assert wrong.json()["correct"] is False
    assert wrong.json()["correct_answer"] == "El niño come una manzana"
    assert wrong.json()["hearts"] == {"count": 4, "max": 5, "next_heart_at": "2026-03-10T13:30:00Z"}
    assert wrong.json()["session_status"] == "active"

    premature = api_client.post(f"/api/v1/sessions/{session_id}/complete/")
    assert premature.status_code == 409
    assert premature.json()["code"] == "lesson_incomplete"

    for exercise_id, answer in [(exercise_ids[0], {"text": "el nino come una manzana"}), (exercise_ids[1], RIGHT)]:
        right = api_client.post(f"/api/v1/sessions/{session_id}/answers/", {"exercise": exercise_id, "answer": answer})
        assert right.status_code == 200, right.content
        assert right.json()["correct"] is True
    assert right.json()["hearts_remaining"] == 4

    done = api_client.post(f"/api/v1/sessions/{session_id}/complete/")
    assert done.status_code == 200, done.content
    result = done.json()
    # 10 lesson XP, no perfect bonus (one mistake), 5 XP for the first-lesson achievement.
    assert result["xp"] == {"lesson": 10, "perfect_bonus": 0, "achievements": 5, "quests": 0}
    assert (result["lesson_xp_awarded"], result["total_xp_awarded"]) == (10, 15)
    assert result["session"]["lesson_xp_awarded"] == 10
    assert "xp_awarded" not in result
    assert result["score"] == 50
    assert result["perfect"] is False
    assert result["total_xp"] == 15
    assert result["course"] == {"id": course.pk, "xp": 10, "completion_percent": 50}
    assert result["streak"]["current"] == 1
    assert result["streak"]["extended"] is True
    assert result["today"] == {"date": "2026-03-10", "xp": 15, "goal": 20, "goal_met": False}
    assert [a["code"] for a in result["achievements_unlocked"]] == ["first-lesson"]
    assert result["hearts"]["count"] == 4

    again = api_client.post(f"/api/v1/sessions/{session_id}/complete/")
    assert again.status_code == 409
    assert again.json()["code"] == "session_finished"

    stats = api_client.get("/api/v1/me/stats/").json()
    assert stats["total_xp"] == 15
    assert stats["streak"] == {
        "current": 1,
        "longest": 1,
        "freezes": 0,
        "freezes_max": 2,
        "last_active_date": "2026-03-10",
        "extended_today": True,
    }
    assert stats["hearts"] == {
        "count": 4,
        "max": 5,
        "next_heart_at": "2026-03-10T13:30:00Z",
        "full_at": "2026-03-10T13:30:00Z",
    }
    assert stats["today"] == {"date": "2026-03-10", "xp": 15, "goal": 20, "goal_met": False}

    badges = {a["code"]: a for a in api_client.get("/api/v1/me/achievements/").json()["results"]}
    assert badges["first-lesson"]["unlocked"] is True
    assert badges["first-lesson"]["unlocked_at"] == "2026-03-10T09:30:00Z"
    assert badges["ten-lessons"]["progress"] == 1
    assert badges["ten-lessons"]["unlocked"] is False

    history = api_client.get("/api/v1/me/xp-history/?days=3").json()["results"]
    assert [(d["date"], d["xp"]) for d in history] == [("2026-03-08", 0), ("2026-03-09", 0), ("2026-03-10", 15)]

    # The second lesson is now available, and the enrollment shows it.
    enrollment = api_client.get(f"/api/v1/enrollments/{enroll.json()['id']}/").json()
    assert enrollment["lessons"] == {str(first.pk): "completed", str(second.pk): "available"}

    # The database agrees exactly.
    learner = UserCourse.objects.get().user
    assert LearnerStats.objects.filter(user=learner).values_list("total_xp", "hearts").get() == (15, 4)
    assert list(UserHeartsLog.objects.values_list("delta", "reason", "balance_after")) == [(-1, "wrong_answer", 4)]
    assert UserDailyXP.objects.get(user=learner).xp == 15
    assert UserExerciseInteraction.objects.filter(user=learner).count() == 3
    session = LessonSession.objects.get(pk=session_id)
    assert (session.status, session.mistakes, session.hearts_lost, session.xp_awarded) == ("completed", 1, 1, 10)
    progress = UserLessonProgress.objects.get(user=learner, lesson=first)
    assert (progress.status, progress.attempts, progress.best_score, progress.last_score) == ("completed", 1, 50, 50)
    assert UserAchievement.objects.get(user=learner, achievement__code="first-lesson").xp_awarded == 5
    actions = list(UserActivityLog.objects.filter(user=learner).order_by("id").values_list("action", flat=True))
    assert actions[-4:] == ["enroll", "lesson_start", "lesson_complete", "achievement_unlock"]

    # recalculate_progress finds nothing to repair after a real journey.
    call_command("recalculate_progress", stdout=(out := __import__("io").StringIO()))
    assert "No drift in 1 learner(s)." in out.getvalue()
