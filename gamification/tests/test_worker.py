"""Background work: a real Celery worker process runs the tasks against Redis and the test database; the default
schedules are in django-celery-beat's tables."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import redis
from celery import Celery
from django.conf import settings
from django.db import connection
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from accounts.tests.factories import UserFactory
from config.celery import app as celery_app
from gamification import rules
from gamification.models import LeagueMembership, LeagueWeek, StreakReminder
from gamification.tests.factories import seeded_tiers
from gamification.tests.helpers import earn_xp

BROKER = os.environ.get("TEST_CELERY_BROKER_URL", "redis://127.0.0.1:6379/10")
RESULTS = os.environ.get("TEST_CELERY_RESULT_BACKEND", "redis://127.0.0.1:6379/11")


def _database_url() -> str:
    db = connection.settings_dict
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker(tmp_path):
    """A `celery worker` process on its own queue, with the test database and a file email backend."""
    queue = f"test-{uuid.uuid4().hex[:12]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": BROKER,
        "CELERY_RESULT_BACKEND": RESULTS,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(tmp_path / "mail"),
        "CONN_MAX_AGE": "0",
    }
    log = (tmp_path / "worker.log").open("w")
    process = subprocess.Popen(  # noqa: S603 (our own command line)
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            f"--queues={queue}",
            f"--hostname={queue}@%h",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=INFO",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    sender = Celery("lingo-test-sender", broker=BROKER, backend=RESULTS)
    try:
        yield sender, queue, tmp_path
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)
        log.close()
        sender.close()
        broker = redis.Redis.from_url(BROKER)
        stale = list(broker.scan_iter(f"*{queue}*"))
        if stale:
            broker.delete(*stale)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_the_rollover_and_the_reminders(worker):
    sender, queue, tmp_path = worker
    now = timezone.now()
    # A league week that ended a week ago, with three learners.
    seeded_tiers()
    week = rules.league_week(now - dt.timedelta(days=14))
    learners = [UserFactory() for _ in range(3)]
    for index, learner in enumerate(learners):
        earn_xp(learner, 10 * (index + 1), now=week.starts_at + dt.timedelta(hours=index + 1))
    # A learner whose reminder time came a minute ago, without XP today.
    reminded = UserFactory(display_name="Rea")
    today = reminded.local_date(now)
    at = max(now - dt.timedelta(minutes=1), dt.datetime.combine(today, dt.time(), tzinfo=dt.UTC))
    reminded.reminders_enabled, reminded.reminder_time = True, at.time().replace(second=0, microsecond=0)
    reminded.next_reminder_at = reminded.reminder_at(today)
    reminded.save(update_fields=["reminders_enabled", "reminder_time", "next_reminder_at"])

    try:
        rollover = sender.send_task("gamification.league_rollover", args=[week.start.isoformat()], queue=queue)
        result = rollover.get(timeout=180)
        refused = sender.send_task(
            "gamification.league_rollover", args=[rules.league_week(now).start.isoformat()], queue=queue
        )
        refusal = refused.get(timeout=60)
        reminders = sender.send_task("gamification.send_streak_reminders", queue=queue).get(timeout=60)
    except Exception:
        print((tmp_path / "worker.log").read_text())
        raise

    assert result == {
        "weeks": [
            {
                "week": week.start.isoformat(),
                "already_closed": False,
                "cohorts_closed": 1,
                "results": {"promoted": 3},
                "results_applied": 3,
            }
        ]
    }
    assert LeagueWeek.objects.get(start=week.start).closed_at is not None
    ranked = LeagueMembership.objects.filter(week_id=week.start).order_by("rank").values_list("user", "rank", "result")
    assert list(ranked) == [
        (learners[2].pk, 1, "promoted"),
        (learners[1].pk, 2, "promoted"),
        (learners[0].pk, 3, "promoted"),
    ]
    assert refusal["refused"].startswith(f"The league week of {rules.league_week(now).start.isoformat()} has not ended")

    assert (reminders["sent"], reminders["scheduled"]) == (1, 1)
    row = StreakReminder.objects.get(user=reminded)
    assert (row.status, row.date, row.attempts) == ("sent", today, 1)
    messages = [path.read_text() for path in Path(tmp_path / "mail").iterdir()]
    assert len(messages) == 1
    assert f"To: {reminded.email}" in messages[0]
    assert "Hello Rea," in messages[0]
    log = (tmp_path / "worker.log").read_text()
    assert "League rollover of" in log
    assert "Streak reminders: 1 due" in log


@pytest.mark.django_db
def test_the_default_schedules_are_in_beat_tables_and_name_registered_tasks():
    schedules = {
        task.name: (task.task, task.interval.every, task.interval.period, task.enabled)
        for task in PeriodicTask.objects.select_related("interval")
    }
    assert schedules == {
        "League rollover": ("gamification.league_rollover", 15, "minutes", True),
        "Streak reminders": ("gamification.send_streak_reminders", 5, "minutes", True),
    }
    celery_app.loader.import_default_modules()  # what a worker does when it starts: autodiscovery
    assert {"gamification.league_rollover", "gamification.send_streak_reminders"} <= set(celery_app.tasks)
    assert celery_app.conf.beat_scheduler == "django_celery_beat.schedulers:DatabaseScheduler"
    # Tests (like `make run`) have no broker: tasks run in the calling process.
    assert celery_app.conf.task_always_eager is True
