"""A server process killed in the middle of a lesson completion leaves all of the completion or none of it.

The production WSGI server (bench.common.PRODUCTION_SERVER) serves the test database. The test installs a trigger
that makes the completion's transaction wait on an advisory lock the test holds, at a write made late in the
completion (after the session, lesson progress, course XP, activity row, achievements and stats are written) or
midway. While the server's transaction waits there, the test SIGKILLs the server, then lets the orphaned database
backend go on: with its client gone it never commits. Nothing of the completion may be left. Completing again on
a restarted server then lands the whole completion. No production code knows about any of this.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from pathlib import Path

import pytest
import requests
from django.db import connection

from accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from audit.models import UserActivityLog
from bench.common import PRODUCTION_SERVER, server_process
from courses.models import Course
from exercises.tests.factories import DEMO_COURSE, correct_answer
from gamification.models import LearnerStats, UserAchievement, UserDailyXP, UserHeartsLog
from progress.models import LessonSession, UserCourse, UserLessonProgress
from tests.learners import first_lessons

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parent.parent
LOCK_KEY = 740_021_117


def database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@contextlib.contextmanager
def server():
    """The production server (gunicorn or Granian, bench.common.PRODUCTION_SERVER) with the test settings on the
    test database, in its own process group (killed, not stopped)."""
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="config.settings_test",
        DATABASE_URL=database_url(),
        CACHE_URL="locmemcache://",
        CONN_MAX_AGE="0",
    )
    # gunicorn's worker timeout would kill the worker waiting on the lock before the test does; Granian has none.
    extra = ("--timeout", "120") if PRODUCTION_SERVER.startswith("gunicorn") else ()
    with server_process(env, workers=1, server=PRODUCTION_SERVER, extra_args=extra, stop=signal.SIGKILL) as served:
        yield served


def footprint(user, session_id: int) -> dict:
    """Every effect a completion has (DESIGN.md: session, XP, day, lesson progress, streak, hearts, activity)."""
    return {
        "session": LessonSession.objects.filter(pk=session_id)
        .values("status", "xp_awarded", "score", "finished_at", "completed_on", "is_perfect", "completed_course")
        .get(),
        "stats": LearnerStats.objects.filter(user=user)
        .values(
            "total_xp",
            "current_streak",
            "longest_streak",
            "last_active_date",
            "lessons_completed",
            "perfect_lessons",
            "hearts",
            "streak_freezes",
        )
        .first(),
        "daily": list(UserDailyXP.objects.filter(user=user).values("date", "xp", "lessons_completed")),
        "progress": list(UserLessonProgress.objects.filter(user=user).values("lesson_id", "status", "completions")),
        "enrollment": list(UserCourse.objects.filter(user=user).values("xp")),
        "activity": sorted(UserActivityLog.objects.filter(user=user).values_list("action", flat=True)),
        "achievements": sorted(
            UserAchievement.objects.filter(user=user, unlocked_at__isnull=False).values_list(
                "achievement_id", flat=True
            )
        ),
        "hearts_log": UserHeartsLog.objects.filter(user=user).count(),
    }


@contextlib.contextmanager
def pause_on_write(table: str):
    """Make every INSERT or UPDATE on `table` wait for the advisory lock this context holds."""
    import psycopg

    holder = psycopg.connect(database_url(), autocommit=True)
    holder.execute("SELECT pg_advisory_lock(%s)", [LOCK_KEY])
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE OR REPLACE FUNCTION test_fault_pause() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN PERFORM pg_advisory_xact_lock({LOCK_KEY}); RETURN NEW; END $$"
        )
        cursor.execute(
            f"CREATE TRIGGER test_fault_pause BEFORE INSERT OR UPDATE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION test_fault_pause()"
        )
    try:
        yield holder
    finally:
        holder.close()  # releases the lock if still held
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TRIGGER IF EXISTS test_fault_pause ON {table}")
            cursor.execute("DROP FUNCTION IF EXISTS test_fault_pause()")


def waiting_backend(holder, timeout: float = 20) -> tuple[int, str]:
    """The pid and statement of the server's backend once it waits on the test's advisory lock."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        row = holder.execute(
            "SELECT pid, query FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock' "
            "AND wait_event = 'advisory'",
            [connection.settings_dict["NAME"]],
        ).fetchone()
        if row:
            return row
        time.sleep(0.05)
    raise AssertionError("the completion never reached the paused write")


def backend_gone(holder, pid: int, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not holder.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone():
            return
        time.sleep(0.05)
    raise AssertionError(f"backend {pid} still alive")


def learner_ready_to_complete(url: str):
    """Through the server: log in, enroll, start the first lesson and answer every exercise right."""
    from exercises.models import Exercise

    user = UserFactory()
    http = requests.Session()
    login = http.post(f"{url}/_allauth/app/v1/auth/login", json={"email": user.email, "password": DEFAULT_PASSWORD})
    assert login.status_code == 200, login.text
    http.headers["X-Session-Token"] = login.json()["meta"]["session_token"]
    course = Course.objects.get(from_language__code="en", to_language__code="es")
    assert http.post(f"{url}/api/v1/enrollments/", json={"course": course.pk}).status_code == 201
    started = http.post(f"{url}/api/v1/lessons/{first_lessons(course, 1)[0].pk}/sessions/")
    assert started.status_code == 201, started.text
    session = started.json()
    for item in session["exercises"]:
        exercise = Exercise.objects.get(pk=item["id"])
        answer = http.post(
            f"{url}/api/v1/sessions/{session['id']}/answers/",
            json={"exercise": item["id"], "answer": correct_answer(exercise), "time_ms": 1000},
        )
        assert answer.json()["correct"] is True, answer.text
    return user, http, session["id"]


@pytest.fixture
def demo_content():
    from courses.reference_data import reference_data_load
    from exercises.course_import import course_import

    reference_data_load()
    course_import(text=DEMO_COURSE.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "paused_table",
    [
        "gamification_userdailyxp",  # the completion's last write: everything else is already written
        "audit_useractivitylog",  # midway: session and progress written, XP, streak and day not yet
    ],
)
def test_server_killed_mid_completion_leaves_none_of_it_and_a_retry_all_of_it(demo_content, paused_table):
    with server() as (process, url):
        user, http, session_id = learner_ready_to_complete(url)
        before = footprint(user, session_id)
        assert before["session"]["status"] == "active"

        with pause_on_write(paused_table) as holder:
            outcome = {}

            def complete():
                try:
                    outcome["response"] = http.post(f"{url}/api/v1/sessions/{session_id}/complete/", timeout=30)
                except requests.RequestException as exc:
                    outcome["error"] = exc

            request = threading.Thread(target=complete)
            request.start()
            backend, statement = waiting_backend(holder)
            assert paused_table in statement  # inside the completion's transaction, at the paused write
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
            request.join(timeout=10)
            assert "error" in outcome, "the client got an answer from a killed server"
            # Let the orphaned backend finish its statement; with no client it must roll back.
            holder.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])
            backend_gone(holder, backend)

        assert footprint(user, session_id) == before

    with server() as (_, url):
        http_again = requests.Session()
        http_again.headers.update(http.headers)
        done = http_again.post(f"{url}/api/v1/sessions/{session_id}/complete/")
        assert done.status_code == 200, done.text
        body = done.json()

    after = footprint(user, session_id)
    assert after["session"]["status"] == "completed"
    assert after["session"]["xp_awarded"] == body["xp"]["lesson"] + body["xp"]["perfect_bonus"]
    assert after["stats"]["total_xp"] == body["total_xp"] == body["total_xp_awarded"]
    assert after["stats"]["current_streak"] == 1
    assert after["stats"]["lessons_completed"] == 1
    assert [(d["xp"], d["lessons_completed"]) for d in after["daily"]] == [(body["total_xp_awarded"], 1)]
    assert [(p["status"], p["completions"]) for p in after["progress"]] == [("completed", 1)]
    assert after["enrollment"][0]["xp"] == after["session"]["xp_awarded"]
    assert after["activity"].count("lesson_complete") == 1
    assert (
        after["activity"].count("achievement_unlock")
        == len(after["achievements"])
        == len(body["achievements_unlocked"])
    )
    assert after["hearts_log"] == before["hearts_log"]
