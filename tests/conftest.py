"""Cross-app test worlds: the demo course, signed-in learners and a learner with history."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from rest_framework.test import APIClient

from accounts.tests.factories import UserFactory
from conftest import app_login
from tests.answers import correct_answer

DEMO_COURSE_FILE = Path(settings.BASE_DIR) / "fixtures" / "courses" / "spanish-for-english-speakers.yaml"


def token_client(user) -> APIClient:
    """A client signed in the way the mobile app is: allauth's X-Session-Token header."""
    client = APIClient()
    client.token = app_login(APIClient(), user.email)
    client.credentials(HTTP_X_SESSION_TOKEN=client.token)
    client.user = user
    return client


def fuzz_settings(max_examples: int) -> hypothesis_settings:
    """Hypothesis settings of the schemathesis runs: a bounded number of examples, the same ones every run
    (derandomized, no example database), and no deadline (a request may take a while on a busy CI machine)."""
    return hypothesis_settings(
        max_examples=max_examples,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )


@pytest.fixture
def in_test_transaction():
    """For requests sent to the WSGI app directly (schemathesis), as Django's test client does: the test's
    connection, its transaction and its data, stay open across requests."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def reference_data(db):
    from courses.reference_data import reference_data_load
    from gamification.models import QuestTemplate

    reference_data_load()
    # A learner's quests are drawn from their id and the date, and their rewards add XP: left active, the XP these
    # worlds assert would depend on which ids the database hands out. Quests have their own tests.
    QuestTemplate.objects.update(is_active=False)


@pytest.fixture
def demo_course(reference_data):
    from courses.models import Course
    from exercises.course_import import course_import

    course_import(text=DEMO_COURSE_FILE.read_text(encoding="utf-8"))
    return Course.objects.get(from_language__code="en", to_language__code="es")


def first_lessons(course, count: int = 2):
    from courses.selectors import course_lessons

    return list(course_lessons(course=course)[:count])


def play(client: APIClient, lesson, *, complete: bool = True, leave: int = 0) -> dict:
    """Start `lesson` through the API, answer its exercises right but the first `leave`, complete it unless told not to.

    Returns the completion's body with the session id, or the start's body when not completing.
    """
    from exercises.models import Exercise

    started = client.post(f"/api/v1/lessons/{lesson.pk}/sessions/")
    assert started.status_code == 201, started.content
    session = started.json()
    exercises = {e.pk: e for e in Exercise.objects.filter(pk__in=[x["id"] for x in session["exercises"]])}
    for item in session["exercises"][leave:]:
        answered = client.post(
            f"/api/v1/sessions/{session['id']}/answers/",
            {"exercise": item["id"], "answer": correct_answer(exercises[item["id"]]), "time_ms": 1200},
        )
        assert answered.status_code == 200, answered.content
        assert answered.json()["correct"] is True, answered.json()
    if not complete:
        return session
    done = client.post(f"/api/v1/sessions/{session['id']}/complete/")
    assert done.status_code == 200, done.content
    return {**done.json(), "id": session["id"]}


@pytest.fixture
def owner(demo_course):
    """A learner enrolled in the demo course who completed its first lesson: XP, streak, activity, badges."""
    user = UserFactory()
    client = token_client(user)
    enrolled = client.post("/api/v1/enrollments/", {"course": demo_course.pk})
    assert enrolled.status_code == 201, enrolled.content
    client.enrollment_id = enrolled.json()["id"]
    client.completed_session = play(client, first_lessons(demo_course, 1)[0])["id"]
    return client


@pytest.fixture
def other(db):
    """Another signed-in learner with no history of their own."""
    return token_client(UserFactory())
