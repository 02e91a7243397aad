"""Writes to the audit trail. Every other app calls these; this module calls no other app.

The two log tables are append-only. On PostgreSQL a trigger (migration 0002) rejects UPDATE and
DELETE unless the transaction has said why, through transaction-local settings that only the
functions below set: `audit.redact_user` (clear that departing user's personal fields, nothing
else) and `audit.allow_prune` with `audit.prune_before` (delete rows older than that moment).
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone

from audit.models import SystemAuditLog, UserActivityLog

REDACTED = "***"


def client_ip(request) -> str | None:
    """The client's IP: REMOTE_ADDR, or the address PROXY_COUNT hops from the right of X-Forwarded-For."""
    if request is None:
        return None
    proxies = settings.PROXY_COUNT
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None


def _user_agent(request) -> str:
    if request is None:
        return ""
    return request.META.get("HTTP_USER_AGENT", "")[:512]


def activity_row(*, user, action: str, request=None, metadata: dict[str, Any] | None = None) -> UserActivityLog:
    """One learner activity row, unsaved: for a caller that sends it with its other writes (config.sql)."""
    return UserActivityLog(
        user=user if user is not None and user.pk else None,
        action=action,
        ip=client_ip(request),
        user_agent=_user_agent(request),
        metadata=metadata or {},
    )


ACTIVITY_FIELDS = ("user", "action", "ip", "user_agent", "metadata", "created_at")


def activity_record(*, user, action: str, request=None, metadata: dict[str, Any] | None = None) -> UserActivityLog:
    """Append one learner activity row; call it inside the transaction of the change it records."""
    row = activity_row(user=user, action=action, request=request, metadata=metadata)
    row.save(force_insert=True)
    return row


def system_audit_record(
    *,
    source: str,
    action: str,
    actor=None,
    actor_repr: str = "",
    target: models.Model | None = None,
    target_repr: str = "",
    changes: dict[str, Any] | None = None,
    summary: dict[str, Any] | None = None,
    request=None,
    ip: str | None = None,
) -> SystemAuditLog:
    """Append one system audit row for an admin change or an operator command."""
    row = _system_audit_row(
        source=source,
        action=action,
        actor=actor,
        actor_repr=actor_repr,
        target=target,
        target_repr=target_repr,
        changes=changes,
        summary=summary,
        ip=ip or client_ip(request),
    )
    row.save(force_insert=True)
    return row


def _system_audit_row(
    *, source, action, actor=None, actor_repr="", target=None, target_repr="", changes=None, summary=None, ip=None
) -> SystemAuditLog:
    actor = actor if actor is not None and actor.pk else None  # AnonymousUser and unsaved users are no actor
    return SystemAuditLog(
        actor=actor,
        actor_repr=(actor_repr or (actor.get_username() if actor is not None else ""))[:254],
        source=source,
        action=action,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=str(target.pk) if target is not None and target.pk is not None else "",
        target_repr=(target_repr or (str(target) if target is not None else ""))[:255],
        changes=changes or {},
        summary=summary or {},
        ip=ip,
    )


@dataclass(frozen=True)
class AuditContext:
    """Who changes data and through which door: a person in the admin or the staff API, or an operator command.

    Services take one of these instead of the HTTP request, so a command or a task calls them the same way.
    """

    source: str
    user: Any = None
    ip: str | None = None
    command: str = ""

    @classmethod
    def from_request(cls, request, *, source: str) -> AuditContext:
        return cls(source=source, user=request.user, ip=client_ip(request))

    @classmethod
    def for_command(cls, command: str) -> AuditContext:
        return cls(source=SystemAuditLog.Source.COMMAND, command=command)

    @property
    def actor_repr(self) -> str:
        return f"manage.py {self.command}" if self.command else ""


def change_audit_row(
    *, by: AuditContext, action: str, target: models.Model, changes: dict[str, Any], summary: dict | None = None
) -> SystemAuditLog:
    """One unsaved audit row of a change `by` made; insert it with change_audit_record or change_audit_bulk_record."""
    return _system_audit_row(
        source=by.source,
        action=action,
        actor=by.user,
        actor_repr=by.actor_repr,
        target=target,
        changes=changes,
        summary=summary,
        ip=by.ip,
    )


def change_audit_record(
    *, by: AuditContext, action: str, target: models.Model, changes: dict[str, Any], summary: dict | None = None
) -> SystemAuditLog:
    """Append the audit row of one change (call it inside the change's transaction)."""
    row = change_audit_row(by=by, action=action, target=target, changes=changes, summary=summary)
    row.save(force_insert=True)
    return row


def change_audit_bulk_record(rows: list[SystemAuditLog]) -> None:
    """Insert many rows from change_audit_row at once (bulk imports), in the caller's transaction.

    On PostgreSQL with COPY: building an INSERT of thousands of JSON values costs more than the change itself.
    """
    if not rows:
        return
    if connection.vendor != "postgresql":
        SystemAuditLog.objects.bulk_create(rows, batch_size=1000)
        return
    fields = [field for field in SystemAuditLog._meta.concrete_fields if not field.primary_key]
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    table = connection.ops.quote_name(SystemAuditLog._meta.db_table)
    with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(
                [
                    json.dumps(getattr(row, field.attname), cls=DjangoJSONEncoder)
                    if isinstance(field, models.JSONField)
                    else getattr(row, field.attname)
                    for field in fields
                ]
            )


def command_audit_record(*, command: str, summary: dict[str, Any]) -> SystemAuditLog:
    """Record an operator command that changed data (seed, import, recalculate, prune)."""
    return system_audit_record(
        source=SystemAuditLog.Source.COMMAND,
        action=SystemAuditLog.Action.COMMAND,
        actor_repr=f"manage.py {command}",
        summary=summary,
    )


def _set_transaction_flag(name: str, value: str) -> None:
    # set_config(..., is_local => true) lasts until the end of the current transaction only.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, %s, true)", [name, value])


def activity_forget_user(*, user) -> None:
    """Clear the personal fields of a departing learner's audit rows; the facts (what, when) stay.

    Call it in the transaction that deletes the user (accounts.services.user_delete): the flag that
    lets the database accept these updates, and the user FK's SET NULL, lasts until that commit.
    """
    user_type = ContentType.objects.get_for_model(user)
    with transaction.atomic():
        # The trigger lets this transaction clear this user's personal fields, and nothing else.
        _set_transaction_flag("audit.redact_user", str(user.pk))
        _set_transaction_flag("audit.redact_user_type", str(user_type.pk))
        UserActivityLog.objects.filter(user=user).update(user=None, ip=None, user_agent="")
        SystemAuditLog.objects.filter(actor=user).update(actor=None, actor_repr="", ip=None)
        # Admin rows about the account itself: keep which fields changed, not the values (email, name...).
        about_user = SystemAuditLog.objects.filter(target_type=user_type, target_id=str(user.pk))
        for row in about_user.only("pk", "changes"):
            SystemAuditLog.objects.filter(pk=row.pk).update(
                target_repr="", changes={field: [REDACTED, REDACTED] for field in row.changes}
            )


@dataclass(frozen=True)
class PruneResult:
    before: datetime.date
    activity_deleted: int
    system_deleted: int


def audit_prune(*, before: datetime.date, dry_run: bool = False) -> PruneResult:
    """Delete the audit rows created before the start of `before` (TIME_ZONE) from both tables,
    and record the prune in the log itself, in one transaction."""
    cutoff = timezone.make_aware(datetime.datetime.combine(before, datetime.time.min))
    activity = UserActivityLog.objects.filter(created_at__lt=cutoff)
    system = SystemAuditLog.objects.filter(created_at__lt=cutoff)
    if dry_run:
        return PruneResult(before=before, activity_deleted=activity.count(), system_deleted=system.count())
    with transaction.atomic():
        _set_transaction_flag("audit.allow_prune", "on")
        _set_transaction_flag("audit.prune_before", cutoff.isoformat())
        activity_deleted, _ = activity.delete()
        system_deleted, _ = system.delete()
        _set_transaction_flag("audit.allow_prune", "")
        command_audit_record(
            command="prune_audit",
            summary={
                "before": before.isoformat(),
                "activity_deleted": activity_deleted,
                "system_deleted": system_deleted,
            },
        )
    return PruneResult(before=before, activity_deleted=activity_deleted, system_deleted=system_deleted)
