"""Session API rules: refusals (404/409/400/422), idempotent replays, failing, abandoning."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command
from rest_framework.test import APIClient

from accounts.tests.factories import UserFactory
from audit.models import SystemAuditLog, UserActivityLog
from courses.tests.factories import CourseFactory
from exercises.tests.factories import (
    RIGHT,
    WRONG,
    ExerciseFactory,
    ExerciseTypeFactory,
    LessonExerciseFactory,
    course_with_lessons,
    lesson_with_exercises,
)
from gamification.models import IdempotencyRecord, LearnerStats, UserHeartsLog
from gamification.tests.factories import AchievementFactory, LearnerStatsFactory
from gamification.tests.helpers import enroll
from progress.models import LessonSession, UserExerciseInteraction

pytestmark = pytest.mark.django_db


@pytest.fixture
def lesson(user):
    lesson = lesson_with_exercises(2)
    enroll(user, lesson)
    return lesson


def start(client, lesson, **params):
    response = client.post(
        f"/api/v1/lessons/{lesson.pk}/sessions/", QUERY_STRING="&".join(f"{k}={v}" for k, v in params.items())
    )
    assert response.status_code == 201, response.content
    return response.json()


def answer(client, session, exercise, body, **headers):
    return client.post(f"/api/v1/sessions/{session['id']}/answers/", {"exercise": exercise, "answer": body}, **headers)


def test_not_enrolled_is_409(learner_client):
    lesson = lesson_with_exercises(1)
    response = learner_client.post(f"/api/v1/lessons/{lesson.pk}/sessions/")
    assert (response.status_code, response.json()["code"]) == (409, "not_enrolled")


def test_unknown_or_unpublished_lesson_is_404(learner_client):
    assert learner_client.post("/api/v1/lessons/999999/sessions/").status_code == 404
    hidden = lesson_with_exercises(1, unit__section__course=CourseFactory(is_published=False))
    assert learner_client.post(f"/api/v1/lessons/{hidden.pk}/sessions/").status_code == 404


def test_locked_lesson_is_409(learner_client, user):
    _, (_, second) = course_with_lessons(2, 1)
    enroll(user, second)
    response = learner_client.post(f"/api/v1/lessons/{second.pk}/sessions/")
    assert (response.status_code, response.json()["code"]) == (409, "lesson_locked")
    assert not LessonSession.objects.exists()


def test_no_hearts_is_409_and_says_when_the_next_comes(learner_client, user, lesson):
    now = dt.datetime(2026, 1, 5, 10, tzinfo=dt.UTC)
    LearnerStatsFactory(user=user, hearts=0, hearts_updated_at=now - dt.timedelta(hours=1))
    with time_machine.travel(now, tick=False):
        response = learner_client.post(f"/api/v1/lessons/{lesson.pk}/sessions/")
        assert (response.status_code, response.json()["code"]) == (409, "no_hearts")
        assert learner_client.get("/api/v1/me/stats/").json()["hearts"]["next_heart_at"] == "2026-01-05T13:00:00Z"
    with time_machine.travel(now + dt.timedelta(hours=3), tick=False):
        assert learner_client.post(f"/api/v1/lessons/{lesson.pk}/sessions/").status_code == 201


def test_another_learners_session_is_404(learner_client, lesson):
    session = start(learner_client, lesson)
    exercise = session["exercises"][0]["id"]
    other = APIClient()
    other.force_authenticate(UserFactory())
    assert other.get(f"/api/v1/sessions/{session['id']}/").status_code == 404
    assert answer(other, session, exercise, RIGHT).status_code == 404
    assert other.post(f"/api/v1/sessions/{session['id']}/complete/").status_code == 404
    assert learner_client.get(f"/api/v1/sessions/{session['id']}/").json()["status"] == "active"
    assert not UserExerciseInteraction.objects.exists()


def test_anonymous_is_refused(api_client, lesson):
    assert api_client.post(f"/api/v1/lessons/{lesson.pk}/sessions/").status_code == 401
    assert api_client.get("/api/v1/me/stats/").status_code == 401


def test_replayed_idempotency_key_returns_the_first_response_and_changes_nothing(learner_client, user, lesson):
    session = start(learner_client, lesson)
    exercise = session["exercises"][0]["id"]
    first = answer(learner_client, session, exercise, WRONG, HTTP_IDEMPOTENCY_KEY="answer-1")
    replay = answer(learner_client, session, exercise, WRONG, HTTP_IDEMPOTENCY_KEY="answer-1")
    assert first.status_code == replay.status_code == 200
    assert replay.json() == first.json()
    assert replay["Idempotent-Replayed"] == "true"
    assert UserExerciseInteraction.objects.count() == 1
    assert UserHeartsLog.objects.count() == 1
    assert LearnerStats.objects.get(user=user).hearts == 4

    reused = answer(learner_client, session, exercise, RIGHT, HTTP_IDEMPOTENCY_KEY="answer-1")
    assert (reused.status_code, reused.json()["code"]) == (422, "idempotency_key_reused")
    assert UserExerciseInteraction.objects.count() == 1


def test_idempotent_complete_replays_without_a_second_award(learner_client, user, lesson):
    session = start(learner_client, lesson)
    for exercise in session["exercises"]:
        assert answer(learner_client, session, exercise["id"], RIGHT).status_code == 200
    url = f"/api/v1/sessions/{session['id']}/complete/"
    first = learner_client.post(url, HTTP_IDEMPOTENCY_KEY="done")
    replay = learner_client.post(url, HTTP_IDEMPOTENCY_KEY="done")
    assert first.status_code == replay.status_code == 200
    assert replay.json() == first.json()
    assert first.json()["total_xp_awarded"] == 15  # 10 + 5 perfect bonus
    assert LearnerStats.objects.get(user=user).total_xp == 15
    assert IdempotencyRecord.objects.filter(user=user).count() == 1
    assert learner_client.post(url).status_code == 409


def test_expired_idempotency_key_may_be_used_again(learner_client, lesson, settings):
    settings.IDEMPOTENCY_KEY_TTL_SECONDS = 60
    session = start(learner_client, lesson)
    exercises = [e["id"] for e in session["exercises"]]
    assert answer(learner_client, session, exercises[0], RIGHT, HTTP_IDEMPOTENCY_KEY="k").status_code == 200
    IdempotencyRecord.objects.update(created_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    again = answer(learner_client, session, exercises[1], RIGHT, HTTP_IDEMPOTENCY_KEY="k")
    assert again.status_code == 200
    assert again.json()["exercise"] == exercises[1]


def test_bad_idempotency_key_is_400(learner_client, lesson):
    session = start(learner_client, lesson)
    exercise = session["exercises"][0]["id"]
    assert answer(learner_client, session, exercise, RIGHT, HTTP_IDEMPOTENCY_KEY="x" * 256).status_code == 400
    assert answer(learner_client, session, exercise, RIGHT, HTTP_IDEMPOTENCY_KEY=" ").status_code == 400
    assert answer(learner_client, session, exercise, RIGHT, HTTP_IDEMPOTENCY_KEY="a\tb").status_code == 400
    assert not UserExerciseInteraction.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {"exercise": "abc", "answer": {"text": "x"}},
        {"answer": {"text": "x"}},
        {"exercise": 1},
        {"exercise": 1, "answer": {"text": "x"}, "time_ms": -5},
        {"exercise": 1, "answer": {"text": "x", "junk": "nul\u0000"}},
        {"exercise": 1, "answer": {"text": "x" * 20_000}},
        {"exercise": 10**30, "answer": {"text": "x"}},
    ],
)
def test_malformed_answer_body_is_400(learner_client, lesson, body):
    session = start(learner_client, lesson)
    assert learner_client.post(f"/api/v1/sessions/{session['id']}/answers/", body).status_code == 400


@pytest.mark.parametrize("bad", [{"text": 5}, "text", {"option": 3}, None, [1, 2]])
def test_answer_of_the_wrong_shape_is_400_and_costs_nothing(learner_client, user, lesson, bad):
    session = start(learner_client, lesson)
    response = answer(learner_client, session, session["exercises"][0]["id"], bad)
    assert response.status_code == 400, response.content
    assert not UserExerciseInteraction.objects.exists()
    assert LearnerStats.objects.get(user=user).hearts == 5


def test_exercise_outside_the_lesson_is_400(learner_client, lesson):
    session = start(learner_client, lesson)
    stranger = ExerciseFactory()
    assert answer(learner_client, session, stranger.pk, RIGHT).status_code == 400


def test_multiple_choice_and_audio_quality(learner_client, user):
    lesson = lesson_with_exercises(0)
    enroll(user, lesson)
    mc = ExerciseFactory(
        type=ExerciseTypeFactory(code="multiple_choice"), options=[("el gato", False), ("el perro", True)]
    )
    wrong_option, right_option = mc.options.order_by("position")
    LessonExerciseFactory(lesson=lesson, exercise=mc)
    session = start(learner_client, lesson, audio_quality="high")
    # The options come in the session's own shuffled order (exercises/tests/test_shuffle.py).
    assert sorted(session["exercises"][0]["content"]["options"], key=lambda option: option["id"]) == [
        {"id": wrong_option.pk, "text": "el gato"},
        {"id": right_option.pk, "text": "el perro"},
    ]
    wrong = answer(learner_client, session, mc.pk, {"option": wrong_option.pk}).json()
    assert wrong["correct_answer"] == {"option": right_option.pk, "text": "el perro"}
    assert answer(learner_client, session, mc.pk, {"option": right_option.pk}).json()["correct"] is True
    bad_quality = learner_client.post(f"/api/v1/lessons/{lesson.pk}/sessions/?audio_quality=ultra")
    assert bad_quality.status_code == 400


def test_exercise_already_answered_correctly_is_409(learner_client, lesson):
    session = start(learner_client, lesson)
    exercise = session["exercises"][0]["id"]
    assert answer(learner_client, session, exercise, RIGHT).status_code == 200
    response = answer(learner_client, session, exercise, WRONG)
    assert (response.status_code, response.json()["code"]) == (409, "exercise_already_answered")


def test_running_out_of_hearts_fails_the_session(learner_client, user, lesson):
    session = start(learner_client, lesson)
    exercise = session["exercises"][0]["id"]
    for expected in (4, 3, 2, 1):
        body = answer(learner_client, session, exercise, WRONG).json()
        assert (body["hearts_remaining"], body["session_status"]) == (expected, "active")
    last = answer(learner_client, session, exercise, WRONG).json()
    assert (last["hearts_remaining"], last["session_status"]) == (0, "failed")
    assert last["session"]["hearts_lost"] == 5
    after = answer(learner_client, session, exercise, RIGHT)
    assert (after.status_code, after.json()["code"]) == (409, "session_finished")
    assert learner_client.post(f"/api/v1/sessions/{session['id']}/complete/").status_code == 409
    fail = UserActivityLog.objects.get(user=user, action=UserActivityLog.Action.LESSON_FAIL)
    assert fail.metadata == {"lesson": lesson.pk, "session": session["id"], "mistakes": 5}
    no_hearts = learner_client.post(f"/api/v1/lessons/{lesson.pk}/sessions/")
    assert (no_hearts.status_code, no_hearts.json()["code"]) == (409, "no_hearts")


def test_retried_wrong_answer_then_complete_is_not_perfect(learner_client, lesson):
    session = start(learner_client, lesson)
    first, second = (e["id"] for e in session["exercises"])
    answer(learner_client, session, first, WRONG)
    answer(learner_client, session, first, RIGHT)
    answer(learner_client, session, second, RIGHT)
    done = learner_client.post(f"/api/v1/sessions/{session['id']}/complete/").json()
    assert (done["lesson_xp_awarded"], done["score"], done["perfect"]) == (10, 50, False)


def test_optional_exercises_need_not_be_answered(learner_client, user):
    lesson = lesson_with_exercises(1)
    LessonExerciseFactory(lesson=lesson, position=5, is_required=False)
    enroll(user, lesson)
    session = start(learner_client, lesson)
    assert [e["is_required"] for e in session["exercises"]] == [True, False]
    answer(learner_client, session, session["exercises"][0]["id"], RIGHT)
    assert learner_client.post(f"/api/v1/sessions/{session['id']}/complete/").status_code == 200


def test_idle_session_is_abandoned_and_refuses_answers(learner_client, lesson):
    t0 = dt.datetime(2026, 1, 5, 10, tzinfo=dt.UTC)
    with time_machine.travel(t0, tick=False):
        session = start(learner_client, lesson)
    with time_machine.travel(t0 + dt.timedelta(hours=1, seconds=1), tick=False):
        response = answer(learner_client, session, session["exercises"][0]["id"], RIGHT)
        assert (response.status_code, response.json()["code"]) == (409, "session_finished")
    assert LessonSession.objects.get(pk=session["id"]).status == "abandoned"


def test_completing_an_idle_session_is_refused_and_abandons_it(learner_client, lesson):
    t0 = dt.datetime(2026, 1, 5, 10, tzinfo=dt.UTC)
    with time_machine.travel(t0, tick=False):
        session = start(learner_client, lesson)
        for exercise in session["exercises"]:
            answer(learner_client, session, exercise["id"], RIGHT)
    with time_machine.travel(t0 + dt.timedelta(hours=1, seconds=1), tick=False):
        response = learner_client.post(f"/api/v1/sessions/{session['id']}/complete/", HTTP_IDEMPOTENCY_KEY="late-1")
        assert (response.status_code, response.json()["code"]) == (409, "session_finished")
    refused = LessonSession.objects.get(pk=session["id"])
    assert (refused.status, refused.xp_awarded, refused.completed_on) == ("abandoned", 0, None)
    assert not IdempotencyRecord.objects.filter(key="late-1").exists()


def test_restarting_a_lesson_abandons_the_active_attempt(learner_client, lesson):
    first = start(learner_client, lesson)
    second = start(learner_client, lesson)
    assert LessonSession.objects.get(pk=first["id"]).status == "abandoned"
    assert LessonSession.objects.get(pk=second["id"]).status == "active"


def test_abandon_idle_sessions_command(user, lesson):
    t0 = dt.datetime(2026, 1, 5, 10, tzinfo=dt.UTC)
    from gamification import services

    services.lesson_session_start(user=user, lesson_id=lesson.pk, now=t0)
    with time_machine.travel(t0 + dt.timedelta(minutes=30), tick=False):
        call_command("abandon_idle_sessions", stdout=io.StringIO())
    assert LessonSession.objects.get().status == "active"
    with time_machine.travel(t0 + dt.timedelta(hours=2), tick=False):
        out = io.StringIO()
        call_command("abandon_idle_sessions", stdout=out)
    assert "Abandoned 1 idle session(s)." in out.getvalue()
    assert LessonSession.objects.get().status == "abandoned"
    assert SystemAuditLog.objects.get().summary == {"abandoned": 1}


@pytest.mark.parametrize("days", ["0", "366", "abc", "-1"])
def test_xp_history_validates_days(learner_client, days):
    assert learner_client.get(f"/api/v1/me/xp-history/?days={days}").status_code == 400


def test_xp_history_has_one_entry_per_local_day(learner_client):
    with time_machine.travel(dt.datetime(2026, 1, 5, 10, tzinfo=dt.UTC), tick=False):
        body = learner_client.get("/api/v1/me/xp-history/?days=365").json()
        default = learner_client.get("/api/v1/me/xp-history/").json()
    assert len(body["results"]) == 365
    assert body["results"][-1] == {"date": "2026-01-05", "xp": 0, "goal": 20, "goal_met": False}
    assert len(default["results"]) == 30


def test_me_stats_before_any_lesson(learner_client):
    body = learner_client.get("/api/v1/me/stats/").json()
    assert body["total_xp"] == 0
    assert body["hearts"]["count"] == 5
    assert body["streak"]["current"] == 0


def test_me_stats_reads_the_stats_and_the_days_row_in_one_query(learner_client, django_assert_num_queries):
    from gamification.models import UserDailyXP

    user = learner_client.user
    user.daily_xp_goal = 30
    user.save(update_fields=["daily_xp_goal"])
    LearnerStatsFactory(
        user=user, total_xp=120, current_streak=2, longest_streak=4, last_active_date=dt.date(2026, 1, 4)
    )
    UserDailyXP.objects.create(user=user, date=dt.date(2026, 1, 4), xp=12, goal=20)
    with time_machine.travel(dt.datetime(2026, 1, 4, 10, tzinfo=dt.UTC), tick=False), django_assert_num_queries(1):
        played = learner_client.get("/api/v1/me/stats/").json()
    with time_machine.travel(dt.datetime(2026, 1, 5, 10, tzinfo=dt.UTC), tick=False), django_assert_num_queries(1):
        next_day = learner_client.get("/api/v1/me/stats/").json()  # no row for the day yet: the learner's goal
    assert (played["total_xp"], played["streak"]["current"], played["streak"]["longest"]) == (120, 2, 4)
    assert played["today"] == {"date": "2026-01-04", "xp": 12, "goal": 20, "goal_met": False}
    assert next_day["today"] == {"date": "2026-01-05", "xp": 0, "goal": 30, "goal_met": False}
    assert next_day["streak"]["current"] == 2


def test_me_achievements_lists_active_ones_with_progress(learner_client):
    AchievementFactory(code="a", threshold=3)
    AchievementFactory(code="hidden", is_active=False)
    body = learner_client.get("/api/v1/me/achievements/").json()["results"]
    assert [(a["code"], a["progress"], a["unlocked"]) for a in body] == [("a", 0, False)]
