"""The one shape of an audited change: JSON-safe snapshots of a row and `{field: [before, after]}` between two."""

from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

MASK = "***"

Snapshot = dict[str, Any]


def _json_safe(field: models.Field, obj: models.Model) -> Any:
    value = field.value_from_object(obj)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dict | list):  # JSONField and friends
        return json.loads(json.dumps(value, cls=DjangoJSONEncoder))
    # Dates, decimals, UUIDs, files: the field's own serialisation (what dumpdata writes).
    return field.value_to_string(obj)


def audit_snapshot(obj: models.Model, *, exclude: frozenset[str] = frozenset()) -> Snapshot:
    """The JSON-safe values of the object's audited fields: concrete fields (not the pk nor
    auto_now timestamps) and plain many-to-many fields as sorted primary keys."""
    opts = obj._meta
    snapshot: Snapshot = {}
    for field in opts.concrete_fields:
        if field.primary_key or getattr(field, "auto_now", False) or field.name in exclude:
            continue
        snapshot[field.name] = _json_safe(field, obj)
    if obj.pk is not None:
        for field in opts.many_to_many:
            # A custom "through" model has rows of its own, audited as objects of their own.
            if field.name in exclude or not field.remote_field.through._meta.auto_created:
                continue
            snapshot[field.name] = sorted(getattr(obj, field.name).values_list("pk", flat=True))
    return snapshot


def audit_diff(before: Snapshot | None, after: Snapshot | None, *, masked: frozenset[str] = frozenset()) -> Snapshot:
    """`{field: [old, new]}` for the fields whose value differs; masked fields show only that they changed."""
    before = before or {}
    after = after or {}
    changes: Snapshot = {}
    for name in dict.fromkeys([*before, *after]):
        old, new = before.get(name), after.get(name)
        if old == new:
            continue
        if name in masked:
            changes[name] = [MASK if old not in (None, "") else None, MASK if new not in (None, "") else None]
        else:
            changes[name] = [old, new]
    return changes
