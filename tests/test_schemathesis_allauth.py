"""Schemathesis against allauth's headless API, as its own OpenAPI spec (/_allauth/openapi.json) describes it.

Sign-up, login, sessions, email and password management are part of this service too, so no generated
request may get a 5xx there either, whether anonymous or signed in as a learner. Only that is checked:
how allauth's answers match allauth's own spec is allauth's business. A bounded number of examples per
operation; the signed-in run leaves out DELETE auth/session (it would sign the learner out).
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import given
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup

from accounts.tests.factories import UserFactory, token_client
from tests.contract import fuzz_settings

MAX_EXAMPLES = 8
SIGN_OUT = ("DELETE", "/_allauth/{client}/v1/auth/session")

pytestmark = pytest.mark.django_db


@pytest.fixture
def allauth_schema(in_test_transaction):
    return schemathesis.openapi.from_wsgi("/_allauth/openapi.json", get_wsgi_application())


def server_errors(schema, headers: dict[str, str], skip: set[tuple[str, str]] = frozenset()) -> list[str]:
    """Fuzz every operation; the 5xx found, one line per operation."""
    found = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if (operation.method.upper(), operation.path) in skip:
            continue

        @given(case=operation.as_strategy(GenerationMode.POSITIVE) | operation.as_strategy(GenerationMode.NEGATIVE))
        @fuzz_settings(MAX_EXAMPLES)
        def fuzz(case):
            case.call_and_validate(headers=headers, checks=[not_a_server_error])

        try:
            fuzz()
        except FailureGroup as failures:  # what a failed check raises
            found.append(f"{operation.method.upper()} {operation.path}: {failures.exceptions[0].title}")
    return found


def test_operations_are_fuzzed(allauth_schema):
    operations = {(result.ok().method.upper(), result.ok().path) for result in allauth_schema.get_all_operations()}
    assert ("POST", "/_allauth/{client}/v1/auth/signup") in operations
    assert ("GET", "/_allauth/{client}/v1/account/phone") in operations
    assert SIGN_OUT in operations


def test_no_anonymous_request_gets_a_5xx(allauth_schema):
    assert server_errors(allauth_schema, headers={}) == []


@pytest.fixture
def learner_token():
    """Signed in through Django's test client, which reconnects the signal in_test_transaction disconnects:
    requested before allauth_schema, so that it is done before the schema's requests need the connection kept."""
    return token_client(UserFactory()).token


def test_no_signed_in_request_gets_a_5xx(learner_token, allauth_schema):
    assert server_errors(allauth_schema, headers={"X-Session-Token": learner_token}, skip={SIGN_OUT}) == []
