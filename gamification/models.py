"""Gamification: achievements and (added with the learning engine) XP, streak and hearts state."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from courses.models import ArchivableModel, TimestampedModel


class Achievement(ArchivableModel, TimestampedModel):
    """A badge. Retiring one archives it (gamification.content): no longer earned or listed, kept on learners'
    records with the XP it gave."""

    class Kind(models.TextChoices):
        LESSONS_COMPLETED = "lessons_completed", "Lessons completed"
        STREAK_DAYS = "streak_days", "Streak days"
        TOTAL_XP = "total_xp", "Total XP"
        PERFECT_LESSONS = "perfect_lessons", "Perfect lessons"
        COURSES_COMPLETED = "courses_completed", "Courses completed"

    code = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    kind = models.CharField(max_length=32, choices=Kind.choices)
    threshold = models.PositiveIntegerField()
    xp_reward = models.PositiveIntegerField(default=0)
    icon = models.CharField(max_length=64, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["kind", "threshold"]
        constraints = [models.CheckConstraint(condition=Q(threshold__gte=1), name="achievement_threshold_positive")]

    def __str__(self) -> str:
        return self.name


def hearts_max() -> int:
    return settings.HEARTS_MAX


class LearnerStats(models.Model):
    """One row per learner, locked (select_for_update) by every write of XP, hearts or streak."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.CASCADE, related_name="learner_stats"
    )
    total_xp = models.PositiveIntegerField(default=0)
    # Hearts as stored; the current count adds the hearts regenerated since hearts_updated_at.
    hearts = models.PositiveSmallIntegerField(default=hearts_max)
    hearts_updated_at = models.DateTimeField(default=timezone.now)
    current_streak = models.PositiveIntegerField(default=0)
    longest_streak = models.PositiveIntegerField(default=0)
    last_active_date = models.DateField(null=True, blank=True)
    streak_freezes = models.PositiveSmallIntegerField(default=0)
    lessons_completed = models.PositiveIntegerField(default=0)
    perfect_lessons = models.PositiveIntegerField(default=0)
    courses_completed = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "learner stats"
        constraints = [
            models.CheckConstraint(
                condition=Q(longest_streak__gte=F("current_streak")), name="stats_longest_ge_current"
            ),
        ]

    def __str__(self) -> str:
        return f"Stats of {self.user_id}"


class UserHeartsLog(models.Model):
    class Reason(models.TextChoices):
        WRONG_ANSWER = "wrong_answer", "Wrong answer"
        REGENERATION = "regeneration", "Regeneration"
        REPAIR = "repair", "Repair by recalculate_progress"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="hearts_log")
    delta = models.SmallIntegerField()
    reason = models.CharField(max_length=32, choices=Reason.choices)
    balance_after = models.PositiveSmallIntegerField()
    session = models.ForeignKey(
        "progress.LessonSession", null=True, blank=True, on_delete=models.SET_NULL, related_name="hearts_log"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.CheckConstraint(condition=~Q(delta=0), name="hearts_log_delta_not_zero")]
        indexes = [models.Index(fields=["user", "created_at"], name="hearts_log_user_time_idx")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.delta:+d} ({self.reason}) → {self.balance_after}"


class UserDailyXP(models.Model):
    """XP earned on one of the learner's local days, with the daily goal in force that day."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="daily_xp")
    date = models.DateField()
    xp = models.PositiveIntegerField(default=0)
    goal = models.PositiveSmallIntegerField()
    lessons_completed = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["user_id", "date"]  # by the column: ordering by "user" would join accounts_user
        constraints = [models.UniqueConstraint(fields=["user", "date"], name="daily_xp_user_date_unique")]
        verbose_name = "daily XP"
        verbose_name_plural = "daily XP"

    def __str__(self) -> str:
        return f"{self.user_id} {self.date}: {self.xp}/{self.goal}"

    @property
    def goal_met(self) -> bool:
        return self.xp >= self.goal


class UserAchievement(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="achievements")
    achievement = models.ForeignKey(Achievement, on_delete=models.PROTECT, related_name="user_achievements")
    progress = models.PositiveIntegerField(default=0)
    unlocked_at = models.DateTimeField(null=True, blank=True)
    # The learner's local date of the unlock and the XP it gave, so totals can be rebuilt exactly.
    unlocked_on = models.DateField(null=True, blank=True)
    xp_awarded = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["user_id", "achievement"]  # by the column: ordering by "user" would join accounts_user
        constraints = [
            models.UniqueConstraint(fields=["user", "achievement"], name="user_achievement_unique"),
            models.CheckConstraint(
                condition=Q(unlocked_at__isnull=True, unlocked_on__isnull=True, xp_awarded=0)
                | Q(unlocked_at__isnull=False, unlocked_on__isnull=False),
                name="user_achievement_unlock_consistent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.achievement_id} ({'unlocked' if self.unlocked_at else self.progress})"


class IdempotencyRecord(models.Model):
    """The first response to a request sent with an Idempotency-Key; replays get it back unchanged."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of method, path and body.")
    response_status = models.PositiveSmallIntegerField()
    response_body = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_user_key_unique")]
        indexes = [models.Index(fields=["created_at"], name="idempotency_created_idx")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.key}"
