"""Gamification: achievements and (added with the learning engine) XP, streak and hearts state."""

from django.db import models
from django.db.models import Q

from courses.models import TimestampedModel


class Achievement(TimestampedModel):
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
