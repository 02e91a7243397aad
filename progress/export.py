"""The progress app's sections of the learner's data export (me/export/)."""

from __future__ import annotations

from typing import Any

from progress.models import LessonSession, UserExerciseInteraction, UserLessonProgress
from progress.selectors import completion_percent, enrollment_list


def _iso(value):
    return value.isoformat() if value is not None else None


def enrollments(user) -> list[dict[str, Any]]:
    return [
        {
            "course": e.course_id,
            "course_title": e.course.title,
            "xp": e.xp,
            "completion_percent": completion_percent(e.completed_lessons, e.live_lessons),
            "enrolled_at": _iso(e.enrolled_at),
            "last_activity_at": _iso(e.last_activity_at),
        }
        for e in enrollment_list(user=user).order_by("enrolled_at", "id")
    ]


def lesson_progress(user) -> list[dict[str, Any]]:
    return [
        {
            "lesson": p.lesson_id,
            "status": p.status,
            "attempts": p.attempts,
            "completions": p.completions,
            "best_score": p.best_score,
            "last_score": p.last_score,
            "first_completed_at": _iso(p.first_completed_at),
            "last_completed_at": _iso(p.last_completed_at),
            "time_spent_seconds": p.time_spent_seconds,
        }
        for p in UserLessonProgress.objects.filter(user=user).order_by("lesson_id")
    ]


def lesson_sessions(user) -> list[dict[str, Any]]:
    return [
        {
            "id": s.pk,
            "lesson": s.lesson_id,
            "status": s.status,
            "mistakes": s.mistakes,
            "hearts_lost": s.hearts_lost,
            "xp_awarded": s.xp_awarded,
            "score": s.score,
            "started_at": _iso(s.started_at),
            "finished_at": _iso(s.finished_at),
        }
        for s in LessonSession.objects.filter(user=user).order_by("started_at", "id")
    ]


def interactions(user) -> list[dict[str, Any]]:
    return [
        {
            "session": i.session_id,
            "exercise": i.exercise_id,
            "answer": i.answer,
            "is_correct": i.is_correct,
            "feedback": i.feedback,
            "time_ms": i.time_ms,
            "hints_used": i.hints_used,
            "created_at": _iso(i.created_at),
        }
        for i in UserExerciseInteraction.objects.filter(user=user).order_by("created_at", "id")
    ]


SECTIONS = {
    "enrollments": enrollments,
    "lesson_progress": lesson_progress,
    "lesson_sessions": lesson_sessions,
    "exercise_interactions": interactions,
}
