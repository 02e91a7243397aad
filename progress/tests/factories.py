"""Factories for the learning engine's tests: the content engineer's content factories, learners' state,
achievements, and helpers that build lessons ready to play."""

from __future__ import annotations

import itertools

import factory

from courses.models import Course, Lesson, LessonPrerequisite, Unit
from courses.tests.factories import (  # noqa: F401 (re-exported for the learning engine's tests)
    CourseFactory,
    LessonFactory,
    LessonPrerequisiteFactory,
    UnitFactory,
)
from exercises.tests.factories import ExerciseFactory, ExerciseTypeFactory, LessonExerciseFactory  # noqa: F401
from gamification.models import Achievement, LearnerStats


class AchievementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Achievement
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"achievement-{n}")
    name = factory.Sequence(lambda n: f"Achievement {n}")
    kind = Achievement.Kind.LESSONS_COMPLETED
    threshold = 1
    xp_reward = 0


class LearnerStatsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LearnerStats
        django_get_or_create = ("user",)


def lesson_with_exercises(count: int = 3, *, unit: Unit | None = None, xp_reward: int | None = 10, **lesson) -> Lesson:
    """A lesson of `count` required translate exercises (answer: "El niño come una manzana")."""
    lesson_obj = (
        LessonFactory(unit=unit, xp_reward=xp_reward, **lesson)
        if unit
        else LessonFactory(xp_reward=xp_reward, **lesson)
    )
    for position in range(count):
        LessonExerciseFactory(lesson=lesson_obj, position=position)
    return lesson_obj


def course_with_lessons(lessons: int = 2, exercises: int = 2, *, chained: bool = True) -> tuple[Course, list[Lesson]]:
    """A published course with one unit of lessons, each requiring the one before when `chained`."""
    unit = UnitFactory()
    made = [lesson_with_exercises(exercises, unit=unit, position=i) for i in range(lessons)]
    if chained:
        for before, after in itertools.pairwise(made):
            LessonPrerequisite.objects.create(lesson=after, requires=before)
    return unit.section.course, made


RIGHT = {"text": "El niño come una manzana"}
WRONG = {"text": "Una manzana come al niño"}
