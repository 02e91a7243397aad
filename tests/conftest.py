"""Cross-app test worlds: the demo course, signed-in learners and a learner with history."""

from __future__ import annotations

import pytest
from django.core import signals
from django.db import close_old_connections

from accounts.tests.factories import UserFactory, token_client
from exercises.tests.factories import DEMO_COURSE
from tests.learners import first_lessons, play


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

    course_import(text=DEMO_COURSE.read_text(encoding="utf-8"))
    return Course.objects.get(from_language__code="en", to_language__code="es")


@pytest.fixture
def owner(demo_course):
    """A learner enrolled in the demo course who completed its first lesson: XP, streak, activity, badges."""
    user = UserFactory()
    client = token_client(user)
    enrolled = client.post("/api/v1/enrollments/", {"course": demo_course.pk})
    assert enrolled.status_code == 201, enrolled.content
    client.enrollment_id = enrolled.json()["id"]
    client.course = demo_course
    client.completed_session = play(client, first_lessons(demo_course, 1)[0])["id"]
    return client


@pytest.fixture
def other(db):
    """Another signed-in learner with no history of their own."""
    return token_client(UserFactory())
