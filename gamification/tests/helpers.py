"""Play lessons through the real services (Zulip-style test data through the action functions)."""

from __future__ import annotations

from exercises.tests.factories import RIGHT, WRONG
from gamification import answering, services
from progress.services import user_course_enroll


def enroll(user, lesson):
    return user_course_enroll(user=user, course=lesson.unit.section.course)[0]


def play_lesson(user, lesson, *, wrong: int = 0, now=None):
    """Start, answer the first exercise wrong `wrong` times, answer all right, complete."""
    start = services.lesson_session_start(user=user, lesson_id=lesson.pk, now=now)
    exercise_ids = [link.exercise_id for link in start.exercises]
    for _ in range(wrong):
        answering.lesson_session_answer(
            user=user, session_id=start.session.pk, exercise_id=exercise_ids[0], answer=WRONG, now=now
        )
    for exercise_id in exercise_ids:
        answering.lesson_session_answer(
            user=user, session_id=start.session.pk, exercise_id=exercise_id, answer=RIGHT, now=now
        )
    return services.lesson_session_complete(user=user, session_id=start.session.pk, now=now)


def earn_xp(user, xp: int, *, now, **activity):
    """XP from a learning event (no lesson), through the real XP path, in its own transaction."""
    from django.db import transaction

    with transaction.atomic():
        stats = services.learner_stats_lock(user=user)
        event = services.XpEvent(stats=stats, user=user, now=now, day=user.local_date(now))
        return services.learning_event_record(event=event, xp=xp, activity=services.DayActivity(**activity))
