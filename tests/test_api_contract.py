"""The API as a client reads it from /api/schema/: real responses of enrolling, playing and every refusal, each
checked with jsonschema against the schema the server serves (status documented, body valid)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.tests.factories import UserFactory, token_client
from config.openapi import ERROR_CODES
from config.throttling import AnonRateThrottle, UserRateThrottle
from courses.models import Course, Lesson
from courses.tests.factories import LessonFactory
from exercises.models import Exercise
from exercises.tests.factories import correct_answer
from gamification.models import LearnerStats
from progress.models import MemoryState
from tests.contract import assert_conforms, documented_codes
from tests.learners import first_lessons, play

pytestmark = pytest.mark.django_db


@pytest.fixture
def learner(demo_course):
    """A learner enrolled in the demo course, nothing played yet."""
    client = token_client(UserFactory())
    client.course = demo_course
    client.enrollment = client.post("/api/v1/enrollments/", {"course": demo_course.pk}).json()["id"]
    return client


# --- enrolling and the learner's side of the course ----------------------------------------------------------


def test_enrolling_and_the_enrollment_detail_match_the_schema_and_name_the_next_lesson(demo_course):
    client = token_client(UserFactory())
    first, second = first_lessons(demo_course, 2)

    created = client.post("/api/v1/enrollments/", {"course": demo_course.pk})
    assert created.status_code == 201
    body = assert_conforms(created, "post", "/api/v1/enrollments/")
    assert body["current_lesson"] == first.pk
    assert (body["lessons"][str(first.pk)], body["lessons"][str(second.pk)]) == ("available", "locked")
    again = client.post("/api/v1/enrollments/", {"course": demo_course.pk})
    assert (again.status_code, assert_conforms(again, "post", "/api/v1/enrollments/")) == (200, body)

    path = f"/api/v1/enrollments/{body['id']}/"
    detail = assert_conforms(client.get(path), "get", path)
    assert (detail["current_lesson"], detail["completion_percent"], detail["xp"]) == (first.pk, 0.0, 0)
    listed = assert_conforms(client.get("/api/v1/enrollments/"), "get", "/api/v1/enrollments/")
    assert listed["results"][0]["current_lesson"] == first.pk


def test_practice_overview_start_answer_and_completion_match_the_schema(learner):
    first = first_lessons(learner.course, 1)[0]
    play(learner, first)
    MemoryState.objects.filter(user=learner.user).update(due=timezone.now() - dt.timedelta(days=1))
    overview = assert_conforms(learner.get("/api/v1/me/practice/"), "get", "/api/v1/me/practice/")
    assert overview["due_now"] == MemoryState.objects.filter(user=learner.user).count() > 0
    body = {"course": learner.course.pk, "kind": "review", "size": 5}
    started = learner.post("/api/v1/practice/sessions/", body, format="json")
    session = assert_conforms(started, "post", "/api/v1/practice/sessions/")
    assert (started.status_code, session["kind"], session["lesson"]) == (201, "review", None)
    path = f"/api/v1/sessions/{session['id']}/"
    assert assert_conforms(learner.get(path), "get", path)["exercises"] == session["exercises"]
    for item in session["exercises"]:
        reply = answer(learner, session["id"], item["id"], right(item["id"]))
        assert_conforms(reply, "post", f"{path}answers/")
    done = assert_conforms(learner.post(f"{path}complete/"), "post", f"{path}complete/")
    assert (done["lesson_xp_awarded"], done["session"]["kind"]) == (10, "review")
    enrollment = f"/api/v1/enrollments/{learner.enrollment}/"
    assert assert_conforms(learner.get(enrollment), "get", enrollment)["units"][0]["strength"] is not None


def test_after_a_completion_the_current_lesson_is_the_next_to_play(learner):
    first, second = first_lessons(learner.course, 2)
    play(learner, first)
    path = f"/api/v1/enrollments/{learner.enrollment}/"
    detail = assert_conforms(learner.get(path), "get", path)
    assert detail["current_lesson"] == second.pk
    assert (detail["lessons"][str(first.pk)], detail["lessons"][str(second.pk)]) == ("completed", "available")
    assert learner.get("/api/v1/enrollments/").json()["results"][0]["current_lesson"] == second.pk


def test_a_course_with_nothing_left_to_play_has_no_current_lesson(learner):
    Course.objects.filter(pk=learner.course.pk).update(is_published=False)
    path = f"/api/v1/enrollments/{learner.enrollment}/"
    detail = assert_conforms(learner.get(path), "get", path)
    assert (detail["current_lesson"], detail["course"]["unavailable_reason"]) == (None, "unpublished")


# --- every refusal, as documented ---------------------------------------------------------------------------


def start(client, lesson):
    return client.post(f"/api/v1/lessons/{lesson.pk}/sessions/")


def answer(client, session_id: int, exercise_id: int, body, **headers):
    return client.post(
        f"/api/v1/sessions/{session_id}/answers/", {"exercise": exercise_id, "answer": body}, format="json", **headers
    )


def right(exercise_id: int) -> dict:
    return correct_answer(Exercise.objects.get(pk=exercise_id))


def not_authenticated(learner):
    return "get", "/api/v1/me/", APIClient().get("/api/v1/me/")


def authentication_failed(learner):
    return "get", "/api/v1/courses/", APIClient().get("/api/v1/courses/", HTTP_X_SESSION_TOKEN="no-such-session")


def reauthentication_required(learner):
    return "delete", "/api/v1/me/", learner.delete("/api/v1/me/")


def permission_denied(learner):
    return "post", "/api/v1/courses/", learner.post("/api/v1/courses/", {"title": "Mine"}, format="json")


def not_found(learner):
    return "get", "/api/v1/sessions/999999/", learner.get("/api/v1/sessions/999999/")


def parse_error(learner):
    response = learner.generic("POST", "/api/v1/enrollments/", "{not json", content_type="application/json")
    return "post", "/api/v1/enrollments/", response


def request_too_large(learner, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000
    body = json.dumps({"exercise": 1, "answer": {"text": "a" * 2_000}})
    path = "/api/v1/sessions/1/answers/"
    return "post", path, learner.generic("POST", path, body, content_type="application/json")


def unsupported_media_type(learner):
    return "patch", "/api/v1/me/", learner.generic("PATCH", "/api/v1/me/", "display_name=x", content_type="text/plain")


def throttled(learner, monkeypatch):
    rates = {"user": "2/min", "anon": "2/min"}
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", rates)
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", rates)
    for _ in range(2):
        learner.get("/api/v1/me/")
    return "get", "/api/v1/me/", learner.get("/api/v1/me/")


def not_enrolled(learner):
    other = token_client(UserFactory())
    lesson = first_lessons(learner.course, 1)[0]
    return "post", f"/api/v1/lessons/{lesson.pk}/sessions/", start(other, lesson)


def course_unavailable(learner):
    Course.objects.filter(pk=learner.course.pk).update(is_published=False)
    lesson = first_lessons(learner.course, 1)[0]
    return "post", f"/api/v1/lessons/{lesson.pk}/sessions/", start(learner, lesson)


def lesson_unavailable(learner):
    lesson = first_lessons(learner.course, 1)[0]
    Lesson.objects.filter(pk=lesson.pk).update(archived_at=timezone.now())
    return "post", f"/api/v1/lessons/{lesson.pk}/sessions/", start(learner, lesson)


def lesson_locked(learner):
    second = first_lessons(learner.course, 2)[1]
    return "post", f"/api/v1/lessons/{second.pk}/sessions/", start(learner, second)


def no_hearts(learner):
    LearnerStats.objects.update_or_create(
        user=learner.user, defaults={"hearts": 0, "hearts_updated_at": timezone.now() - dt.timedelta(minutes=5)}
    )
    lesson = first_lessons(learner.course, 1)[0]
    return "post", f"/api/v1/lessons/{lesson.pk}/sessions/", start(learner, lesson)


def lesson_empty(learner):
    unit = first_lessons(learner.course, 1)[0].unit
    empty = LessonFactory(unit=unit, position=99)
    return "post", f"/api/v1/lessons/{empty.pk}/sessions/", start(learner, empty)


def nothing_due(learner):
    body = {"course": learner.course.pk, "kind": "review", "size": 5}
    return "post", "/api/v1/practice/sessions/", learner.post("/api/v1/practice/sessions/", body, format="json")


def session_finished(learner):
    done = play(learner, first_lessons(learner.course, 1)[0])
    exercise = Exercise.objects.filter(lesson_links__lesson=done["session"]["lesson"]).first()
    path = f"/api/v1/sessions/{done['id']}/answers/"
    return "post", path, answer(learner, done["id"], exercise.pk, right(exercise.pk))


def exercise_already_answered(learner):
    session = start(learner, first_lessons(learner.course, 1)[0]).json()
    exercise = session["exercises"][0]["id"]
    assert answer(learner, session["id"], exercise, right(exercise)).status_code == 200
    return (
        "post",
        f"/api/v1/sessions/{session['id']}/answers/",
        answer(learner, session["id"], exercise, right(exercise)),
    )


def lesson_incomplete(learner):
    session = start(learner, first_lessons(learner.course, 1)[0]).json()
    path = f"/api/v1/sessions/{session['id']}/complete/"
    return "post", path, learner.post(path)


def idempotency_key_reused(learner):
    session = start(learner, first_lessons(learner.course, 1)[0]).json()
    first, second = (item["id"] for item in session["exercises"][:2])
    key = {"HTTP_IDEMPOTENCY_KEY": "answer-1"}
    assert answer(learner, session["id"], first, right(first), **key).status_code == 200
    return (
        "post",
        f"/api/v1/sessions/{session['id']}/answers/",
        answer(learner, session["id"], second, right(second), **key),
    )


REFUSALS = {
    "not_authenticated": (401, not_authenticated),
    "authentication_failed": (401, authentication_failed),
    "reauthentication_required": (401, reauthentication_required),
    "permission_denied": (403, permission_denied),
    "not_found": (404, not_found),
    "parse_error": (400, parse_error),
    "request_too_large": (413, request_too_large),
    "unsupported_media_type": (415, unsupported_media_type),
    "throttled": (429, throttled),
    "not_enrolled": (409, not_enrolled),
    "course_unavailable": (409, course_unavailable),
    "lesson_unavailable": (409, lesson_unavailable),
    "lesson_locked": (409, lesson_locked),
    "no_hearts": (409, no_hearts),
    "lesson_empty": (409, lesson_empty),
    "session_finished": (409, session_finished),
    "exercise_already_answered": (409, exercise_already_answered),
    "lesson_incomplete": (409, lesson_incomplete),
    "nothing_due": (409, nothing_due),
    "idempotency_key_reused": (422, idempotency_key_reused),
}


@pytest.mark.parametrize("code", list(REFUSALS))
def test_every_refusal_is_documented_with_its_code_and_body(code, learner, settings, monkeypatch):
    status, refuse = REFUSALS[code]
    extra = {"settings": settings, "monkeypatch": monkeypatch}
    names = refuse.__code__.co_varnames[: refuse.__code__.co_argcount]
    method, path, response = refuse(learner, **{name: extra[name] for name in names if name in extra})
    assert response.status_code == status, response.content
    body = assert_conforms(response, method, path)
    assert body["code"] == code
    assert body["detail"]


def test_every_documented_error_code_is_tested_here_and_named_in_the_code_list():
    documented = set().union(*(documented_codes(status) for status in (400, 401, 403, 404, 409, 413, 415, 422, 429)))
    assert documented == set(REFUSALS)
    assert documented <= set(ERROR_CODES)


def test_bad_input_is_a_documented_body_of_field_errors(learner):
    session = start(learner, first_lessons(learner.course, 1)[0]).json()
    exercise = session["exercises"][0]["id"]
    response = answer(learner, session["id"], exercise, {"text": "Hola", "lang": "es"})
    assert response.status_code == 400
    body = assert_conforms(response, "post", f"/api/v1/sessions/{session['id']}/answers/")
    assert body == {"answer.lang": ["Unknown field; allowed: text."]}
    nested = learner.patch("/api/v1/me/", {"daily_xp_goal": 15}, format="json")
    assert assert_conforms(nested, "patch", "/api/v1/me/") == {"daily_xp_goal": ['"15" is not a valid choice.']}


def test_the_system_health_of_staff_matches_the_schema(db):
    from accounts.tests.factories import StaffFactory

    body = assert_conforms(token_client(StaffFactory()).get("/health/system"), "get", "/health/system")
    assert body["status"] == "ok"
    assert body["counts"]["accounts.User"] == 1
    refused = token_client(UserFactory()).get("/health/system")
    assert (refused.status_code, assert_conforms(refused, "get", "/health/system")["code"]) == (
        403,
        "permission_denied",
    )


def test_a_session_played_through_matches_the_schema_and_names_its_two_xp_numbers(learner):
    lesson = first_lessons(learner.course, 1)[0]
    started = learner.post(f"/api/v1/lessons/{lesson.pk}/sessions/")
    session = assert_conforms(started, "post", f"/api/v1/lessons/{lesson.pk}/sessions/")
    path = f"/api/v1/sessions/{session['id']}/"
    assert assert_conforms(learner.get(path), "get", path)["exercises"] == session["exercises"]
    for exercise in session["exercises"]:
        answered = answer(learner, session["id"], exercise["id"], right(exercise["id"]))
        result = assert_conforms(answered, "post", f"/api/v1/sessions/{session['id']}/answers/")
        assert result["correct"] is True
    done = learner.post(f"/api/v1/sessions/{session['id']}/complete/")
    body = assert_conforms(done, "post", f"/api/v1/sessions/{session['id']}/complete/")
    # The lesson's XP and the perfect bonus are the session's own; unlocking "first lesson" adds its reward.
    xp = body["xp"]
    assert body["lesson_xp_awarded"] == body["session"]["lesson_xp_awarded"] == xp["lesson"] + xp["perfect_bonus"]
    assert body["total_xp_awarded"] == body["lesson_xp_awarded"] + xp["achievements"] > body["lesson_xp_awarded"]
    assert body["total_xp"] == body["total_xp_awarded"]
    assert "xp_awarded" not in body
    assert "xp_awarded" not in body["session"]


def test_an_offline_batch_matches_the_schema_in_each_of_its_answers_fates(learner):
    lesson = first_lessons(learner.course, 1)[0]
    session = learner.post(f"/api/v1/lessons/{lesson.pk}/sessions/").json()
    first, second = session["exercises"][0]["id"], session["exercises"][1]["id"]
    now = timezone.now().isoformat()

    def item(exercise, answer, key):
        return {"exercise": exercise, "answer": answer, "answered_at": now, "idempotency_key": key}

    path = f"/api/v1/sessions/{session['id']}/answers/batch/"
    answers = [item(first, right(first), "c-1"), item(first, right(first), "c-2"), item(second, right(second), "c-3")]
    body = assert_conforms(learner.post(path, {"answers": answers}, format="json"), "post", path)
    assert [(r["status"], r["code"]) for r in body["results"]] == [
        ("recorded", None),
        ("refused", "exercise_already_answered"),
        ("recorded", None),
    ]
    again = assert_conforms(learner.post(path, {"answers": answers[:1]}, format="json"), "post", path)
    assert again["results"][0]["status"] == "replayed"
    third = session["exercises"][2]["id"]
    bad = learner.post(path, {"answers": [item(third, {"nope": 1}, "c-4")]}, format="json")
    assert list(assert_conforms(bad, "post", path)) == ["answers[0].answer.nope"]


TYPED = ("type", "$ref", "oneOf", "anyOf", "allOf", "enum")


def untyped_values(node, where: str) -> list[str]:
    """Places in a schema that accept any value at all ({}): a client learns nothing of their shape."""
    found = [] if any(key in node for key in TYPED) else [where]
    for key in ("properties",):
        for name, child in node.get(key, {}).items():
            found += untyped_values(child, f"{where}.{name}")
    for key in ("items", "additionalProperties"):
        if isinstance(node.get(key), dict):
            found += untyped_values(node[key], f"{where}.{key}")
    for key in ("oneOf", "anyOf", "allOf"):
        for index, child in enumerate(node.get(key, [])):
            if set(child) - {"properties", "required", "description"}:  # a bare narrowing ({properties}) is typed
                found += untyped_values(child, f"{where}.{key}[{index}]")
    return found


def test_nothing_in_the_schema_is_typed_as_anything():
    from tests.contract import served_schema

    schema = served_schema()
    found = []
    for name, component in schema["components"]["schemas"].items():
        found += untyped_values(component, name)
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                for media in response.get("content", {}).values():
                    found += untyped_values(media["schema"], f"{method.upper()} {path} {status}")
    assert found == []
