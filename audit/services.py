"""Writes to the audit trail. Every other app calls these; this module calls no other app."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models

from audit.models import SystemAuditLog, UserActivityLog


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


def activity_record(*, user, action: str, request=None, metadata: dict[str, Any] | None = None) -> UserActivityLog:
    """Append one learner activity row; call it inside the transaction of the change it records."""
    return UserActivityLog.objects.create(
        user=user if user is not None and user.pk else None,
        action=action,
        ip=client_ip(request),
        user_agent=_user_agent(request),
        metadata=metadata or {},
    )


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
) -> SystemAuditLog:
    """Append one system audit row for an admin change or an operator command."""
    return SystemAuditLog.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        actor_repr=actor_repr or (actor.get_username() if actor is not None else ""),
        source=source,
        action=action,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=str(target.pk) if target is not None and target.pk is not None else "",
        target_repr=(target_repr or (str(target) if target is not None else ""))[:255],
        changes=changes or {},
        summary=summary or {},
        ip=client_ip(request),
    )


def command_audit_record(*, command: str, summary: dict[str, Any]) -> SystemAuditLog:
    """Record an operator command that changed data (seed, import, recalculate, prune)."""
    return system_audit_record(
        source=SystemAuditLog.Source.COMMAND,
        action=SystemAuditLog.Action.COMMAND,
        actor_repr=f"manage.py {command}",
        summary=summary,
    )


def activity_forget_user(*, user) -> None:
    """Clear the personal fields of a departing learner's audit rows; the facts (what, when) stay."""
    UserActivityLog.objects.filter(user=user).update(user=None, ip=None, user_agent="")
    SystemAuditLog.objects.filter(actor=user).update(actor=None, actor_repr="deleted user", ip=None)
