"""Learners playing through the API, for the cross-app tests."""

from __future__ import annotations

from rest_framework.test import APIClient

from exercises.tests.factories import correct_answer


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
