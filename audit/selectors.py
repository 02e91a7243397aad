"""Reads of the audit trail."""

from __future__ import annotations

from django.db.models import QuerySet

from audit.models import UserActivityLog


def user_activity_list(*, user) -> QuerySet[UserActivityLog]:
    """The learner's own activity, newest first (served by the (user, created_at) index)."""
    return UserActivityLog.objects.filter(user=user).order_by("-created_at", "-id")
