"""Course content: languages, courses and their ordered tree of sections, units and lessons."""

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q


class TimestampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    # On PostgreSQL a trigger also sets it, so QuerySet.update() and raw SQL move it too.
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Language(TimestampedModel):
    class Direction(models.TextChoices):
        LTR = "ltr", "Left to right"
        RTL = "rtl", "Right to left"

    code = models.CharField(
        max_length=35,
        unique=True,
        validators=[
            RegexValidator(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$", "Enter a BCP 47 language tag, e.g. es or pt-BR.")
        ],
        help_text="BCP 47 tag, e.g. es, pt-BR.",
    )
    name = models.CharField("English name", max_length=80)
    native_name = models.CharField(max_length=80)
    flag = models.CharField(max_length=16, blank=True, help_text="Flag emoji.")
    direction = models.CharField(max_length=3, choices=Direction.choices, default=Direction.LTR)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Course(TimestampedModel):
    class Cefr(models.TextChoices):
        A1 = "A1"
        A2 = "A2"
        B1 = "B1"
        B2 = "B2"
        C1 = "C1"
        C2 = "C2"

    from_language = models.ForeignKey(Language, on_delete=models.PROTECT, related_name="courses_from")
    to_language = models.ForeignKey(Language, on_delete=models.PROTECT, related_name="courses_to")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    cefr_from = models.CharField("CEFR from", max_length=2, choices=Cefr.choices, default=Cefr.A1)
    cefr_to = models.CharField("CEFR to", max_length=2, choices=Cefr.choices, default=Cefr.A2)
    is_published = models.BooleanField(default=False)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(fields=["from_language", "to_language"], name="course_language_pair_unique"),
            models.CheckConstraint(condition=~Q(from_language=F("to_language")), name="course_languages_differ"),
            models.CheckConstraint(condition=Q(cefr_from__lte=F("cefr_to")), name="course_cefr_range_ordered"),
        ]
        indexes = [
            models.Index(fields=["is_published", "from_language", "to_language"], name="course_published_pair_idx")
        ]

    def __str__(self) -> str:
        return self.title


class Section(TimestampedModel):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveIntegerField(default=0, db_index=True)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["course", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "position"], name="section_position_unique", deferrable=models.Deferrable.DEFERRED
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Unit(TimestampedModel):
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="units")
    position = models.PositiveIntegerField(default=0, db_index=True)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    guidebook = models.TextField(blank=True, help_text="Grammar and vocabulary notes shown before the unit.")
    icon = models.CharField(max_length=64, blank=True)
    color = models.CharField(
        max_length=7,
        default="#58CC02",
        validators=[RegexValidator(r"^#[0-9A-Fa-f]{6}$", "Enter a hex colour such as #58CC02.")],
    )

    class Meta:
        ordering = ["section", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["section", "position"], name="unit_position_unique", deferrable=models.Deferrable.DEFERRED
            ),
            models.CheckConstraint(condition=Q(color__regex=r"^#[0-9A-Fa-f]{6}$"), name="unit_color_hex"),
        ]

    def __str__(self) -> str:
        return self.title


class Lesson(TimestampedModel):
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="lessons")
    position = models.PositiveIntegerField(default=0, db_index=True)
    title = models.CharField(max_length=200)
    # None means "derived from its exercises" (the sum of their XP); see Lesson.effective_xp_reward.
    xp_reward = models.PositiveIntegerField(null=True, blank=True, help_text="Leave empty to use the exercises' XP.")
    estimated_minutes = models.PositiveSmallIntegerField(default=5)
    prerequisites = models.ManyToManyField(
        "self", through="LessonPrerequisite", symmetrical=False, related_name="required_by", blank=True
    )

    class Meta:
        ordering = ["unit", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "position"], name="lesson_position_unique", deferrable=models.Deferrable.DEFERRED
            ),
            models.CheckConstraint(
                condition=Q(xp_reward__isnull=True) | Q(xp_reward__gte=0), name="lesson_xp_non_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class LessonPrerequisite(TimestampedModel):
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="prerequisite_links")
    requires = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="dependent_links")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["lesson", "requires"], name="prerequisite_unique"),
            models.CheckConstraint(condition=~Q(lesson=F("requires")), name="prerequisite_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.lesson} requires {self.requires}"
