"""Celery tasks of gamification: the weekly league rollover and the streak reminders (docs/background-work.md).

Each task is idempotent through the database (row locks, unique constraints, "closed once" markers), so a
task run twice, retried, or started by two beat processes at once changes nothing twice. Transient errors
(the database or the broker going away) are retried with exponential backoff.
"""

from __future__ import annotations

import datetime as dt
import logging

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from config.exceptions import DomainError
from gamification import reminders, services

logger = logging.getLogger(__name__)

TRANSIENT_ERRORS = (OperationalError, InterfaceError, RedisConnectionError, RedisTimeoutError)
RETRY = {
    "autoretry_for": TRANSIENT_ERRORS,
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": settings.TASK_MAX_RETRIES,
}


@shared_task(name="gamification.league_rollover", **RETRY)
def league_rollover(week: str | None = None) -> dict:
    """Roll over the league week starting on `week` (YYYY-MM-DD), or every ended week not rolled over yet.

    A week that has not ended (or a date no week starts on) is refused: logged, returned, not retried.
    """
    if week is None:
        done = services.league_rollover_due()
        return {"weeks": [rollover_summary(rollover) for rollover in done]}
    try:
        rollover = services.league_rollover(week=dt.date.fromisoformat(week))
    except (DomainError, ValueError) as exc:
        message = getattr(exc, "message", str(exc))
        logger.warning("League rollover of %s refused: %s", week, message)
        return {"refused": message}
    return {"weeks": [rollover_summary(rollover)]}


def rollover_summary(rollover: services.Rollover) -> dict:
    closing = rollover.closing
    return {
        "week": closing.week.isoformat(),
        "already_closed": closing.already_closed,
        "cohorts_closed": closing.cohorts_closed,
        "results": closing.results,
        "results_applied": rollover.results_applied,
    }


@shared_task(name="gamification.send_streak_reminders", **RETRY)
def send_streak_reminders() -> dict:
    """Email today's reminder to every learner whose reminder time has come and whose goal is not met."""
    return vars(reminders.reminders_send_due())
