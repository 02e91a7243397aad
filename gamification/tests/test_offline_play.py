"""Offline play: a session's answers sent later in one batch are graded as if sent one by one, each recorded once."""

import datetime as dt

import pytest
import time_machine
from django.test import override_settings
from rest_framework.test import APIClient

from accounts.tests.factories import UserFactory
from audit.models import UserActivityLog
from exercises.tests.factories import RIGHT, WRONG, lesson_with_exercises
from gamification.models import IdempotencyRecord, LearnerStats, UserHeartsLog
from gamification.tests.factories import LearnerStatsFactory
from gamification.tests.helpers import enroll
from progress.models import LessonSession, UserExerciseInteraction, UserLessonProgress

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def learner(hearts: int = 5, *, regenerating_since: dt.datetime | None = None):
    user = UserFactory()
    LearnerStatsFactory(user=user, hearts=hearts, hearts_updated_at=regenerating_since or T0)
    client = APIClient()
    client.force_authenticate(user)
    return user, client


def started(client, lesson) -> dict:
    response = client.post(f"/api/v1/lessons/{lesson.pk}/sessions/")
    assert response.status_code == 201, response.content
    return response.json()


def offline(exercise: int, answer: dict, key: str, *, at: dt.datetime = T0, time_ms: int = 1500) -> dict:
    return {
        "exercise": exercise,
        "answer": answer,
        "time_ms": time_ms,
        "answered_at": at.isoformat(),
        "idempotency_key": key,
    }


def send_batch(client, session: dict, answers: list[dict]):
    return client.post(f"/api/v1/sessions/{session['id']}/answers/batch/", {"answers": answers})


def send_online(client, session: dict, item: dict):
    body = {name: value for name, value in item.items() if name not in ("answered_at", "idempotency_key")}
    return client.post(f"/api/v1/sessions/{session['id']}/answers/", body, HTTP_IDEMPOTENCY_KEY=item["idempotency_key"])


def state(user, session_id: int) -> dict:
    """Everything an answer writes, without ids and the client's times."""
    session = LessonSession.objects.get(pk=session_id)
    stats = LearnerStats.objects.get(user=user)
    return {
        "hearts": (stats.hearts, stats.hearts_updated_at),
        "hearts_log": list(
            UserHeartsLog.objects.filter(user=user).order_by("id").values_list("delta", "reason", "balance_after")
        ),
        "interactions": list(
            UserExerciseInteraction.objects.filter(session_id=session_id)
            .order_by("created_at", "id")
            .values_list("exercise__key", "answer", "is_correct", "feedback", "time_ms", "created_at")
        ),
        "session": (
            session.status,
            session.mistakes,
            session.hearts_lost,
            session.last_activity_at,
            session.finished_at,
        ),
        "time_spent": UserLessonProgress.objects.get(user=user, lesson_id=session.lesson_id).time_spent_seconds,
        "failures": UserActivityLog.objects.filter(user=user, action="lesson_fail").count(),
        "stored": sorted(IdempotencyRecord.objects.filter(user=user).values_list("key", flat=True)),
    }


def play_both_ways(hearts: int, plan: list[tuple[int, dict]]):
    """Two learners with `hearts`, the same lesson: one sends `plan` ((exercise position, answer)) online, the other
    offline in one batch, at the same (fixed) time. Returns (online state, offline state, online replies, batch)."""
    lesson = lesson_with_exercises(4)
    results = []
    for way in ("online", "offline"):
        user, client = learner(hearts)
        enroll(user, lesson)
        with time_machine.travel(T0, tick=False):
            session = started(client, lesson)
        exercises = [exercise["id"] for exercise in session["exercises"]]
        items = [offline(exercises[position], answer, f"a-{index}") for index, (position, answer) in enumerate(plan)]
        with time_machine.travel(T0 + dt.timedelta(minutes=20), tick=False):
            if way == "online":
                replies = [send_online(client, session, item) for item in items]
            else:
                replies = send_batch(client, session, items)
        results.append((state(user, session["id"]), replies))
    (online_state, online_replies), (offline_state, batch) = results
    return online_state, offline_state, online_replies, batch


def comparable(body: dict) -> dict:
    """An answer's result without the ids that differ between two learners."""
    return {
        **{key: value for key, value in body.items() if key not in ("interaction", "exercise", "session")},
        "session": {key: value for key, value in body["session"].items() if key not in ("id", "lesson", "course")},
    }


def test_offline_answers_end_in_the_state_the_same_answers_online_do():
    plan = [(0, WRONG), (0, RIGHT), (1, RIGHT), (2, WRONG), (2, RIGHT), (3, RIGHT)]
    online, offline_state, online_replies, batch = play_both_ways(5, plan)
    assert batch.status_code == 200
    assert offline_state == online
    assert online["hearts_log"] == [(-1, "wrong_answer", 4), (-1, "wrong_answer", 3)]
    assert online["session"][:3] == ("active", 2, 2)
    results = batch.json()["results"]
    assert [result["status"] for result in results] == ["recorded"] * 6
    assert [comparable(result["result"]) for result in results] == [comparable(r.json()) for r in online_replies]
    assert batch.json()["accepted"] == 6
    assert batch.json()["hearts"]["count"] == 3


def test_hearts_running_out_mid_batch_fail_the_session_as_online_and_the_rest_is_refused():
    plan = [(0, WRONG), (1, RIGHT), (0, WRONG), (0, RIGHT), (2, RIGHT)]
    online, offline_state, online_replies, batch = play_both_ways(2, plan)
    assert offline_state == online
    assert online["hearts_log"] == [(-1, "wrong_answer", 1), (-1, "wrong_answer", 0)]
    assert online["session"][:3] == ("failed", 2, 2)
    assert online["failures"] == 1
    assert online["time_spent"] == 20 * 60
    assert [reply.status_code for reply in online_replies] == [200, 200, 200, 409, 409]
    results = batch.json()["results"]
    assert [(result["status"], result["accepted"], result["code"]) for result in results] == [
        ("recorded", True, None),
        ("recorded", True, None),
        ("recorded", True, None),
        ("refused", False, "session_finished"),
        ("refused", False, "session_finished"),
    ]
    assert results[3]["result"] is None
    assert results[3]["detail"] == "This session is failed."
    assert batch.json()["session"]["status"] == "failed"
    assert batch.json()["accepted"] == 3
    # The refused answers stored nothing under their keys: sent again (say online, once hearts are back), they act.
    assert online["stored"] == ["a-0", "a-1", "a-2"]


def test_regenerated_hearts_count_as_online_before_the_batch():
    """Hearts come back by the server's clock up to the sync: one regenerated heart is logged, then spent."""
    lesson = lesson_with_exercises(2)
    user, client = learner(3, regenerating_since=T0 - dt.timedelta(hours=5))
    enroll(user, lesson)
    with time_machine.travel(T0, tick=False):
        session = started(client, lesson)
        exercise = session["exercises"][0]["id"]
        response = send_batch(client, session, [offline(exercise, WRONG, "w-1")])
    assert response.json()["results"][0]["result"]["hearts_remaining"] == 3
    assert list(
        UserHeartsLog.objects.filter(user=user).order_by("id").values_list("delta", "reason", "balance_after")
    ) == [(1, "regeneration", 4), (-1, "wrong_answer", 3)]


def test_a_retried_batch_records_each_answer_once():
    lesson = lesson_with_exercises(3)
    user, client = learner()
    enroll(user, lesson)
    with time_machine.travel(T0, tick=False):
        session = started(client, lesson)
    exercises = [exercise["id"] for exercise in session["exercises"]]
    answers = [
        offline(exercises[0], WRONG, "k-0"),
        offline(exercises[0], RIGHT, "k-1"),
        offline(exercises[1], RIGHT, "k-2"),
    ]
    with time_machine.travel(T0 + dt.timedelta(minutes=5), tick=False):
        first = send_batch(client, session, answers)
        before = state(user, session["id"])
    with time_machine.travel(T0 + dt.timedelta(minutes=6), tick=False):
        again = send_batch(client, session, answers)
    assert [result["status"] for result in first.json()["results"]] == ["recorded"] * 3
    assert [result["status"] for result in again.json()["results"]] == ["replayed"] * 3
    assert [result["result"] for result in again.json()["results"]] == [r["result"] for r in first.json()["results"]]
    assert state(user, session["id"]) == before
    assert UserExerciseInteraction.objects.filter(user=user).count() == 3
    assert UserHeartsLog.objects.filter(user=user).count() == 1
    assert LearnerStats.objects.get(user=user).hearts == 4


def test_a_batch_overlapping_answers_sent_online_records_each_once():
    lesson = lesson_with_exercises(3)
    user, client = learner()
    enroll(user, lesson)
    with time_machine.travel(T0, tick=False):
        session = started(client, lesson)
    exercises = [exercise["id"] for exercise in session["exercises"]]
    answers = [
        offline(exercises[0], WRONG, "k-0"),
        offline(exercises[0], RIGHT, "k-1"),
        offline(exercises[1], RIGHT, "k-2"),
    ]
    with time_machine.travel(T0 + dt.timedelta(minutes=1), tick=False):
        online = [send_online(client, session, item).json() for item in answers[:2]]
    with time_machine.travel(T0 + dt.timedelta(minutes=5), tick=False):
        batch = send_batch(client, session, [*answers, offline(exercises[2], RIGHT, "k-3")]).json()
    assert [result["status"] for result in batch["results"]] == ["replayed", "replayed", "recorded", "recorded"]
    assert [result["result"] for result in batch["results"][:2]] == online
    assert batch["accepted"] == 4
    assert list(
        UserExerciseInteraction.objects.filter(user=user).order_by("id").values_list("exercise_id", "is_correct")
    ) == [(exercises[0], False), (exercises[0], True), (exercises[1], True), (exercises[2], True)]
    assert UserHeartsLog.objects.filter(user=user).count() == 1
    # And the other way: an answer of the batch sent online afterwards replays the batch's result.
    with time_machine.travel(T0 + dt.timedelta(minutes=6), tick=False):
        late = send_online(client, session, answers[2])
    assert (late.status_code, late["Idempotent-Replayed"]) == (200, "true")
    assert late.json() == batch["results"][2]["result"]
    assert UserExerciseInteraction.objects.filter(user=user).count() == 4


def test_refusals_inside_a_batch_are_listed_with_their_codes():
    lesson = lesson_with_exercises(2)
    user, client = learner()
    enroll(user, lesson)
    with time_machine.travel(T0, tick=False):
        session = started(client, lesson)
        exercise = session["exercises"][0]["id"]
        send_online(client, session, offline(session["exercises"][1]["id"], WRONG, "used"))
        response = send_batch(
            client,
            session,
            [
                offline(exercise, RIGHT, "b-0"),
                offline(exercise, RIGHT, "b-1"),  # already right (by the item before)
                offline(exercise, WRONG, "used"),  # the key stored another answer
                offline(exercise, WRONG, "b-0"),  # a key of this batch, another body
                offline(exercise, RIGHT, "b-0"),  # a key of this batch, the same body: its result
            ],
        )
    results = response.json()["results"]
    assert [(result["status"], result["code"]) for result in results] == [
        ("recorded", None),
        ("refused", "exercise_already_answered"),
        ("refused", "idempotency_key_reused"),
        ("refused", "idempotency_key_reused"),
        ("replayed", None),
    ]
    assert results[4]["result"] == results[0]["result"]
    assert UserExerciseInteraction.objects.filter(user=user).count() == 2


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        (lambda ex: [offline(ex[0], RIGHT, "x"), offline(ex[1], {"nope": 1}, "y")], "answers[1].answer.nope"),
        (lambda ex: [offline(ex[0], RIGHT, "x"), offline(999_999, RIGHT, "y")], "answers[1].exercise"),
        (lambda ex: [offline(ex[0], RIGHT, "x", at=T0 + dt.timedelta(minutes=2))], "answers[0].answered_at"),
        (lambda ex: [offline(ex[0], RIGHT, "x", at=T0 - dt.timedelta(minutes=2))], "answers[0].answered_at"),
        (lambda ex: [offline(ex[0], RIGHT, "")], "answers[0].idempotency_key"),
        (lambda ex: [{**offline(ex[0], RIGHT, "x"), "answered_at": "yesterday"}], "answers[0].answered_at"),
        (lambda ex: [], "answers"),
    ],
)
def test_a_batch_with_bad_input_is_400_at_the_answers_path_and_records_nothing(answers, field):
    lesson = lesson_with_exercises(2)
    user, client = learner()
    enroll(user, lesson)
    with time_machine.travel(T0, tick=False):
        session = started(client, lesson)
        exercises = [exercise["id"] for exercise in session["exercises"]]
        response = send_batch(client, session, answers(exercises))
    assert response.status_code == 400
    assert field in response.json()
    assert not UserExerciseInteraction.objects.filter(user=user).exists()
    assert not IdempotencyRecord.objects.filter(user=user).exists()


@override_settings(OFFLINE_BATCH_MAX_ANSWERS=3)
def test_a_batch_longer_than_the_limit_is_400():
    lesson = lesson_with_exercises(1)
    user, client = learner()
    enroll(user, lesson)
    session = started(client, lesson)
    exercise = session["exercises"][0]["id"]
    now = dt.datetime.now(dt.UTC)
    response = send_batch(client, session, [offline(exercise, WRONG, f"k{i}", at=now) for i in range(4)])
    assert (response.status_code, list(response.json())) == (400, ["answers"])


def test_a_batch_whose_first_answer_came_after_an_idle_hour_abandons_the_session_and_refuses_every_answer():
    lesson = lesson_with_exercises(2)
    user, client = learner()
    enroll(user, lesson)
    with time_machine.travel(T0, tick=False):
        session = started(client, lesson)
    exercises = [exercise["id"] for exercise in session["exercises"]]
    idle = T0 + dt.timedelta(hours=1, seconds=1)
    with time_machine.travel(idle + dt.timedelta(minutes=5), tick=False):
        response = send_batch(
            client,
            session,
            [offline(exercises[0], RIGHT, "i-0", at=idle), offline(exercises[1], RIGHT, "i-1", at=idle)],
        )
    assert response.status_code == 200
    assert [(r["status"], r["code"]) for r in response.json()["results"]] == [("refused", "session_finished")] * 2
    assert response.json()["session"]["status"] == "abandoned"
    assert LessonSession.objects.get(pk=session["id"]).status == "abandoned"
    assert not UserExerciseInteraction.objects.filter(user=user).exists()


def test_a_session_played_offline_for_hours_is_kept_while_its_answers_follow_each_other_within_the_hour():
    lesson = lesson_with_exercises(3)
    user, client = learner()
    enroll(user, lesson)
    with time_machine.travel(T0, tick=False):
        session = started(client, lesson)
    first, second, third = (exercise["id"] for exercise in session["exercises"])
    answers = [
        offline(first, RIGHT, "f-0", at=T0 + dt.timedelta(minutes=50)),
        offline(second, RIGHT, "f-1", at=T0 + dt.timedelta(minutes=100)),
        offline(third, RIGHT, "f-2", at=T0 + dt.timedelta(minutes=161)),  # 61 minutes after the one before
    ]
    synced = T0 + dt.timedelta(hours=6)
    with time_machine.travel(synced, tick=False):
        response = send_batch(client, session, answers)
    assert [(r["status"], r["code"]) for r in response.json()["results"]] == [
        ("recorded", None),
        ("recorded", None),
        ("refused", "session_finished"),
    ]
    stored = LessonSession.objects.get(pk=session["id"])
    assert (stored.status, stored.finished_at) == ("abandoned", synced)
    assert UserExerciseInteraction.objects.filter(user=user).count() == 2


def test_another_learners_session_is_404():
    lesson = lesson_with_exercises(1)
    owner, owner_client = learner()
    enroll(owner, lesson)
    session = started(owner_client, lesson)
    _, stranger = learner()
    now = dt.datetime.now(dt.UTC)
    response = send_batch(stranger, session, [offline(session["exercises"][0]["id"], RIGHT, "s", at=now)])
    assert response.status_code == 404


def test_answered_at_is_recorded_and_created_at_is_the_servers_time():
    lesson = lesson_with_exercises(1)
    user, client = learner()
    enroll(user, lesson)
    with time_machine.travel(T0, tick=False):
        session = started(client, lesson)
    played = T0 + dt.timedelta(minutes=3)
    with time_machine.travel(T0 + dt.timedelta(minutes=30), tick=False):
        send_batch(client, session, [offline(session["exercises"][0]["id"], RIGHT, "t", at=played)])
    interaction = UserExerciseInteraction.objects.get(user=user)
    assert (interaction.answered_at, interaction.created_at) == (played, T0 + dt.timedelta(minutes=30))
