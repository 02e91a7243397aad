import pytest
from django.core.exceptions import ValidationError

from audit.models import SystemAuditLog
from audit.services import AuditContext
from courses.tests.factories import LessonFactory
from exercises.models import Exercise
from exercises.services import exercise_create, exercise_update, lesson_exercise_add

from .factories import AudioFileFactory, ExerciseFactory, ExerciseTypeFactory

pytestmark = pytest.mark.django_db

BY = AuditContext(source=SystemAuditLog.Source.API)


def test_exercise_create_with_options_and_audit(user):
    multiple_choice = ExerciseTypeFactory(code="multiple_choice")
    exercise = exercise_create(
        type=multiple_choice,
        prompt="Which is hello?",
        options=[{"text": "Hola", "is_correct": True}, {"text": "Adiós"}],
        by=AuditContext(source=SystemAuditLog.Source.API, user=user),
    )
    assert list(exercise.options.values_list("position", "text", "is_correct")) == [
        (1, "Hola", True),
        (2, "Adiós", False),
    ]
    row = SystemAuditLog.objects.get(target_type__model="exercise", target_id=str(exercise.pk))
    assert (row.source, row.action, row.actor) == ("api", "create", user)
    assert (row.changes["prompt"], row.changes["type"]) == ([None, "Which is hello?"], [None, multiple_choice.pk])
    # Its options are audited as rows of their own, in the same shape.
    options = SystemAuditLog.objects.filter(target_type__model="exerciseoption").order_by("id")
    assert [row.changes["text"] for row in options] == [[None, "Hola"], [None, "Adiós"]]


def test_exercise_create_refuses_invalid_content():
    with pytest.raises(ValidationError) as caught:
        exercise_create(
            type=ExerciseTypeFactory(code="multiple_choice"), prompt="Pick", options=[{"text": "Only"}], by=BY
        )
    assert caught.value.message_dict == {
        "options": [
            "A multiple-choice exercise needs at least 2 options, it has 1.",
            "Mark at least one option as correct.",
        ]
    }
    with pytest.raises(ValidationError) as caught:
        exercise_create(type=ExerciseTypeFactory(code="listen"), prompt="Listen", answers=["Hola"], by=BY)
    assert caught.value.message_dict == {"audio": ["A listen exercise needs an audio file."]}
    assert Exercise.objects.count() == 0


def test_exercise_update_replaces_options_keeping_ids():
    exercise = ExerciseFactory(type=ExerciseTypeFactory(code="multiple_choice"))
    first = exercise.options.get(position=1)
    exercise_update(
        exercise=exercise, prompt="New", options=[{"text": "Sí", "is_correct": True}, {"text": "No"}], by=BY
    )
    assert list(exercise.options.order_by("position").values_list("pk", "text")) == [
        (first.pk, "Sí"),
        (exercise.options.get(position=2).pk, "No"),
    ]
    exercise.refresh_from_db()
    assert exercise.prompt == "New"
    with pytest.raises(ValidationError):
        exercise_update(exercise=exercise, options=[{"text": "Sí"}], by=BY)


def test_exercise_update_without_options_validates_the_stored_ones():
    listen = ExerciseFactory(type=ExerciseTypeFactory(code="listen"))
    exercise_update(exercise=listen, audio=AudioFileFactory(), answers=["Adiós"], by=BY)
    with pytest.raises(ValidationError):
        exercise_update(exercise=listen, audio=None, by=BY)


def test_lesson_exercise_add_appends():
    lesson = LessonFactory()
    first = lesson_exercise_add(lesson=lesson, exercise=ExerciseFactory(), by=BY)
    second = lesson_exercise_add(lesson=lesson, exercise=ExerciseFactory(), is_required=False, by=BY)
    assert (first.position, second.position, second.is_required) == (1, 2, False)
