"""Writes to exercises: validated create/update with options, and their place in lessons."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from audit.models import SystemAuditLog
from audit.services import system_audit_record
from courses.models import Lesson
from courses.ordering import next_position, positions_park
from exercises.models import AudioFile, Exercise, ExerciseOption, ExerciseType, LessonExercise
from exercises.validation import exercise_content_errors

EXERCISE_FIELDS = ("prompt", "content", "answers", "hints", "difficulty", "time_limit_seconds", "xp_override", "audio")


def exercise_validate(
    *, exercise_type: ExerciseType, content: Any, answers: Any, options: Sequence[Any] | None, audio: AudioFile | None
) -> None:
    """Raise ValidationError (field path -> messages) when the exercise's data does not fit its type."""
    errors = exercise_content_errors(exercise_type.code, content, answers, options=options, has_audio=audio is not None)
    if errors:
        raise ValidationError(errors)


def exercise_options_replace(exercise: Exercise, options: Sequence[dict]) -> None:
    """Make the exercise's options exactly `options`, in order, keeping the ids of rows that stay."""
    existing = list(exercise.options.order_by("position", "pk"))
    positions_park(ExerciseOption.objects.filter(exercise=exercise))
    for index, data in enumerate(options):
        if index < len(existing):
            option = existing[index]
            option.position, option.text, option.is_correct = index + 1, data["text"], bool(data.get("is_correct"))
            option.save()
        else:
            ExerciseOption.objects.create(
                exercise=exercise, position=index + 1, text=data["text"], is_correct=bool(data.get("is_correct"))
            )
    for option in existing[len(options) :]:
        option.delete()


def _audit(actor, action, target):
    if actor is not None:
        system_audit_record(source=SystemAuditLog.Source.API, action=action, actor=actor, target=target)


@transaction.atomic
def exercise_create(*, type: ExerciseType, prompt: str, options: Sequence[dict] = (), actor=None, **fields) -> Exercise:
    """Create an exercise (and its options, multiple choice) after validating it for its type."""
    exercise = Exercise(type=type, prompt=prompt, **fields)
    exercise_validate(
        exercise_type=type, content=exercise.content, answers=exercise.answers, options=options, audio=exercise.audio
    )
    exercise.full_clean()
    exercise.save()
    exercise_options_replace(exercise, options)
    _audit(actor, SystemAuditLog.Action.CREATE, exercise)
    return exercise


@transaction.atomic
def exercise_update(*, exercise: Exercise, options: Sequence[dict] | None = None, actor=None, **fields) -> Exercise:
    """Change an exercise; `options` (when given) replace its options. Validated as a whole."""
    for name, value in fields.items():
        setattr(exercise, name, value)
    final_options = options if options is not None else list(exercise.options.all())
    exercise_validate(
        exercise_type=exercise.type,
        content=exercise.content,
        answers=exercise.answers,
        options=final_options,
        audio=exercise.audio,
    )
    exercise.full_clean()
    exercise.save()
    if options is not None:
        exercise_options_replace(exercise, options)
    _audit(actor, SystemAuditLog.Action.CHANGE, exercise)
    return exercise


@transaction.atomic
def lesson_exercise_add(
    *, lesson: Lesson, exercise: Exercise, position: int | None = None, is_required: bool = True, actor=None
) -> LessonExercise:
    """Put an exercise into a lesson, at the end unless a position is given."""
    if position is None:
        position = next_position(LessonExercise, parent_filter={"lesson": lesson})
    link = LessonExercise.objects.create(lesson=lesson, exercise=exercise, position=position, is_required=is_required)
    _audit(actor, SystemAuditLog.Action.CREATE, link)
    return link
