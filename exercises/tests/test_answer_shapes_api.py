"""Answers are checked against their exercise's own type before anything is written: a 400 costs no heart."""

import pytest

from exercises.tests.factories import ExerciseFactory, ExerciseTypeFactory, LessonExerciseFactory
from gamification.models import LearnerStats
from progress.models import UserExerciseInteraction
from progress.services import user_course_enroll

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(learner_client):
    pairs = ExerciseFactory(type=ExerciseTypeFactory(code="match_pairs"))
    blanks = ExerciseFactory(
        type=ExerciseTypeFactory(code="fill_blank"), content={"text": "___ y ___"}, answers=[["pan"], ["agua"]]
    )
    link = LessonExerciseFactory(exercise=pairs, position=1)
    LessonExerciseFactory(lesson=link.lesson, exercise=blanks, position=2)
    user_course_enroll(user=learner_client.user, course=link.lesson.unit.section.course)
    started = learner_client.post(f"/api/v1/lessons/{link.lesson.pk}/sessions/").json()
    return {"id": started["id"], "pairs": pairs, "blanks": blanks}


@pytest.mark.parametrize(
    ("exercise", "answer", "errors"),
    [
        (
            "blanks",
            {"blanks": ["pan", "agua"], "lang": "es"},
            {"answer.lang": ["Unknown field; allowed: blanks, text."]},
        ),
        ("blanks", {"text": "pan"}, {"answer.text": ['This exercise has 2 blanks: send {"blanks": [...]}.']}),
        ("blanks", {"blanks": ["pan", 3]}, {"answer.blanks[1]": ["Not a valid string."]}),
        (
            "pairs",
            {"pairs": [["el perro", "the dog"], ["el gato", "the cat"]]},
            {"answer.pairs": ["Pair every left item exactly once: send 3 pairs whose left sides are the exercise's."]},
        ),
        (
            "pairs",
            {"pairs": [["el perro", "the dog"], ["el gato", "the cat"], ["la casa", "the horse"]]},
            {"answer.pairs": ["Not a right item of this exercise: the horse."]},
        ),
        ("pairs", ["el perro", "the dog"], {"answer": ["Send an object; its shape depends on the exercise's type."]}),
    ],
)
def test_an_answer_not_of_its_exercises_shape_is_400_and_costs_nothing(
    learner_client, session, exercise, answer, errors
):
    stats_before = list(LearnerStats.objects.values_list("hearts", "hearts_updated_at"))
    response = learner_client.post(
        f"/api/v1/sessions/{session['id']}/answers/",
        {"exercise": session[exercise].pk, "answer": answer},
        format="json",
    )
    assert (response.status_code, response.json()) == (400, errors)
    assert not UserExerciseInteraction.objects.exists()
    assert list(LearnerStats.objects.values_list("hearts", "hearts_updated_at")) == stats_before


def test_a_wrong_pairing_of_every_item_is_graded_wrong_not_refused(learner_client, session):
    response = learner_client.post(
        f"/api/v1/sessions/{session['id']}/answers/",
        {
            "exercise": session["pairs"].pk,
            "answer": {"pairs": [["el perro", "the cat"], ["el gato", "the dog"], ["la casa", "the house"]]},
        },
        format="json",
    )
    assert response.status_code == 200
    assert (response.json()["correct"], response.json()["hearts"]["count"]) == (False, 4)
