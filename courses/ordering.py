"""Moving ordered rows without tripping their immediate unique (parent, position) constraint."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Max


def positions_park(rows: models.QuerySet, *, siblings: models.QuerySet | None = None, floor: int = 0) -> None:
    """Move `rows` above every position in use among `siblings` (default: the rows themselves) and above
    `floor` (the highest final position the caller will write), keeping them distinct.

    Callers then write final positions one row at a time: no intermediate state repeats a position,
    which an immediate unique constraint (checked row by row on SQLite) requires.
    """
    top = (siblings if siblings is not None else rows).aggregate(top=Max("position"))["top"]
    if top is None:
        return
    rows.update(position=F("position") + max(top, floor) + 1)


def next_position(model: type[models.Model], *, parent_filter: dict) -> int:
    top = model._default_manager.filter(**parent_filter).aggregate(top=Max("position"))["top"]
    return 1 if top is None else top + 1
