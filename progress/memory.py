"""What a learner remembers of each exercise (FSRS-6 through the `fsrs` package): the rating of an answer, the memory
state after a review, predicted recall, the one-statement write of the answer path, and the replay of the answer
log that recalculate_progress compares the stored states with (docs/practice.md).

A review is the first graded answer to an exercise in a session (later answers to it in the same session change
nothing): wrong → Again, right with a typo or a missing accent → Hard, right → Good, right faster than its type's
PRACTICE_EASY_MS → Easy. The scheduler has no learning steps and no fuzz, so each review schedules the exercise days
ahead and the same answers always give the same state.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.db import connection
from django.utils.dateparse import parse_datetime
from fsrs import Card, Rating, Scheduler, State

from config import sql
from progress.models import MemoryState, UserExerciseInteraction

WRONG, TYPO, MISSING_ACCENT = "wrong", "typo", "missing_accent"


@dataclass(frozen=True)
class Memory:
    """A memory state's values (MemoryState's columns but the keys)."""

    stability: float
    difficulty: float
    due: dt.datetime
    last_review: dt.datetime
    state: int
    step: int | None
    reps: int
    lapses: int
    last_first_try_correct: bool
    retention: float


def rating_for(*, correct: bool, feedback: str, type_code: str, time_ms: int | None) -> Rating:
    """The FSRS rating of a first graded answer."""
    if not correct:
        return Rating.Again
    if feedback in (TYPO, MISSING_ACCENT):
        return Rating.Hard
    easy_ms = settings.PRACTICE_EASY_MS.get(type_code)
    if easy_ms is not None and time_ms is not None and time_ms < easy_ms:
        return Rating.Easy
    return Rating.Good


def learner_retention(user) -> float:
    """The desired retention in force for the learner: their own, else PRACTICE_DESIRED_RETENTION."""
    own = getattr(user, "desired_retention", None)
    return float(own) if own is not None else float(settings.PRACTICE_DESIRED_RETENTION)


@lru_cache(maxsize=64)
def _scheduler(retention: float, maximum_interval: int) -> Scheduler:
    # No learning steps: a learner meets an exercise once per session, so every review schedules it days ahead;
    # no fuzz: the state is a function of the answers (recalculate_progress replays them).
    return Scheduler(
        desired_retention=retention,
        learning_steps=(),
        relearning_steps=(),
        maximum_interval=maximum_interval,
        enable_fuzzing=False,
    )


def scheduler(retention: float) -> Scheduler:
    return _scheduler(round(float(retention), 4), settings.PRACTICE_MAXIMUM_INTERVAL_DAYS)


def memory_after(
    previous: Memory | None, *, exercise_id: int, rating: Rating, at: dt.datetime, retention: float
) -> Memory:
    """The memory state after one review at `at` (a first graded answer, rated)."""
    at = at.astimezone(dt.UTC)
    if previous is None:
        card = Card(card_id=exercise_id, due=at)
    else:
        card = Card(
            card_id=exercise_id,
            state=State(previous.state),
            step=previous.step,
            stability=previous.stability,
            difficulty=previous.difficulty,
            due=previous.due.astimezone(dt.UTC),
            last_review=previous.last_review.astimezone(dt.UTC),
        )
    card, _ = scheduler(retention).review_card(card, rating, review_datetime=at)
    reps = previous.reps if previous else 0
    lapses = previous.lapses if previous else 0
    return Memory(
        stability=card.stability,
        difficulty=card.difficulty,
        due=card.due,
        last_review=at,
        state=int(card.state),
        step=card.step,
        reps=reps + 1,
        # A lapse is forgetting something once known: a wrong answer after the first review.
        lapses=lapses + (1 if rating == Rating.Again and previous is not None else 0),
        last_first_try_correct=rating != Rating.Again,
        retention=float(retention),
    )


def recall(memory: Memory, now: dt.datetime) -> float:
    """Predicted recall (FSRS retrievability) at `now`, 0 to 1; it does not depend on the desired retention."""
    card = Card(
        card_id=0,
        state=State(memory.state),
        step=memory.step,
        stability=memory.stability,
        difficulty=memory.difficulty,
        due=memory.due,
        last_review=memory.last_review,
    )
    return float(scheduler(settings.PRACTICE_DESIRED_RETENTION).get_card_retrievability(card, now))


def db_datetime(value) -> dt.datetime | None:
    """A datetime read by plain SQL, aware: SQLite gives it naive (or as text), in UTC."""
    if isinstance(value, str):
        value = parse_datetime(value)
    return value if value is None or value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


MEMORY_COLUMNS = (
    "stability",
    "difficulty",
    "due",
    "last_review",
    "state",
    "step",
    "reps",
    "lapses",
    "last_first_try_correct",
    "retention",
)


def memory_from_row(values) -> Memory | None:
    """A Memory from MEMORY_COLUMNS read by plain SQL (None when the left join found no state)."""
    row = dict(zip(MEMORY_COLUMNS, values, strict=True))
    if row["stability"] is None:
        return None
    row["due"], row["last_review"] = db_datetime(row["due"]), db_datetime(row["last_review"])
    row["last_first_try_correct"] = bool(row["last_first_try_correct"])
    return Memory(**row)


def memory_from_model(state: MemoryState) -> Memory:
    return Memory(**{name: getattr(state, name) for name in MEMORY_COLUMNS})


_TABLE = MemoryState._meta.db_table
_COLUMNS = ("user_id", "exercise_id", "course_id", *MEMORY_COLUMNS)
# One statement for the state, new or not (PostgreSQL and SQLite share this upsert syntax): the answer path's only
# added write. Values are absolute: they were computed from the state read under the learner's row lock.
MEMORY_UPSERT = f"""
INSERT INTO {_TABLE} ({", ".join(_COLUMNS)}) VALUES ({", ".join(["%s"] * len(_COLUMNS))})
ON CONFLICT (user_id, exercise_id) DO UPDATE SET
    {", ".join(f"{name} = excluded.{name}" for name in ("course_id", *MEMORY_COLUMNS))}
"""  # noqa: S608 (a model's table name, no input)


def memory_state_upsert_statement(*, user_id: int, exercise_id: int, course_id: int, memory: Memory) -> sql.Statement:
    """The learner's state of the exercise, new or not, as one statement: an answer sends it with its other writes
    in one (gamification.answering, config.sql)."""
    adapt = connection.ops.adapt_datetimefield_value
    values = [
        user_id,
        exercise_id,
        course_id,
        memory.stability,
        memory.difficulty,
        adapt(memory.due),
        adapt(memory.last_review),
        memory.state,
        memory.step,
        memory.reps,
        memory.lapses,
        memory.last_first_try_correct,
        memory.retention,
    ]
    return sql.Statement(MEMORY_UPSERT, values)


def memory_state_upsert(*, user_id: int, exercise_id: int, course_id: int, memory: Memory) -> None:
    """Write the learner's state of the exercise, new or not, in one statement."""
    sql.statements_run(
        [memory_state_upsert_statement(user_id=user_id, exercise_id=exercise_id, course_id=course_id, memory=memory)]
    )


def memory_review(
    *,
    previous: Memory | None,
    exercise_id: int,
    correct: bool,
    feedback: str,
    type_code: str,
    time_ms: int | None,
    at: dt.datetime,
    retention: float,
) -> Memory:
    """The state after a first graded answer: its rating, then the review (what the answer path and the replay
    both call)."""
    rating = rating_for(correct=correct, feedback=feedback, type_code=type_code, time_ms=time_ms)
    return memory_after(previous, exercise_id=exercise_id, rating=rating, at=at, retention=retention)


@dataclass(frozen=True)
class LoggedAnswer:
    """One answer of the log, as the replay reads it."""

    session_id: int
    course_id: int
    exercise_id: int
    type_code: str
    correct: bool
    feedback: str
    time_ms: int | None
    at: dt.datetime


def answer_log(*, user) -> Iterator[LoggedAnswer]:
    """The learner's answers in the order they were graded (ids are taken under the learner's lock)."""
    rows = (
        UserExerciseInteraction.objects.filter(user=user)
        .order_by("id")
        .values_list(
            "session_id",
            "session__course_id",
            "exercise_id",
            "exercise__type__code",
            "is_correct",
            "feedback",
            "time_ms",
            "created_at",
        )
    )
    return (LoggedAnswer(*row) for row in rows.iterator())


def memory_replay(
    answers: Iterable[LoggedAnswer], *, retention_for: Callable[[int], float]
) -> dict[int, tuple[int, Memory]]:
    """{exercise id: (course id, memory state)} from the learner's answers in the order they were recorded: the
    first answer to an exercise in each session is a review. `retention_for(exercise_id)` is the retention to
    schedule with (stability and difficulty do not depend on it, only `due` does)."""
    states: dict[int, tuple[int, Memory]] = {}
    seen: set[tuple[int, int]] = set()
    for answer in answers:
        if (answer.session_id, answer.exercise_id) in seen:
            continue
        seen.add((answer.session_id, answer.exercise_id))
        previous = states.get(answer.exercise_id)
        memory = memory_review(
            previous=previous[1] if previous else None,
            exercise_id=answer.exercise_id,
            correct=answer.correct,
            feedback=answer.feedback,
            type_code=answer.type_code,
            time_ms=answer.time_ms,
            at=answer.at,
            retention=retention_for(answer.exercise_id),
        )
        states[answer.exercise_id] = (answer.course_id, memory)
    return states
