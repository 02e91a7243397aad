"""Many requests of one learner at once (PostgreSQL): hearts, XP and logs agree exactly afterwards."""

import io
import json
import threading

import pytest
from django.core.management import call_command
from django.db import connection
from rest_framework.test import APIClient

from accounts.tests.factories import UserFactory
from audit.models import UserActivityLog
from courses.tests.factories import UnitFactory
from exercises.tests.factories import RIGHT, WRONG, lesson_with_exercises
from gamification import services
from gamification.models import Achievement, LearnerStats, UserAchievement, UserDailyXP, UserHeartsLog
from gamification.tests.factories import AchievementFactory, LearnerStatsFactory
from gamification.tests.helpers import enroll
from progress.models import LessonSession, UserCourse, UserExerciseInteraction
from progress.selectors import completed_lesson_ids, live_lesson_count

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 24
WRONG_FIRST = 4


def run_in_threads(work, count):
    barrier = threading.Barrier(count)
    results, errors = [None] * count, []

    def target(index):
        try:
            barrier.wait(timeout=30)
            results[index] = work(index)
        except Exception as exc:  # collected and re-raised in the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    return results


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def learner_in_started_lesson(exercises: int):
    """(learner, SessionStart): a new learner enrolled in a new lesson of `exercises` exercises, which they started."""
    user = UserFactory()
    lesson = lesson_with_exercises(exercises)
    enroll(user, lesson)
    LearnerStatsFactory(user=user)
    return user, services.lesson_session_start(user=user, lesson_id=lesson.pk)


def test_parallel_answers_and_completions_of_one_learner():
    user = UserFactory()
    unit = UnitFactory()
    lessons = [lesson_with_exercises(1, unit=unit, position=i) for i in range(THREADS)]
    enroll(user, lessons[0])
    LearnerStatsFactory(user=user)
    AchievementFactory(code="ten-lessons", kind=Achievement.Kind.LESSONS_COMPLETED, threshold=10, xp_reward=7)
    sessions = [services.lesson_session_start(user=user, lesson_id=lesson.pk) for lesson in lessons]

    def play(index):
        client = client_for(user)
        start = sessions[index]
        url = f"/api/v1/sessions/{start.session.pk}/"
        exercise = start.exercises[0].exercise_id
        statuses = []
        if index < WRONG_FIRST:
            statuses.append(client.post(url + "answers/", {"exercise": exercise, "answer": WRONG}).status_code)
        statuses.append(client.post(url + "answers/", {"exercise": exercise, "answer": RIGHT}).status_code)
        statuses.append(client.post(url + "complete/").status_code)
        return statuses

    results = run_in_threads(play, THREADS)
    assert all(status == 200 for statuses in results for status in statuses)

    lesson_xp = THREADS * 10 + (THREADS - WRONG_FIRST) * 5
    stats = LearnerStats.objects.get(user=user)
    assert stats.total_xp == lesson_xp + 7
    assert stats.hearts == 5 - WRONG_FIRST
    assert stats.lessons_completed == THREADS
    assert stats.perfect_lessons == THREADS - WRONG_FIRST
    assert sorted(UserHeartsLog.objects.filter(user=user).values_list("balance_after", flat=True)) == [1, 2, 3, 4]
    assert UserExerciseInteraction.objects.filter(user=user).count() == THREADS + WRONG_FIRST
    assert LessonSession.objects.filter(user=user, status="completed").count() == THREADS
    daily = UserDailyXP.objects.get(user=user)
    assert (daily.xp, daily.lessons_completed) == (lesson_xp + 7, THREADS)
    assert UserCourse.objects.get(user=user).xp == lesson_xp
    enrollment = UserCourse.objects.get(user=user)
    assert len(completed_lesson_ids(user=user, course=enrollment.course_id)) == live_lesson_count(
        course=enrollment.course_id
    )
    # The course was completed once, by exactly one of the parallel completions.
    assert LessonSession.objects.filter(user=user, completed_course=True).count() == 1
    assert LearnerStats.objects.get(user=user).courses_completed == 1
    assert UserAchievement.objects.filter(user=user, unlocked_at__isnull=False).count() == 1
    assert UserActivityLog.objects.filter(user=user, action="achievement_unlock").count() == 1
    out = io.StringIO()
    call_command("recalculate_progress", "--user", str(user.pk), stdout=out)
    assert "No drift" in out.getvalue()


def test_parallel_replays_of_one_idempotency_key_act_once():
    user, start = learner_in_started_lesson(1)
    url = f"/api/v1/sessions/{start.session.pk}/answers/"
    body = {"exercise": start.exercises[0].exercise_id, "answer": WRONG}

    def send(index):
        response = client_for(user).post(url, body, HTTP_IDEMPOTENCY_KEY="same-key")
        return response.status_code, response.json()

    results = run_in_threads(send, 20)
    assert {status for status, _ in results} == {200}
    assert len({json.dumps(body, sort_keys=True) for _, body in results}) == 1
    assert UserExerciseInteraction.objects.filter(user=user).count() == 1
    assert LearnerStats.objects.get(user=user).hearts == 4
    assert UserHeartsLog.objects.filter(user=user).count() == 1


def test_parallel_wrong_answers_never_go_below_zero_hearts():
    user, start = learner_in_started_lesson(20)
    url = f"/api/v1/sessions/{start.session.pk}/answers/"
    exercises = [link.exercise_id for link in start.exercises]

    def send(index):
        return client_for(user).post(url, {"exercise": exercises[index], "answer": WRONG}).status_code

    statuses = run_in_threads(send, 20)
    assert sorted(statuses) == [200] * 5 + [409] * 15  # the fifth wrong answer fails the session
    assert LearnerStats.objects.get(user=user).hearts == 0
    assert list(UserHeartsLog.objects.filter(user=user).order_by("id").values_list("balance_after", flat=True)) == [
        4,
        3,
        2,
        1,
        0,
    ]
    session = LessonSession.objects.get(pk=start.session.pk)
    assert (session.status, session.mistakes, session.hearts_lost) == ("failed", 5, 5)
    assert UserExerciseInteraction.objects.filter(user=user).count() == 5


def test_a_right_answer_sent_many_times_at_once_counts_once():
    user, start = learner_in_started_lesson(2)
    url = f"/api/v1/sessions/{start.session.pk}/answers/"
    body = {"exercise": start.exercises[0].exercise_id, "answer": RIGHT}

    def send(index):
        response = client_for(user).post(url, body)
        return response.status_code, response.json().get("code")

    results = run_in_threads(send, 12)
    assert sorted(results, key=str) == [(200, None)] + [(409, "exercise_already_answered")] * 11
    assert UserExerciseInteraction.objects.filter(session=start.session).count() == 1
    assert LearnerStats.objects.get(user=user).hearts == 5


def test_a_completion_sent_many_times_at_once_pays_once():
    user, start = learner_in_started_lesson(1)
    url = f"/api/v1/sessions/{start.session.pk}/"
    answered = client_for(user).post(url + "answers/", {"exercise": start.exercises[0].exercise_id, "answer": RIGHT})
    assert answered.status_code == 200

    def send(index):
        response = client_for(user).post(url + "complete/")
        return response.status_code, response.json().get("code")

    results = run_in_threads(send, 12)
    assert sorted(results, key=str) == [(200, None)] + [(409, "session_finished")] * 11
    lesson_xp = 10 + 5  # one exercise of 10 XP, perfect
    stats = LearnerStats.objects.get(user=user)
    assert (stats.total_xp, stats.lessons_completed, stats.perfect_lessons) == (lesson_xp, 1, 1)
    daily = UserDailyXP.objects.get(user=user)
    assert (daily.xp, daily.lessons_completed) == (lesson_xp, 1)
    assert UserCourse.objects.get(user=user).xp == lesson_xp
    assert UserActivityLog.objects.filter(user=user, action="lesson_complete").count() == 1


def test_a_lesson_started_many_times_at_once_has_one_active_session():
    user = UserFactory()
    lesson = lesson_with_exercises(2)
    enroll(user, lesson)
    LearnerStatsFactory(user=user)

    def send(index):
        return client_for(user).post(f"/api/v1/lessons/{lesson.pk}/sessions/").status_code

    assert run_in_threads(send, 12) == [201] * 12
    # Each start abandons the attempt before it (one active attempt per lesson, also a unique index).
    sessions = LessonSession.objects.filter(user=user, lesson=lesson)
    assert sorted(sessions.values_list("status", flat=True)) == ["abandoned"] * 11 + ["active"]
    assert UserActivityLog.objects.filter(user=user, action="lesson_start").count() == 12


def test_a_course_enrolled_in_many_times_at_once_has_one_enrollment():
    user = UserFactory()
    course = lesson_with_exercises(1).unit.section.course

    def send(index):
        return client_for(user).post("/api/v1/enrollments/", {"course": course.pk}).status_code

    assert sorted(run_in_threads(send, 12)) == [200] * 11 + [201]
    assert UserCourse.objects.filter(user=user, course=course).count() == 1
    assert UserActivityLog.objects.filter(user=user, action="enroll").count() == 1


def test_an_offline_batch_and_online_answers_of_one_learner_at_once_record_each_answer_once():
    user, start = learner_in_started_lesson(10)
    url = f"/api/v1/sessions/{start.session.pk}/answers/"
    exercises = [link.exercise_id for link in start.exercises]
    answered_at = start.session.started_at.isoformat()
    items = [
        {"exercise": exercise, "answer": WRONG if index < 3 else RIGHT, "time_ms": 900, "idempotency_key": f"k-{index}"}
        for index, exercise in enumerate(exercises)
    ]

    def send(index):
        client = client_for(user)
        if index == 0:  # the batch of the whole session, played offline
            batch = [{**item, "answered_at": answered_at} for item in items]
            response = client.post(url + "batch/", {"answers": batch})
            return response.status_code, {r["idempotency_key"]: r["result"] for r in response.json()["results"]}
        if index == len(items) + 1:  # one more wrong answer, under its own key
            body = {"exercise": exercises[0], "answer": WRONG}
            return client.post(url, body, HTTP_IDEMPOTENCY_KEY="extra").status_code, {}
        item = items[index - 1]  # the same answer sent online too, under the same key
        body = {name: value for name, value in item.items() if name != "idempotency_key"}
        response = client.post(url, body, HTTP_IDEMPOTENCY_KEY=item["idempotency_key"])
        return response.status_code, {item["idempotency_key"]: response.json()}

    results = run_in_threads(send, len(items) + 2)
    assert {status for status, _ in results} == {200}
    batch = results[0][1]
    assert all(batch[key] == online[key] for _, online in results[1:] for key in online)
    assert UserExerciseInteraction.objects.filter(user=user).count() == 11
    assert UserExerciseInteraction.objects.filter(user=user, is_correct=False).count() == 4
    assert LearnerStats.objects.get(user=user).hearts == 1
    assert list(UserHeartsLog.objects.filter(user=user).order_by("id").values_list("balance_after", flat=True)) == [
        4,
        3,
        2,
        1,
    ]
    session = LessonSession.objects.get(pk=start.session.pk)
    assert (session.status, session.mistakes, session.hearts_lost) == ("active", 4, 4)


def test_twenty_concurrent_answers_leave_memory_states_equal_to_a_replay_of_the_answer_log():
    """20 answers at once over 10 exercises (two each, some wrong): one review per exercise, the first recorded."""
    from progress.memory import answer_log, memory_from_model, memory_replay
    from progress.models import MemoryState

    user, start = learner_in_started_lesson(10)
    exercises = [link.exercise_id for link in start.exercises]
    url = f"/api/v1/sessions/{start.session.pk}/answers/"

    def answer(index):
        exercise = exercises[index % 10]
        body = WRONG if index < 10 and index % 3 == 0 else RIGHT
        response = client_for(user).post(
            url, {"exercise": exercise, "answer": body, "time_ms": 1000 + index}, format="json"
        )
        return response.status_code

    statuses = run_in_threads(answer, 20)
    assert set(statuses) <= {200, 409}
    log = list(answer_log(user=user))
    replayed = memory_replay(log, retention_for=lambda exercise_id: 0.9)
    stored = {state.exercise_id: memory_from_model(state) for state in MemoryState.objects.filter(user=user)}
    assert set(stored) == set(exercises)
    assert stored == {exercise_id: memory for exercise_id, (_, memory) in replayed.items()}
    assert {memory.reps for memory in stored.values()} == {1}
    first_try = {}
    for answer in log:
        first_try.setdefault(answer.exercise_id, answer.correct)
    assert {e: m.last_first_try_correct for e, m in stored.items()} == first_try
    out = io.StringIO()
    call_command("recalculate_progress", "--user", str(user.pk), stdout=out)
    assert "No drift" in out.getvalue()
