"""Writes on learner progress: enrollment, the session lifecycle (lessons and practice), lesson progress, answers
and the memory state each first answer in a session reviews.

Hearts, XP, streaks and achievements are gamification's; its session services call these inside
their own transaction, holding the learner's row lock.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from audit.models import UserActivityLog
from audit.services import activity_record
from config import sql
from courses.models import Course, Lesson
from progress import memory, selectors
from progress.models import (
    LessonSession,
    PracticeSessionItem,
    UserCourse,
    UserExerciseInteraction,
    UserLessonProgress,
)

Status = LessonSession.Status


@transaction.atomic
def user_course_enroll(*, user, course: Course, request=None) -> tuple[UserCourse, bool]:
    """Enroll the learner; enrolling again returns the existing enrollment (created=False).

    A returning learner gets back the course XP their history earned (completion is derived from it on read).
    """
    existing = selectors.enrollment_get(user=user, course=course)
    if existing is not None:
        return existing, False
    xp = selectors.course_xp(user=user, course=course)
    enrollment, created = UserCourse.objects.get_or_create(user=user, course=course, defaults={"xp": xp})
    if created:
        activity_record(
            user=user, action=UserActivityLog.Action.ENROLL, request=request, metadata={"course": course.pk}
        )
    return enrollment, created


@transaction.atomic
def user_course_unenroll(*, enrollment: UserCourse, request=None) -> None:
    """Leave a course: its active sessions are abandoned; lesson history stays for a later return."""
    now = timezone.now()
    LessonSession.objects.filter(
        user_id=enrollment.user_id, course_id=enrollment.course_id, status=Status.ACTIVE
    ).update(status=Status.ABANDONED, finished_at=now)
    activity_record(
        user=enrollment.user,
        action=UserActivityLog.Action.UNENROLL,
        request=request,
        metadata={"course": enrollment.course_id},
    )
    enrollment.delete()


@transaction.atomic
def lesson_sessions_abandon_idle(*, user=None, now: dt.datetime | None = None) -> int:
    """Abandon active sessions idle longer than SESSION_IDLE_ABANDON_SECONDS (one learner's, or all)."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(seconds=settings.SESSION_IDLE_ABANDON_SECONDS)
    sessions = LessonSession.objects.filter(status=Status.ACTIVE, last_activity_at__lt=cutoff)
    if user is not None:
        sessions = sessions.filter(user=user)
    return sessions.update(status=Status.ABANDONED, finished_at=now)


def session_is_idle(session: LessonSession, now: dt.datetime) -> bool:
    return idle_between(session.last_activity_at, now)


def idle_between(last_activity_at: dt.datetime, at: dt.datetime) -> bool:
    """A session whose learner did nothing from `last_activity_at` to `at` is idle (and is abandoned)."""
    return at - last_activity_at > dt.timedelta(seconds=settings.SESSION_IDLE_ABANDON_SECONDS)


@transaction.atomic(savepoint=False)
def lesson_session_create(
    *, user, lesson: Lesson, enrollment: UserCourse, lesson_xp: int, now: dt.datetime, request=None
) -> LessonSession:
    """Open a new attempt; an active attempt at the same lesson is abandoned (one active per lesson)."""
    course_id = enrollment.course_id
    LessonSession.objects.filter(user=user, lesson=lesson, status=Status.ACTIVE).update(
        status=Status.ABANDONED, finished_at=now
    )
    session = LessonSession.objects.create(
        user=user, lesson=lesson, course_id=course_id, lesson_xp=lesson_xp, started_at=now, last_activity_at=now
    )
    progress, created = UserLessonProgress.objects.get_or_create(
        user=user, lesson=lesson, defaults={"course_id": course_id, "attempts": 1}
    )
    if not created:
        UserLessonProgress.objects.filter(pk=progress.pk).update(attempts=F("attempts") + 1)
    UserCourse.objects.filter(pk=enrollment.pk).update(last_activity_at=now)
    activity_record(
        user=user,
        action=UserActivityLog.Action.LESSON_START,
        request=request,
        metadata={"lesson": lesson.pk, "session": session.pk},
    )
    return session


@transaction.atomic(savepoint=False)
def practice_session_create(
    *, user, enrollment: UserCourse, kind: str, exercise_ids: list[int], now: dt.datetime, request=None
) -> LessonSession:
    """Open a practice session of these exercises, in this order; an active practice of the same course and kind is
    abandoned (one active per course and kind)."""
    LessonSession.objects.filter(user=user, course_id=enrollment.course_id, kind=kind, status=Status.ACTIVE).update(
        status=Status.ABANDONED, finished_at=now
    )
    session = LessonSession.objects.create(
        user=user, kind=kind, lesson=None, course_id=enrollment.course_id, started_at=now, last_activity_at=now
    )
    PracticeSessionItem.objects.bulk_create(
        PracticeSessionItem(session=session, exercise_id=exercise_id, position=position)
        for position, exercise_id in enumerate(exercise_ids, start=1)
    )
    UserCourse.objects.filter(pk=enrollment.pk).update(last_activity_at=now)
    activity_record(
        user=user,
        action=UserActivityLog.Action.LESSON_START,
        request=request,
        metadata={"practice": kind, "course": enrollment.course_id, "session": session.pk},
    )
    return session


INTERACTION_FIELDS = (
    "id",
    "user",
    "session",
    "exercise",
    "answer",
    "is_correct",
    "feedback",
    "feedback_message",
    "time_ms",
    "hints_used",
    "created_at",
    "answered_at",
)


def session_time_spent(session: LessonSession, now: dt.datetime) -> int:
    """Seconds from the session's start to `now`: what its end adds to the lesson's time spent."""
    return max(0, int((now - session.started_at).total_seconds()))


def answers_record_statements(
    *, session: LessonSession, interactions: list[UserExerciseInteraction], failed: bool, now: dt.datetime
) -> list[sql.Statement]:
    """The writes of answers given in a session (gamification.answering sends them with its own, in one statement):
    the interactions (ids already allocated), and the session as the answers left it (`session` carries its new
    counters and status, under its row lock). A session they failed adds its time to the lesson's progress."""
    statements = []
    if interactions:
        statements.append(sql.insert(interactions, INTERACTION_FIELDS))
    statements.append(
        sql.update(
            LessonSession,
            where={"id": session.pk},
            values={
                "status": session.status,
                "finished_at": session.finished_at,
                "last_activity_at": session.last_activity_at,
                "mistakes": session.mistakes,
                "hearts_lost": session.hearts_lost,
            },
        )
    )
    if failed:
        statements.append(
            sql.update(
                UserLessonProgress,
                where={"user": session.user_id, "lesson": session.lesson_id},
                values={},
                add={"time_spent_seconds": session_time_spent(session, now)},
            )
        )
    return statements


def _course_completed_before(session: LessonSession) -> bool:
    return LessonSession.objects.filter(
        user_id=session.user_id, course_id=session.course_id, completed_course=True
    ).exists()


def session_score(history: list[tuple[int, bool]]) -> tuple[int, bool]:
    """(share of exercises answered right at the first try in %, perfect = no wrong answer at all)."""
    first_try: dict[int, bool] = {}
    for exercise_id, is_correct in history:
        first_try.setdefault(exercise_id, is_correct)
    if not first_try:
        return 0, False
    right = sum(1 for correct in first_try.values() if correct)
    return round(100 * right / len(first_try)), all(correct for _, correct in history)


@transaction.atomic(savepoint=False)
def lesson_session_complete_record(
    *, session: LessonSession, xp_awarded: int, score: int, perfect: bool, day: dt.date, now: dt.datetime, request=None
) -> tuple[UserCourse | None, bool, bool]:
    """Mark the attempt completed and update lesson and course progress (the course's XP comes through
    gamification's XP path, `enrollment_xp_add`).

    Returns (enrollment, first completion of this lesson, course completed by this lesson); the enrollment
    carries `completion_percent`, derived from the live lessons.
    """
    progress = UserLessonProgress.objects.get(user_id=session.user_id, lesson_id=session.lesson_id)
    first_completion = progress.completions == 0
    progress.status = UserLessonProgress.Status.COMPLETED
    progress.completions += 1
    progress.last_score = score
    progress.best_score = score if progress.best_score is None else max(progress.best_score, score)
    progress.first_completed_at = progress.first_completed_at or now
    progress.last_completed_at = now
    progress.time_spent_seconds += session_time_spent(session, now)
    progress.save()

    completed = len(selectors.completed_lesson_ids(user=session.user, course=session.course_id))
    total = selectors.live_lesson_count(course=session.course_id)
    percent = selectors.completion_percent(completed, total)
    # A course counts as completed once, when a first completion leaves no live lesson to do. The session
    # records it, so counting course completions never depends on how the course changes later.
    course_completed = first_completion and total > 0 and completed == total and not _course_completed_before(session)
    session.status, session.finished_at, session.completed_on = Status.COMPLETED, now, day
    session.xp_awarded, session.score, session.is_perfect = xp_awarded, score, perfect
    session.last_activity_at, session.completed_course = now, course_completed
    session.save(
        update_fields=[
            "status",
            "finished_at",
            "completed_on",
            "xp_awarded",
            "score",
            "is_perfect",
            "last_activity_at",
            "completed_course",
        ]
    )
    enrollment = UserCourse.objects.filter(user_id=session.user_id, course_id=session.course_id).first()
    if enrollment is not None:
        UserCourse.objects.filter(pk=enrollment.pk).update(last_activity_at=now)
        enrollment.last_activity_at = now
        enrollment.completion_percent = percent
    activity_record(
        user=session.user,
        action=UserActivityLog.Action.LESSON_COMPLETE,
        request=request,
        metadata={"lesson": session.lesson_id, "session": session.pk, "xp": xp_awarded, "score": score},
    )
    return enrollment, first_completion, course_completed


def memory_review_statement(
    *,
    user,
    session: LessonSession,
    exercise: selectors.ExerciseToGrade,
    correct: bool,
    feedback: str,
    time_ms: int | None,
    now: dt.datetime,
) -> sql.Statement:
    """The review a first answer in a session makes: the learner's new memory state of the exercise, as one upsert
    (gamification.answering sends it with the answer's other writes, under the learner's row lock)."""
    state = memory.memory_review(
        previous=exercise.memory,
        exercise_id=exercise.exercise_id,
        correct=correct,
        feedback=feedback,
        type_code=exercise.type_code,
        time_ms=time_ms,
        at=now,
        retention=memory.learner_retention(user),
    )
    return memory.memory_state_upsert_statement(
        user_id=user.pk, exercise_id=exercise.exercise_id, course_id=session.course_id, memory=state
    )


@transaction.atomic(savepoint=False)
def practice_session_complete_record(
    *, session: LessonSession, xp_awarded: int, score: int, perfect: bool, day: dt.date, now: dt.datetime, request=None
) -> UserCourse | None:
    """Mark the practice session completed (its XP, score and local day, what recalculate_progress replays); the
    enrollment, with `completion_percent`, or None when the learner left the course."""
    session.status, session.finished_at, session.completed_on = Status.COMPLETED, now, day
    session.xp_awarded, session.score, session.is_perfect, session.last_activity_at = xp_awarded, score, perfect, now
    session.save(
        update_fields=["status", "finished_at", "completed_on", "xp_awarded", "score", "is_perfect", "last_activity_at"]
    )
    enrollment = UserCourse.objects.filter(user_id=session.user_id, course_id=session.course_id).first()
    if enrollment is not None:
        UserCourse.objects.filter(pk=enrollment.pk).update(last_activity_at=now)
        enrollment.last_activity_at = now
        completed = len(selectors.completed_lesson_ids(user=session.user, course=session.course_id))
        enrollment.completion_percent = selectors.completion_percent(
            completed, selectors.live_lesson_count(course=session.course_id)
        )
    activity_record(
        user=session.user,
        action=UserActivityLog.Action.LESSON_COMPLETE,
        request=request,
        metadata={"practice": session.kind, "session": session.pk, "xp": xp_awarded, "score": score},
    )
    return enrollment


def enrollment_xp_add(*, enrollment: UserCourse, xp: int) -> UserCourse:
    """Add XP to the learner's course (called by gamification's XP path, under the learner's row lock).

    Plain SQL: every lesson completion runs it, and the ORM update cost more to build than to run."""
    table = connection.ops.quote_name(UserCourse._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET xp = xp + %s WHERE id = %s", [xp, enrollment.pk])  # noqa: S608
    enrollment.xp += xp
    return enrollment
