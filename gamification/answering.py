"""Answers: one sent online, or an offline session's batch, graded and recorded in one short transaction.

On PostgreSQL an answer is four round trips: BEGIN; one statement that locks the learner's LearnerStats row, then
the session's row, and reads everything grading needs (the stored responses of the Idempotency-Keys sent, each
exercise with its languages and whether the session already has it right, the options of the exercises, the
interaction ids to use); grading in Python; one statement, a data-modifying CTE (config.sql), that writes
everything; COMMIT. A batch of offline answers is the same four round trips, whatever its size. Elsewhere (SQLite,
`make run`) the same reads and the same write statements run one by one. What to write is computed once, in
Python (`_Answering`), from what was read, for both. The lock-and-read statement is prepared once per connection
(`lock_and_read_prepare`): it costs more to plan than to run.

Why one lock-and-read statement can be trusted: its snapshot is taken when it starts, before it may wait for the
lock. A request of the same learner that committed meanwhile is seen in the locked rows (PostgreSQL returns their
latest versions) but not in the other tables the statement reads. Every transaction that writes what an answer
reads (answers: interactions, memory states, stored responses; completions: stored responses;
`recalculate_progress --fix`: memory states) also updates the learner's LearnerStats row, so the
statement compares that row's version as locked with the version its snapshot saw, and when they differ (it
waited for another request of the learner) it reads again, holding the locks: a fifth round trip, only then.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from rest_framework.exceptions import ValidationError
from rest_framework.utils.encoders import JSONEncoder

from audit.models import UserActivityLog
from audit.services import ACTIVITY_FIELDS, activity_row
from config import sql
from config.exceptions import DomainError, NotFound
from exercises import grading
from exercises.kinds import kind_for
from exercises.kinds.base import flat_errors
from exercises.models import ExerciseOption
from gamification import rules
from gamification.idempotency import IdempotencyKeyReused, idempotency_records_statement, stored_response_expired
from gamification.models import IdempotencyRecord, LearnerStats, UserHeartsLog
from gamification.services import SessionIdle, current_hearts, hearts_spend, learner_stats_lock
from progress import selectors as progress_selectors
from progress import services as progress_services
from progress.models import LessonSession, UserExerciseInteraction

Status = LessonSession.Status
HEARTS_LOG_FIELDS = ("user", "delta", "reason", "balance_after", "session", "created_at")
SESSION_FIELDS = LessonSession._meta.concrete_fields


@dataclass(frozen=True)
class AnswerInput:
    """One answer as the learner sent it; an offline one with the client's time, each with its own key."""

    exercise_id: int
    answer: Any
    time_ms: int | None = None
    hints_used: int = 0
    answered_at: dt.datetime | None = None
    idempotency_key: str | None = None
    fingerprint: str = ""  # of the online request this answer is (gamification.idempotency.request_fingerprint)


@dataclass
class AnswerOutcome:
    session: LessonSession
    interaction: UserExerciseInteraction
    exercise_type: str  # its kind's code: the shape of result.correct_answer
    result: grading.GradeResult
    hearts: rules.Hearts

    @property
    def correct_answer(self) -> Any:
        return self.result.correct_answer


RECORDED, REPLAYED, REFUSED = "recorded", "replayed", "refused"


@dataclass
class AnswerReply:
    """What one answer came to: recorded now, replayed (the response stored under its key), or refused."""

    status: str
    idempotency_key: str | None = None
    body: Any = None  # the answer's result as the API shows it (recorded, with `respond`; or replayed)
    outcome: AnswerOutcome | None = None  # recorded
    error: DomainError | None = None  # refused
    same_as: AnswerReply | None = None  # replays an answer recorded earlier in the same batch


# The API's bodies of recorded answers, in order (one serializer for them all: cheaper than one each).
Respond = Callable[[list[AnswerOutcome]], list[Any]]


@dataclass(frozen=True)
class StoredResponse:
    fingerprint: str
    status: int
    body: Any
    created_at: dt.datetime


@dataclass
class _Read:
    """What the lock-and-read statement returns (the learner's row and the session are locked)."""

    stats: LearnerStats
    session: LessonSession | None
    exercises: dict[int, progress_selectors.ExerciseToGrade]  # those of the session's lesson
    options: dict[int, list[dict[str, Any]]]
    stored: dict[str, StoredResponse]
    interaction_ids: list[int]


# --- reading, under the lock -----------------------------------------------------------------------


def _lock_and_read_statement() -> str:
    quote = connection.ops.quote_name
    stats, session = quote(LearnerStats._meta.db_table), quote(LessonSession._meta.db_table)
    records, options = quote(IdempotencyRecord._meta.db_table), quote(ExerciseOption._meta.db_table)
    columns = ", ".join(quote(field.column) for field in SESSION_FIELDS)
    exercise = progress_selectors.exercise_to_grade_sql(
        session="s.id", course="s.course_id", lesson="s.lesson_id", user="st.user_id", exercise="x.id"
    )
    # The learner's row is locked first (the CTE runs before the session's lateral subquery, which depends on it),
    # the order every writer of the learner takes. The other reads are in materialized CTEs, run once.
    return f"""
WITH st AS MATERIALIZED (
    SELECT user_id, hearts, hearts_updated_at, xmin::text AS version FROM {stats} WHERE user_id = $1 FOR UPDATE
), ids AS MATERIALIZED (
    SELECT array_agg(nextval(pg_get_serial_sequence($6, 'id'))) AS ids FROM generate_series(1, $5)
), stored AS MATERIALIZED (
    SELECT json_agg(json_build_object('key', r.key, 'fingerprint', r.fingerprint, 'status', r.response_status,
        'body', r.response_body, 'created_at', r.created_at)) AS stored
    FROM {records} r WHERE r.user_id = $1 AND r.key = ANY($4)
), opts AS MATERIALIZED (
    SELECT json_agg(json_build_object('exercise', o.exercise_id, 'id', o.id, 'text', o.text,
        'is_correct', o.is_correct) ORDER BY o.exercise_id, o.position, o.id) AS options
    FROM {options} o WHERE o.exercise_id = ANY($3)
)
SELECT st.hearts, st.hearts_updated_at, st.version = (SELECT xmin::text FROM {stats} WHERE user_id = $1),
    (SELECT ids FROM ids), (SELECT stored FROM stored), (SELECT options FROM opts), s.*, x.id, g.*
FROM st
LEFT JOIN LATERAL (
    SELECT {columns} FROM {session} WHERE id = $2 AND user_id = st.user_id FOR UPDATE
) s ON true
LEFT JOIN LATERAL unnest($3) x(id) ON true
LEFT JOIN LATERAL ({exercise} OFFSET 0) g ON true
"""  # noqa: S608 (model tables and columns, no input)


LOCK_AND_READ = "answer_lock_and_read"
_prepared_on: weakref.WeakSet = weakref.WeakSet()  # the driver connections that have it prepared


def lock_and_read_prepare_statement() -> str:
    """What prepares the lock-and-read statement on a connection. Prepared, it is planned once per connection (a
    generic plan: `plan_cache_mode` in config/settings.py): its joins cost more to plan (0.5 to 10 ms on the shared
    benchmark machine) than to run (0.2 ms). A prepared statement outlives a rolled-back transaction."""
    return f"PREPARE {LOCK_AND_READ} (bigint, bigint, bigint[], text[], integer, text) AS {_lock_and_read_statement()}"


def lock_and_read_prepare() -> None:
    """Prepare the lock-and-read statement on this connection unless it is already (PostgreSQL; one round trip,
    once per connection). The first answer on a connection does it; query-count tests do it first."""
    if connection.vendor != "postgresql":
        return
    connection.ensure_connection()
    if connection.connection not in _prepared_on:
        with connection.cursor() as cursor:
            cursor.execute(lock_and_read_prepare_statement())
        _prepared_on.add(connection.connection)


def _lock_and_read_execute(cursor, params: dict[str, Any]) -> None:
    lock_and_read_prepare()
    cursor.execute(
        f"EXECUTE {LOCK_AND_READ} (%s, %s, %s, %s, %s, %s)",
        [params[name] for name in ("user", "session", "exercises", "keys", "count", "interactions")],
    )


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _read_postgresql(*, user, session_id: int, exercise_ids: list[int], keys: list[str], count: int) -> _Read:
    params = {
        "user": user.pk,
        "session": session_id,
        "exercises": exercise_ids,
        "keys": keys,
        "count": count,
        "interactions": UserExerciseInteraction._meta.db_table,
    }
    with connection.cursor() as cursor:
        for _ in range(3):
            _lock_and_read_execute(cursor, params)
            rows = cursor.fetchall()
            if not rows:  # the learner's first write: their row does not exist yet
                LearnerStats.objects.get_or_create(user=user)
                continue
            if rows[0][2]:  # the snapshot saw the locked row as it is: every read is current
                break
        else:  # pragma: no cover - the locks are held after the first try
            raise RuntimeError("The learner's row kept changing under its lock.")
    hearts, hearts_updated_at, _, ids, stored, options = rows[0][:6]
    stats = LearnerStats(user_id=user.pk, hearts=hearts, hearts_updated_at=hearts_updated_at)
    width = len(SESSION_FIELDS)
    session_values = rows[0][6 : 6 + width]
    session = None
    if session_values[0] is not None:
        session = LessonSession.from_db(connection.alias, [field.attname for field in SESSION_FIELDS], session_values)
        session.user = user
    exercises = {}
    for row in rows:
        exercise_id, columns = row[6 + width], row[7 + width :]
        if exercise_id is not None and columns[0] is not None:
            exercises[exercise_id] = progress_selectors.exercise_to_grade_from_row(exercise_id, columns)
    by_exercise: dict[int, list[dict[str, Any]]] = {}
    for option in _json(options) or []:
        by_exercise.setdefault(option.pop("exercise"), []).append(option)
    responses = {
        record["key"]: StoredResponse(
            record["fingerprint"], record["status"], record["body"], dt.datetime.fromisoformat(record["created_at"])
        )
        for record in _json(stored) or []
    }
    return _Read(stats, session, exercises, by_exercise, responses, list(ids))


def _read_portable(*, user, session_id: int, exercise_ids: list[int], keys: list[str], count: int) -> _Read:
    """The same reads as `_read_postgresql`, one query each (SQLite, `make run`)."""
    stats = learner_stats_lock(user=user)
    session = LessonSession.objects.select_for_update().filter(user=user, pk=session_id).order_by().first()
    stored = {
        record.key: StoredResponse(record.fingerprint, record.response_status, record.response_body, record.created_at)
        for record in (IdempotencyRecord.objects.filter(user=user, key__in=keys) if keys else [])
    }
    exercises = {}
    if session is not None:
        session.user = user
        for exercise_id in exercise_ids:
            exercise = progress_selectors.session_exercise_to_grade(session=session, exercise_id=exercise_id)
            if exercise is not None:
                exercises[exercise_id] = exercise
    options: dict[int, list[dict[str, Any]]] = {}
    rows = ExerciseOption.objects.filter(exercise_id__in=exercise_ids).order_by("exercise_id", "position", "pk")
    for row in rows.values("exercise_id", "id", "text", "is_correct"):
        options.setdefault(row.pop("exercise_id"), []).append(row)
    return _Read(stats, session, exercises, options, stored, _interaction_ids_portable(count))


def _interaction_ids_portable(count: int) -> list[int]:
    """The next `count` interaction ids (SQLite's AUTOINCREMENT counter; the write then uses them)."""
    table = UserExerciseInteraction._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT MAX(n) FROM (SELECT seq AS n FROM sqlite_sequence WHERE name = %s "  # noqa: S608
            f"UNION ALL SELECT MAX(id) FROM {connection.ops.quote_name(table)})",
            [table],
        )
        last = cursor.fetchone()[0] or 0
    return list(range(last + 1, last + 1 + count))


def _lock_and_read(*, user, session_id: int, items: Sequence[AnswerInput]) -> _Read:
    exercise_ids = list(dict.fromkeys(item.exercise_id for item in items))
    keys = list(dict.fromkeys(item.idempotency_key for item in items if item.idempotency_key))
    read = _read_postgresql if connection.vendor == "postgresql" else _read_portable
    return read(user=user, session_id=session_id, exercise_ids=exercise_ids, keys=keys, count=len(items))


# --- grading and what to write ---------------------------------------------------------------------


def _options_for_grading(read: _Read, exercise: progress_selectors.ExerciseToGrade) -> list[dict[str, Any]]:
    if not kind_for(exercise.type_code).uses_options:
        return []
    return read.options.get(exercise.exercise_id, [])


def _answer_orthography(exercise: progress_selectors.ExerciseToGrade) -> grading.Orthography:
    """The orthography of the language the answer is in (one of the session's course languages)."""
    code = kind_for(exercise.type_code).answer_language(
        exercise.content, from_language=exercise.from_language.code, to_language=exercise.to_language.code
    )
    language = exercise.from_language if code == exercise.from_language.code else exercise.to_language
    return grading.Orthography.of(language.punctuation_letters)


def _as_sent(body: Any) -> Any:
    """A response body as the client receives it (DRF's encoder), so a replay is identical to the first."""
    return json.loads(json.dumps(body, cls=JSONEncoder))


def _played_at(item: AnswerInput, now: dt.datetime) -> dt.datetime:
    """When the learner gave the answer: its answered_at when played offline (never later than now), else now."""
    return min(item.answered_at, now) if item.answered_at is not None else now


class _Answering:
    """Answers applied in order to what was read, exactly as one request after another would; collects the writes."""

    def __init__(self, *, user, read: _Read, now: dt.datetime, request):
        self.user, self.read, self.now, self.request = user, read, now, request
        self.stats, self.session = read.stats, read.session
        self.stored = dict(read.stored)
        self.recorded: dict[str, tuple[str, AnswerReply]] = {}  # key → (fingerprint, reply) of this batch's answers
        self.replies: list[AnswerReply] = []
        self.answered_right = {pk for pk, exercise in read.exercises.items() if exercise.answered_right}
        self.interaction_ids = iter(read.interaction_ids)
        self.interactions: list[UserExerciseInteraction] = []
        self.hearts_log: list[UserHeartsLog] = []
        self.records: list[IdempotencyRecord] = []
        self.activity: list[UserActivityLog] = []
        self.memory: list[sql.Statement] = []
        self.answered = set()  # exercises answered by this request's answers
        self.session_changed = self.failed = False
        # When the learner last did something in the session: an offline answer counts at its answered_at.
        self.active_at = read.session.last_activity_at if read.session is not None else None

    def answer(self, item: AnswerInput) -> AnswerReply:
        """Grade and apply one answer; InvalidAnswer (a 400 that costs nothing) for a wrong shape or exercise."""
        reply = self._answer(item)
        self.replies.append(reply)
        return reply

    def _answer(self, item: AnswerInput) -> AnswerReply:
        key, now = item.idempotency_key, self.now
        if key in self.recorded:
            fingerprint, first = self.recorded[key]
            if fingerprint != item.fingerprint:
                return AnswerReply(REFUSED, key, error=IdempotencyKeyReused())
            return AnswerReply(REPLAYED, key, same_as=first)
        stored = self.stored.get(key) if key else None
        if stored is not None and not stored_response_expired(stored.created_at, now=now):
            if stored.fingerprint != item.fingerprint:
                return AnswerReply(REFUSED, key, error=IdempotencyKeyReused())
            return AnswerReply(REPLAYED, key, body=stored.body)
        session = self.session
        if session is None:
            raise NotFound("No such session.")
        # An answer played offline is judged idle by when it was given: a session played without a connection for
        # longer than the idle window is kept as long as its answers followed each other within the window.
        if session.status == Status.ACTIVE and progress_services.idle_between(self.active_at, _played_at(item, now)):
            session.status, session.finished_at = Status.ABANDONED, now
            self.session_changed = True
            return AnswerReply(REFUSED, key, error=SessionIdle())
        if session.status != Status.ACTIVE:
            return AnswerReply(
                REFUSED, key, error=DomainError(f"This session is {session.status}.", code="session_finished")
            )
        exercise = self.read.exercises.get(item.exercise_id)
        if exercise is None:
            what = "practice session" if session.is_practice else "session's lesson"
            raise grading.InvalidAnswer({"exercise": f"This exercise is not part of the {what}."})
        if item.exercise_id in self.answered_right:
            error = DomainError("This exercise is already answered correctly.", code="exercise_already_answered")
            return AnswerReply(REFUSED, key, error=error)
        result = grading.grade(
            exercise.type_code,
            exercise.content,
            exercise.answers,
            _options_for_grading(self.read, exercise),
            item.answer,
            orthography=_answer_orthography(exercise),
        )
        return self._record(item, exercise, result)

    def _record(self, item: AnswerInput, exercise, result: grading.GradeResult) -> AnswerReply:
        session, stats, now = self.session, self.stats, self.now
        if result.correct:
            self.answered_right.add(item.exercise_id)
        else:
            session.mistakes += 1
        if not result.correct and not session.is_practice:  # practice costs no heart
            rows = hearts_spend(stats=stats, session_id=session.pk, now=now)
            self.hearts_log += rows
            session.hearts_lost += sum(1 for row in rows if row.reason == UserHeartsLog.Reason.WRONG_ANSWER)
        if exercise.first_in_session and item.exercise_id not in self.answered:
            # The first answer to an exercise in a session reviews the learner's memory of it (progress.memory).
            self.memory.append(
                progress_services.memory_review_statement(
                    user=self.user,
                    session=session,
                    exercise=exercise,
                    correct=result.correct,
                    feedback=result.feedback,
                    time_ms=item.time_ms,
                    now=now,
                )
            )
        self.answered.add(item.exercise_id)
        session.last_activity_at = now
        self.active_at = max(self.active_at, _played_at(item, now))
        interaction = UserExerciseInteraction(
            id=next(self.interaction_ids),
            user_id=session.user_id,
            session_id=session.pk,
            exercise_id=item.exercise_id,
            answer=item.answer,
            is_correct=result.correct,
            feedback=result.feedback,
            feedback_message=result.message[:2000],
            time_ms=item.time_ms,
            hints_used=item.hints_used,
            created_at=now,
            answered_at=item.answered_at,
        )
        self.interactions.append(interaction)
        self.session_changed = True
        if not result.correct and not session.is_practice and stats.hearts == 0:  # out of hearts: no XP
            session.status, session.finished_at = Status.FAILED, now
            self.failed = True
            self.activity.append(
                activity_row(
                    user=self.user,
                    action=UserActivityLog.Action.LESSON_FAIL,
                    request=self.request,
                    metadata={"lesson": session.lesson_id, "session": session.pk, "mistakes": session.mistakes},
                )
            )
        # The session as this answer left it (the next answers of a batch change it further).
        outcome = AnswerOutcome(copy.copy(session), interaction, exercise.type_code, result, current_hearts(stats, now))
        reply = AnswerReply(RECORDED, item.idempotency_key, outcome=outcome)
        if item.idempotency_key:
            self.recorded[item.idempotency_key] = (item.fingerprint, reply)
        return reply

    def respond(self, respond: Respond | None) -> None:
        """The bodies of the recorded answers (one `respond` call for them all), their replays in the batch, and the
        responses stored under their keys."""
        recorded = [reply for reply in self.replies if reply.status == RECORDED]
        if respond is None or not recorded:
            return
        for reply, body in zip(recorded, respond([reply.outcome for reply in recorded]), strict=True):
            reply.body = _as_sent(body)
        for reply in self.replies:
            if reply.same_as is not None:
                reply.body = reply.same_as.body
        for key, (fingerprint, reply) in self.recorded.items():
            self.records.append(
                IdempotencyRecord(
                    user_id=self.stats.user_id,
                    key=key,
                    fingerprint=fingerprint,
                    response_status=200,
                    response_body=reply.body,
                    created_at=self.now,
                )
            )

    def statements(self) -> list[sql.Statement]:
        """Everything the answers wrote, for one statement: each part touches its own rows."""
        statements = []
        if self.session_changed:
            statements += progress_services.answers_record_statements(
                session=self.session, interactions=self.interactions, failed=self.failed, now=self.now
            )
        if self.interactions:
            # Always, even when no heart moved: an answer's reads are checked against this row (module docstring).
            statements.append(
                sql.update(
                    LearnerStats,
                    where={"user": self.stats.user_id},
                    values={
                        "hearts": self.stats.hearts,
                        "hearts_updated_at": self.stats.hearts_updated_at,
                        "updated_at": self.now,
                    },
                )
            )
        if self.hearts_log:
            statements.append(sql.insert(self.hearts_log, HEARTS_LOG_FIELDS))
        if self.records:
            statements.append(idempotency_records_statement(self.records))
        if self.activity:
            statements.append(sql.insert(self.activity, ACTIVITY_FIELDS))
        return statements + self.memory


# --- the services ----------------------------------------------------------------------------------


@dataclass
class AnswersApplied:
    session: LessonSession
    hearts: rules.Hearts
    replies: list[AnswerReply]


def _answers_apply(
    *,
    user,
    session_id: int,
    items: Sequence[AnswerInput],
    respond: Respond | None,
    request,
    now: dt.datetime | None,
    check: Callable[[_Read, dt.datetime], None] | None = None,
    error_path: Callable[[int], str] | None = None,
) -> AnswersApplied:
    """Lock, read, grade every answer in order, write: one transaction. A refusal (409/422) is a reply; bad input
    (InvalidAnswer) is raised, with the item's path when `error_path` names it, and nothing is written."""
    with transaction.atomic():
        read = _lock_and_read(user=user, session_id=session_id, items=items)
        now = now or timezone.now()  # read after the lock, so the learner's events are in time order
        if check is not None:
            check(read, now)
        answering = _Answering(user=user, read=read, now=now, request=request)
        for index, item in enumerate(items):
            try:
                answering.answer(item)
            except grading.InvalidAnswer as error:
                if error_path is None:
                    raise
                raise ValidationError(flat_errors(error.message_dict, error_path(index))) from None
        answering.respond(respond)
        sql.statements_run(answering.statements())
    return AnswersApplied(answering.session, current_hearts(answering.stats, now), answering.replies)


def lesson_session_answer(
    *,
    user,
    session_id: int,
    exercise_id: int,
    answer: Any,
    time_ms: int | None = None,
    hints_used: int = 0,
    idempotency_key: str | None = None,
    fingerprint: str = "",
    respond: Respond | None = None,
    request=None,
    now: dt.datetime | None = None,
) -> AnswerReply:
    """Grade and record one answer of a lesson or practice session. In a lesson a wrong one costs a heart and the
    session fails at 0 hearts; practice costs none. The first answer to an exercise in the session reviews the
    learner's memory of it (progress.memory), in the same write statement.

    With an Idempotency-Key, the first response (`respond([outcome])`) is stored with the answer and a retry
    replays it. A refusal is raised once the transaction is over: an idle session is abandoned in the same transaction.
    """
    item = AnswerInput(exercise_id, answer, time_ms, hints_used, None, idempotency_key, fingerprint)
    applied = _answers_apply(user=user, session_id=session_id, items=[item], respond=respond, request=request, now=now)
    reply = applied.replies[0]
    if reply.error is not None:
        raise reply.error
    return reply


def _offline_times_check(items: Sequence[AnswerInput]) -> Callable[[_Read, dt.datetime], None]:
    def check(read: _Read, now: dt.datetime) -> None:
        if read.session is None:
            return
        skew = dt.timedelta(seconds=settings.OFFLINE_CLOCK_SKEW_SECONDS)
        errors = {}
        for index, item in enumerate(items):
            if item.answered_at > now + skew:
                errors[f"answers[{index}].answered_at"] = ["This time is in the future."]
            elif item.answered_at < read.session.started_at - skew:
                errors[f"answers[{index}].answered_at"] = ["This time is before the session started."]
        if errors:
            raise ValidationError(errors)

    return check


def lesson_session_answers_sync(
    *,
    user,
    session_id: int,
    items: Sequence[AnswerInput],
    respond: Respond | None = None,
    request=None,
    now: dt.datetime | None = None,
) -> AnswersApplied:
    """Offline play: the answers of a session played without a connection, in the order they were given, graded
    and applied exactly as if they had been sent one by one now (hearts included), under one lock and in one
    transaction. Each has its own idempotency key, the key space of the online Idempotency-Key: an answer already
    recorded (online or by an earlier batch) replays its stored result. Answers refused (the session ended, the
    exercise was already right, a key reused for another request) are replies with their error; a wrong shape or
    an exercise outside the lesson refuses the whole batch (400 at its path) and records nothing.
    """
    return _answers_apply(
        user=user,
        session_id=session_id,
        items=items,
        respond=respond,
        request=request,
        now=now,
        check=_offline_times_check(items),
        error_path=lambda index: f"answers[{index}]",
    )
