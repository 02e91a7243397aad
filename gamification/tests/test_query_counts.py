"""Start, answer and complete run a fixed number of queries, whatever the size of the lesson."""

import pytest
from django.db import connection

from exercises.tests.factories import RIGHT, WRONG, lesson_with_exercises
from gamification import answering
from gamification.tests.factories import AchievementFactory, LearnerStatsFactory
from gamification.tests.helpers import enroll

pytestmark = pytest.mark.django_db

# Counted on the API, force-authenticated (no session or token lookups). The outer transaction shows as
# SAVEPOINT/RELEASE (the test's own transaction is around it); nested service calls join it without savepoints.
START_QUERIES = 19
# An answer on PostgreSQL: the lock-and-read statement and the write statement (gamification.answering) between
# SAVEPOINT and RELEASE. On SQLite the same reads (the learner's row, the session, the exercise, its options, the
# next interaction id) and writes (the interaction, the session, the learner's row; a wrong one: the hearts log; a
# first answer to an exercise in the session: the learner's memory state of it, one upsert) run one by one. Round
# trips with BEGIN and COMMIT: tests/test_answer_round_trips.py.
POSTGRES = connection.vendor == "postgresql"
ANSWER_RIGHT_QUERIES = 4 if POSTGRES else 11
ANSWER_WRONG_QUERIES = 4 if POSTGRES else 12
# Completing the last lesson of a course reads whether the course was completed before (counted once): one more.
# Completion also: the day's row in one statement (an upsert); achievements with the learner's rows of them in one;
# the lesson's XP to the course; the week's league, of which no tier exists here (its update, the learner's last
# week and the lowest tier: 3); the day's quests, of which no template exists (2). With tiers and templates:
# tests/test_query_budgets.py.
COMPLETE_QUERIES = 27


@pytest.mark.parametrize("size", [3, 30])
def test_session_query_counts_do_not_grow_with_the_lesson(learner_client, user, django_assert_num_queries, size):
    lesson = lesson_with_exercises(size)
    enroll(user, lesson)
    LearnerStatsFactory(user=user)
    AchievementFactory(code="first", threshold=1, xp_reward=3)
    AchievementFactory(code="ten", threshold=10)

    with django_assert_num_queries(START_QUERIES):
        response = learner_client.post(f"/api/v1/lessons/{lesson.pk}/sessions/")
    assert response.status_code == 201
    session = response.json()
    exercises = [e["id"] for e in session["exercises"]]
    assert len(exercises) == size

    answering.lock_and_read_prepare()  # once per connection (the first answer on it would do it)
    with django_assert_num_queries(ANSWER_WRONG_QUERIES):
        response = learner_client.post(
            f"/api/v1/sessions/{session['id']}/answers/", {"exercise": exercises[0], "answer": WRONG}
        )
    assert response.json()["correct"] is False
    for exercise in exercises[:-1]:
        learner_client.post(f"/api/v1/sessions/{session['id']}/answers/", {"exercise": exercise, "answer": RIGHT})
    with django_assert_num_queries(ANSWER_RIGHT_QUERIES):
        response = learner_client.post(
            f"/api/v1/sessions/{session['id']}/answers/", {"exercise": exercises[-1], "answer": RIGHT}
        )
    assert response.json()["correct"] is True

    with django_assert_num_queries(COMPLETE_QUERIES):
        response = learner_client.post(f"/api/v1/sessions/{session['id']}/complete/")
    assert response.status_code == 200
    assert response.json()["xp"] == {"lesson": 10, "perfect_bonus": 0, "achievements": 3, "quests": 0}
