"""Every learner endpoint as anonymous (401), as another learner (404 for the owner's objects, their own
empty data otherwise) and as the owner (2xx); the other learner's calls change nothing of the owner's. The public
catalog answers everyone alike, signed in or not."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from accounts.tests.factories import app_reauthenticate
from audit.models import UserActivityLog
from exercises.models import ExerciseType
from exercises.tests.factories import correct_answer
from gamification.models import LearnerStats, UserDailyXP
from progress.models import LessonSession, UserCourse, UserExerciseInteraction
from tests.learners import first_lessons, play

pytestmark = pytest.mark.django_db


def owner_footprint(user) -> dict:
    """Everything of the owner's that another learner's calls could change."""
    stats = LearnerStats.objects.filter(user=user).values().first()
    return {
        "user": User.objects.filter(pk=user.pk).values().first(),
        "stats": stats and {k: v for k, v in stats.items() if k != "updated_at"},
        "enrollments": list(UserCourse.objects.filter(user=user).values()),
        "sessions": list(LessonSession.objects.filter(user=user).values()),
        "answers": UserExerciseInteraction.objects.filter(user=user).count(),
        "daily": list(UserDailyXP.objects.filter(user=user).values()),
        "activity": UserActivityLog.objects.filter(user=user).count(),
    }


@pytest.fixture
def world(demo_course, owner, other):
    """The owner with an enrollment, a completed session and an active one with one answer to go."""
    second = first_lessons(demo_course, 2)[1]
    active = play(owner, second, complete=False, leave=1)
    owner.active_session = active["id"]
    owner.active_exercise = active["exercises"][0]["id"]
    owner.second_lesson = second
    return {"course": demo_course, "lesson": first_lessons(demo_course, 1)[0], "owner": owner, "other": other}


# (method, path template, body); the ids in braces come from the world (fill).
OWNED = [
    ("get", "/api/v1/enrollments/{enrollment}/", None),
    ("delete", "/api/v1/enrollments/{enrollment}/", None),
    ("get", "/api/v1/sessions/{session}/", None),
    ("get", "/api/v1/sessions/{active}/", None),
    ("post", "/api/v1/sessions/{active}/answers/", "answer"),
    ("post", "/api/v1/sessions/{active}/complete/", None),
]
OWN_DATA = [
    ("get", "/api/v1/enrollments/"),
    ("get", "/api/v1/me/"),
    ("get", "/api/v1/me/stats/"),
    ("get", "/api/v1/me/xp-history/"),
    ("get", "/api/v1/me/achievements/"),
    ("get", "/api/v1/me/activity/"),
    ("get", "/api/v1/me/export/"),
]
PUBLIC_CATALOG = [
    "/api/v1/languages/",
    "/api/v1/languages/{language}/",
    "/api/v1/exercise-types/",
    "/api/v1/exercise-types/{exercise_type}/",
    "/api/v1/achievements/",
    "/api/v1/courses/",
    "/api/v1/courses/{course}/",
]
# A lesson's play payload is for learners.
LEARNER_CATALOG = ["/api/v1/lessons/{lesson}/"]


def fill(path: str, world) -> str:
    owner = world["owner"]
    return path.format(
        enrollment=owner.enrollment_id,
        session=owner.completed_session,
        active=owner.active_session,
        course=world["course"].pk,
        lesson=world["lesson"].pk,
        language=world["course"].to_language_id,
        exercise_type=ExerciseType.objects.order_by("pk").values_list("pk", flat=True)[0],
    )


def body_for(kind, world):
    if kind != "answer":
        return None
    from exercises.models import Exercise

    exercise = Exercise.objects.get(pk=world["owner"].active_exercise)
    return {"exercise": exercise.pk, "answer": correct_answer(exercise), "time_ms": 900}


def call(client, method, path, body=None):
    return getattr(client, method)(path, body, format="json") if body is not None else getattr(client, method)(path)


def every_learner_endpoint():
    return (
        [(m, p) for m, p, _ in OWNED]
        + OWN_DATA
        + [("get", p) for p in LEARNER_CATALOG]
        + [
            ("post", "/api/v1/enrollments/"),
            ("post", "/api/v1/lessons/{lesson}/sessions/"),
            ("patch", "/api/v1/me/"),
            ("delete", "/api/v1/me/"),
        ]
    )


@pytest.mark.parametrize(("method", "path"), every_learner_endpoint())
def test_anonymous_gets_401(world, method, path):
    before = owner_footprint(world["owner"].user)
    response = call(APIClient(), method, fill(path, world), {} if method in {"post", "patch"} else None)
    assert (response.status_code, response.json()["code"]) == (401, "not_authenticated"), response.content
    assert owner_footprint(world["owner"].user) == before


@pytest.mark.parametrize(("method", "path", "body"), OWNED)
def test_another_learner_gets_404_for_the_owners_objects(world, method, path, body):
    before = owner_footprint(world["owner"].user)
    response = call(world["other"], method, fill(path, world), body_for(body, world))
    assert response.status_code == 404, response.content
    assert owner_footprint(world["owner"].user) == before


@pytest.mark.parametrize(("method", "path", "body"), OWNED)
def test_the_owner_may(world, method, path, body):
    expected = {"get": 200, "post": 200, "delete": 204}[method]
    if path.endswith("/complete/"):
        # The active session has one exercise left; answer it, then completing succeeds.
        assert call(world["owner"], "post", fill(OWNED[4][1], world), body_for("answer", world)).status_code == 200
    response = call(world["owner"], method, fill(path, world), body_for(body, world))
    assert response.status_code == expected, response.content


@pytest.mark.parametrize(("method", "path"), OWN_DATA)
def test_another_learner_sees_only_their_own_empty_data(world, method, path):
    other, owner = world["other"], world["owner"]
    response = call(other, method, fill(path, world))
    assert response.status_code == 200, response.content
    body = response.json()
    mine = call(owner, method, fill(path, world)).json()
    assert body != mine
    if path.endswith("/enrollments/"):
        assert body["results"] == []
        assert len(mine["results"]) == 1
    elif path.endswith("/me/"):
        assert body["email"] == other.user.email
    elif path.endswith("/me/stats/"):
        assert body["total_xp"] == 0
        assert body["streak"]["current"] == 0
        assert mine["total_xp"] > 0
    elif path.endswith("/me/xp-history/"):
        assert {day["xp"] for day in body["results"]} == {0}
        assert any(day["xp"] for day in mine["results"])
    elif path.endswith("/me/achievements/"):
        assert all(item["unlocked_at"] is None for item in body["results"])
    elif path.endswith("/me/activity/"):
        assert all(item["action"] in {"login", "signup"} for item in body["results"])
        assert "lesson_complete" in {item["action"] for item in mine["results"]}
    elif path.endswith("/me/export/"):
        assert owner.user.email not in response.content.decode()


@pytest.mark.parametrize("path", PUBLIC_CATALOG)
def test_the_public_catalog_answers_everyone_alike(world, path):
    bodies = []
    for client in (APIClient(), world["other"], world["owner"]):
        response = call(client, "get", fill(path, world))
        assert response.status_code == 200, response.content
        bodies.append(response.content)
    assert bodies[0] == bodies[1] == bodies[2]


@pytest.mark.parametrize("path", LEARNER_CATALOG)
def test_a_lesson_to_play_is_open_to_every_signed_in_learner(world, path):
    for client in (world["other"], world["owner"]):
        assert call(client, "get", fill(path, world)).status_code == 200


def test_lesson_statuses_are_the_enrolled_learners_own(world):
    owner, other = world["owner"], world["other"]
    statuses = owner.get(fill("/api/v1/enrollments/{enrollment}/", world)).json()["lessons"]
    first, second = (str(lesson.pk) for lesson in first_lessons(world["course"], 2))
    assert (statuses[first], statuses[second]) == ("completed", "available")
    assert other.get(fill("/api/v1/enrollments/{enrollment}/", world)).status_code == 404


def test_starting_a_lesson_needs_the_learners_own_enrollment(world):
    path = fill("/api/v1/lessons/{lesson}/sessions/", world)
    refused = world["other"].post(path)
    assert refused.status_code == 409
    assert refused.json()["code"] == "not_enrolled"
    assert world["owner"].post(path).status_code == 201


def test_enrolling_and_profile_changes_touch_only_the_caller(world):
    other, owner = world["other"], world["owner"]
    before = owner_footprint(owner.user)
    assert other.post("/api/v1/enrollments/", {"course": world["course"].pk}, format="json").status_code == 201
    assert other.patch("/api/v1/me/", {"display_name": "Someone else"}, format="json").status_code == 200
    app_reauthenticate(other, other.token)
    assert other.delete("/api/v1/me/").status_code == 204
    assert not User.objects.filter(pk=other.user.pk).exists()
    assert owner_footprint(owner.user) == before
    assert owner.get("/api/v1/me/").status_code == 200
