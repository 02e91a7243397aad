"""Production settings read from the environment: the proxy rule and a clean `check --deploy`."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import RequestFactory

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "a-real-secret-key-for-this-test-0123456789-abcdefghijklmnop",
    "ALLOWED_HOSTS": "lingo.example",
    "DATABASE_URL": "sqlite:///:memory:",
}


def run_with(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    """`python *args` in the project with exactly these settings variables (no .env, no test settings)."""
    clean = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "PROXY_COUNT", "DEBUG")}
    return subprocess.run(  # noqa: S603 (our own interpreter and arguments)
        [sys.executable, *args],
        cwd=settings.BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_without_a_proxy_a_client_cannot_claim_https():
    assert settings.PROXY_COUNT == 0
    request = RequestFactory().get("/api/v1/me/", HTTP_X_FORWARDED_PROTO="https")
    assert request.is_secure() is False


@pytest.mark.parametrize(("proxies", "header"), [("0", "None"), ("1", "('HTTP_X_FORWARDED_PROTO', 'https')")])
def test_the_forwarded_proto_header_is_trusted_only_behind_a_proxy(proxies, header):
    result = run_with(
        {**PRODUCTION, "PROXY_COUNT": proxies, "DJANGO_SETTINGS_MODULE": "config.settings"},
        "-c",
        "from django.conf import settings; print(settings.SECURE_PROXY_SSL_HEADER)",
    )
    assert result.returncode == 0, result.stderr[-500:]
    assert result.stdout.strip() == header


@pytest.mark.parametrize("proxies", ["0", "2"])
def test_check_deploy_is_clean_under_production_settings(proxies):
    result = run_with({**PRODUCTION, "PROXY_COUNT": proxies}, "manage.py", "check", "--deploy", "--fail-level", "DEBUG")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
