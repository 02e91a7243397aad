"""manage.py health: the database (round trip, migrations) and the cache, with a non-zero exit when unhealthy."""

import json
from io import StringIO
from unittest import mock

import pytest
from django.core.cache import caches
from django.core.management import CommandError, call_command
from django.db import OperationalError, connection
from django.db.migrations import Migration

pytestmark = pytest.mark.django_db


def run_health(*args) -> str:
    out = StringIO()
    call_command("health", *args, stdout=out, no_color=True)
    return out.getvalue()


def lines_without_timings(output: str) -> list[str]:
    return [line.rsplit("  (", 1)[0] for line in output.splitlines()]


def test_healthy_database_and_cache_exit_zero():
    backend = caches["default"].__class__.__name__
    assert lines_without_timings(run_health()) == [
        f"database  ok     {connection.vendor}, every migration applied",
        f"cache     ok     {backend}",
    ]


def test_json_output_gives_every_check_with_its_time():
    result = json.loads(run_health("--json"))
    assert result["status"] == "ok"
    assert result["checks"]["database"]["vendor"] == connection.vendor
    assert result["checks"]["cache"]["backend"] == caches["default"].__class__.__name__
    assert all(check["ms"] >= 0 for check in result["checks"].values())


def test_unapplied_migrations_are_counted_and_fail_the_command():
    pending = [(Migration(f"00{number}_x", "courses"), False) for number in range(90, 97)]
    out = StringIO()
    with (
        mock.patch("django.db.migrations.executor.MigrationExecutor.migration_plan", return_value=pending),
        pytest.raises(CommandError, match=r"^Unhealthy: database\.$"),
    ):
        call_command("health", stdout=out, no_color=True)
    assert lines_without_timings(out.getvalue())[0] == (
        "database  error  7 unapplied migration(s): courses.0090_x, courses.0091_x, courses.0092_x, courses.0093_x, "
        "courses.0094_x and 2 more"
    )


def test_unreachable_database_fails_the_command():
    out = StringIO()
    with (
        mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=OperationalError("down")),
        pytest.raises(CommandError, match=r"^Unhealthy: database\.$"),
    ):
        call_command("health", "--json", stdout=out)
    result = json.loads(out.getvalue())
    assert result["status"] == "error"
    assert {key: result["checks"]["database"][key] for key in ("status", "database", "error")} == {
        "status": "error",
        "database": "unreachable",
        "error": "OperationalError",
    }


def test_unreachable_cache_fails_the_command(monkeypatch):
    monkeypatch.setattr(caches["default"], "set", mock.Mock(side_effect=ConnectionError("refused")))
    out = StringIO()
    with pytest.raises(CommandError, match=r"^Unhealthy: cache\.$"):
        call_command("health", stdout=out, no_color=True)
    assert lines_without_timings(out.getvalue())[1] == "cache     error  unreachable (ConnectionError)"


def test_a_cache_that_keeps_nothing_fails_the_command(monkeypatch):
    monkeypatch.setattr(caches["default"], "get", mock.Mock(return_value=None))
    out = StringIO()
    with pytest.raises(CommandError, match=r"^Unhealthy: cache\.$"):
        call_command("health", stdout=out, no_color=True)
    backend = caches["default"].__class__.__name__
    assert lines_without_timings(out.getvalue())[1] == f"cache     error  not storing ({backend})"
