"""Writes on the learner account: profile change, data export, account deletion."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.export import export_data
from accounts.models import User
from accounts.profile import profile_changed
from audit.models import UserActivityLog
from audit.services import activity_forget_user, activity_record

PROFILE_FIELDS = (
    "display_name",
    "avatar",
    "timezone",
    "daily_xp_goal",
    "reminders_enabled",
    "reminder_time",
    "hide_from_leaderboards",
    "desired_retention",
)
# A change of any of these moves the next reminder.
REMINDER_FIELDS = frozenset({"timezone", "reminders_enabled", "reminder_time"})


@transaction.atomic
def user_profile_update(*, user: User, data: dict[str, Any], request=None) -> User:
    """Change the learner's profile fields; records which fields changed (values only where not personal)."""
    changed = {}
    for field in PROFILE_FIELDS:
        if field in data and getattr(user, field) != data[field]:
            changed[field] = [getattr(user, field), data[field]]
            setattr(user, field, data[field])
    if changed:
        update_fields = [*changed, "updated_at"]
        if REMINDER_FIELDS & set(changed):
            user.next_reminder_at = user.reminder_due_after(timezone.now())
            update_fields.append("next_reminder_at")
        user.full_clean(exclude=["password", "email"])
        user.save(update_fields=update_fields)
        profile_changed(user=user, fields=set(changed))
        activity_record(
            user=user,
            action=UserActivityLog.Action.PROFILE_CHANGE,
            request=request,
            metadata={"fields": sorted(changed)},
        )
    return user


def user_export(*, user: User, request=None) -> dict[str, Any]:
    """Everything we hold about the learner: each registered section's rows (accounts.export), for
    accounts.export.export_serializer() to write."""
    with transaction.atomic():
        activity_record(user=user, action=UserActivityLog.Action.DATA_EXPORT, request=request)
    return {"exported_at": timezone.now(), **export_data(user)}


@transaction.atomic
def user_delete(*, user: User, request=None) -> None:
    """Delete the account and its personal data; audit rows keep their facts without personal fields."""
    activity_record(
        user=None,
        action=UserActivityLog.Action.ACCOUNT_DELETE,
        metadata={"user_id": user.pk},
    )
    activity_forget_user(user=user)
    user.delete()
