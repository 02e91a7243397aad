"""Append-only logs: what learners did (UserActivityLog) and what staff and operators changed (SystemAuditLog).

On PostgreSQL the database itself refuses UPDATE and DELETE on both tables (see migration 0002 and
audit.services); on SQLite the guarantee is the code's (no service, view or admin writes them).
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone


class UserActivityLog(models.Model):
    class Action(models.TextChoices):
        SIGNUP = "signup", "Sign-up"
        LOGIN = "login", "Login"
        LOGIN_FAILED = "login_failed", "Failed login"
        LOGOUT = "logout", "Logout"
        ENROLL = "enroll", "Enrollment"
        UNENROLL = "unenroll", "Unenrollment"
        LESSON_START = "lesson_start", "Lesson start"
        LESSON_COMPLETE = "lesson_complete", "Lesson completion"
        LESSON_FAIL = "lesson_fail", "Lesson failure"
        ACHIEVEMENT_UNLOCK = "achievement_unlock", "Achievement unlock"
        PROFILE_CHANGE = "profile_change", "Profile change"
        PASSWORD_CHANGE = "password_change", "Password change"
        DATA_EXPORT = "data_export", "Data export"
        ACCOUNT_DELETE = "account_delete", "Account deletion"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="activity_logs"
    )
    action = models.CharField(max_length=32, choices=Action.choices)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=512, blank=True)
    metadata = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "created_at"], name="activity_user_time_idx"),
            models.Index(fields=["action", "created_at"], name="activity_action_time_idx"),
            # Newest-first console listing, date hierarchy and prune_audit's range delete.
            models.Index(fields=["created_at"], name="activity_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} by user {self.user_id} at {self.created_at:%Y-%m-%d %H:%M}"


class SystemAuditLog(models.Model):
    class Source(models.TextChoices):
        ADMIN = "admin", "Admin"
        COMMAND = "command", "Operator command"
        API = "api", "Staff API"

    class Action(models.TextChoices):
        CREATE = "create", "Create"
        CHANGE = "change", "Change"
        DELETE = "delete", "Delete"
        COMMAND = "command", "Command run"

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The actor's email, or the command's name; kept so the row reads on its own.
    actor_repr = models.CharField(max_length=254, blank=True)
    source = models.CharField(max_length=16, choices=Source.choices)
    action = models.CharField(max_length=16, choices=Action.choices)
    target_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    target_id = models.CharField(max_length=64, blank=True)
    target_repr = models.CharField(max_length=255, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["target_type", "target_id", "created_at"], name="sysaudit_target_time_idx"),
            models.Index(fields=["actor", "created_at"], name="sysaudit_actor_time_idx"),
            models.Index(fields=["created_at"], name="sysaudit_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.target_repr or self.actor_repr} at {self.created_at:%Y-%m-%d %H:%M}"
