"""Learner progress: enrollments, sessions (lessons and practice), per-lesson progress, every answer given and the
memory state of each exercise a learner was graded on."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
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
    """One session from start to completion, failure or abandonment: an attempt at a lesson, or a practice session
    (review of due exercises, or of recent mistakes) whose exercises are its PracticeSessionItems."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        COMPLETED = "completed", "Completed"
        FAILED = "failed", "Failed"
        ABANDONED = "abandoned", "Abandoned"

    class Kind(models.TextChoices):
        LESSON = "lesson", "Lesson"
        REVIEW = "review", "Review (due exercises)"
        MISTAKES = "mistakes", "Mistakes"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_sessions")
    # The database default too, so a writer that does not know kinds (a bulk load, older code) writes lessons.
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.LESSON, db_default=Kind.LESSON)
    # Set exactly for lesson sessions (a constraint); a practice session's exercises are its items.
    lesson = models.ForeignKey(
        "courses.Lesson", on_delete=models.PROTECT, related_name="sessions", null=True, blank=True
    )
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
            # One active practice session per course and kind: starting another abandons it.
            models.UniqueConstraint(
                fields=["user", "course", "kind"],
                condition=Q(status="active") & ~Q(kind="lesson"),
                name="lesson_session_one_active_practice",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["active", "completed", "failed", "abandoned"]), name="lesson_session_status"
            ),
            models.CheckConstraint(
                condition=Q(kind="lesson", lesson__isnull=False)
                | Q(kind__in=["review", "mistakes"], lesson__isnull=True),
                name="lesson_session_lesson_iff_lesson_kind",
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
        if self.kind != self.Kind.LESSON:
            return f"Session {self.pk}: {self.kind} practice in course {self.course_id} ({self.status})"
        return f"Session {self.pk} of lesson {self.lesson_id} ({self.status})"

    @property
    def is_practice(self) -> bool:
        return self.kind != self.Kind.LESSON


# The kinds of practice session (a learner starts one of these; lessons start from their lesson).
PRACTICE_KINDS = [LessonSession.Kind.REVIEW, LessonSession.Kind.MISTAKES]


class PracticeSessionItem(models.Model):
    """An exercise of a practice session, in the session's order (PROTECT: learner history keeps its content)."""

    session = models.ForeignKey(LessonSession, on_delete=models.CASCADE, related_name="practice_items")
    exercise = models.ForeignKey("exercises.Exercise", on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()

    # Played like a lesson's exercises (exercises.api PlayExerciseSerializer): each is needed to complete.
    is_required = True

    class Meta:
        ordering = ["session_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["session", "exercise"], name="practice_item_unique_exercise"),
            models.UniqueConstraint(fields=["session", "position"], name="practice_item_unique_position"),
        ]

    def __str__(self) -> str:
        return f"Session {self.session_id} #{self.position}: exercise {self.exercise_id}"


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
    # When the server recorded it: the learner's events are in this order (hearts, scores, history).
    created_at = models.DateTimeField(default=timezone.now)
    # An answer played offline: when the client says it was given (docs/api.md "Offline play"); null online.
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["session", "exercise"], name="interaction_session_ex_idx"),
            models.Index(fields=["user", "created_at"], name="interaction_user_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} answered {self.exercise_id}: {'right' if self.is_correct else 'wrong'}"


class MemoryState(models.Model):
    """What the learner remembers of one exercise (FSRS-6, progress.memory): derived from the answer log (each
    first graded answer of the exercise in a session is one review), so recalculate_progress can rebuild it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memory_states")
    exercise = models.ForeignKey("exercises.Exercise", on_delete=models.PROTECT, related_name="+")
    # The course of the session of the last review (what practice sessions and strengths are grouped by).
    course = models.ForeignKey("courses.Course", on_delete=models.PROTECT, related_name="+")
    stability = models.FloatField(help_text="Days for recall to fall from 100% to 90%.")
    difficulty = models.FloatField(help_text="1 (easiest) to 10.")
    due = models.DateTimeField(help_text="When predicted recall falls to the desired retention.")
    last_review = models.DateTimeField()
    state = models.PositiveSmallIntegerField(help_text="fsrs.State: 1 learning, 2 review, 3 relearning.")
    step = models.PositiveSmallIntegerField(null=True, blank=True)
    reps = models.PositiveIntegerField(help_text="Reviews (first graded answers in a session).")
    lapses = models.PositiveIntegerField(help_text="Reviews answered wrong after the first.")
    # The latest review was right: a wrong one makes the exercise a mistake until a later session's first try is
    # right (practice kind "mistakes").
    last_first_try_correct = models.BooleanField()
    # The desired retention `due` was scheduled with (the learner's at the last review).
    retention = models.FloatField()

    class Meta:
        ordering = ["due", "id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "exercise"], name="memory_state_unique"),
            models.CheckConstraint(condition=Q(stability__gt=0), name="memory_state_stability_positive"),
            models.CheckConstraint(
                condition=Q(difficulty__gte=1, difficulty__lte=10), name="memory_state_difficulty_1_10"
            ),
            models.CheckConstraint(condition=Q(retention__gt=0, retention__lt=1), name="memory_state_retention_0_1"),
            models.CheckConstraint(condition=Q(lapses__lte=F("reps")), name="memory_state_lapses_within_reps"),
        ]
        indexes = [models.Index(fields=["user", "due"], name="memory_state_user_due_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} / exercise {self.exercise_id}: due {self.due:%Y-%m-%d %H:%M}"
