"""An answer is four round trips to PostgreSQL, BEGIN and COMMIT included, counted on the wire (tests/wire.py).

The lock-and-read statement is prepared once per connection (gamification.answering): the first answer on a
connection pays one more round trip, the PREPARE; each test warms its connection up with one answer first.
"""

import pytest
from django.db import connection
from rest_framework.test import APIClient

from accounts.tests.factories import UserFactory
from exercises.tests.factories import (
    RIGHT,
    WRONG,
    ExerciseFactory,
    ExerciseTypeFactory,
    LessonExerciseFactory,
    lesson_with_exercises,
)
from gamification import services
from gamification.tests.factories import LearnerStatsFactory
from progress.models import UserExerciseInteraction
from progress.services import user_course_enroll
from tests.wire import connection_round_trips

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def started(exercises: int = 3):
    user = UserFactory()
    lesson = lesson_with_exercises(exercises)
    user_course_enroll(user=user, course=lesson.unit.section.course)
    LearnerStatsFactory(user=user)
    start = services.lesson_session_start(user=user, lesson_id=lesson.pk)
    client = APIClient()
    client.force_authenticate(user)
    return client, start, [link.exercise_id for link in start.exercises]


def warmed_up(client, session_id: int, exercise_id: int, wire, answer=WRONG) -> None:
    """One wrong answer on the proxied (new) connection: it prepares the lock-and-read statement."""
    response = client.post(f"/api/v1/sessions/{session_id}/answers/", {"exercise": exercise_id, "answer": answer})
    assert response.status_code == 200
    assert shape(wire.trips) == ["BEGIN", "PREPARE", "EXECUTE", "WITH", "COMMIT"]
    wire.reset()


def shape(trips: list[list[str]]) -> list[str]:
    """Each round trip by what it starts with (one statement each here)."""
    assert all(len(statements) == 1 for statements in trips), trips
    return [statements[0].split()[0].upper() for statements in trips]


@pytest.mark.parametrize("answer", [RIGHT, WRONG])
def test_an_answer_with_an_idempotency_key_is_four_round_trips(answer):
    client, start, exercises = started()
    url = f"/api/v1/sessions/{start.session.pk}/answers/"
    with connection_round_trips(connection) as wire:
        warmed_up(client, start.session.pk, exercises[1], wire)
        response = client.post(url, {"exercise": exercises[0], "answer": answer}, HTTP_IDEMPOTENCY_KEY="k-1")
        assert response.status_code == 200
        trips = list(wire.trips)
        wire.reset()
        replay = client.post(url, {"exercise": exercises[0], "answer": answer}, HTTP_IDEMPOTENCY_KEY="k-1")
        replay_trips = list(wire.trips)
    assert shape(trips) == ["BEGIN", "EXECUTE", "WITH", "COMMIT"]
    assert trips[1][0].startswith("EXECUTE answer_lock_and_read")
    assert "INSERT INTO" in trips[2][0]
    # A replay reads and writes nothing more: the lock-and-read statement finds the stored response.
    assert (replay.status_code, replay.json()) == (200, response.json())
    assert shape(replay_trips) == ["BEGIN", "EXECUTE", "COMMIT"]
    assert UserExerciseInteraction.objects.filter(session=start.session.pk, exercise=exercises[0]).count() == 1


def test_a_multiple_choice_answer_that_fails_the_session_is_four_round_trips():
    user = UserFactory()
    lesson = lesson_with_exercises(0)
    choice = ExerciseFactory(
        type=ExerciseTypeFactory(code="multiple_choice"), options=[("el gato", False), ("el perro", True)]
    )
    LessonExerciseFactory(lesson=lesson, exercise=choice)
    user_course_enroll(user=user, course=lesson.unit.section.course)
    LearnerStatsFactory(user=user, hearts=2)
    session = services.lesson_session_start(user=user, lesson_id=lesson.pk).session
    client = APIClient()
    client.force_authenticate(user)
    wrong = choice.options.get(is_correct=False).pk
    with connection_round_trips(connection) as wire:
        warmed_up(client, session.pk, choice.pk, wire, {"option": wrong})  # one heart left
        response = client.post(
            f"/api/v1/sessions/{session.pk}/answers/", {"exercise": choice.pk, "answer": {"option": wrong}}
        )
    assert (response.status_code, response.json()["session_status"]) == (200, "failed")
    assert shape(wire.trips) == ["BEGIN", "EXECUTE", "WITH", "COMMIT"]


def test_an_offline_batch_of_ten_is_four_round_trips():
    client, start, exercises = started(10)
    answers = [
        {
            "exercise": exercise,
            "answer": RIGHT,
            "answered_at": start.session.started_at.isoformat(),
            "idempotency_key": f"offline-{index}",
        }
        for index, exercise in enumerate(exercises)
    ]
    with connection_round_trips(connection) as wire:
        warmed_up(client, start.session.pk, exercises[0], wire)
        response = client.post(f"/api/v1/sessions/{start.session.pk}/answers/batch/", {"answers": answers})
    assert response.status_code == 200
    assert response.json()["accepted"] == 10
    assert shape(wire.trips) == ["BEGIN", "EXECUTE", "WITH", "COMMIT"]
