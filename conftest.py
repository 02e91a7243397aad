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
