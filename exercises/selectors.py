"""Reads of exercises with everything a caller needs already loaded (constant queries)."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from courses.models import Lesson
from exercises.models import Exercise, ExerciseOption, ExerciseType, LessonExercise


def options_prefetch(lookup: str) -> Prefetch:
    return Prefetch(lookup, queryset=ExerciseOption.objects.order_by("position", "pk"))


def exercises_for_play() -> QuerySet[Exercise]:
    """Exercises with type, audio and options loaded, ready for exercises.play.exercise_play_payload."""
    return Exercise.objects.select_related("type", "audio").prefetch_related(options_prefetch("options"))


def lesson_exercises_for_play(lesson: Lesson | int) -> QuerySet[LessonExercise]:
    """A lesson's LessonExercise rows of live exercises in order, each with its exercise, type, audio and options
    loaded (archived exercises are kept for history, not played). Two queries whatever the number of exercises.
    """
    lesson_id = lesson.pk if isinstance(lesson, Lesson) else lesson
    return (
        LessonExercise.objects.filter(lesson_id=lesson_id, exercise__archived_at__isnull=True)
        .select_related("exercise__type", "exercise__audio")
        .prefetch_related(options_prefetch("exercise__options"))
        .order_by("position", "pk")
    )


def exercise_types() -> QuerySet[ExerciseType]:
    return ExerciseType.objects.order_by("code")
