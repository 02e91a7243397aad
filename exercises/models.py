"""Exercises: their types, type-specific content, options, audio, and their place in lessons."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from courses.models import Language, Lesson, TimestampedModel


class ExerciseType(TimestampedModel):
    class Code(models.TextChoices):
        TRANSLATE = "translate", "Translate"
        MULTIPLE_CHOICE = "multiple_choice", "Multiple choice"
        LISTEN = "listen", "Listen"
        SPEAK = "speak", "Speak"
        MATCH_PAIRS = "match_pairs", "Match pairs"
        FILL_BLANK = "fill_blank", "Fill in the blank"
        SORT_WORDS = "sort_words", "Sort words"

    code = models.CharField(max_length=32, unique=True, choices=Code.choices)
    name = models.CharField(max_length=80)
    description = models.TextField(blank=True)
    default_xp = models.PositiveSmallIntegerField(default=1)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class AudioFile(TimestampedModel):
    class Quality(models.TextChoices):
        LOW = "low"
        MEDIUM = "medium"
        HIGH = "high"

    language = models.ForeignKey(Language, on_delete=models.PROTECT, related_name="audio_files")
    transcript = models.TextField()
    speaker = models.CharField(max_length=80, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    # One file upload or URL per quality level; a learner gets the level asked for or the best available.
    file_low = models.FileField(upload_to="audio/low/", blank=True)
    file_medium = models.FileField(upload_to="audio/medium/", blank=True)
    file_high = models.FileField(upload_to="audio/high/", blank=True)
    url_low = models.URLField(max_length=500, blank=True)
    url_medium = models.URLField(max_length=500, blank=True)
    url_high = models.URLField(max_length=500, blank=True)

    class Meta:
        ordering = ["language", "transcript"]

    def __str__(self) -> str:
        return self.transcript[:60]


class Exercise(TimestampedModel):
    type = models.ForeignKey(ExerciseType, on_delete=models.PROTECT, related_name="exercises")
    prompt = models.TextField()
    # Type-specific content, validated per type on save (exercises.validation).
    content = models.JSONField(default=dict, blank=True)
    # Accepted answers, the first being the one shown as "correct answer" (shape depends on the type).
    answers = models.JSONField(default=list, blank=True)
    hints = models.JSONField(default=list, blank=True)
    difficulty = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1), MaxValueValidator(5)])
    time_limit_seconds = models.PositiveIntegerField(null=True, blank=True)
    xp_override = models.PositiveSmallIntegerField(null=True, blank=True)
    audio = models.ForeignKey(AudioFile, null=True, blank=True, on_delete=models.SET_NULL, related_name="exercises")

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(difficulty__gte=1, difficulty__lte=5), name="exercise_difficulty_1_5"),
            models.CheckConstraint(
                condition=Q(time_limit_seconds__isnull=True) | Q(time_limit_seconds__gt=0),
                name="exercise_time_limit_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.type.code}: {self.prompt[:60]}"


class ExerciseOption(TimestampedModel):
    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveIntegerField(default=0)
    text = models.CharField(max_length=255)
    is_correct = models.BooleanField(default=False)

    class Meta:
        ordering = ["exercise", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["exercise", "position"], name="option_position_unique", deferrable=models.Deferrable.DEFERRED
            ),
        ]

    def __str__(self) -> str:
        return self.text


class LessonExercise(TimestampedModel):
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="lesson_exercises")
    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="lesson_links")
    position = models.PositiveIntegerField(default=0)
    is_required = models.BooleanField(default=True)

    class Meta:
        ordering = ["lesson", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["lesson", "position"],
                name="lesson_exercise_position_unique",
                deferrable=models.Deferrable.DEFERRED,
            ),
            models.UniqueConstraint(fields=["lesson", "exercise"], name="lesson_exercise_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.lesson} #{self.position}"
