"""Writes to exercises: validated create/update with options, archive-or-delete, audio, and their place in lessons.

Like courses.services, every write validates, locks and audits through courses.content.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from audit.services import AuditContext
from courses.content import Removal, content_create, content_delete, content_remove, content_restore, content_update
from courses.models import Lesson
from courses.ordering import next_position, positions_park
from exercises.models import AudioFile, Exercise, ExerciseOption, ExerciseType, LessonExercise
from exercises.validation import exercise_content_errors

EXERCISE_FIELDS = (
    "prompt",
    "content",
    "answers",
    "hints",
    "difficulty",
    "time_limit_seconds",
    "xp_override",
    "audio",
    "image",
    "image_url",
    "image_alt",
)


def exercise_validate(
    *, exercise_type: ExerciseType, content: Any, answers: Any, options: Sequence[Any] | None, audio: AudioFile | None
) -> None:
    """Raise ValidationError (field path -> messages) when the exercise's data does not fit its type."""
    errors = exercise_content_errors(exercise_type.code, content, answers, options=options, has_audio=audio is not None)
    if errors:
        raise ValidationError(errors)


def exercise_options_replace(exercise: Exercise, options: Sequence[dict], *, by: AuditContext) -> None:
    """Make the exercise's options exactly `options`, in order, keeping the ids of rows that stay."""
    existing = list(exercise.options.order_by("position", "pk"))
    wanted = [(data["text"], bool(data.get("is_correct"))) for data in options]
    if [(option.text, option.is_correct) for option in existing] == wanted:
        return
    positions_park(ExerciseOption.objects.filter(exercise=exercise))
    for index, (text, is_correct) in enumerate(wanted):
        if index < len(existing):
            content_update(existing[index], {"position": index + 1, "text": text, "is_correct": is_correct}, by=by)
        else:
            content_create(
                ExerciseOption(exercise=exercise, position=index + 1, text=text, is_correct=is_correct), by=by
            )
    for option in existing[len(wanted) :]:
        content_delete(option, by=by)


@transaction.atomic
def exercise_create(
    *, type: ExerciseType, prompt: str, by: AuditContext, options: Sequence[dict] = (), **fields
) -> Exercise:
    """Create an exercise (and its options, multiple choice) after validating it for its type."""
    exercise = Exercise(type=type, prompt=prompt, **fields)
    exercise_validate(
        exercise_type=type, content=exercise.content, answers=exercise.answers, options=options, audio=exercise.audio
    )
    content_create(exercise, by=by)
    exercise_options_replace(exercise, options, by=by)
    return exercise


@transaction.atomic
def exercise_update(
    *, exercise: Exercise, by: AuditContext, options: Sequence[dict] | None = None, **fields
) -> Exercise:
    """Change an exercise; `options` (when given) replace its options. Validated as a whole."""
    type_ = fields.get("type", exercise.type)
    final = {name: fields.get(name, getattr(exercise, name)) for name in ("content", "answers", "audio")}
    final_options = options if options is not None else list(exercise.options.all())
    exercise_validate(
        exercise_type=type_,
        content=final["content"],
        answers=final["answers"],
        options=final_options,
        audio=final["audio"],
    )
    content_update(exercise, fields, by=by)
    if options is not None:
        exercise_options_replace(exercise, options, by=by)
    return exercise


@transaction.atomic
def exercise_remove(*, exercise: Exercise, by: AuditContext) -> Removal:
    """Archive an exercise learners have answered (their answers stay), else delete it with its options."""
    return content_remove(exercise, by=by)


@transaction.atomic
def exercise_restore(*, exercise: Exercise, by: AuditContext) -> bool:
    return content_restore(exercise, by=by)


@transaction.atomic
def lesson_exercise_add(
    *, lesson: Lesson, exercise: Exercise, by: AuditContext, position: int | None = None, is_required: bool = True
) -> LessonExercise:
    """Put an exercise into a lesson, at the end unless a position is given."""
    if position is None:
        position = next_position(LessonExercise, parent_filter={"lesson": lesson})
    return content_create(
        LessonExercise(lesson=lesson, exercise=exercise, position=position, is_required=is_required), by=by
    )


@transaction.atomic
def audio_create(*, by: AuditContext, **fields) -> AudioFile:
    return content_create(AudioFile(**fields), by=by)


@transaction.atomic
def audio_update(*, audio: AudioFile, by: AuditContext, **fields) -> AudioFile:
    content_update(audio, fields, by=by)
    return audio
