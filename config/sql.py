"""Writes built as plain SQL statements and sent together: one statement on PostgreSQL, one by one elsewhere.

A hot path that knows all its writes before it sends any (the answer: gamification.answering) builds them here
from model instances and values, each app building its own tables' statements, and `statements_run` sends them:
on PostgreSQL as one data-modifying CTE (one round trip; every part sees the same snapshot and none sees another's
changes, so no two parts may touch the same row), elsewhere (SQLite) in order. Values go through their model
fields' own conversion for the connection, so both databases store exactly what the ORM would.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, models


@dataclass(frozen=True)
class Statement:
    sql: str
    params: list[Any] = field(default_factory=list)


def _prepared(model: type[models.Model], name: str, value: Any) -> Any:
    return model._meta.get_field(name).get_db_prep_save(value, connection)


def insert(rows: Sequence[models.Model], fields: Iterable[str], *, suffix: str = "") -> Statement:
    """INSERT of these unsaved rows (one model), with the named fields' values; `suffix`: an ON CONFLICT clause."""
    model = type(rows[0])
    names = list(fields)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in names)
    row = "(" + ", ".join(["%s"] * len(names)) + ")"
    params = [
        _prepared(model, name, getattr(instance, model._meta.get_field(name).attname))
        for instance in rows
        for name in names
    ]
    table = quote(model._meta.db_table)
    values = ", ".join([row] * len(rows))
    return Statement(f"INSERT INTO {table} ({columns}) VALUES {values}{suffix}", params)  # noqa: S608 (model names)


def update(
    model: type[models.Model], *, where: dict[str, Any], values: dict[str, Any], add: dict[str, int] | None = None
) -> Statement:
    """UPDATE of the rows matching `where` (field = value): set `values`, and add `add` to counters."""
    quote = connection.ops.quote_name
    sets, params = [], []
    for name, value in values.items():
        sets.append(f"{quote(model._meta.get_field(name).column)} = %s")
        params.append(_prepared(model, name, value))
    for name, amount in (add or {}).items():
        column = quote(model._meta.get_field(name).column)
        sets.append(f"{column} = {column} + %s")
        params.append(amount)
    conditions = []
    for name, value in where.items():
        conditions.append(f"{quote(model._meta.get_field(name).column)} = %s")
        params.append(_prepared(model, name, value))
    table = quote(model._meta.db_table)
    return Statement(f"UPDATE {table} SET {', '.join(sets)} WHERE {' AND '.join(conditions)}", params)  # noqa: S608


def statements_run(statements: Sequence[Statement]) -> None:
    """Send the statements in the caller's transaction: one round trip on PostgreSQL, one each elsewhere."""
    if not statements:
        return
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql" or len(statements) == 1:
            for statement in statements:
                cursor.execute(statement.sql, statement.params)
            return
        parts = ", ".join(f"w{index} AS ({statement.sql})" for index, statement in enumerate(statements))
        cursor.execute(f"WITH {parts} SELECT 1", [param for statement in statements for param in statement.params])
