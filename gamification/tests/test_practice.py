"""Practice over the API with a fixed clock: memory states from lessons, what falls due, review and mistakes
sessions, their rewards and hearts, bad input, and the memory state rebuilt by recalculate_progress."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command

from exercises.tests.factories import RIGHT, WRONG, course_with_lessons
from gamification.models import LearnerStats, UserDailyXP, UserHeartsLog
from gamification.tests.factories import LearnerStatsFactory
from progress.models import LessonSession, MemoryState, PracticeSessionItem

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 3, 10, 9, 30, tzinfo=dt.UTC)
TYPO = {"text": "El niño come una manzanna"}
SLOW, FAST = 20_000, 1_000  # ms; translate's PRACTICE_EASY_MS is 8000


def days(n: float) -> dt.datetime:
    return T0 + dt.timedelta(days=n)


def answer(client, session_id, exercise_id, body, time_ms=SLOW):
    response = client.post(
        f"/api/v1/sessions/{session_id}/answers/",
        {"exercise": exercise_id, "answer": body, "time_ms": time_ms},
        format="json",
    )
    assert response.status_code == 200, response.content
    return response.json()


def play_lesson(client, lesson, plan):
    """Play a lesson: `plan` is, per exercise in order, the first try: "again" (wrong, then right), "hard"
    (typo), "good" (right, slowly) or "easy" (right, fast). Returns the exercise ids in order."""
    start = client.post(f"/api/v1/lessons/{lesson.pk}/sessions/")
    assert start.status_code == 201, start.content
    session = start.json()
    ids = [exercise["id"] for exercise in session["exercises"]]
    for exercise_id, first in zip(ids, plan, strict=True):
        if first == "again":
            answer(client, session["id"], exercise_id, WRONG)
            answer(client, session["id"], exercise_id, RIGHT)
        elif first == "hard":
            answer(client, session["id"], exercise_id, TYPO)
        else:
            answer(client, session["id"], exercise_id, RIGHT, FAST if first == "easy" else SLOW)
    assert client.post(f"/api/v1/sessions/{session['id']}/complete/").status_code == 200
    return ids


@pytest.fixture
def history(learner_client):
    """Two lessons of three exercises played at T0: a1 again, a2 easy, a3 good; b1 good, b2 hard, b3 again."""
    course, (first, second) = course_with_lessons(lessons=2, exercises=3)
    learner_client.post("/api/v1/enrollments/", {"course": course.pk})
    LearnerStatsFactory(user=learner_client.user)
    with time_machine.travel(T0, tick=False):
        a = play_lesson(learner_client, first, ["again", "easy", "good"])
        b = play_lesson(learner_client, second, ["good", "hard", "again"])
    return {"course": course, "a": a, "b": b, "client": learner_client, "user": learner_client.user}


def practice(client, course, kind="review", size=5):
    return client.post("/api/v1/practice/sessions/", {"course": course.pk, "kind": kind, "size": size}, format="json")


def overview(client):
    response = client.get("/api/v1/me/practice/")
    assert response.status_code == 200
    return response.json()


def test_lessons_leave_memory_states_rated_by_first_try(history):
    (a1, a2, a3), (b1, b2, b3) = history["a"], history["b"]
    states = {state.exercise_id: state for state in MemoryState.objects.filter(user=history["user"])}
    assert {exercise: states[exercise].due - T0 for exercise in states} == {
        a1: dt.timedelta(days=1),  # again
        a2: dt.timedelta(days=8),  # easy
        a3: dt.timedelta(days=2),  # good
        b1: dt.timedelta(days=2),
        b2: dt.timedelta(days=1),  # hard (a typo)
        b3: dt.timedelta(days=1),
    }
    assert [round(states[e].stability, 4) for e in (a1, b2, a3, a2)] == [0.212, 1.2931, 2.3065, 8.2956]
    # Correcting a wrong answer later in the same session is not a review: one review each, the mistakes stay.
    assert {states[e].reps for e in states} == {1}
    assert sorted(e for e in states if not states[e].last_first_try_correct) == sorted([a1, b3])


def test_due_counts_grow_and_unit_strength_falls_over_days(history):
    client = history["client"]
    seen = {}
    for n in (0, 1, 3, 10):
        with time_machine.travel(days(n), tick=False):
            seen[n] = overview(client)
    assert [seen[n]["due_now"] for n in (0, 1, 3, 10)] == [0, 3, 5, 6]
    assert seen[0]["due_within_24h"] == 3
    assert seen[0]["next_due_at"] == "2026-03-11T09:30:00Z"
    assert seen[10]["next_due_at"] is None
    strengths = [seen[n]["courses"][0]["units"][0]["strength"] for n in (0, 1, 3, 10)]
    assert strengths[0] == 1.0
    assert strengths == sorted(strengths, reverse=True)
    assert len(set(strengths)) == 4
    assert seen[3]["courses"][0]["units"][0]["items"] == 6
    # Day 3: mean of the predicted recalls (again x2 0.6595, hard 0.8328, good x2 0.8809, easy 0.9543).
    assert strengths[2] == pytest.approx((2 * 0.6595 + 0.8328 + 2 * 0.8809 + 0.9543) / 6, abs=1e-3)
    weakest = seen[3]["weakest"]
    assert [item["exercise"] for item in weakest[:2]] == sorted([history["a"][0], history["b"][2]])
    assert weakest[0]["prompt"]
    assert weakest[0]["recall"] == pytest.approx(0.6595, abs=1e-4)
    assert "answers" not in weakest[0]
    assert "content" not in weakest[0]
    # The enrollment detail carries the same strength.
    with time_machine.travel(days(3), tick=False):
        enrollment = client.get("/api/v1/enrollments/").json()["results"][0]["id"]
        detail = client.get(f"/api/v1/enrollments/{enrollment}/").json()
    assert detail["units"][0]["strength"] == strengths[2]


def test_a_review_picks_the_most_forgotten_and_right_answers_push_them_out(history):
    client, (a1, a2, a3), (b1, b2, b3) = history["client"], history["a"], history["b"]
    with time_machine.travel(days(3), tick=False):
        response = practice(client, history["course"], size=5)
        assert response.status_code == 201, response.content
        session = response.json()
        ids = [exercise["id"] for exercise in session["exercises"]]
        # Most forgotten first: the two forgotten (again), the hard one, then the good ones; the easy one is not due.
        assert ids == [*sorted([a1, b3]), b2, *sorted([a3, b1])]
        assert (session["kind"], session["lesson"], session["hearts"]["count"]) == ("review", None, 5)
        reloaded = client.get(f"/api/v1/sessions/{session['id']}/").json()
        assert [exercise["id"] for exercise in reloaded["exercises"]] == ids
        before = {s.exercise_id: s for s in MemoryState.objects.filter(user=history["user"])}
        for exercise_id in ids:
            answer(client, session["id"], exercise_id, RIGHT)
        done = client.post(f"/api/v1/sessions/{session['id']}/complete/")
        assert done.status_code == 200, done.content
    after = {s.exercise_id: s for s in MemoryState.objects.filter(user=history["user"])}
    for exercise_id in ids:
        assert after[exercise_id].stability > before[exercise_id].stability
        assert after[exercise_id].due > days(3) + (before[exercise_id].due - T0)
        assert after[exercise_id].reps == 2
    assert after[a2].reps == 1  # not in the session
    with time_machine.travel(days(3), tick=False):
        assert overview(client)["due_now"] == 0
        nothing = practice(client, history["course"])
    assert (nothing.status_code, nothing.json()["code"]) == (409, "nothing_due")


def test_a_mistakes_session_holds_exactly_the_latest_wrong_first_tries_and_a_right_first_try_clears_one(history):
    client, (a1, _, _), (_, _, b3) = history["client"], history["a"], history["b"]
    with time_machine.travel(days(1), tick=False):
        session = practice(client, history["course"], kind="mistakes").json()
        assert sorted(exercise["id"] for exercise in session["exercises"]) == sorted([a1, b3])
        answer(client, session["id"], a1, RIGHT)
        # b3 wrong at its first try again, then right: still a mistake.
        answer(client, session["id"], b3, WRONG)
        answer(client, session["id"], b3, RIGHT)
        assert client.post(f"/api/v1/sessions/{session['id']}/complete/").status_code == 200
        again = practice(client, history["course"], kind="mistakes").json()
    assert [exercise["id"] for exercise in again["exercises"]] == [b3]


def test_rewards_ten_five_zero_a_heart_back_each_and_wrong_practice_answers_cost_nothing(history):
    client, user = history["client"], history["user"]
    day = days(10)
    # The lessons' two wrong answers left 3 hearts; three more lost elsewhere leave none.
    LearnerStats.objects.filter(user=user).update(hearts=0, hearts_updated_at=day)
    UserHeartsLog.objects.create(user=user, delta=-3, reason="wrong_answer", balance_after=0, created_at=day)
    gained = []
    with time_machine.travel(day, tick=False):
        first = practice(client, history["course"], size=5).json()  # practice starts with no hearts
        assert first["hearts"]["count"] == 0
        for item in first["exercises"]:
            answer(client, first["id"], item["id"], RIGHT)
        gained.append(client.post(f"/api/v1/sessions/{first['id']}/complete/").json())

        second = practice(client, history["course"], size=5).json()
        (last,) = second["exercises"]  # the sixth exercise, still due
        wrong = answer(client, second["id"], last["id"], WRONG)
        assert (wrong["correct"], wrong["hearts_remaining"], wrong["session_status"]) == (False, 1, "active")
        assert wrong["session"]["hearts_lost"] == 0
        answer(client, second["id"], last["id"], RIGHT)
        gained.append(client.post(f"/api/v1/sessions/{second['id']}/complete/").json())

        third = practice(client, history["course"], kind="mistakes").json()
        assert [item["id"] for item in third["exercises"]] == [last["id"]]
        answer(client, third["id"], last["id"], RIGHT)
        gained.append(client.post(f"/api/v1/sessions/{third['id']}/complete/").json())

    assert [g["lesson_xp_awarded"] for g in gained] == [10, 5, 0]
    assert [g["hearts"]["count"] for g in gained] == [1, 2, 3]
    log = UserHeartsLog.objects.filter(user=user, reason=UserHeartsLog.Reason.PRACTICE_REWARD).order_by("id")
    assert [(row.delta, row.balance_after) for row in log] == [(1, 1), (1, 2), (1, 3)]
    assert not UserHeartsLog.objects.filter(user=user, session__kind__in=["review", "mistakes"], delta__lt=0).exists()
    stats = LearnerStats.objects.get(user=user)
    # Counted for the streak (the lessons' day was a week earlier: it starts again) and the day's goal.
    assert (stats.current_streak, stats.last_active_date, stats.lessons_completed) == (1, day.date(), 2)
    daily = UserDailyXP.objects.get(user=user, date=day.date())
    assert (daily.xp, daily.practice_sessions, daily.lessons_completed) == (15, 3, 0)
    out = io.StringIO()
    call_command("recalculate_progress", "--user", str(user.pk), stdout=out)
    assert "No drift" in out.getvalue()


def test_practice_completes_only_when_every_item_is_answered_right(history):
    client = history["client"]
    with time_machine.travel(days(3), tick=False):
        session = practice(client, history["course"], size=5).json()
        first = session["exercises"][0]["id"]
        answer(client, session["id"], first, WRONG)
        for item in session["exercises"][1:]:
            answer(client, session["id"], item["id"], RIGHT)
        early = client.post(f"/api/v1/sessions/{session['id']}/complete/")
        assert (early.status_code, early.json()["code"]) == (409, "lesson_incomplete")
        answer(client, session["id"], first, RIGHT)
        assert client.post(f"/api/v1/sessions/{session['id']}/complete/").status_code == 200


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "review", "size": 4}, "size"),
        ({"kind": "review", "size": 21}, "size"),
        ({"kind": "lesson", "size": 5}, "kind"),
        ({"kind": "everything", "size": 5}, "kind"),
        ({"kind": "review"}, "size"),
        ({"kind": "review", "size": 5, "course": "x"}, "course"),
    ],
)
def test_bad_practice_input_is_a_400_naming_the_field_and_creates_nothing(history, body, field):
    sessions = LessonSession.objects.count()
    with time_machine.travel(days(3), tick=False):
        response = history["client"].post(
            "/api/v1/practice/sessions/", {"course": history["course"].pk, **body}, format="json"
        )
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert LessonSession.objects.count() == sessions
    assert not PracticeSessionItem.objects.exists()


def test_a_course_not_enrolled_is_404_and_an_exercise_not_in_the_practice_is_400(history):
    client = history["client"]
    other, _ = course_with_lessons(lessons=1, exercises=1)
    with time_machine.travel(days(3), tick=False):
        missing = client.post(
            "/api/v1/practice/sessions/", {"course": other.pk, "kind": "review", "size": 5}, format="json"
        )
        assert (missing.status_code, missing.json()["code"]) == (404, "not_found")
        assert not LessonSession.objects.filter(kind="review").exists()
        session = practice(client, history["course"], size=5).json()
        outside = history["a"][1]  # a2: easy, not due, not in this session
        response = client.post(
            f"/api/v1/sessions/{session['id']}/answers/", {"exercise": outside, "answer": RIGHT}, format="json"
        )
    assert response.status_code == 400
    assert response.json() == {"exercise": ["This exercise is not part of the practice session."]}
    assert not LessonSession.objects.get(pk=session["id"]).interactions.exists()
    assert MemoryState.objects.get(user=history["user"], exercise_id=outside).reps == 1


def test_an_unavailable_course_refuses_practice(history):
    course = history["course"]
    course.is_published = False
    course.save(update_fields=["is_published"])
    with time_machine.travel(days(3), tick=False):
        response = practice(history["client"], course)
    assert (response.status_code, response.json()["code"]) == (409, "course_unavailable")


def test_archived_exercises_drop_out_of_practice_but_keep_their_state(history):
    a1 = history["a"][0]
    MemoryState.objects.get(user=history["user"], exercise_id=a1).exercise.__class__.objects.filter(pk=a1).update(
        archived_at=T0
    )
    with time_machine.travel(days(3), tick=False):
        ids = [item["id"] for item in practice(history["client"], history["course"]).json()["exercises"]]
        assert overview(history["client"])["due_now"] == 4
    assert a1 not in ids
    assert len(ids) == 4
    assert MemoryState.objects.filter(user=history["user"], exercise_id=a1).exists()


def test_desired_retention_is_validated_and_schedules_the_next_reviews(history):
    client = history["client"]
    bad = client.patch("/api/v1/me/", {"desired_retention": 0.99}, format="json")
    assert bad.status_code == 400
    assert list(bad.json()) == ["desired_retention"]
    assert client.patch("/api/v1/me/", {"desired_retention": 0.8}, format="json").json()["desired_retention"] == 0.8
    b1 = history["b"][0]
    with time_machine.travel(days(3), tick=False):
        session = practice(client, history["course"], size=5).json()
        answer(client, session["id"], b1, RIGHT)
    state = MemoryState.objects.get(user=history["user"], exercise_id=b1)
    assert state.retention == 0.8
    # Stability grew from 2.3065 to about 13.8 days; at 0.8 retention the interval is longer than at 0.9 (14).
    assert state.due - days(3) == dt.timedelta(days=46)
    out = io.StringIO()
    call_command("recalculate_progress", "--user", str(history["user"].pk), stdout=out)
    assert "No drift" in out.getvalue()


def test_recalculate_progress_reports_and_repairs_memory_drift(history):
    user = history["user"]
    a1, a2 = history["a"][:2]
    MemoryState.objects.filter(user=user, exercise_id=a1).update(stability=99.0)
    MemoryState.objects.filter(user=user, exercise_id=a2).delete()
    out = io.StringIO()
    with pytest.raises(Exception, match="Drift in 1 of 1"):
        call_command("recalculate_progress", "--user", str(user.pk), stdout=out)
    assert f"memory[{a1}].stability: stored 99.0, expected 0.212" in out.getvalue()
    assert f"memory[{a2}]: stored missing, expected replayed" in out.getvalue()
    call_command("recalculate_progress", "--user", str(user.pk), "--fix", stdout=io.StringIO())
    assert MemoryState.objects.get(user=user, exercise_id=a1).stability == 0.212
    assert MemoryState.objects.get(user=user, exercise_id=a2).due == T0 + dt.timedelta(days=8)
    again = io.StringIO()
    call_command("recalculate_progress", "--user", str(user.pk), stdout=again)
    assert "No drift" in again.getvalue()


def test_the_admin_shows_memory_states_read_only(history, admin_client):
    course = history["course"]
    base = "/admin/progress/memorystate/"
    listed = admin_client.get(
        f"{base}?course__id__exact={course.pk}&stability=0&difficulty=1&q={history['user'].email}"
    )
    assert listed.status_code == 200
    assert listed.context["cl"].result_count == 2  # stability under 1 day, difficulty 4 to 7: the two forgotten ones
    state = MemoryState.objects.filter(user=history["user"]).first()
    assert admin_client.get(f"{base}{state.pk}/change/").status_code == 200
    assert admin_client.get(f"{base}add/").status_code == 403
    assert admin_client.post(f"{base}{state.pk}/delete/", {"post": "yes"}).status_code == 403


def test_a_practice_played_offline_costs_no_heart_and_reviews_each_exercise_once(history):
    client, user = history["client"], history["user"]
    day = days(10)
    with time_machine.travel(day, tick=False):
        session = practice(client, history["course"], size=5).json()
        hearts = session["hearts"]["count"]
        ids = [item["id"] for item in session["exercises"]]
        played = [(ids[0], WRONG), (ids[0], RIGHT), *[(exercise, RIGHT) for exercise in ids[1:]]]
        answers = [
            {"exercise": e, "answer": a, "time_ms": SLOW, "answered_at": day.isoformat(), "idempotency_key": f"p-{n}"}
            for n, (e, a) in enumerate(played)
        ]
        response = client.post(f"/api/v1/sessions/{session['id']}/answers/batch/", {"answers": answers}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert [result["status"] for result in body["results"]] == ["recorded"] * len(played)
    assert body["results"][0]["result"]["hearts_remaining"] == hearts
    assert (body["session"]["mistakes"], body["session"]["hearts_lost"]) == (1, 0)
    assert LearnerStats.objects.get(user=user).hearts == hearts
    states = {state.exercise_id: state for state in MemoryState.objects.filter(user=user, exercise_id__in=ids)}
    assert {exercise: state.last_review for exercise, state in states.items()} == dict.fromkeys(ids, day)
    assert [states[exercise].last_first_try_correct for exercise in ids] == [False] + [True] * (len(ids) - 1)
    out = io.StringIO()
    call_command("recalculate_progress", "--user", str(user.pk), stdout=out)
    assert "No drift" in out.getvalue()
