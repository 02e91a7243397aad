"""Idempotency-Key for the learner's writes: a replay returns the first response and changes nothing.

The record is written in the same transaction as the change it answers for, after taking the
learner's row lock; a parallel request with the same key waits on that lock and then finds the
record, so it replays instead of acting twice. The same key with a different request is refused
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
from django.db import transaction
from django.utils import timezone
from rest_framework import status
from rest_framework.utils.encoders import JSONEncoder

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
            expired = record.created_at < timezone.now() - dt.timedelta(seconds=settings.IDEMPOTENCY_KEY_TTL_SECONDS)
            if not expired:
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
