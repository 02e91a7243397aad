"""Health endpoints and the OpenAPI pages."""

from unittest import mock

import pytest
from django.db import OperationalError
from django.db.migrations import Migration

from accounts.tests.factories import StaffFactory, app_login

pytestmark = pytest.mark.django_db


def test_health_is_200(client):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_health_database_is_200_when_migrated(client):
    response = client.get("/health/database")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


def test_health_database_is_503_with_unapplied_migrations(client):
    pending = [(Migration("0099_x", "courses"), False)]
    with mock.patch("django.db.migrations.executor.MigrationExecutor.migration_plan", return_value=pending):
        response = client.get("/health/database")
    assert response.status_code == 503
    assert response.json()["unapplied_migrations"] == ["courses.0099_x"]


def test_health_database_is_503_when_the_database_is_unreachable(client):
    with mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=OperationalError("down")):
        response = client.get("/health/database")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unreachable", "error": "OperationalError"}


def test_health_system_is_for_staff_only(client, user, password):
    anonymous = client.get("/health/system")
    assert (anonymous.status_code, anonymous.json()) == (
        401,
        {"detail": "Authentication credentials were not provided.", "code": "not_authenticated"},
    )
    client.force_login(user)
    learner = client.get("/health/system")
    assert (learner.status_code, learner.json()) == (
        403,
        {"detail": "You do not have permission to perform this action.", "code": "permission_denied"},
    )
    client.force_login(StaffFactory())
    response = client.get("/health/system")
    assert response.status_code == 200
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
    body = response.json()
    assert body["counts"]["accounts.User"] == 2
    assert set(body["versions"]) == {"python", "django", "database"}


def test_health_system_accepts_a_staff_session_token(api_client):
    staff = StaffFactory()
    token = app_login(api_client, staff.email)
    response = api_client.get("/health/system", HTTP_X_SESSION_TOKEN=token)
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_openapi_schema_and_docs_render(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/me/" in schema.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"swagger-ui" in docs.content


def test_unknown_api_path_is_a_json_404(learner_client):
    assert learner_client.get("/api/v1/no-such-thing/").status_code == 404


def test_api_calls_beyond_the_rate_are_429(learner_client, monkeypatch):
    from config.throttling import UserRateThrottle

    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {"user": "3/min", "anon": "3/min"})
    statuses = [learner_client.get("/api/v1/me/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


@pytest.mark.parametrize(
    ("env", "serves"),
    [
        ({"DEBUG": "0"}, False),
        ({"DEBUG": "0", "SECRET_KEY": "a-real-secret-key-for-this-test-0123456789-abcdefghijklmnop"}, True),
        ({"DEBUG": "1"}, True),
    ],
)
def test_serving_refuses_the_development_secret_key_unless_debug(env, serves):
    import os
    import subprocess
    import sys

    from django.conf import settings

    clean = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE")}
    result = subprocess.run(
        [sys.executable, "-c", "import config.wsgi"],
        cwd=settings.BASE_DIR,
        env={**clean, "DATABASE_URL": "sqlite:///:memory:", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (result.returncode == 0) is serves, result.stderr[-500:]
    if not serves:
        assert "Set the SECRET_KEY environment variable" in result.stderr
