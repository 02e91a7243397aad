"""Fixtures shared by every app's tests."""

import pytest
from django.core.cache import cache
from django.db import connection
from rest_framework.test import APIClient

from accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from courses.selectors import recent_content


@pytest.fixture(autouse=True)
def _clear_cache():
    # Rate-limit counters and cached content live in the cache (Redis in CI), and content also in the process's
    # recent-content store: start each test clean (a rolled-back test reuses content revision numbers).
    cache.clear()
    recent_content.clear()
    yield
    cache.clear()
    recent_content.clear()


def pytest_collection_modifyitems(config, items):
    if connection.vendor != "postgresql":
        skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)")
        for item in items:
            if "postgres" in item.keywords:
                item.add_marker(skip)


@pytest.fixture
def password():
    return DEFAULT_PASSWORD


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def learner_client(user):
    client = APIClient()
    client.force_authenticate(user)
    client.user = user
    return client


def app_login(client: APIClient, email: str, password: str = DEFAULT_PASSWORD) -> str:
    """Log in through allauth's headless app API and return the session token."""
    response = client.post("/_allauth/app/v1/auth/login", {"email": email, "password": password}, format="json")
    assert response.status_code == 200, response.content
    return response.json()["meta"]["session_token"]


def app_reauthenticate(client: APIClient, token: str, password: str = DEFAULT_PASSWORD) -> None:
    """Confirm the password in the app session `token` names (allauth's reauthentication), as DELETE me/ needs."""
    response = client.post(
        "/_allauth/app/v1/auth/reauthenticate", {"password": password}, format="json", HTTP_X_SESSION_TOKEN=token
    )
    assert response.status_code == 200, response.content
