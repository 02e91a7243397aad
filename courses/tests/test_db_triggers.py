import datetime

import pytest
from django.db import connection

from courses.models import Course, Language, Lesson
from exercises.models import Exercise, LessonExercise
from exercises.tests.factories import LessonExerciseFactory

from .factories import LessonFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

LONG_AGO = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)


def test_queryset_update_moves_updated_at_on_postgresql():
    lesson = LessonFactory(title="Hello")
    Lesson.objects.filter(pk=lesson.pk).update(updated_at=LONG_AGO)
    assert Lesson.objects.get(pk=lesson.pk).updated_at == LONG_AGO  # an explicit value is kept
    Lesson.objects.filter(pk=lesson.pk).update(title="Hola")
    lesson.refresh_from_db()
    assert lesson.title == "Hola"
    assert lesson.updated_at > LONG_AGO
    assert lesson.updated_at > lesson.created_at


def test_raw_sql_moves_updated_at_on_every_content_table():
    link = LessonExerciseFactory()
    for model in (Lesson, Exercise, LessonExercise, Course, Language):
        model.objects.update(updated_at=LONG_AGO)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE exercises_exercise SET prompt = 'Changed' WHERE id = %s", [link.exercise_id])
        cursor.execute("UPDATE exercises_lessonexercise SET is_required = false WHERE id = %s", [link.pk])
        cursor.execute("UPDATE courses_course SET title = 'Changed'")
        cursor.execute("UPDATE courses_language SET flag = 'x'")
    assert Exercise.objects.get().updated_at > LONG_AGO
    assert LessonExercise.objects.get().updated_at > LONG_AGO
    assert Course.objects.get().updated_at > LONG_AGO
    assert all(language.updated_at > LONG_AGO for language in Language.objects.all())
    assert Lesson.objects.get().updated_at == LONG_AGO  # untouched rows keep theirs


def test_trigger_is_installed_on_every_content_table():
    tables = {
        "courses_language",
        "courses_course",
        "courses_section",
        "courses_unit",
        "courses_lesson",
        "courses_lessonprerequisite",
        "exercises_exercisetype",
        "exercises_audiofile",
        "exercises_exercise",
        "exercises_exerciseoption",
        "exercises_lessonexercise",
    }
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT event_object_table FROM information_schema.triggers WHERE trigger_name LIKE %s",
            ["%_set_updated_at"],
        )
        installed = {row[0] for row in cursor.fetchall()}
    assert tables <= installed
