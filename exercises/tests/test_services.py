import pytest
from django.core.exceptions import ValidationError

from audit.models import SystemAuditLog
from courses.tests.factories import LessonFactory
from exercises.models import Exercise
from exercises.services import exercise_create, exercise_update, lesson_exercise_add

from .factories import AudioFileFactory, ExerciseFactory, ExerciseTypeFactory

pytestmark = pytest.mark.django_db


def test_exercise_create_with_options_and_audit(user):
    multiple_choice = ExerciseTypeFactory(code="multiple_choice")
    exercise = exercise_create(
        type=multiple_choice,
        prompt="Which is hello?",
        options=[{"text": "Hola", "is_correct": True}, {"text": "Adiós"}],
        actor=user,
    )
    assert list(exercise.options.values_list("position", "text", "is_correct")) == [
        (1, "Hola", True),
        (2, "Adiós", False),
    ]
    row = SystemAuditLog.objects.get(target_id=str(exercise.pk))
    assert (row.source, row.action, row.actor) == ("api", "create", user)


def test_exercise_create_refuses_invalid_content():
    with pytest.raises(ValidationError) as caught:
        exercise_create(type=ExerciseTypeFactory(code="multiple_choice"), prompt="Pick", options=[{"text": "Only"}])
    assert caught.value.message_dict == {
        "options": [
            "A multiple-choice exercise needs at least 2 options, it has 1.",
            "Mark at least one option as correct.",
        ]
    }
    with pytest.raises(ValidationError) as caught:
        exercise_create(type=ExerciseTypeFactory(code="listen"), prompt="Listen", answers=["Hola"])
    assert caught.value.message_dict == {"audio": ["A listen exercise needs an audio file."]}
    assert Exercise.objects.count() == 0


def test_exercise_update_replaces_options_keeping_ids():
    exercise = ExerciseFactory(type=ExerciseTypeFactory(code="multiple_choice"))
    first = exercise.options.get(position=1)
    exercise_update(exercise=exercise, prompt="New", options=[{"text": "Sí", "is_correct": True}, {"text": "No"}])
    assert list(exercise.options.order_by("position").values_list("pk", "text")) == [
        (first.pk, "Sí"),
        (exercise.options.get(position=2).pk, "No"),
    ]
    exercise.refresh_from_db()
    assert exercise.prompt == "New"
    with pytest.raises(ValidationError):
        exercise_update(exercise=exercise, options=[{"text": "Sí"}])


def test_exercise_update_without_options_validates_the_stored_ones():
    listen = ExerciseFactory(type=ExerciseTypeFactory(code="listen"))
    exercise_update(exercise=listen, audio=AudioFileFactory(), answers=["Adiós"])
    with pytest.raises(ValidationError):
        exercise_update(exercise=listen, audio=None)


def test_lesson_exercise_add_appends():
    lesson = LessonFactory()
    first = lesson_exercise_add(lesson=lesson, exercise=ExerciseFactory())
    second = lesson_exercise_add(lesson=lesson, exercise=ExerciseFactory(), is_required=False)
    assert (first.position, second.position, second.is_required) == (1, 2, False)
