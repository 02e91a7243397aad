"""The learning engine's writes: sessions of lessons and practice (start, answer, complete: one lifecycle, the kind
deciding hearts and rewards), hearts, the XP path, streaks, achievements, quests, and the learner side of league
results.

Every write path starts by locking the learner's LearnerStats row (select_for_update), so two
requests of one learner run one after the other and never lose or double an update. The session
services orchestrate progress services (progress never imports gamification).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from audit.models import UserActivityLog
from audit.services import activity_record
from config.exceptions import DomainError, NotFound
from courses import selectors as course_selectors
from exercises.models import LessonExercise
from exercises.selectors import lesson_exercises_for_play
from gamification import leagues, quests, rules
from gamification.models import (
    Achievement,
    LeagueMembership,
    LearnerStats,
    QuestTemplate,
    UserAchievement,
    UserDailyXP,
    UserHeartsLog,
    UserQuest,
)
from progress import selectors as progress_selectors
from progress import services as progress_services
from progress.memory import db_datetime
from progress.models import LessonSession, PracticeSessionItem, UserCourse, UserExerciseInteraction

Status = LessonSession.Status
Kind = LessonSession.Kind
logger = logging.getLogger(__name__)


# --- learner state --------------------------------------------------------------------------------


def learner_stats_lock(*, user) -> LearnerStats:
    """The learner's stats row, locked until the end of the transaction (created on first use)."""
    stats = LearnerStats.objects.select_for_update().filter(user=user).first()
    if stats is None:
        LearnerStats.objects.get_or_create(user=user)
        stats = LearnerStats.objects.select_for_update().get(user=user)
    return stats


def hearts_regenerate(*, stats: LearnerStats, now: dt.datetime) -> tuple[rules.Hearts, UserHeartsLog | None]:
    """Bring regenerated hearts into `stats` (unsaved) and return the current hearts with the log row to write
    (unsaved), if any heart came back."""
    hearts = rules.hearts_at(stored=stats.hearts, updated_at=stats.hearts_updated_at, now=now)
    if not hearts.regenerated:
        return hearts, None
    stats.hearts, stats.hearts_updated_at = hearts.count, hearts.anchor
    row = UserHeartsLog(
        user_id=stats.user_id,
        delta=hearts.regenerated,
        reason=UserHeartsLog.Reason.REGENERATION,
        balance_after=hearts.count,
        created_at=now,
    )
    return hearts, row


def hearts_refresh(*, stats: LearnerStats, now: dt.datetime) -> rules.Hearts:
    """Bring regenerated hearts into the stored count (one log row) and return the current hearts."""
    hearts, row = hearts_regenerate(stats=stats, now=now)
    if row is not None:
        row.save(force_insert=True)
    return hearts


def hearts_spend(*, stats: LearnerStats, session_id: int, now: dt.datetime) -> list[UserHeartsLog]:
    """Take one heart for a wrong answer from `stats` (unsaved): the log rows to write (unsaved), regeneration
    first; no wrong-answer row when no heart was left."""
    _, regenerated = hearts_regenerate(stats=stats, now=now)
    rows = [regenerated] if regenerated is not None else []
    if stats.hearts == 0:
        return rows
    if stats.hearts >= settings.HEARTS_MAX:
        stats.hearts_updated_at = now  # the regeneration clock starts with the first heart lost
    stats.hearts -= 1
    rows.append(
        UserHeartsLog(
            user_id=stats.user_id,
            delta=-1,
            reason=UserHeartsLog.Reason.WRONG_ANSWER,
            balance_after=stats.hearts,
            session_id=session_id,
            created_at=now,
        )
    )
    return rows


def hearts_give(
    *, stats: LearnerStats, count: int, reason: str, now: dt.datetime, session: LessonSession | None = None
) -> int:
    """Give up to `count` hearts (never past HEARTS_MAX; regenerated ones first), logged with `reason`; returns the
    hearts given. `stats` is saved by the caller."""
    hearts_refresh(stats=stats, now=now)
    given = min(count, settings.HEARTS_MAX - stats.hearts)
    if given <= 0:
        return 0
    stats.hearts += given
    if stats.hearts >= settings.HEARTS_MAX:
        stats.hearts_updated_at = now  # full: nothing regenerates until the next heart is lost
    UserHeartsLog.objects.create(
        user_id=stats.user_id, delta=given, reason=reason, balance_after=stats.hearts, session=session, created_at=now
    )
    return given


def current_hearts(stats: LearnerStats, now: dt.datetime) -> rules.Hearts:
    return rules.hearts_at(stored=stats.hearts, updated_at=stats.hearts_updated_at, now=now)


# --- the XP path ---------------------------------------------------------------------------------


@dataclass
class DayActivity:
    """What a learning event adds to the learner's day besides XP (what quests count)."""

    lessons: int = 0
    perfect_lessons: int = 0
    correct_run: int = 0  # the longest run of right answers in the event's session
    practice_sessions: int = 0


@dataclass
class XpEvent:
    """One learner's event, under their row lock: who, when, their local day, and the day's row as it stands."""

    stats: LearnerStats
    user: Any
    now: dt.datetime
    day: dt.date
    request: Any = None
    daily: UserDailyXP | None = None
    quests: list[UserQuest] | None = None
    # Read once per event: the active achievements and the learner's rows of them.
    achievements: list[Achievement] | None = None
    achievement_rows: dict[int, UserAchievement] | None = None
    in_league: bool | None = None  # False: no league to join (no tiers), so later awards skip it


DAILY_COUNTS = ("xp", "goal", "lessons_completed", "perfect_lessons", "best_correct_run", "practice_sessions")
_DAILY_TABLE = UserDailyXP._meta.db_table
_USER_TABLE = get_user_model()._meta.db_table
# One statement for the day's row, new or not (PostgreSQL and SQLite share this upsert syntax): the path every
# learning event takes, so it is worth a round trip. The goal is read from the user's row as committed, not from the
# request's copy of the user, which a profile change committed meanwhile may have made stale.
DAILY_UPSERT = f"""
INSERT INTO {_DAILY_TABLE} (user_id, date, {", ".join(DAILY_COUNTS)})
VALUES (%s, %s, %s, (SELECT daily_xp_goal FROM {_USER_TABLE} WHERE id = %s), %s, %s, %s, %s)
ON CONFLICT (user_id, date) DO UPDATE SET
    xp = {_DAILY_TABLE}.xp + excluded.xp,
    goal = excluded.goal,
    lessons_completed = {_DAILY_TABLE}.lessons_completed + excluded.lessons_completed,
    perfect_lessons = {_DAILY_TABLE}.perfect_lessons + excluded.perfect_lessons,
    best_correct_run = CASE WHEN excluded.best_correct_run > {_DAILY_TABLE}.best_correct_run
        THEN excluded.best_correct_run ELSE {_DAILY_TABLE}.best_correct_run END,
    practice_sessions = {_DAILY_TABLE}.practice_sessions + excluded.practice_sessions
RETURNING id, {", ".join(DAILY_COUNTS)}
"""  # noqa: S608 (a model's table name, no input)


def daily_xp_add(*, user, day: dt.date, xp: int, activity: DayActivity | None = None) -> UserDailyXP:
    """Add XP (and the event's activity) to the learner's local day, recording the goal in force; the day's row.

    Runs under the learner's row lock (every writer of a learner's days takes it).
    """
    activity = activity or DayActivity()
    values = [xp, user.pk, activity.lessons, activity.perfect_lessons, activity.correct_run]
    with connection.cursor() as cursor:
        date = connection.ops.adapt_datefield_value(day)
        cursor.execute(DAILY_UPSERT, [user.pk, date, *values, activity.practice_sessions])
        row = cursor.fetchone()
    daily = UserDailyXP(user=user, date=day, **dict(zip(("id", *DAILY_COUNTS), row, strict=True)))
    daily._state.adding = False
    return daily


def xp_award(
    *, event: XpEvent, amount: int, enrollment: UserCourse | None = None, activity: DayActivity | None = None
) -> UserDailyXP:
    """The one path of XP: to the learner's total, their local day, the course (when there is one) and their
    league membership of the week (the week's first XP joins a cohort).

    Runs in the caller's transaction under the learner's row lock; `event.stats` is saved by the caller.
    """
    event.stats.total_xp += amount
    event.daily = daily_xp_add(user=event.user, day=event.day, xp=amount, activity=activity)
    if amount:
        if enrollment is not None:
            progress_services.enrollment_xp_add(enrollment=enrollment, xp=amount)
        if event.in_league is not False:
            event.in_league = leagues.league_xp_add(user=event.user, xp=amount, now=event.now)
    return event.daily


# --- achievements ----------------------------------------------------------------------------------


def achievement_metric(stats: LearnerStats, kind: str) -> int:
    return {
        Achievement.Kind.LESSONS_COMPLETED: stats.lessons_completed,
        Achievement.Kind.STREAK_DAYS: stats.longest_streak,
        Achievement.Kind.TOTAL_XP: stats.total_xp,
        Achievement.Kind.PERFECT_LESSONS: stats.perfect_lessons,
        Achievement.Kind.COURSES_COMPLETED: stats.courses_completed,
        Achievement.Kind.LEAGUE_TIER_REACHED: stats.league_best_tier,
        Achievement.Kind.LEAGUE_FIRST_PLACES: stats.league_first_places,
    }.get(kind, 0)


ACHIEVEMENT_COLUMNS = ("id", "code", "name", "description", "kind", "threshold", "xp_reward", "icon", "is_active")
ROW_COLUMNS = ("id", "progress", "unlocked_at", "unlocked_on", "xp_awarded")


def _achievements_with_rows(*, user) -> tuple[list[Achievement], dict[int, UserAchievement]]:
    """The active, live (not archived) achievements and the learner's rows of them, in one statement (a left join).

    Plain SQL because every learning event reads it: the ORM's two queries (or its join) cost more to build and
    load than to run (bench/README.md).
    """
    quote = connection.ops.quote_name
    columns = [f"a.{name}" for name in ACHIEVEMENT_COLUMNS] + [f"r.{name}" for name in ROW_COLUMNS]
    sql = (
        f"SELECT {', '.join(columns)} FROM {quote(Achievement._meta.db_table)} a "  # noqa: S608 (model tables)
        f"LEFT JOIN {quote(UserAchievement._meta.db_table)} r ON r.achievement_id = a.id AND r.user_id = %s "
        "WHERE a.is_active AND a.archived_at IS NULL ORDER BY a.kind, a.threshold, a.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk])
        found = cursor.fetchall()
    achievements, rows = [], {}
    for values in found:
        achievement = Achievement(**dict(zip(ACHIEVEMENT_COLUMNS, values[: len(ACHIEVEMENT_COLUMNS)], strict=True)))
        achievement._state.adding = False
        achievements.append(achievement)
        mine = dict(zip(ROW_COLUMNS, values[len(ACHIEVEMENT_COLUMNS) :], strict=True))
        if mine["id"] is not None:
            row = UserAchievement(user=user, achievement=achievement, **mine)
            row.unlocked_at = db_datetime(row.unlocked_at)
            row.unlocked_on = _db_date(row.unlocked_on)
            row._state.adding = False
            rows[achievement.pk] = row
    return achievements, rows


def _db_date(value) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def achievements_evaluate(*, event: XpEvent) -> list[UserAchievement]:
    """Update progress on every active achievement and unlock those reached, each exactly once.

    An unlock's XP reward goes through the XP path and may in turn reach a total-XP achievement, so
    evaluation repeats until nothing more unlocks. Runs under the learner's row lock; the (user,
    achievement) unique constraint backs "once".
    """
    stats, user, now, day = event.stats, event.user, event.now, event.day
    if event.achievements is None or event.achievement_rows is None:
        event.achievements, event.achievement_rows = _achievements_with_rows(user=user)
    achievements, rows = event.achievements, event.achievement_rows
    by_id = {achievement.pk: achievement for achievement in achievements}
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
                if achievement.xp_reward:
                    xp_award(event=event, amount=achievement.xp_reward)
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
            request=event.request,
            metadata={"achievement": by_id[row.achievement_id].code, "xp": row.xp_awarded},
        )
    return unlocked


# --- quests ----------------------------------------------------------------------------------------


def _quest_reward_give(*, event: XpEvent, quest: UserQuest) -> None:
    """Give a completed quest's reward, recording what it gave (a full stock takes nothing more)."""
    stats, reward = event.stats, quest.reward
    if reward == QuestTemplate.Reward.XP:
        quest.reward_xp = quest.template.reward_xp
        xp_award(event=event, amount=quest.reward_xp)
    elif reward == QuestTemplate.Reward.HEART_REFILL:
        quest.hearts_given = hearts_give(
            stats=stats, count=settings.HEARTS_MAX, reason=UserHeartsLog.Reason.QUEST_REWARD, now=event.now
        )
    elif reward == QuestTemplate.Reward.STREAK_FREEZE and stats.streak_freezes < settings.STREAK_FREEZE_MAX:
        stats.streak_freezes += 1
        quest.freezes_given = 1


def quests_evaluate(*, event: XpEvent) -> list[UserQuest]:
    """Complete and reward, once, each of the day's quests that the day's counts bring to its target.

    Runs under the learner's row lock, after the event's XP and activity are in the day's row; completed quests
    are never evaluated again, so a reward is given once however many events (or concurrent requests) follow.
    A reward's XP may complete another quest (earn XP, daily goal), hence the loop. Returns the quests
    completed now.
    """
    if event.quests is None:
        event.quests = quests.quests_of_day(user=event.user, day=event.day, create=True)
    completed = []
    progressing = True
    while progressing:
        progressing = False
        for quest in event.quests:
            if quest.completed_at is None and quests.quest_progress(quest, event.daily) >= quest.target:
                quest.completed_at = event.now
                _quest_reward_give(event=event, quest=quest)
                completed.append(quest)
                progressing = progressing or quest.reward_xp > 0
    if completed:
        UserQuest.objects.bulk_update(completed, ["completed_at", "reward_xp", "hearts_given", "freezes_given"])
    quests.with_progress(event.quests, event.daily)
    return completed


# --- learning events -------------------------------------------------------------------------------


@dataclass
class EventOutcome:
    daily: UserDailyXP
    unlocked: list[UserAchievement]
    quests: list[UserQuest]  # the day's quests as they stand after the event
    quests_completed: list[UserQuest]

    @property
    def achievement_xp(self) -> int:
        return sum(row.xp_awarded for row in self.unlocked)

    @property
    def quest_xp(self) -> int:
        return sum(quest.reward_xp for quest in self.quests_completed)


def rewards_settle(*, event: XpEvent) -> tuple[list[UserAchievement], list[UserQuest]]:
    """Unlock achievements and complete quests until neither gives more XP (each gives its reward once)."""
    unlocked = achievements_evaluate(event=event)
    newly = quests_evaluate(event=event)
    completed = list(newly)
    # Each evaluation settles its own kind; the other needs another look only when this one gave XP.
    while any(quest.reward_xp for quest in newly):
        before = event.stats.total_xp
        unlocked += achievements_evaluate(event=event)
        if event.stats.total_xp == before:
            break
        newly = quests_evaluate(event=event)
        completed += newly
    return unlocked, completed


def learning_event_record(
    *, event: XpEvent, xp: int, activity: DayActivity, enrollment: UserCourse | None = None
) -> EventOutcome:
    """A learning event's XP and what follows from it in the same transaction: the day's counts, the course,
    the league, achievements, quests. Saves `event.stats`. The caller holds the learner's row lock."""
    xp_award(event=event, amount=xp, enrollment=enrollment, activity=activity)
    unlocked, completed = rewards_settle(event=event)
    event.stats.save()
    return EventOutcome(daily=event.daily, unlocked=unlocked, quests=event.quests, quests_completed=completed)


def practice_session_record(
    *, event: XpEvent, xp: int, correct_run: int, enrollment: UserCourse | None = None
) -> EventOutcome:
    """The hook for a completed practice session: its XP through the XP path, a practice-session quest, the rest
    as a lesson's. The caller holds the learner's row lock and records the session itself (its XP, time and local
    day), so that recalculate_progress can replay it."""
    return learning_event_record(
        event=event,
        xp=xp,
        activity=DayActivity(practice_sessions=1, correct_run=correct_run),
        enrollment=enrollment,
    )


def daily_goal_today_update(*, user, fields: set[str]) -> None:
    """A goal changed during the day is the goal of today (accounts.profile calls this in the profile write's
    transaction); the past days keep the goal that was in force then.

    Under the learner's row lock, like every writer of their days: a learning event that creates today's row
    meanwhile either commits first (and this updates its row) or runs after this commits (and reads the new goal).
    """
    if "daily_xp_goal" in fields:
        learner_stats_lock(user=user)
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


@transaction.atomic
def practice_session_start(
    *, user, course_id: int, kind: str, size: int, request=None, now: dt.datetime | None = None
) -> SessionStart:
    """Start a practice session of `size` (or fewer) exercises of an enrolled course: kind review (due exercises
    of completed lessons, most forgotten first) or mistakes (latest first try wrong). 404 when not enrolled; 409
    course unavailable or nothing to practise. It needs no hearts (practice is how a learner earns one back)."""
    stats = learner_stats_lock(user=user)
    now = now or timezone.now()  # read after the lock, so the learner's events are in time order
    progress_services.lesson_sessions_abandon_idle(user=user, now=now)
    enrollment = progress_selectors.enrollment_get(user=user, course=course_id)
    if enrollment is None:
        raise NotFound("You are not enrolled in this course.")
    unavailable = progress_selectors.course_unavailable_reason(enrollment.course)
    if unavailable is not None:
        raise DomainError(
            f"This course is {unavailable}: your history in it stays, but no new sessions can be started.",
            code="course_unavailable",
        )
    candidates = progress_selectors.practice_candidates(user=user, course_id=course_id, kind=kind, now=now)
    if not candidates:
        what = "nothing is due for review" if kind == Kind.REVIEW else "there are no mistakes to practise"
        raise DomainError(f"In this course {what} now.", code="nothing_due")
    hearts = hearts_refresh(stats=stats, now=now)
    if hearts.regenerated:
        stats.save(update_fields=["hearts", "hearts_updated_at", "updated_at"])
    session = progress_services.practice_session_create(
        user=user,
        enrollment=enrollment,
        kind=kind,
        exercise_ids=progress_selectors.practice_pick(candidates, size),
        now=now,
        request=request,
    )
    items = list(progress_selectors.practice_items_for_play(session=session))
    return SessionStart(session=session, exercises=items, hearts=hearts)


class SessionIdle(DomainError):
    """The session was left idle too long and is over. An answer abandons it in its own write statement and
    refuses once committed (gamification.answering); a completion's refusal undoes its transaction, so its view
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
class Completion:
    session: LessonSession
    enrollment: UserCourse | None
    stats: LearnerStats
    streak: rules.StreakChange
    lesson_xp: int
    bonus_xp: int
    score: int
    perfect: bool
    outcome: EventOutcome
    hearts: rules.Hearts | None = None

    @property
    def daily(self) -> UserDailyXP:
        return self.outcome.daily

    @property
    def unlocked(self) -> list[UserAchievement]:
        return self.outcome.unlocked

    @property
    def total_xp_awarded(self) -> int:
        """Everything the completion gave: the session's XP (lesson and perfect bonus) and the rewards of the
        achievements and quests it completed."""
        return self.lesson_xp + self.bonus_xp + self.outcome.achievement_xp + self.outcome.quest_xp


@transaction.atomic
def lesson_session_complete(*, user, session_id: int, request=None, now: dt.datetime | None = None) -> Completion:
    """Finish a session once each of its required exercises is answered right: for a lesson its XP and the perfect
    bonus, for practice PRACTICE_XP_FIRST / _SECOND / 0 by the day's count and a heart back; XP to the course, the
    total and the local day; streak; achievements; quests; one transaction."""
    stats = learner_stats_lock(user=user)
    now = now or timezone.now()  # read after the lock, so the learner's events are in time order
    session = _session_for_write(user=user, session_id=session_id, now=now)
    answered = UserExerciseInteraction.objects.filter(session=session, is_correct=True).values("exercise_id")
    if session.is_practice:
        required = PracticeSessionItem.objects.filter(session=session, exercise__archived_at__isnull=True)
    else:
        required = LessonExercise.objects.filter(
            lesson_id=session.lesson_id, is_required=True, exercise__archived_at__isnull=True
        )
    if required.exclude(exercise_id__in=answered).exists():
        raise DomainError("Answer every required exercise correctly first.", code="lesson_incomplete")
    history = progress_selectors.session_answer_history(session=session)
    score, perfect = progress_services.session_score(history)
    day = user.local_date(now)
    first_completion = course_completed = False
    if session.is_practice:
        bonus, xp = 0, practice_xp(completed_today=_practice_completed_on(user=user, day=day))
        enrollment = progress_services.practice_session_complete_record(
            session=session, xp_awarded=xp, score=score, perfect=perfect, day=day, now=now, request=request
        )
        hearts_give(stats=stats, count=1, reason=UserHeartsLog.Reason.PRACTICE_REWARD, now=now, session=session)
    else:
        bonus = settings.PERFECT_LESSON_BONUS_XP if perfect else 0
        xp = session.lesson_xp + bonus
        enrollment, first_completion, course_completed = progress_services.lesson_session_complete_record(
            session=session, xp_awarded=xp, score=score, perfect=perfect, day=day, now=now, request=request
        )
    stats.lessons_completed += 1 if first_completion else 0
    stats.perfect_lessons += 1 if perfect and not session.is_practice else 0
    stats.courses_completed += 1 if course_completed else 0
    streak = rules.streak_after_lesson(
        rules.Streak(stats.current_streak, stats.longest_streak, stats.last_active_date, stats.streak_freezes), day
    )
    stats.current_streak, stats.longest_streak = streak.streak.current, streak.streak.longest
    stats.last_active_date, stats.streak_freezes = streak.streak.last_active_date, streak.streak.freezes
    event = XpEvent(stats=stats, user=user, now=now, day=day, request=request)
    correct_run = rules.longest_correct_run(history)
    if session.is_practice:
        outcome = practice_session_record(event=event, xp=xp, correct_run=correct_run, enrollment=enrollment)
    else:
        outcome = learning_event_record(
            event=event,
            xp=xp,
            activity=DayActivity(lessons=1, perfect_lessons=int(perfect), correct_run=correct_run),
            enrollment=enrollment,
        )
    return Completion(
        session=session,
        enrollment=enrollment,
        stats=stats,
        streak=streak,
        lesson_xp=xp - bonus,
        bonus_xp=bonus,
        score=score,
        perfect=perfect,
        outcome=outcome,
        hearts=current_hearts(stats, now),
    )


def practice_xp(*, completed_today: int) -> int:
    """A completed practice session's XP by how many the learner completed before on the same local day."""
    return {0: settings.PRACTICE_XP_FIRST, 1: settings.PRACTICE_XP_SECOND}.get(completed_today, 0)


def _practice_completed_on(*, user, day: dt.date) -> int:
    return (
        LessonSession.objects.filter(user=user, completed_on=day, status=Status.COMPLETED)
        .exclude(kind=Kind.LESSON)
        .count()
    )


# --- league results --------------------------------------------------------------------------------


def league_results_apply(*, week: dt.date, now: dt.datetime) -> int:
    """Bring a closed week's results to its learners, each membership once: the highest tier reached, weeks
    finished first (in a cohort of more than one), and the achievements these unlock (with their XP).

    In batches of LEAGUE_ROLLOVER_BATCH learners; a batch is one transaction that locks its learners' rows in
    id order, then their memberships (not the tiers or cohorts those join). Returns the memberships applied.
    """
    applied = 0
    pending = LeagueMembership.objects.filter(week_id=week, applied_at__isnull=True, rank__isnull=False)
    while True:
        with transaction.atomic():
            batch = pending.order_by("user_id").values_list("user_id", flat=True)[: settings.LEAGUE_ROLLOVER_BATCH]
            user_ids = list(batch)
            if not user_ids:
                return applied
            LearnerStats.objects.bulk_create([LearnerStats(user_id=pk) for pk in user_ids], ignore_conflicts=True)
            locked = LearnerStats.objects.select_for_update().filter(user_id__in=user_ids).order_by("user_id")
            stats_by_user = {stats.user_id: stats for stats in locked}
            users = get_user_model().objects.in_bulk(user_ids)
            members = list(
                pending.filter(user_id__in=user_ids)
                .select_related("tier", "next_tier", "cohort")
                .select_for_update(of=("self",))
            )
            for member in members:
                member.applied_at = now
                stats, user = stats_by_user[member.user_id], users[member.user_id]
                best = max(stats.league_best_tier, member.tier.order, member.next_tier.order)
                first = member.rank == 1 and member.cohort.member_count > 1
                if best == stats.league_best_tier and not first:
                    continue
                stats.league_best_tier = best
                stats.league_first_places += int(first)
                stats.user = user
                event = XpEvent(stats=stats, user=user, now=now, day=user.local_date(now))
                before = stats.total_xp
                achievements_evaluate(event=event)
                if stats.total_xp != before:  # their XP counts for today's quests too
                    rewards_settle(event=event)
                stats.save()
            LeagueMembership.objects.bulk_update(members, ["applied_at"])
            applied += len(members)


@dataclass
class Rollover:
    closing: leagues.WeekClosing
    results_applied: int


def league_rollover(*, week: dt.date, now: dt.datetime | None = None) -> Rollover:
    """Close an ended league week (rank, promote, demote: once) and apply its results to the learners.

    Refused (DomainError) for a date no week starts on and for a week that has not ended. Running it again
    changes nothing; after a crash it finishes what was left.
    """
    now = now or timezone.now()
    closing = leagues.league_week_close(start=week, now=now)
    applied = league_results_apply(week=week, now=now)
    logger.info(
        "League rollover of %s: %s, %d results applied.",
        week,
        "already closed" if closing.already_closed else f"{closing.cohorts_closed} cohorts ranked",
        applied,
    )
    return Rollover(closing=closing, results_applied=applied)


def league_rollover_due(*, now: dt.datetime | None = None) -> list[Rollover]:
    """Roll over every ended week that is not closed, or not applied, yet (normally just the last one)."""
    now = now or timezone.now()
    return [league_rollover(week=week, now=now) for week in leagues.league_weeks_due(now=now)]
