"""An exercise's place in a lesson (exercises.services)."""

import pytest

from audit.models import SystemAuditLog
from audit.services import AuditContext
from courses.tests.factories import LessonFactory
from exercises.services import lesson_exercise_add

from .factories import ExerciseFactory

pytestmark = pytest.mark.django_db

BY = AuditContext(source=SystemAuditLog.Source.API)


def test_lesson_exercise_add_appends():
    lesson = LessonFactory()
    first = lesson_exercise_add(lesson=lesson, exercise=ExerciseFactory(), by=BY)
    second = lesson_exercise_add(lesson=lesson, exercise=ExerciseFactory(), is_required=False, by=BY)
    assert (first.position, second.position, second.is_required) == (1, 2, False)
