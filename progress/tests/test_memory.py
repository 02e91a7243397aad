"""The memory model's pure rules: ratings of a first answer, the state after reviews, the replay of an answer log,
the choice of a practice's exercises."""

import datetime as dt

from django.test import override_settings
from fsrs import Rating

from progress.memory import LoggedAnswer, learner_retention, memory_after, memory_replay, rating_for, recall
from progress.selectors import PracticeCandidate, practice_pick

AT = dt.datetime(2026, 3, 10, 9, 30, tzinfo=dt.UTC)


def test_a_first_answer_is_rated_by_correctness_feedback_and_speed():
    def rate(correct=True, feedback="correct", type_code="translate", time_ms=None):
        return rating_for(correct=correct, feedback=feedback, type_code=type_code, time_ms=time_ms)

    assert rate(correct=False, feedback="wrong", time_ms=100) == Rating.Again
    assert rate(feedback="typo", time_ms=100) == Rating.Hard
    assert rate(feedback="missing_accent") == Rating.Hard
    assert rate(time_ms=8000) == Rating.Good  # translate's threshold is 8000 ms: under it only
    assert rate(time_ms=7999) == Rating.Easy
    assert rate(type_code="multiple_choice", time_ms=5000) == Rating.Good
    assert rate(type_code="multiple_choice", time_ms=3000) == Rating.Easy
    assert rate(time_ms=None) == Rating.Good
    with override_settings(PRACTICE_EASY_MS={}):
        assert rate(time_ms=1) == Rating.Good  # no threshold for the type: never Easy


def test_reviews_schedule_days_ahead_and_recall_fades():
    first = memory_after(None, exercise_id=1, rating=Rating.Good, at=AT, retention=0.9)
    assert (first.due - AT, round(first.stability, 4), first.reps, first.lapses) == (dt.timedelta(days=2), 2.3065, 1, 0)
    assert first.last_first_try_correct
    assert recall(first, AT) == 1.0
    assert recall(first, AT + dt.timedelta(days=1)) > recall(first, AT + dt.timedelta(days=3))
    later = AT + dt.timedelta(days=3)
    second = memory_after(first, exercise_id=1, rating=Rating.Good, at=later, retention=0.9)
    assert second.stability > first.stability
    assert second.due - later == dt.timedelta(days=14)
    lapse = memory_after(second, exercise_id=1, rating=Rating.Again, at=later + dt.timedelta(days=14), retention=0.9)
    assert (lapse.reps, lapse.lapses, lapse.last_first_try_correct) == (3, 1, False)
    assert lapse.stability < second.stability


def test_a_lower_retention_schedules_later_with_the_same_memory():
    low = memory_after(None, exercise_id=1, rating=Rating.Easy, at=AT, retention=0.8)
    high = memory_after(None, exercise_id=1, rating=Rating.Easy, at=AT, retention=0.97)
    assert (low.stability, low.difficulty) == (high.stability, high.difficulty)
    assert low.due > high.due


def test_the_replay_counts_only_the_first_answer_to_an_exercise_in_each_session():
    def logged(session, correct, day):
        return LoggedAnswer(session, 7, 42, "translate", correct, "correct" if correct else "wrong", 20000, AT + day)

    log = [
        logged(1, False, dt.timedelta(0)),
        logged(1, True, dt.timedelta(minutes=1)),  # the same session: not a review
        logged(2, True, dt.timedelta(days=2)),
    ]
    states = memory_replay(log, retention_for=lambda exercise_id: 0.9)
    course, memory = states[42]
    expected = memory_after(
        memory_after(None, exercise_id=42, rating=Rating.Again, at=AT, retention=0.9),
        exercise_id=42,
        rating=Rating.Good,
        at=AT + dt.timedelta(days=2),
        retention=0.9,
    )
    assert (course, memory, memory.reps) == (7, expected, 2)


def test_the_learner_retention_falls_back_to_the_setting():
    class Learner:
        desired_retention = None

    with override_settings(PRACTICE_DESIRED_RETENTION=0.85):
        assert learner_retention(Learner()) == 0.85
    Learner.desired_retention = 0.95
    assert learner_retention(Learner()) == 0.95


def test_a_practice_takes_the_most_forgotten_and_mixes_their_types():
    candidates = [
        PracticeCandidate(1, "translate", 0.1),
        PracticeCandidate(2, "translate", 0.2),
        PracticeCandidate(3, "translate", 0.3),
        PracticeCandidate(4, "listen", 0.4),
        PracticeCandidate(5, "speak", 0.5),
        PracticeCandidate(6, "listen", 0.9),  # the least forgotten: left out at size 5
    ]
    assert practice_pick(candidates, 5) == [1, 4, 2, 5, 3]
    assert practice_pick(candidates[:2], 5) == [1, 2]
