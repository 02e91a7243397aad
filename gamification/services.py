"""The learning engine's writes: lesson sessions (start, answer, complete), hearts, XP, streaks, achievements.

Every write path starts by locking the learner's LearnerStats row (select_for_update), so two
requests of one learner run one after the other and never lose or double an update. The session
services orchestrate progress services (progress never imports gamification).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from audit.models import UserActivityLog
from audit.services import activity_record
from config.exceptions import DomainError, NotFound
from courses import selectors as course_selectors
from exercises import grading
from exercises.kinds import kind_for
from exercises.models import ExerciseOption, LessonExercise
from exercises.selectors import lesson_exercises_for_play
from gamification import rules
from gamification.models import Achievement, LearnerStats, UserAchievement, UserDailyXP, UserHeartsLog
from progress import selectors as progress_selectors
from progress import services as progress_services
from progress.models import LessonSession, UserCourse, UserExerciseInteraction

Status = LessonSession.Status


# --- learner state --------------------------------------------------------------------------------


def learner_stats_lock(*, user) -> LearnerStats:
    """The learner's stats row, locked until the end of the transaction (created on first use)."""
    stats = LearnerStats.objects.select_for_update().filter(user=user).first()
    if stats is None:
        LearnerStats.objects.get_or_create(user=user)
        stats = LearnerStats.objects.select_for_update().get(user=user)
    return stats


def hearts_refresh(*, stats: LearnerStats, now: dt.datetime) -> rules.Hearts:
    """Bring regenerated hearts into the stored count (one log row) and return the current hearts."""
    hearts = rules.hearts_at(stored=stats.hearts, updated_at=stats.hearts_updated_at, now=now)
    if hearts.regenerated:
        stats.hearts, stats.hearts_updated_at = hearts.count, hearts.anchor
        UserHeartsLog.objects.create(
            user_id=stats.user_id,
            delta=hearts.regenerated,
            reason=UserHeartsLog.Reason.REGENERATION,
            balance_after=hearts.count,
            created_at=now,
        )
    return hearts


def hearts_spend(*, stats: LearnerStats, session: LessonSession, now: dt.datetime) -> int:
    """Take one heart for a wrong answer; returns the hearts lost (0 when none were left)."""
    hearts_refresh(stats=stats, now=now)
    if stats.hearts == 0:
        return 0
    if stats.hearts >= settings.HEARTS_MAX:
        stats.hearts_updated_at = now  # the regeneration clock starts with the first heart lost
    stats.hearts -= 1
    UserHeartsLog.objects.create(
        user_id=stats.user_id,
        delta=-1,
        reason=UserHeartsLog.Reason.WRONG_ANSWER,
        balance_after=stats.hearts,
        session=session,
        created_at=now,
    )
    return 1


def current_hearts(stats: LearnerStats, now: dt.datetime) -> rules.Hearts:
    return rules.hearts_at(stored=stats.hearts, updated_at=stats.hearts_updated_at, now=now)


# --- achievements ----------------------------------------------------------------------------------


def achievement_metric(stats: LearnerStats, kind: str) -> int:
    return {
        Achievement.Kind.LESSONS_COMPLETED: stats.lessons_completed,
        Achievement.Kind.STREAK_DAYS: stats.longest_streak,
        Achievement.Kind.TOTAL_XP: stats.total_xp,
        Achievement.Kind.PERFECT_LESSONS: stats.perfect_lessons,
        Achievement.Kind.COURSES_COMPLETED: stats.courses_completed,
    }.get(kind, 0)


def achievements_evaluate(
    *, stats: LearnerStats, user, now: dt.datetime, day: dt.date, request=None
) -> list[UserAchievement]:
    """Update progress on every active achievement and unlock those reached, each exactly once.

    An unlock's XP reward goes to the learner's total (and, by the caller, to the day), and may in
    turn reach a total-XP achievement, so evaluation repeats until nothing more unlocks. Runs
    under the learner's row lock; the (user, achievement) unique constraint backs "once".
    """
    achievements = list(Achievement.objects.live().filter(is_active=True))
    by_id = {achievement.pk: achievement for achievement in achievements}
    rows = {row.achievement_id: row for row in UserAchievement.objects.filter(user=user)}
    for row in rows.values():
        if row.achievement_id in by_id:
            row.achievement = by_id[row.achievement_id]
    new_rows, changed, unlocked = [], {}, []
    progressing = True
    while progressing:
        progressing = False
        for achievement in achievements:
            row = rows.get(achievement.pk)
            if row is None:
                row = UserAchievement(user=user, achievement=achievement)
                rows[achievement.pk] = row
                new_rows.append(row)
            if row.unlocked_at is not None:
                continue
            progress = min(achievement_metric(stats, achievement.kind), achievement.threshold)
            if progress != row.progress:
                row.progress = progress
                changed[achievement.pk] = row
            if progress >= achievement.threshold:
                row.unlocked_at, row.unlocked_on, row.xp_awarded = now, day, achievement.xp_reward
                stats.total_xp += achievement.xp_reward
                changed[achievement.pk] = row
                unlocked.append(row)
                progressing = progressing or achievement.xp_reward > 0
    if new_rows:
        UserAchievement.objects.bulk_create(new_rows)
    existing_changed = [row for row in changed.values() if row not in new_rows]
    if existing_changed:
        UserAchievement.objects.bulk_update(existing_changed, ["progress", "unlocked_at", "unlocked_on", "xp_awarded"])
    for row in unlocked:
        activity_record(
            user=user,
            action=UserActivityLog.Action.ACHIEVEMENT_UNLOCK,
            request=request,
            metadata={"achievement": by_id[row.achievement_id].code, "xp": row.xp_awarded},
        )
    return unlocked


def daily_xp_add(*, user, day: dt.date, xp: int, lessons: int) -> UserDailyXP:
    """Add XP (and completed lessons) to the learner's local day, recording the goal in force.

    Runs under the learner's row lock (every writer of a learner's days takes it), so the day's row is
    read and written back without another writer in between: two statements.
    """
    daily = UserDailyXP.objects.filter(user=user, date=day).first()
    if daily is None:
        return UserDailyXP.objects.create(
            user=user, date=day, xp=xp, lessons_completed=lessons, goal=user.daily_xp_goal
        )
    daily.xp += xp
    daily.lessons_completed += lessons
    daily.goal = user.daily_xp_goal
    daily.save(update_fields=["xp", "lessons_completed", "goal"])
    return daily


def daily_goal_today_update(*, user, fields: set[str]) -> None:
    """A goal changed during the day is the goal of today (accounts.profile calls this in the profile write's
    transaction); the past days keep the goal that was in force then."""
    if "daily_xp_goal" in fields:
        UserDailyXP.objects.filter(user=user, date=user.local_date()).update(goal=user.daily_xp_goal)


# --- lesson sessions -------------------------------------------------------------------------------


@dataclass
class SessionStart:
    session: LessonSession
    exercises: list[LessonExercise]
    hearts: rules.Hearts


@transaction.atomic
def lesson_session_start(*, user, lesson_id: int, request=None, now: dt.datetime | None = None) -> SessionStart:
    """Start an attempt: 404 unknown lesson (or one the learner may not see); 409 not enrolled, course
    unavailable (unpublished or archived), lesson archived, locked, or out of hearts."""
    lesson = progress_selectors.lesson_for_play(lesson_id=lesson_id)
    if lesson is None:
        raise NotFound("No such lesson.")
    stats = learner_stats_lock(user=user)
    now = now or timezone.now()  # read after the lock, so the learner's events are in time order
    progress_services.lesson_sessions_abandon_idle(user=user, now=now)
    course = lesson.unit.section.course
    enrollment = progress_selectors.enrollment_get(user=user, course=course.pk)
    if enrollment is None:
        if not course_selectors.lesson_is_visible(lesson):
            raise NotFound("No such lesson.")
        raise DomainError("Enroll in the course before starting its lessons.", code="not_enrolled")
    unavailable = progress_selectors.course_unavailable_reason(course)
    if unavailable is not None:
        raise DomainError(
            f"This course is {unavailable}: your history in it stays, but no new lessons can be started.",
            code="course_unavailable",
        )
    if any(row.archived_at is not None for row in (lesson, lesson.unit, lesson.unit.section)):
        raise DomainError("This lesson was archived; your history in it stays.", code="lesson_unavailable")
    if not progress_selectors.lesson_is_unlocked(user=user, lesson=lesson):
        raise DomainError("Complete this lesson's prerequisites first.", code="lesson_locked")
    hearts = hearts_refresh(stats=stats, now=now)
    if hearts.count <= 0:
        raise DomainError("No hearts left; one comes back soon.", code="no_hearts")
    if hearts.regenerated:
        stats.save(update_fields=["hearts", "hearts_updated_at", "updated_at"])
    links = list(lesson_exercises_for_play(lesson))
    if not links:
        raise DomainError("This lesson has no exercises yet.", code="lesson_empty")
    lesson_xp = lesson.xp_reward if lesson.xp_reward is not None else sum(link.exercise.xp for link in links)
    session = progress_services.lesson_session_create(
        user=user, lesson=lesson, enrollment=enrollment, lesson_xp=lesson_xp, now=now, request=request
    )
    return SessionStart(session=session, exercises=links, hearts=hearts)


class SessionIdle(DomainError):
    """The session was left idle too long and is over. The refusal undoes the transaction, so the caller
    records the abandonment afterwards (progress_services.lesson_sessions_abandon_idle)."""

    def __init__(self):
        super().__init__("This session was abandoned after being idle.", code="session_finished")


def _session_for_write(*, user, session_id: int, now: dt.datetime) -> LessonSession:
    """The learner's active session, locked (one query); 404 for anyone else's, 409 when it is over."""
    session = LessonSession.objects.select_for_update().filter(user=user, pk=session_id).order_by().first()
    if session is None:
        raise NotFound("No such session.")
    session.user = user
    if session.status == Status.ACTIVE and progress_services.session_is_idle(session, now):
        raise SessionIdle()
    if session.status != Status.ACTIVE:
        raise DomainError(f"This session is {session.status}.", code="session_finished")
    return session


@dataclass
class AnswerOutcome:
    session: LessonSession
    interaction: UserExerciseInteraction
    result: grading.GradeResult
    hearts: rules.Hearts


def _exercise_to_grade(*, session: LessonSession, exercise_id: int) -> progress_selectors.ExerciseToGrade:
    exercise = progress_selectors.session_exercise_to_grade(session=session, exercise_id=exercise_id)
    if exercise is None:
        raise grading.InvalidAnswer({"exercise": "This exercise is not part of the session's lesson."})
    if exercise.answered_right:
        raise DomainError("This exercise is already answered correctly.", code="exercise_already_answered")
    return exercise


def _options_for_grading(exercise: progress_selectors.ExerciseToGrade) -> list[dict[str, Any]]:
    if not kind_for(exercise.type_code).uses_options:
        return []
    return list(
        ExerciseOption.objects.filter(exercise_id=exercise.exercise_id)
        .order_by("position", "pk")
        .values("id", "text", "is_correct")
    )


def _answer_orthography(exercise: progress_selectors.ExerciseToGrade) -> grading.Orthography:
    """The orthography of the language the answer is in (one of the session's course languages)."""
    code = kind_for(exercise.type_code).answer_language(
        exercise.content, from_language=exercise.from_language.code, to_language=exercise.to_language.code
    )
    language = exercise.from_language if code == exercise.from_language.code else exercise.to_language
    return grading.Orthography.of(language.punctuation_letters)


@transaction.atomic
def lesson_session_answer(
    *,
    user,
    session_id: int,
    exercise_id: int,
    answer: Any,
    time_ms: int | None = None,
    hints_used: int = 0,
    request=None,
    now: dt.datetime | None = None,
) -> AnswerOutcome:
    """Grade and record one answer; a wrong one costs a heart, and the session fails at 0 hearts."""
    stats = learner_stats_lock(user=user)
    now = now or timezone.now()  # read after the lock, so the learner's events are in time order
    session = _session_for_write(user=user, session_id=session_id, now=now)
    exercise = _exercise_to_grade(session=session, exercise_id=exercise_id)
    # The answer is checked against the exercise's kind before anything is written (a 400 costs no heart).
    result = grading.grade(
        exercise.type_code,
        exercise.content,
        exercise.answers,
        _options_for_grading(exercise),
        answer,
        orthography=_answer_orthography(exercise),
    )
    hearts_lost = 0
    if not result.correct:
        hearts_lost = hearts_spend(stats=stats, session=session, now=now)
        stats.save(update_fields=["hearts", "hearts_updated_at", "updated_at"])
    interaction = progress_services.interaction_record(
        session=session,
        exercise_id=exercise.exercise_id,
        answer=answer,
        is_correct=result.correct,
        feedback=result.feedback,
        feedback_message=result.message,
        time_ms=time_ms,
        hints_used=hints_used,
        hearts_lost=hearts_lost,
        now=now,
    )
    if not result.correct and stats.hearts == 0:
        progress_services.lesson_session_fail(session=session, now=now, request=request)
    return AnswerOutcome(session=session, interaction=interaction, result=result, hearts=current_hearts(stats, now))


@dataclass
class Completion:
    session: LessonSession
    enrollment: UserCourse | None
    stats: LearnerStats
    daily: UserDailyXP
    streak: rules.StreakChange
    lesson_xp: int
    bonus_xp: int
    achievement_xp: int
    score: int
    perfect: bool
    unlocked: list[UserAchievement] = field(default_factory=list)
    hearts: rules.Hearts | None = None


@transaction.atomic
def lesson_session_complete(*, user, session_id: int, request=None, now: dt.datetime | None = None) -> Completion:
    """Finish an attempt: XP to the course, the total and the local day; streak; achievements; one transaction."""
    stats = learner_stats_lock(user=user)
    now = now or timezone.now()  # read after the lock, so the learner's events are in time order
    session = _session_for_write(user=user, session_id=session_id, now=now)
    answered = UserExerciseInteraction.objects.filter(session=session, is_correct=True).values("exercise_id")
    missing = LessonExercise.objects.filter(
        lesson_id=session.lesson_id, is_required=True, exercise__archived_at__isnull=True
    ).exclude(exercise_id__in=answered)
    if missing.exists():
        raise DomainError("Answer every required exercise correctly first.", code="lesson_incomplete")
    score, perfect = progress_services.session_score(progress_selectors.session_answer_history(session=session))
    bonus = settings.PERFECT_LESSON_BONUS_XP if perfect else 0
    xp = session.lesson_xp + bonus
    day = user.local_date(now)
    enrollment, first_completion, course_completed = progress_services.lesson_session_complete_record(
        session=session, xp_awarded=xp, score=score, perfect=perfect, day=day, now=now, request=request
    )
    stats.total_xp += xp
    stats.lessons_completed += 1 if first_completion else 0
    stats.perfect_lessons += 1 if perfect else 0
    stats.courses_completed += 1 if course_completed else 0
    streak = rules.streak_after_lesson(
        rules.Streak(stats.current_streak, stats.longest_streak, stats.last_active_date, stats.streak_freezes), day
    )
    stats.current_streak, stats.longest_streak = streak.streak.current, streak.streak.longest
    stats.last_active_date, stats.streak_freezes = streak.streak.last_active_date, streak.streak.freezes
    total_before_achievements = stats.total_xp
    unlocked = achievements_evaluate(stats=stats, user=user, now=now, day=day, request=request)
    achievement_xp = stats.total_xp - total_before_achievements
    stats.save()
    daily = daily_xp_add(user=user, day=day, xp=xp + achievement_xp, lessons=1)
    return Completion(
        session=session,
        enrollment=enrollment,
        stats=stats,
        daily=daily,
        streak=streak,
        lesson_xp=session.lesson_xp,
        bonus_xp=bonus,
        achievement_xp=achievement_xp,
        score=score,
        perfect=perfect,
        unlocked=unlocked,
        hearts=current_hearts(stats, now),
    )
