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
        .select_related("course__from_language", "course__to_language", "current_lesson")
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


def lesson_progress_if_enrolled(*, user, course_id: int) -> dict[int, str] | None:
    """{lesson id: progress status} of the learner in the course, or None when not enrolled, in one statement.

    Every course tree reads this. It is plain SQL because the two ORM queries it replaces (enrollment
    exists, lesson progress) spent most of their 1.2 ms building SQL; this costs 0.3 ms (bench/README.md).
    The enrollment contributes one NULL row, each lesson the learner started or completed its id and status.
    """
    quote = connection.ops.quote_name
    sql = (
        f"SELECT NULL, NULL FROM {quote(UserCourse._meta.db_table)} WHERE user_id = %s AND course_id = %s "  # noqa: S608
        f"UNION ALL SELECT lesson_id, status FROM {quote(UserLessonProgress._meta.db_table)} "
        "WHERE user_id = %s AND course_id = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk, course_id, user.pk, course_id])
        rows = cursor.fetchall()
    if (None, None) not in rows:
        return None
    return {lesson_id: status for lesson_id, status in rows if lesson_id is not None}


def completed_lesson_ids_if_enrolled(*, user, course_id: int) -> set[int] | None:
    """The lessons of the course the learner completed, or None when not enrolled (one statement)."""
    progress = lesson_progress_if_enrolled(user=user, course_id=course_id)
    if progress is None:
        return None
    return {lesson_id for lesson_id, status in progress.items() if status == UserLessonProgress.Status.COMPLETED}


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


def lesson_statuses(
    *, user, course: Course | int, prerequisites: dict[int, list[int]] | None = None, include_archived: bool = False
):
    """Each live lesson's status for the learner: locked, available or completed; None when not enrolled.

    `prerequisites` ({lesson id: [required lesson ids]} for every live lesson of the course) may come from a
    cached course tree; then one query, else three, whatever the size of the course. With `include_archived`,
    archived lessons the learner has history in are listed too, as "archived" (one more query).
    """
    course_id = course.pk if isinstance(course, Course) else course
    progress = lesson_progress_if_enrolled(user=user, course_id=course_id)
    if progress is None:
        return None
    completed = {lesson_id for lesson_id, status in progress.items() if status == UserLessonProgress.Status.COMPLETED}
    if prerequisites is None:
        lesson_ids = (
            Lesson.objects.live()
            .filter(unit__section__course_id=course_id)
            .order_by("unit__section__position", "unit__position", "position", "pk")
            .values_list("pk", flat=True)
        )
        prerequisites = {lesson_id: [] for lesson_id in lesson_ids}
        links = _live_requirements().filter(lesson_id__in=list(prerequisites)).values_list("lesson_id", "requires_id")
        for lesson_id, requires_id in links:
            prerequisites[lesson_id].append(requires_id)
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


def next_lesson_id(statuses: dict[int, str] | None) -> int | None:
    """The first lesson the learner can play and has not completed, from statuses in course order (no query)."""
    return next((lesson_id for lesson_id, status in (statuses or {}).items() if status == AVAILABLE), None)


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


def course_completion(*, user, course: Course | int) -> float:
    return completion_percent(len(completed_lesson_ids(user=user, course=course)), live_lesson_count(course=course))


def session_answer_history(*, session: LessonSession) -> list[tuple[int, bool]]:
    """(exercise_id, is_correct) of every answer in the session, in order."""
    return list(
        UserExerciseInteraction.objects.filter(session=session)
        .order_by("created_at", "id")
        .values_list("exercise_id", "is_correct")
    )
