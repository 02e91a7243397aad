"""The learner account: email is the login, no username."""

import datetime as dt
import zoneinfo
from functools import cache

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Length, Lower
from django.db.models.lookups import LessThanOrEqual
from django.utils.timezone import localtime, now


@cache
def _timezone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def validate_timezone(value: str) -> None:
    if value not in _timezone_names():
        raise ValidationError(f"“{value}” is not a known IANA time zone.", code="invalid_timezone")


# The range a learner may set their practice target recall in (DESIGN: 0.80 to 0.97).
DESIRED_RETENTION_MIN, DESIRED_RETENTION_MAX = 0.8, 0.97

# RFC 5321's limit on a deliverable address; longer ones are refused everywhere, never cut short.
EMAIL_MAX_LENGTH = 254


class DailyGoal(models.IntegerChoices):
    CASUAL = 10, "Casual"
    REGULAR = 20, "Regular"
    SERIOUS = 30, "Serious"
    INTENSE = 50, "Intense"


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField("email address", max_length=EMAIL_MAX_LENGTH)
    display_name = models.CharField(max_length=80, blank=True)
    avatar = models.URLField(max_length=500, blank=True)
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone])
    daily_xp_goal = models.PositiveSmallIntegerField(choices=DailyGoal.choices, default=DailyGoal.REGULAR)
    # Streak reminders (off by default): one email at reminder_time, local time, when the day's goal is not met.
    reminders_enabled = models.BooleanField(default=False)
    reminder_time = models.TimeField(null=True, blank=True)
    # The next reminder's instant in UTC, kept with the three fields above; the reminder task's index.
    next_reminder_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Leaderboards show the learner anonymously to others.
    hide_from_leaderboards = models.BooleanField(default=False)
    # The share of practice items the learner wants to still recall when they come due (progress.memory); None
    # keeps PRACTICE_DESIRED_RETENTION.
    desired_retention = models.FloatField(
        null=True,
        blank=True,
        validators=[MinValueValidator(DESIRED_RETENTION_MIN), MaxValueValidator(DESIRED_RETENTION_MAX)],
        help_text=f"Practice scheduling's target recall, {DESIRED_RETENTION_MIN} to {DESIRED_RETENTION_MAX}; "
        "null: the platform's default (PRACTICE_DESIRED_RETENTION).",
    )
    is_staff = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
            # SQLite does not enforce a column's length: a user made by code is refused there too.
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("email"), EMAIL_MAX_LENGTH), name="user_email_max_length"
            ),
            models.CheckConstraint(
                condition=models.Q(daily_xp_goal__in=[g.value for g in DailyGoal]),
                name="user_daily_xp_goal_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(reminders_enabled=False, next_reminder_at__isnull=True)
                | models.Q(reminders_enabled=True, reminder_time__isnull=False, next_reminder_at__isnull=False),
                name="user_reminder_scheduled_iff_enabled",
            ),
            models.CheckConstraint(
                condition=models.Q(desired_retention__isnull=True)
                | models.Q(desired_retention__gte=DESIRED_RETENTION_MIN, desired_retention__lte=DESIRED_RETENTION_MAX),
                name="user_desired_retention_range",
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_reminder_at"],
                condition=models.Q(reminders_enabled=True),
                name="user_reminder_due_idx",
            )
        ]
        ordering = ["id"]

    def __str__(self) -> str:
        return self.email

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    def local_date(self, at=None):
        """The learner's calendar date at `at` (default: now) in their own timezone."""
        return localtime(at or now(), self.tz).date()

    def reminder_at(self, day: dt.date) -> dt.datetime:
        """The instant (UTC) of the reminder of local `day`.

        A reminder time that a DST change skips that day (02:30 when clocks jump from 02:00 to 03:00) is
        read with the offset before the change, so it falls just after the gap (03:30); one that happens
        twice (clocks going back) is the first of the two.
        """
        return dt.datetime.combine(day, self.reminder_time, tzinfo=self.tz).astimezone(dt.UTC)

    def reminder_due_after(self, after: dt.datetime) -> dt.datetime | None:
        """The first reminder instant strictly after `after`, or None when reminders are off."""
        if not self.reminders_enabled or self.reminder_time is None:
            return None
        day = localtime(after, self.tz).date() - dt.timedelta(days=1)
        while (instant := self.reminder_at(day)) <= after:
            day += dt.timedelta(days=1)
        return instant
