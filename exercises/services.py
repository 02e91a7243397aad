"""Writes to exercises beyond the generic content path: an exercise's place in a lesson.

Exercises, options and audio are written (admin, import) through courses.content, which locks, audits, and archives
rather than deletes what learners used; an exercise's content is checked by its kind (exercises.validation) where it
is edited: the admin's per-type form, the course import, check_content.
"""

from __future__ import annotations

from django.db import transaction

from audit.services import AuditContext
from courses.content import content_create
from courses.models import Lesson
from courses.ordering import next_position
from exercises.models import Exercise, LessonExercise


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
