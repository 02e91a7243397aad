"""Fixtures shared by every app's tests."""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection, connections
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


# --- a real browser: Playwright driving Debian's Chromium against the live server ------------------------------
# Chromium is found by its executable path (CHROMIUM_PATH, default /usr/bin/chromium; `make test` and .ci/run install
# Debian's package where it is missing): nothing is downloaded at test time, and a missing browser fails the test
# with a message, never skips it.

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
RESULTS = Path(settings.BASE_DIR) / "test-results"


def chromium_path() -> str:
    path = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        pytest.fail(
            f"No Chromium at {path}: install Debian's package (apt-get install -y chromium; `make test` and .ci/run "
            "do it where apt is available) or point CHROMIUM_PATH at a Chromium executable.",
            pytrace=False,
        )
    return path


@pytest.fixture
def browser_page(live_server, monkeypatch, request):
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls stay synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(15_000)
        try:
            yield page
            if request.session.testsfailed:
                # What the browser showed when the test failed, for whoever reads the CI log.
                RESULTS.mkdir(exist_ok=True)
                page.screenshot(path=str(RESULTS / "failure.png"), full_page=True)
                (RESULTS / "failure.html").write_text(page.content())
        finally:
            browser.close()
            # ORM calls made while Playwright's loop runs get their own connection (Django's connections are
            # context-local): close it here, or the test database cannot be dropped at the end of the run.
            connections.close_all()
