"""Learner progress: enrollments, lesson sessions, per-lesson progress and every answer given."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class UserCourse(models.Model):
    """An enrollment: the learner's XP and completion in one course."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments")
    # Learner history is never deleted by a content change: content with history is archived (courses.content).
    course = models.ForeignKey("courses.Course", on_delete=models.PROTECT, related_name="enrollments")
    xp = models.PositiveIntegerField(default=0)
    # Completion and the current lesson (the next to play) are derived on read from lesson progress and the live
    # lessons (progress.selectors), never stored: a content change cannot leave them stale.
    enrolled_at = models.DateTimeField(default=timezone.now)
    last_activity_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-last_activity_at", "-enrolled_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="user_course_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.course_id}"


class LessonSession(models.Model):
    """One attempt at a lesson, from start to completion, failure or abandonment."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        COMPLETED = "completed", "Completed"
        FAILED = "failed", "Failed"
        ABANDONED = "abandoned", "Abandoned"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_sessions")
    lesson = models.ForeignKey("courses.Lesson", on_delete=models.PROTECT, related_name="sessions")
    course = models.ForeignKey("courses.Course", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    # The lesson's XP when the session started, so an edit mid-session changes nothing for the learner.
    lesson_xp = models.PositiveIntegerField(default=0)
    mistakes = models.PositiveIntegerField(default=0)
    hearts_lost = models.PositiveIntegerField(default=0)
    xp_awarded = models.PositiveIntegerField(default=0)
    is_perfect = models.BooleanField(default=False)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    last_activity_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The learner's local date at completion: the day its XP and streak count for.
    completed_on = models.DateField(null=True, blank=True)
    # This completion finished the course for the first time (its last live lesson): the event
    # LearnerStats.courses_completed counts, so later content changes never rewrite it.
    completed_course = models.BooleanField(default=False)

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            # Starting a lesson again replaces the active attempt rather than running two.
            models.UniqueConstraint(
                fields=["user", "lesson"], condition=Q(status="active"), name="lesson_session_one_active_per_lesson"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["active", "completed", "failed", "abandoned"]), name="lesson_session_status"
            ),
            models.CheckConstraint(
                condition=Q(status="active", finished_at__isnull=True)
                | Q(~Q(status="active"), finished_at__isnull=False),
                name="lesson_session_finished_iff_not_active",
            ),
            models.CheckConstraint(
                condition=Q(status="completed", completed_on__isnull=False)
                | Q(~Q(status="completed"), completed_on__isnull=True, xp_awarded=0),
                name="lesson_session_xp_only_when_completed",
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__lte=100), name="lesson_session_score_0_100"
            ),
        ]
        indexes = [
            models.Index(fields=["user", "status"], name="session_user_status_idx"),
            models.Index(fields=["status", "last_activity_at"], name="session_status_activity_idx"),
        ]

    def __str__(self) -> str:
        return f"Session {self.pk} of lesson {self.lesson_id} ({self.status})"


class UserLessonProgress(models.Model):
    class Status(models.TextChoices):
        STARTED = "started", "Started"
        COMPLETED = "completed", "Completed"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_progress")
    lesson = models.ForeignKey("courses.Lesson", on_delete=models.PROTECT, related_name="learner_progress")
    course = models.ForeignKey("courses.Course", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.STARTED)
    attempts = models.PositiveIntegerField(default=0)
    completions = models.PositiveIntegerField(default=0)
    best_score = models.PositiveSmallIntegerField(null=True, blank=True)
    last_score = models.PositiveSmallIntegerField(null=True, blank=True)
    first_completed_at = models.DateTimeField(null=True, blank=True)
    last_completed_at = models.DateTimeField(null=True, blank=True)
    time_spent_seconds = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["lesson_id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "lesson"], name="user_lesson_progress_unique"),
            models.CheckConstraint(
                condition=Q(status="started", completions=0) | Q(status="completed", completions__gte=1),
                name="user_lesson_progress_status_matches_completions",
            ),
            models.CheckConstraint(
                condition=Q(best_score__isnull=True) | Q(best_score__lte=100), name="user_lesson_progress_best_0_100"
            ),
        ]
        indexes = [models.Index(fields=["user", "course", "status"], name="lesson_progress_course_idx")]
        verbose_name_plural = "user lesson progress"

    def __str__(self) -> str:
        return f"{self.user_id} / lesson {self.lesson_id}: {self.status}"


class UserExerciseInteraction(models.Model):
    """One answer to one exercise in one session; append-only."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exercise_interactions")
    session = models.ForeignKey(LessonSession, on_delete=models.CASCADE, related_name="interactions")
    exercise = models.ForeignKey("exercises.Exercise", on_delete=models.PROTECT, related_name="interactions")
    answer = models.JSONField()
    is_correct = models.BooleanField()
    feedback = models.CharField(max_length=32)
    feedback_message = models.CharField(max_length=2000, blank=True)
    time_ms = models.PositiveIntegerField(null=True, blank=True)
    hints_used = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["session", "exercise"], name="interaction_session_ex_idx"),
            models.Index(fields=["user", "created_at"], name="interaction_user_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} answered {self.exercise_id}: {'right' if self.is_correct else 'wrong'}"
