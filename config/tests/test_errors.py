"""Errors Django answers itself are JSON under the API prefixes, and a too-deep JSON body is a 400, not a 500."""

import json

import pytest
from django.test import RequestFactory

from accounts.tests.factories import app_login, token_client
from config.exceptions import server_error

pytestmark = pytest.mark.django_db

DEEP = "[" * 100_000 + "]" * 100_000
NESTED_TOO_DEEPLY = {"detail": "JSON parse error - nested too deeply.", "code": "parse_error"}


@pytest.mark.parametrize("path", ["/api/v1/no-such-thing/", "/_allauth/app/v1/no-such-thing"])
def test_unknown_api_paths_are_a_json_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found.", "code": "not_found"}


def test_unknown_paths_elsewhere_keep_djangos_html_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_a_body_over_the_upload_limit_is_a_json_413(api_client, user, settings):
    token = app_login(api_client, user.email)
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000
    body = json.dumps({"exercise": 1, "answer": "a" * 2_000})
    response = api_client.post(
        "/api/v1/sessions/1/answers/", body, content_type="application/json", HTTP_X_SESSION_TOKEN=token
    )
    assert response.status_code == 413
    assert response.json() == {"detail": "The request body is too large.", "code": "request_too_large"}


def test_a_json_body_nested_too_deeply_is_a_400_in_the_api(user):
    client = token_client(user)
    response = client.post("/api/v1/enrollments/", DEEP, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == NESTED_TOO_DEEPLY


@pytest.mark.parametrize("path", ["/_allauth/app/v1/auth/login", "/_allauth/app/v1/auth/signup"])
def test_a_json_body_nested_too_deeply_is_a_400_in_allauth(client, path):
    response = client.post(path, DEEP, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == NESTED_TOO_DEEPLY


def test_a_recursion_error_elsewhere_is_still_a_server_error(client, monkeypatch):
    def recurse(body):
        return recurse(body)

    monkeypatch.setattr("config.health.JsonResponse", recurse)  # /health/ now recurses outside the json module
    client.raise_request_exception = False
    response = client.get("/health/", content_type="application/json")
    assert response.status_code == 500


@pytest.mark.parametrize(
    ("path", "content_type", "body"),
    [
        ("/api/v1/anything", "application/json", {"detail": "Server error.", "code": "server_error"}),
        ("/admin/anything", "text/html", None),
    ],
)
def test_server_errors_are_json_in_the_api_and_html_elsewhere(path, content_type, body):
    response = server_error(RequestFactory().get(path))
    assert response.status_code == 500
    assert response["Content-Type"].startswith(content_type)
    if body is not None:
        assert json.loads(response.content) == body


# --- one error shape: {"detail", "code"} for every refusal, field errors for bad input ------------------------

ME = "/api/v1/me/"


def test_a_request_without_credentials_is_not_authenticated(api_client):
    response = api_client.get(ME)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "X-Session-Token"
    assert response.json() == {"detail": "Authentication credentials were not provided.", "code": "not_authenticated"}


INVALID_TOKEN = {
    "detail": "The session token is invalid or has expired; sign in again.",
    "code": "authentication_failed",
}


@pytest.mark.parametrize("token", ["not-a-token", "a" * 32])
def test_an_invalid_session_token_is_told_apart_from_a_missing_one(api_client, token):
    response = api_client.get(ME, HTTP_X_SESSION_TOKEN=token)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "X-Session-Token"
    assert response.json() == INVALID_TOKEN


def test_the_token_of_a_signed_out_session_is_invalid(api_client, user):
    token = app_login(api_client, user.email)
    assert api_client.delete("/_allauth/app/v1/auth/session", HTTP_X_SESSION_TOKEN=token).status_code == 401
    response = api_client.get(ME, HTTP_X_SESSION_TOKEN=token)
    assert (response.status_code, response.json()) == (401, INVALID_TOKEN)


def test_a_not_found_names_no_model(learner_client):
    response = learner_client.get("/api/v1/sessions/999999/")
    assert (response.status_code, response.json()) == (404, {"detail": "Not found.", "code": "not_found"})


def test_a_csrf_failure_is_permission_denied(user, password):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.patch(ME, {"display_name": "x"}, content_type="application/json")
    assert response.status_code == 403
    assert response.json() == {"detail": "CSRF Failed: CSRF cookie not set.", "code": "permission_denied"}


def test_a_method_the_endpoint_lacks_is_method_not_allowed(learner_client):
    response = learner_client.put(ME, {}, format="json")
    assert response.status_code == 405
    assert response.json() == {"detail": 'Method "PUT" not allowed.', "code": "method_not_allowed"}


def test_a_body_of_another_media_type_is_unsupported(learner_client):
    response = learner_client.generic("PATCH", ME, "display_name=x", content_type="text/plain")
    assert response.status_code == 415
    assert response.json() == {
        "detail": 'Unsupported media type "text/plain" in request.',
        "code": "unsupported_media_type",
    }


def test_malformed_json_is_a_parse_error(learner_client):
    response = learner_client.generic("PATCH", ME, "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
    assert response.json()["detail"].startswith("JSON parse error - ")


def test_bad_input_stays_field_errors(learner_client):
    response = learner_client.patch(ME, {"daily_xp_goal": 15, "timezone": "Mars/Olympus"}, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "daily_xp_goal": ['"15" is not a valid choice.'],
        "timezone": ["“Mars/Olympus” is not a known IANA time zone."],
    }


def test_an_error_of_the_whole_body_is_a_non_field_error():
    from rest_framework.exceptions import ValidationError

    from config.exceptions import exception_handler

    response = exception_handler(ValidationError("These answers contradict each other."), {})
    assert response.status_code == 400
    assert response.data == {"non_field_errors": ["These answers contradict each other."]}


def test_a_browser_client_without_a_csrf_token_gets_json_from_allauth(user, password):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/_allauth/browser/v1/auth/login", {"email": user.email, "password": password}, content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json() == {"detail": "CSRF Failed: CSRF cookie not set.", "code": "permission_denied"}


# --- with DEBUG on (make run), the API prefixes still answer JSON, the rest keeps Django's debug pages -----------


@pytest.fixture
def debug(settings):
    settings.DEBUG = True


@pytest.mark.parametrize("path", ["/api/v1/no-such-thing/", "/_allauth/app/v1/no-such-thing", "/api/nothing"])
def test_unknown_api_paths_are_a_json_404_in_debug_too(client, debug, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found.", "code": "not_found"}


def test_unknown_paths_elsewhere_keep_djangos_debug_page(client, debug):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert b"Using the URLconf defined in" in response.content


def test_a_server_error_in_the_api_is_json_in_debug_too(learner_client, debug, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("accounts.api.views.services.user_export", broken)
    learner_client.raise_request_exception = False
    response = learner_client.get("/api/v1/me/export/")
    assert response.status_code == 500
    assert response.json() == {"detail": "Server error.", "code": "server_error"}


def test_a_body_over_the_upload_limit_is_a_json_413_in_debug_too(api_client, user, settings, debug):
    token = app_login(api_client, user.email)
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000
    body = json.dumps({"exercise": 1, "answer": "a" * 2_000})
    response = api_client.post(
        "/api/v1/sessions/1/answers/", body, content_type="application/json", HTTP_X_SESSION_TOKEN=token
    )
    assert response.status_code == 413
    assert response.json() == {"detail": "The request body is too large.", "code": "request_too_large"}


def test_the_browsable_api_keeps_its_html_error_pages_in_debug(learner_client, debug):
    response = learner_client.get("/api/v1/sessions/999999/", HTTP_ACCEPT="text/html")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert b"Not found." in response.content
