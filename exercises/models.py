"""Exercises: their types, type-specific content, options, audio, and their place in lessons."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from courses.models import (
    ArchivableModel,
    Language,
    Lesson,
    PositionedModel,
    TimestampedModel,
    content_key_field,
    non_empty,
)
from exercises.kinds import kind_choices

# The codes come from the registry of exercise kinds (exercises.kinds): one module per type.
ExerciseTypeCode = models.TextChoices(
    "ExerciseTypeCode", [(code.upper(), (code, label)) for code, label in kind_choices()]
)


class ExerciseType(TimestampedModel):
    Code = ExerciseTypeCode

    code = models.CharField(max_length=32, unique=True, choices=Code.choices)
    name = models.CharField(max_length=80)
    description = models.TextField(blank=True)
    default_xp = models.PositiveSmallIntegerField(default=1)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(code__in=ExerciseTypeCode.values), name="exercise_type_code_known"),
            non_empty("name", "exercise_type_name_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name


class AudioFile(TimestampedModel):
    class Quality(models.TextChoices):
        LOW = "low"
        MEDIUM = "medium"
        HIGH = "high"

    language = models.ForeignKey(Language, on_delete=models.PROTECT, related_name="audio_files")
    key = content_key_field("Stable identifier used by course files; unique within the language.")
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

    # Best first: the fallback order when the requested level is missing.
    QUALITY_PREFERENCE = ("high", "medium", "low")

    class Meta:
        ordering = ["language", "transcript"]
        constraints = [
            models.UniqueConstraint(fields=["language", "key"], name="audio_key_unique"),
            non_empty("key", "audio_key_not_empty"),
            non_empty("transcript", "audio_transcript_not_empty"),
            models.CheckConstraint(
                condition=~Q(file_low="", file_medium="", file_high="", url_low="", url_medium="", url_high=""),
                name="audio_has_a_source",
            ),
        ]

    def __str__(self) -> str:
        return self.transcript[:60]

    def clean(self) -> None:
        super().clean()
        if not any(self.source_for(quality) for quality in self.QUALITY_PREFERENCE):
            raise ValidationError("Give at least one file or URL (low, medium or high quality).")

    def source_for(self, quality: str) -> str:
        """The URL of exactly this quality level ('' when missing); an uploaded file wins over a URL."""
        upload = getattr(self, f"file_{quality}")
        if upload:
            return upload.url
        return getattr(self, f"url_{quality}")

    def url_for(self, quality: str = "medium") -> str | None:
        """The requested quality level, else the best available one."""
        if quality not in self.Quality.values:
            raise ValueError(f"Unknown audio quality {quality!r}; use low, medium or high.")
        for level in (quality, *self.QUALITY_PREFERENCE):
            url = self.source_for(level)
            if url:
                return url
        return None


class Exercise(ArchivableModel, TimestampedModel):
    type = models.ForeignKey(ExerciseType, on_delete=models.PROTECT, related_name="exercises")
    key = content_key_field()
    prompt = models.TextField()
    # Type-specific content, validated by its kind (exercises.kinds) wherever it is written: services, admin, import.
    content = models.JSONField(default=dict, blank=True)
    # Accepted answers, the first being the one shown as "correct answer" (shape depends on the type).
    answers = models.JSONField(default=list, blank=True)
    hints = models.JSONField(default=list, blank=True)
    difficulty = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1), MaxValueValidator(5)])
    time_limit_seconds = models.PositiveIntegerField(null=True, blank=True)
    xp_override = models.PositiveSmallIntegerField(null=True, blank=True)
    audio = models.ForeignKey(AudioFile, null=True, blank=True, on_delete=models.SET_NULL, related_name="exercises")
    # An optional picture: an upload or a URL (an upload wins), with its alternative text.
    image = models.ImageField(upload_to="images/", blank=True)
    image_url = models.URLField(max_length=500, blank=True)
    image_alt = models.CharField("image alt text", max_length=300, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(difficulty__gte=1, difficulty__lte=5), name="exercise_difficulty_1_5"),
            models.CheckConstraint(
                condition=Q(time_limit_seconds__isnull=True) | Q(time_limit_seconds__gt=0),
                name="exercise_time_limit_positive",
            ),
            non_empty("key", "exercise_key_not_empty"),
            non_empty("prompt", "exercise_prompt_not_empty"),
            models.CheckConstraint(
                condition=Q(image="", image_url="") | ~Q(image_alt=""),
                name="exercise_image_has_alt_text",
                violation_error_message="Describe the image for learners who cannot see it (alt text).",
            ),
        ]
        indexes = [models.Index(fields=["key"], name="exercise_key_idx")]

    def __str__(self) -> str:
        return f"{self.type.code}: {self.prompt[:60]}"

    @property
    def xp(self) -> int:
        """XP this exercise is worth: its override, else its type's default."""
        return self.xp_override if self.xp_override is not None else self.type.default_xp

    def clean(self) -> None:
        super().clean()
        if (self.image or self.image_url) and not self.image_alt.strip():
            raise ValidationError({"image_alt": "Describe the image for learners who cannot see it (alt text)."})


class ExerciseOption(PositionedModel):
    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveIntegerField(default=0)
    text = models.CharField(max_length=255)
    is_correct = models.BooleanField(default=False)

    class Meta:
        ordering = ["exercise_id", "position"]  # by the column: ordering by "exercise" would join it
        constraints = [
            models.UniqueConstraint(fields=["exercise", "position"], name="option_position_unique"),
            non_empty("text", "option_text_not_empty"),
        ]

    def __str__(self) -> str:
        return self.text


class LessonExercise(PositionedModel):
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
            ),
            models.UniqueConstraint(fields=["lesson", "exercise"], name="lesson_exercise_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.lesson} #{self.position}"
