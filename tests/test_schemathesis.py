"""Schemathesis against the project's own OpenAPI schema, signed in as a learner with real data, and signed out.

Each operation of /api/schema/ gets a bounded number of generated requests, valid and invalid, the same ones every
run (derandomized), sent through the WSGI app with the learner's X-Session-Token: no answer may be a 5xx, and every
answer must be documented and match the schema (the status is one the operation documents, the body validates
against that status's schema, the content type is the documented one). Half of the generated requests use real ids
(the learner's own enrollment and sessions, the demo course and its lessons, a real exercise in answers), so they
reach real objects rather than only 404s. DELETE me/ is left out of the learner's run (it would sign the learner
out; tests/test_access_matrix.py covers it). Every operation is also called signed out: the public catalog answers
in full, the rest with its documented 401.

schemathesis.pytest.from_fixture fails on this pytest (9.2: no Function._nodeid), so the operations are
parametrized here and each runs a Hypothesis test over operation.as_strategy().
"""

from __future__ import annotations

import contextlib
import io

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django.db import transaction
from django.urls import Resolver404, resolve
from hypothesis import given
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from courses.models import Language
from exercises.models import ExerciseType, LessonExercise
from progress.models import LessonSession
from tests.contract import fuzz_settings
from tests.learners import first_lessons, play

MAX_EXAMPLES = 15
# Signed out, an operation that needs a learner answers 401 whatever it is sent: a few examples show it.
MAX_EXAMPLES_SIGNED_OUT = {True: MAX_EXAMPLES, False: 3}
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance, content_type_conformance]
EXCLUDED = {("DELETE", "/api/v1/me/")}
# Body fields that name an object: half of the generated bodies get a real one.
BODY_IDS = {"/api/v1/sessions/{id}/answers/": "exercise", "/api/v1/enrollments/": "course"}


def schema_paths() -> dict:
    """The OpenAPI schema's paths, read at collection time (no database)."""
    from drf_spectacular.generators import SchemaGenerator

    with contextlib.redirect_stderr(io.StringIO()):  # drf-spectacular's warnings are for the schema's owners
        return SchemaGenerator().get_schema(request=None, public=True)["paths"]


def schema_operations() -> list[tuple[str, str]]:
    """(method, path) of every operation in the OpenAPI schema but those EXCLUDED from the learner's run."""
    return [
        (method.upper(), path)
        for path, operations in schema_paths().items()
        for method in operations
        if (method.upper(), path) not in EXCLUDED
    ]


def signed_out_operations() -> list[tuple[str, str, bool]]:
    """(method, path, public) of every operation; public ones accept no credentials (security lists {})."""
    return [
        (method.upper(), path, {} in operation.get("security", []))
        for path, operations in schema_paths().items()
        for method, operation in operations.items()
    ]


@pytest.fixture(scope="module")
def api_schema(django_db_setup, django_db_blocker):
    """The schema as /api/schema/ serves it, loaded once, calling the WSGI app directly."""
    with django_db_blocker.unblock():  # the request reads no rows, but the middleware may open a connection
        return schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """One learner world for every operation, built once and rolled back after the module.

    Each test's own transaction nests inside this one (a savepoint), so what one operation's requests
    change is undone before the next operation's test.
    """
    from accounts.tests.factories import UserFactory, token_client
    from courses.models import Course
    from courses.reference_data import reference_data_load
    from exercises.course_import import course_import
    from exercises.tests.factories import DEMO_COURSE

    with django_db_blocker.unblock(), transaction.atomic():
        reference_data_load()
        course_import(text=DEMO_COURSE.read_text(encoding="utf-8"))
        course = Course.objects.get(from_language__code="en", to_language__code="es")
        owner = token_client(UserFactory())
        enrollment = owner.post("/api/v1/enrollments/", {"course": course.pk}).json()["id"]
        lessons = first_lessons(course, 3)
        play(owner, lessons[0])
        active = play(owner, lessons[1], complete=False, leave=2)
        lesson_ids = [lesson.pk for lesson in lessons]
        ids = {
            "/api/v1/courses/{id}/": [course.pk],
            "/api/v1/lessons/{id}/": lesson_ids,
            "/api/v1/lessons/{lesson_id}/sessions/": lesson_ids,
            "/api/v1/enrollments/{id}/": [enrollment],
            "/api/v1/sessions/{id}/": list(LessonSession.objects.filter(user=owner.user).values_list("pk", flat=True)),
            "/api/v1/sessions/{id}/answers/": [active["id"]],
            "/api/v1/sessions/{id}/complete/": [active["id"]],
            "/api/v1/languages/{id}/": list(Language.objects.values_list("pk", flat=True)),
            "/api/v1/exercise-types/{id}/": list(ExerciseType.objects.values_list("pk", flat=True)),
            "course": [course.pk],
            "exercise": list(LessonExercise.objects.filter(lesson=lessons[1]).values_list("exercise_id", flat=True)),
        }
        yield {"token": owner.token, "ids": ids}
        transaction.set_rollback(True)


def case_strategy(operation, ids: list[int]):
    strategies = [operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE)]
    names = [parameter.name for parameter in operation.path_parameters]
    if ids and len(names) == 1:
        real = st.sampled_from(ids).map(lambda pk: {names[0]: pk})
        strategies.append(real.flatmap(lambda params: operation.as_strategy(path_parameters=params)))
    return st.one_of(strategies)


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path"), schema_operations())
def test_api_conforms_to_its_schema_and_never_answers_5xx(method, path, api_schema, world, in_test_transaction):
    operation = api_schema[path][method]
    headers = {"X-Session-Token": world["token"]}
    real_ids = world["ids"]

    @given(case=case_strategy(operation, real_ids.get(path, [])), data=st.data())
    @fuzz_settings(MAX_EXAMPLES)
    def fuzz(case, data):
        field = BODY_IDS.get(path)
        if field and isinstance(case.body, dict) and data.draw(st.booleans()):
            case.body[field] = data.draw(st.sampled_from(real_ids[field]))
        case.call_and_validate(headers=headers, checks=CHECKS)

    fuzz()


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path", "public"), signed_out_operations())
def test_signed_out_callers_get_documented_answers(method, path, public, api_schema, world, in_test_transaction):
    operation = api_schema[path][method]

    @given(case=case_strategy(operation, world["ids"].get(path, [])))
    @fuzz_settings(MAX_EXAMPLES_SIGNED_OUT[public])
    def fuzz(case):
        response = case.call_and_validate(checks=CHECKS)
        if not public:
            # A generated path that is no route at all (an id that is not a number) is 404 before any sign-in.
            expected = 401 if is_a_route(case.formatted_path) else 404
            assert response.status_code == expected, (method, case.formatted_path, response.status_code)

    fuzz()


def is_a_route(path: str) -> bool:
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def test_the_public_operations_are_the_catalog_and_the_unsubscribe_link():
    public = {(method, path) for method, path, is_public in signed_out_operations() if is_public}
    assert public == {
        # A streak reminder's link: signed for its learner, it needs no sign-in.
        ("GET", "/api/v1/reminders/unsubscribe/"),
        ("POST", "/api/v1/reminders/unsubscribe/"),
        ("GET", "/api/v1/languages/"),
        ("GET", "/api/v1/languages/{id}/"),
        ("GET", "/api/v1/exercise-types/"),
        ("GET", "/api/v1/exercise-types/{id}/"),
        ("GET", "/api/v1/achievements/"),
        ("GET", "/api/v1/courses/"),
        ("GET", "/api/v1/courses/{id}/"),
    }


def test_every_operation_but_account_deletion_is_fuzzed():
    fuzzed = set(schema_operations())
    assert ("GET", "/api/v1/me/stats/") in fuzzed
    assert ("POST", "/api/v1/sessions/{id}/answers/") in fuzzed
    assert not fuzzed & EXCLUDED
