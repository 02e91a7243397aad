"""Whole-database content checks: every exercise valid for its type, every prerequisite graph sound."""

from __future__ import annotations

from courses.models import Course, Language
from courses.prerequisites import course_prerequisite_problems
from exercises.models import Exercise
from exercises.validation import exercise_content_errors


def content_problems() -> list[str]:
    """Every content problem, one line each, naming the row and the field."""
    problems = []
    languages = set(Language.objects.values_list("code", flat=True))
    exercises = Exercise.objects.select_related("type").prefetch_related("options").order_by("pk")
    for exercise in exercises.iterator(chunk_size=500):
        errors = exercise_content_errors(
            exercise.type.code,
            exercise.content,
            exercise.answers,
            options=list(exercise.options.all()),
            has_audio=exercise.audio_id is not None,
            languages=languages,
        )
        for field, messages in errors.items():
            for message in messages:
                problems.append(f"Exercise {exercise.pk} ({exercise.key}, {exercise.type.code}) {field}: {message}")
    for course in Course.objects.order_by("pk"):
        problems.extend(
            f"Course {course.pk} ({course.title}): {problem}" for problem in course_prerequisite_problems(course)
        )
    return problems
