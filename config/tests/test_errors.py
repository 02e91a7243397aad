"""Errors Django answers itself are JSON under the API prefixes, and a too-deep JSON body is a 400, not a 500."""

import json

import pytest
from django.test import RequestFactory

from config.exceptions import server_error
from conftest import app_login
from tests.conftest import token_client

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
