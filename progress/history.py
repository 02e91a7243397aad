"""How much learner history course content holds, told to courses.content (which may not import progress).

A course is used when a learner is enrolled in it or has sessions or lesson progress in it; a lesson when it
has sessions or lesson progress; a section or unit when one of its lessons is used; an exercise when it has
answers. Each counter runs a constant number of queries for any number of rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from django.db.models import Count

from courses.content import History, register_history_counter
from courses.models import Course, Lesson, Section, Unit
from exercises.models import Exercise
from progress.models import LessonSession, UserCourse, UserExerciseInteraction, UserLessonProgress


def _history(groups: dict, learners: dict) -> dict:
    return {key: History(learners=len(learners[key]), rows=rows) for key, rows in groups.items() if rows}


def _count(queryset, key: str, groups: dict, learners: dict, key_map=None) -> None:
    for value, user_id, rows in (
        queryset.values(key, "user_id").annotate(rows=Count("id")).values_list(key, "user_id", "rows").order_by()
    ):
        target = key_map[value] if key_map is not None else value
        groups[target] += rows
        learners[target].add(user_id)


def lesson_history(pks: Sequence[int], *, key_map: dict | None = None) -> dict[int, History]:
    groups, learners = defaultdict(int), defaultdict(set)
    for model in (LessonSession, UserLessonProgress):
        _count(model.objects.filter(lesson_id__in=pks), "lesson_id", groups, learners, key_map)
    return _history(groups, learners)


def _lessons_under(path: str, pks: Sequence[int]) -> dict[int, History]:
    lessons = dict(Lesson.objects.filter(**{f"{path}__in": pks}).values_list("pk", path))
    return lesson_history(list(lessons), key_map=lessons)


def section_history(pks: Sequence[int]) -> dict[int, History]:
    return _lessons_under("unit__section_id", pks)


def unit_history(pks: Sequence[int]) -> dict[int, History]:
    return _lessons_under("unit_id", pks)


def course_history(pks: Sequence[int]) -> dict[int, History]:
    groups, learners = defaultdict(int), defaultdict(set)
    for model in (UserCourse, LessonSession, UserLessonProgress):
        _count(model.objects.filter(course_id__in=pks), "course_id", groups, learners)
    return _history(groups, learners)


def exercise_history(pks: Sequence[int]) -> dict[int, History]:
    groups, learners = defaultdict(int), defaultdict(set)
    _count(UserExerciseInteraction.objects.filter(exercise_id__in=pks), "exercise_id", groups, learners)
    return _history(groups, learners)


def register() -> None:
    for model, counter in (
        (Course, course_history),
        (Section, section_history),
        (Unit, unit_history),
        (Lesson, lesson_history),
        (Exercise, exercise_history),
    ):
        register_history_counter(model, counter)
