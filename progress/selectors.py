"""Reads of learner progress: enrollments, sessions, lesson statuses (constant queries each)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from courses.models import Course, Language, Lesson, LessonPrerequisite
from exercises.models import Exercise, ExerciseType, LessonExercise
from progress.models import LessonSession, UserCourse, UserExerciseInteraction, UserLessonProgress

LOCKED, AVAILABLE, COMPLETED, ARCHIVED = "locked", "available", "completed", "archived"
LESSON_STATUSES = [LOCKED, AVAILABLE, COMPLETED, ARCHIVED]


def _count_subquery(queryset: QuerySet, group: str) -> Coalesce:
    counted = queryset.order_by().values(group).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def enrollment_list(*, user) -> QuerySet[UserCourse]:
    """The learner's enrollments with their course and completion counts (live_lessons, completed_lessons)
    annotated: one query for any number of enrollments."""
    live_lessons = Lesson.objects.live().filter(unit__section__course_id=OuterRef("course_id"))
    completed = UserLessonProgress.objects.filter(
        user_id=OuterRef("user_id"),
        course_id=OuterRef("course_id"),
        status=UserLessonProgress.Status.COMPLETED,
        lesson__archived_at__isnull=True,
        lesson__unit__archived_at__isnull=True,
        lesson__unit__section__archived_at__isnull=True,
    )
    return (
        UserCourse.objects.filter(user=user)
        .select_related("course__from_language", "course__to_language")
        .annotate(
            live_lessons=_count_subquery(live_lessons, "unit__section__course_id"),
            completed_lessons=_count_subquery(completed, "user_id"),
        )
    )


def course_unavailable_reason(course: Course) -> str | None:
    """Why learners cannot start lessons of this course now ("archived", "unpublished"), or None."""
    if course.archived_at is not None:
        return "archived"
    if not course.is_published:
        return "unpublished"
    return None


def enrollment_get(*, user, course: Course | int) -> UserCourse | None:
    course_id = course.pk if isinstance(course, Course) else course
    return UserCourse.objects.filter(user=user, course_id=course_id).first()


def session_list(*, user) -> QuerySet[LessonSession]:
    """The learner's own sessions; anyone else's are simply not there (→ 404)."""
    return LessonSession.objects.filter(user=user).select_related("lesson")


def lesson_for_play(*, lesson_id: int) -> Lesson | None:
    """The lesson with its unit, section and course loaded, whatever its state (the session service decides
    what the learner may do with it); None when there is no such lesson."""
    return Lesson.objects.select_related("unit__section__course").filter(pk=lesson_id).first()


def completed_lesson_ids(*, user, course: Course | int) -> set[int]:
    """The live lessons of the course the learner has completed."""
    course_id = course.pk if isinstance(course, Course) else course
    return set(
        UserLessonProgress.objects.filter(
            user=user,
            course_id=course_id,
            status=UserLessonProgress.Status.COMPLETED,
            lesson__archived_at__isnull=True,
            lesson__unit__archived_at__isnull=True,
            lesson__unit__section__archived_at__isnull=True,
        ).values_list("lesson_id", flat=True)
    )


def live_lesson_count(*, course: Course | int) -> int:
    course_id = course.pk if isinstance(course, Course) else course
    return Lesson.objects.live().filter(unit__section__course_id=course_id).count()


@dataclass(frozen=True)
class CourseLanguage:
    code: str
    punctuation_letters: Any


@dataclass(frozen=True)
class ExerciseToGrade:
    exercise_id: int
    type_code: str
    content: Any
    answers: Any
    answered_right: bool  # in this session already
    # The session's course languages: grading reads the answer language's orthography from them.
    from_language: CourseLanguage
    to_language: CourseLanguage


def session_exercise_to_grade(*, session: LessonSession, exercise_id: int) -> ExerciseToGrade | None:
    """What grading an answer needs, in one statement; None when the exercise is not in the session's lesson.

    Plain SQL because every answer runs it: the ORM version (a join, an EXISTS and three models) spent
    1.5 ms building and loading against 0.3 ms for this (bench/README.md). The course's two languages
    come along (their codes and punctuation letters), so grading needs no other query.
    """
    quote = connection.ops.quote_name
    exercise, exercise_type = quote(Exercise._meta.db_table), quote(ExerciseType._meta.db_table)
    link, interaction = quote(LessonExercise._meta.db_table), quote(UserExerciseInteraction._meta.db_table)
    course, language = quote(Course._meta.db_table), quote(Language._meta.db_table)
    sql = (
        f"SELECT t.code, e.content, e.answers, EXISTS (SELECT 1 FROM {interaction} i "  # noqa: S608
        "WHERE i.session_id = %s AND i.exercise_id = e.id AND i.is_correct), "
        "lf.code, lf.punctuation_letters, lt.code, lt.punctuation_letters "
        f"FROM {exercise} e JOIN {exercise_type} t ON t.id = e.type_id JOIN {link} l ON l.exercise_id = e.id "
        f"JOIN {course} c ON c.id = %s JOIN {language} lf ON lf.id = c.from_language_id "
        f"JOIN {language} lt ON lt.id = c.to_language_id "
        "WHERE e.id = %s AND l.lesson_id = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [session.pk, session.course_id, exercise_id, session.lesson_id])
        row = cursor.fetchone()
    if row is None:
        return None
    type_code, content, answers, answered_right, from_code, from_letters, to_code, to_letters = row
    json_value = Exercise._meta.get_field("content").from_db_value  # the backend's own JSON decoding
    return ExerciseToGrade(
        exercise_id=exercise_id,
        type_code=type_code,
        content=json_value(content, None, connection),
        answers=json_value(answers, None, connection),
        answered_right=bool(answered_right),
        from_language=CourseLanguage(from_code, json_value(from_letters, None, connection)),
        to_language=CourseLanguage(to_code, json_value(to_letters, None, connection)),
    )


def _live_requirements() -> QuerySet[LessonPrerequisite]:
    # An archived prerequisite is met: nobody gets stuck behind a lesson they can no longer play.
    return LessonPrerequisite.objects.filter(
        requires__archived_at__isnull=True,
        requires__unit__archived_at__isnull=True,
        requires__unit__section__archived_at__isnull=True,
    )


def lesson_is_unlocked(*, user, lesson: Lesson) -> bool:
    """All of the lesson's live prerequisites are completed by the learner (one query)."""
    completed = UserLessonProgress.objects.filter(user=user, status=UserLessonProgress.Status.COMPLETED).values(
        "lesson_id"
    )
    return not _live_requirements().filter(lesson=lesson).exclude(requires_id__in=completed).exists()


COURSE_ORDER = ("unit__section__position", "unit__position", "position", "pk")


def lesson_statuses_by_course(*, user, course_ids: list[int], include_archived: bool = False) -> dict[int, dict]:
    """{course id: {lesson id: status}} of the learner in these courses, in three queries whatever their number
    and size: each live lesson, in course order, is completed, available (every live prerequisite completed) or
    locked. With `include_archived`, archived lessons the learner has history in follow, as archived.
    """
    prerequisites: dict[int, dict[int, list[int]]] = {course_id: {} for course_id in course_ids}
    lessons = (
        Lesson.objects.live()
        .filter(unit__section__course_id__in=course_ids)
        .order_by(*COURSE_ORDER)
        .values_list("pk", "unit__section__course_id")
    )
    course_of = {}
    for lesson_id, course_id in lessons:
        prerequisites[course_id][lesson_id] = []
        course_of[lesson_id] = course_id
    links = (
        _live_requirements()
        .filter(lesson__unit__section__course_id__in=course_ids)
        .order_by("requires_id")
        .values_list("lesson_id", "requires_id")
    )
    for lesson_id, requires_id in links:
        if lesson_id in course_of:
            prerequisites[course_of[lesson_id]][lesson_id].append(requires_id)
    progress: dict[int, dict[int, str]] = {course_id: {} for course_id in course_ids}
    rows = (
        UserLessonProgress.objects.filter(user=user, course_id__in=course_ids)
        .order_by()
        .values_list("course_id", "lesson_id", "status")
    )
    for course_id, lesson_id, status in rows:
        progress[course_id][lesson_id] = status
    return {
        course_id: _statuses(prerequisites[course_id], progress[course_id], include_archived=include_archived)
        for course_id in course_ids
    }


def _statuses(prerequisites: dict[int, list[int]], progress: dict[int, str], *, include_archived: bool) -> dict:
    completed = {lesson_id for lesson_id, status in progress.items() if status == UserLessonProgress.Status.COMPLETED}
    statuses = {}
    for lesson_id, requires in prerequisites.items():
        if lesson_id in completed:
            statuses[lesson_id] = COMPLETED
        elif all(required in completed for required in requires):
            statuses[lesson_id] = AVAILABLE
        else:
            statuses[lesson_id] = LOCKED
    if include_archived:
        statuses.update(dict.fromkeys(sorted(set(progress) - set(prerequisites)), ARCHIVED))
    return statuses


def lesson_statuses(*, user, course: Course | int, include_archived: bool = False) -> dict[int, str]:
    """Each live lesson's status for the learner in one course (three queries; see lesson_statuses_by_course)."""
    course_id = course.pk if isinstance(course, Course) else course
    return lesson_statuses_by_course(user=user, course_ids=[course_id], include_archived=include_archived)[course_id]


def current_lesson_id(statuses: dict[int, str], course: Course) -> int | None:
    """The next lesson to play: the first lesson in course order the learner can play and has not completed; None
    when every lesson is completed or locked, or when the course is unavailable (no new sessions)."""
    if course_unavailable_reason(course) is not None:
        return None
    return next((lesson_id for lesson_id, status in statuses.items() if status == AVAILABLE), None)


def enrollments_progress(*, user, enrollments: list[UserCourse], include_archived: bool = False) -> list[UserCourse]:
    """The enrollments with their lesson statuses and current lesson set (`lesson_statuses`, `current_lesson_id`):
    three queries for any number of enrollments."""
    by_course = lesson_statuses_by_course(
        user=user, course_ids=[enrollment.course_id for enrollment in enrollments], include_archived=include_archived
    )
    for enrollment in enrollments:
        enrollment.lesson_statuses = by_course[enrollment.course_id]
        enrollment.current_lesson_id = current_lesson_id(enrollment.lesson_statuses, enrollment.course)
    return enrollments


def course_xp(*, user, course: Course | int) -> int:
    """The learner's XP in the course: the XP of their completed sessions in it."""
    course_id = course.pk if isinstance(course, Course) else course
    return (
        LessonSession.objects.filter(user=user, course_id=course_id, status=LessonSession.Status.COMPLETED).aggregate(
            total=Sum("xp_awarded")
        )["total"]
        or 0
    )


def completion_percent(completed: int, total: int) -> float:
    """Completed live lessons over live lessons, in percent with one decimal (33.3)."""
    return min(100.0, round(100 * completed / total, 1)) if total else 0.0


def session_answer_history(*, session: LessonSession) -> list[tuple[int, bool]]:
    """(exercise_id, is_correct) of every answer in the session, in order."""
    return list(
        UserExerciseInteraction.objects.filter(session=session)
        .order_by("created_at", "id")
        .values_list("exercise_id", "is_correct")
    )
