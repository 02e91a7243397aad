"""Idempotency-Key for the learner's writes: a replay returns the first response and changes nothing.

The record is written in the same transaction as the change it answers for, after taking the
learner's row lock; a parallel request with the same key waits on that lock and then finds the
record, so it replays instead of acting twice. Answers (gamification.answering) read and write their
records inside their own lock-and-read and write statements; completions go through `idempotent_call`.
An offline batch's answers each carry a key of the same key space. The same key with a different request is refused
with 422 (code idempotency_key_reused). Records older than IDEMPOTENCY_KEY_TTL_SECONDS are
forgotten (the key may then be used again).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from rest_framework import status
from rest_framework.utils.encoders import JSONEncoder

from config import sql
from config.exceptions import DomainError
from gamification.models import IdempotencyRecord
from gamification.services import learner_stats_lock

MAX_KEY_LENGTH = 255


class IdempotencyKeyReused(DomainError):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY

    def __init__(self):
        super().__init__(
            "This Idempotency-Key was already used for a different request.", code="idempotency_key_reused"
        )


def request_fingerprint(*, method: str, path: str, body: Any) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), cls=JSONEncoder)
    return hashlib.sha256(f"{method.upper()} {path}\n{canonical}".encode()).hexdigest()


def stored_response_expired(created_at: dt.datetime, *, now: dt.datetime) -> bool:
    """A record older than IDEMPOTENCY_KEY_TTL_SECONDS answers no replay: its key may be used again."""
    return created_at < now - dt.timedelta(seconds=settings.IDEMPOTENCY_KEY_TTL_SECONDS)


def idempotency_records_statement(records: list[IdempotencyRecord]) -> sql.Statement:
    """The INSERT of new records (unsaved); an expired record of the same key is replaced."""
    quote = connection.ops.quote_name
    replaced = ", ".join(
        f"{column} = excluded.{column}"
        for column in map(quote, ("fingerprint", "response_status", "response_body", "created_at"))
    )
    return sql.insert(
        records,
        ("user", "key", "fingerprint", "response_status", "response_body", "created_at"),
        suffix=f" ON CONFLICT ({quote('user_id')}, {quote('key')}) DO UPDATE SET {replaced}",
    )


def idempotent_call(
    *, user, key: str | None, fingerprint: str, produce: Callable[[], tuple[int, Any]]
) -> tuple[int, Any, bool]:
    """Run `produce` (a service call plus serialization) once per key: (status, body, replayed)."""
    if not key:
        status_code, body = produce()
        return status_code, body, False
    with transaction.atomic():
        learner_stats_lock(user=user)
        record = IdempotencyRecord.objects.filter(user=user, key=key).first()
        if record is not None:
            if not stored_response_expired(record.created_at, now=timezone.now()):
                if record.fingerprint != fingerprint:
                    raise IdempotencyKeyReused()
                return record.response_status, record.response_body, True
            record.delete()
        status_code, body = produce()
        # Stored and returned as the client will see it (DRF's encoder), so a replay is identical.
        body = json.loads(json.dumps(body, cls=JSONEncoder))
        IdempotencyRecord.objects.create(
            user=user, key=key, fingerprint=fingerprint, response_status=status_code, response_body=body
        )
        return status_code, body, False


@transaction.atomic
def idempotency_records_prune(*, now: dt.datetime | None = None) -> int:
    """Delete records older than IDEMPOTENCY_KEY_TTL_SECONDS (they no longer answer replays anyway)."""
    cutoff = (now or timezone.now()) - dt.timedelta(seconds=settings.IDEMPOTENCY_KEY_TTL_SECONDS)
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
