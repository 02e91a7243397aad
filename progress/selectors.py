"""Reads of learner progress: enrollments, sessions, lesson statuses (constant queries each)."""

from __future__ import annotations

from django.db.models import QuerySet, Sum

from courses.models import Course, Lesson, LessonPrerequisite
from progress.models import LessonSession, UserCourse, UserExerciseInteraction, UserLessonProgress

LOCKED, AVAILABLE, COMPLETED = "locked", "available", "completed"


def enrollment_list(*, user) -> QuerySet[UserCourse]:
    return UserCourse.objects.filter(user=user).select_related(
        "course__from_language", "course__to_language", "current_lesson"
    )


def enrollment_get(*, user, course: Course | int) -> UserCourse | None:
    course_id = course.pk if isinstance(course, Course) else course
    return UserCourse.objects.filter(user=user, course_id=course_id).first()


def session_list(*, user) -> QuerySet[LessonSession]:
    """The learner's own sessions; anyone else's are simply not there (→ 404)."""
    return LessonSession.objects.filter(user=user).select_related("lesson")


def lesson_for_play(*, lesson_id: int) -> Lesson | None:
    """A lesson of a published course, with its course loaded; None when the learner may not see it."""
    return (
        Lesson.objects.select_related("unit__section__course")
        .filter(pk=lesson_id, unit__section__course__is_published=True)
        .first()
    )


def completed_lesson_ids(*, user, course: Course | int) -> set[int]:
    course_id = course.pk if isinstance(course, Course) else course
    return set(
        UserLessonProgress.objects.filter(
            user=user, course_id=course_id, status=UserLessonProgress.Status.COMPLETED
        ).values_list("lesson_id", flat=True)
    )


def lesson_is_unlocked(*, user, lesson: Lesson) -> bool:
    """All of the lesson's prerequisites are completed by the learner (one query)."""
    completed = UserLessonProgress.objects.filter(user=user, status=UserLessonProgress.Status.COMPLETED).values(
        "lesson_id"
    )
    return not LessonPrerequisite.objects.filter(lesson=lesson).exclude(requires_id__in=completed).exists()


def lesson_statuses(*, user, course: Course | int, prerequisites: dict[int, list[int]] | None = None):
    """Each lesson's status for the learner: locked, available or completed; None when not enrolled.

    `prerequisites` ({lesson id: [required lesson ids]} for every lesson of the course) may come from a
    cached course tree; then two queries, else four, whatever the size of the course.
    """
    course_id = course.pk if isinstance(course, Course) else course
    if not UserCourse.objects.filter(user=user, course_id=course_id).exists():
        return None
    if prerequisites is None:
        lesson_ids = Lesson.objects.filter(unit__section__course_id=course_id).values_list("pk", flat=True)
        prerequisites = {lesson_id: [] for lesson_id in lesson_ids}
        links = LessonPrerequisite.objects.filter(lesson_id__in=list(prerequisites)).values_list(
            "lesson_id", "requires_id"
        )
        for lesson_id, requires_id in links:
            prerequisites[lesson_id].append(requires_id)
    completed = completed_lesson_ids(user=user, course=course_id)
    statuses = {}
    for lesson_id, requires in prerequisites.items():
        if lesson_id in completed:
            statuses[lesson_id] = COMPLETED
        elif all(required in completed for required in requires):
            statuses[lesson_id] = AVAILABLE
        else:
            statuses[lesson_id] = LOCKED
    return statuses


def course_totals(*, user, course: Course | int) -> tuple[int, int, int, int]:
    """(course XP from completed sessions, completed lessons, lessons in the course, completion %)."""
    course_id = course.pk if isinstance(course, Course) else course
    xp = (
        LessonSession.objects.filter(user=user, course_id=course_id, status=LessonSession.Status.COMPLETED).aggregate(
            total=Sum("xp_awarded")
        )["total"]
        or 0
    )
    completed = UserLessonProgress.objects.filter(
        user=user, lesson__unit__section__course_id=course_id, status=UserLessonProgress.Status.COMPLETED
    ).count()
    total = Lesson.objects.filter(unit__section__course_id=course_id).count()
    return xp, completed, total, completion_percent(completed, total)


def completion_percent(completed: int, total: int) -> int:
    return min(100, (completed * 100) // total) if total else 0


def session_answer_history(*, session: LessonSession) -> list[tuple[int, bool]]:
    """(exercise_id, is_correct) of every answer in the session, in order."""
    return list(
        UserExerciseInteraction.objects.filter(session=session)
        .order_by("created_at", "id")
        .values_list("exercise_id", "is_correct")
    )
