"""Course content: languages, courses and their ordered tree of sections, units and lessons."""

import secrets

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower

HEX_COLOUR_REGEX = r"^#[0-9A-Fa-f]{6}$"
# A well-formed BCP 47 language tag (RFC 5646 section 2.1; letter case is free, as tags are case-insensitive):
# language with up to three extended language subtags, script, region, variants, extensions and private use; a
# private-use tag alone; or one of the grandfathered tags. Written so Python's re, PostgreSQL and the OpenAPI
# schema read it the same way (no flags).
_ALPHA = "[A-Za-z]"
_ALNUM = "[A-Za-z0-9]"
_LANGTAG = (
    f"(?:{_ALPHA}{{2,3}}(?:-{_ALPHA}{{3}}){{0,3}}|{_ALPHA}{{4}}|{_ALPHA}{{5,8}})"  # language, extlang
    f"(?:-{_ALPHA}{{4}})?"  # script
    f"(?:-(?:{_ALPHA}{{2}}|[0-9]{{3}}))?"  # region
    f"(?:-(?:{_ALNUM}{{5,8}}|[0-9]{_ALNUM}{{3}}))*"  # variants
    f"(?:-[A-WYZa-wyz0-9](?:-{_ALNUM}{{2,8}})+)*"  # extensions (any singleton but x)
    f"(?:-[Xx](?:-{_ALNUM}{{1,8}})+)?"  # private use
)
_GRANDFATHERED = (
    "en-GB-oed|i-ami|i-bnn|i-default|i-enochian|i-hak|i-klingon|i-lux|i-mingo|i-navajo|i-pwn|i-tao|i-tay|i-tsu"
    "|sgn-BE-FR|sgn-BE-NL|sgn-CH-DE|art-lojban|cel-gaulish|no-bok|no-nyn|zh-guoyu|zh-hakka|zh-min|zh-min-nan|zh-xiang"
)
BCP47_REGEX = f"^(?:{_LANGTAG}|[Xx](?:-{_ALNUM}{{1,8}})+|{_GRANDFATHERED})$"
bcp47_validator = RegexValidator(
    BCP47_REGEX,
    "Enter a well-formed BCP 47 language tag, e.g. es, tw, pt-BR, sr-Latn, es-419.",
)
KEY_REGEX = r"^[a-z0-9]+(?:[-_.][a-z0-9]+)*$"
key_validator = RegexValidator(KEY_REGEX, "Use lowercase letters, digits and - _ . between them, e.g. greetings-1.")


def new_content_key() -> str:
    """A fresh stable key for content created outside a course file; editors may rename it."""
    return secrets.token_hex(4)


def content_key_field(
    help_text: str = "Stable identifier used by course import/export; unique within the course.",
) -> models.CharField:
    return models.CharField(max_length=64, default=new_content_key, validators=[key_validator], help_text=help_text)


def non_empty(field: str, name: str) -> models.CheckConstraint:
    return models.CheckConstraint(condition=~Q(**{field: ""}), name=name)


class ArchivableQuerySet(models.QuerySet):
    """Rows that are archived themselves or under an archived parent are hidden from learners, kept for history.

    `LIVE_PATHS` on the model names the rows whose `archived_at` hides it: itself ("") and its parents in the
    course tree. A course's own state (published, archived) is its availability, checked apart.
    """

    def live(self):
        return self.filter(**{f"{path}archived_at__isnull": True for path in self.model.LIVE_PATHS})

    def archived(self):
        hidden = Q()
        for path in self.model.LIVE_PATHS:
            hidden |= Q(**{f"{path}archived_at__isnull": False})
        return self.filter(hidden)


class ArchivableModel(models.Model):
    """Content that learners may have touched: archived (hidden, restorable) instead of deleted (courses.content)."""

    archived_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="Set when archived: hidden from learners, kept for history."
    )

    objects = ArchivableQuerySet.as_manager()
    LIVE_PATHS: tuple[str, ...] = ("",)

    class Meta:
        abstract = True


class TimestampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    # On PostgreSQL a trigger also sets it, so QuerySet.update() and raw SQL move it too (courses.db_triggers).
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class PositionedModel(TimestampedModel):
    """A row ordered inside its parent by a unique (parent, position) constraint.

    The constraint is immediate on every database (SQLite cannot defer one), so code that moves
    rows writes in two phases (courses.ordering). Validating it row by row would refuse a mere
    swap in a drag-and-drop formset, so it is left out of per-row model validation; the formset
    still checks its rows against each other and the database has the last word.
    """

    class Meta:
        abstract = True

    def get_constraints(self):
        return [
            (model, [c for c in constraints if "position" not in getattr(c, "fields", ())])
            for model, constraints in super().get_constraints()
        ]


class Language(TimestampedModel):
    class Direction(models.TextChoices):
        LTR = "ltr", "Left to right"
        RTL = "rtl", "Right to left"

    # 35 characters: the length RFC 5646 (section 4.4.1) asks every implementation to accept.
    code = models.CharField(
        max_length=35,
        unique=True,
        validators=[bcp47_validator],
        help_text="BCP 47 tag, e.g. es, tw, pt-BR, sr-Latn, es-419.",
    )
    name = models.CharField("English name", max_length=80)
    native_name = models.CharField(max_length=80)
    flag = models.CharField(max_length=16, blank=True, help_text="Flag emoji.")
    direction = models.CharField(max_length=3, choices=Direction.choices, default=Direction.LTR)
    is_active = models.BooleanField(default=True)
    # Lists of characters. Special characters are offered as on-screen keys; punctuation letters are characters
    # Unicode calls punctuation that are letters in this language (’ as a glottal stop, : as a length mark), so
    # grading keeps them instead of treating them as punctuation.
    special_characters = models.JSONField(default=list, blank=True, help_text='On-screen keys, e.g. ["ɔ", "ɛ"].')
    punctuation_letters = models.JSONField(
        default=list,
        blank=True,
        help_text='Characters that are letters here although Unicode calls them punctuation, e.g. ["’", ":"].',
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=BCP47_REGEX), name="language_code_bcp47"),
            # Tags are case-insensitive (RFC 5646): es and ES are one language.
            models.UniqueConstraint(Lower("code"), name="language_code_unique_ci"),
            models.CheckConstraint(condition=Q(direction__in=["ltr", "rtl"]), name="language_direction_valid"),
            non_empty("name", "language_name_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Course(ArchivableModel, TimestampedModel):
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
    # Provenance: a course written elsewhere keeps its license and credits wherever it goes.
    license = models.CharField(max_length=100, blank=True, help_text="Short name, e.g. CC BY-SA 4.0.")
    license_url = models.URLField("license URL", max_length=500, blank=True)
    attribution = models.TextField(blank=True, help_text="Who wrote it and where it comes from, as its license asks.")
    source_url = models.URLField("source URL", max_length=500, blank=True, help_text="Where the course comes from.")

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(fields=["from_language", "to_language"], name="course_language_pair_unique"),
            models.CheckConstraint(condition=~Q(from_language=F("to_language")), name="course_languages_differ"),
            models.CheckConstraint(condition=Q(cefr_from__lte=F("cefr_to")), name="course_cefr_range_ordered"),
            non_empty("title", "course_title_not_empty"),
        ]
        indexes = [
            models.Index(fields=["is_published", "from_language", "to_language"], name="course_published_pair_idx"),
            models.Index(fields=["to_language", "from_language"], name="course_to_from_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class Section(ArchivableModel, PositionedModel):
    LIVE_PATHS = ("",)

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveIntegerField(default=0, db_index=True)
    key = content_key_field()
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["course", "position"]
        constraints = [
            models.UniqueConstraint(fields=["course", "position"], name="section_position_unique"),
            models.UniqueConstraint(fields=["course", "key"], name="section_key_unique"),
            non_empty("key", "section_key_not_empty"),
            non_empty("title", "section_title_not_empty"),
        ]

    def __str__(self) -> str:
        return self.title


class Unit(ArchivableModel, PositionedModel):
    LIVE_PATHS = ("", "section__")

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="units")
    position = models.PositiveIntegerField(default=0, db_index=True)
    key = content_key_field()
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    guidebook = models.TextField(blank=True, help_text="Grammar and vocabulary notes shown before the unit.")
    icon = models.CharField(max_length=64, blank=True)
    color = models.CharField(
        max_length=7,
        default="#58CC02",
        validators=[RegexValidator(HEX_COLOUR_REGEX, "Enter a hex colour such as #58CC02.")],
    )

    class Meta:
        ordering = ["section", "position"]
        constraints = [
            models.UniqueConstraint(fields=["section", "position"], name="unit_position_unique"),
            models.CheckConstraint(condition=Q(color__regex=HEX_COLOUR_REGEX), name="unit_color_hex"),
            models.UniqueConstraint(fields=["section", "key"], name="unit_key_unique"),
            non_empty("key", "unit_key_not_empty"),
            non_empty("title", "unit_title_not_empty"),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        super().clean()
        _validate_key_unique_in_course(self, Unit.objects.filter(section__course_id=_course_id(self)))


class Lesson(ArchivableModel, PositionedModel):
    LIVE_PATHS = ("", "unit__", "unit__section__")

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="lessons")
    position = models.PositiveIntegerField(default=0, db_index=True)
    key = content_key_field()
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
            models.UniqueConstraint(fields=["unit", "position"], name="lesson_position_unique"),
            models.CheckConstraint(
                condition=Q(xp_reward__isnull=True) | Q(xp_reward__gte=0), name="lesson_xp_non_negative"
            ),
            models.CheckConstraint(condition=Q(estimated_minutes__gte=1), name="lesson_minutes_positive"),
            models.UniqueConstraint(fields=["unit", "key"], name="lesson_key_unique"),
            non_empty("key", "lesson_key_not_empty"),
            non_empty("title", "lesson_title_not_empty"),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        super().clean()
        _validate_key_unique_in_course(self, Lesson.objects.filter(unit__section__course_id=_course_id(self)))

    @property
    def effective_xp_reward(self) -> int:
        """xp_reward, else the sum of its exercises' XP.

        Uses `xp_from_exercises` when a selector annotated it (constant queries), else the
        prefetched or queried lesson exercises.
        """
        if self.xp_reward is not None:
            return self.xp_reward
        annotated = getattr(self, "xp_from_exercises", None)
        if annotated is not None:
            return annotated
        return sum(link.exercise.xp for link in self.lesson_exercises.all())


def _course_id(obj) -> int | None:
    """The course an unsaved or saved unit/lesson belongs to (None when its parent is not chosen yet)."""
    if isinstance(obj, Unit):
        return obj.section.course_id if obj.section_id else None
    if isinstance(obj, Lesson) and obj.unit_id:
        return obj.unit.section.course_id
    return None


def _validate_key_unique_in_course(obj, siblings) -> None:
    # The database holds (parent, key) unique; a course file needs the key unique in the whole course.
    if _course_id(obj) is None or not obj.key:
        return
    if siblings.filter(key=obj.key).exclude(pk=obj.pk).exists():
        raise ValidationError(
            {"key": f"Another {obj._meta.verbose_name} of this course already uses the key {obj.key!r}."}
        )


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

    def clean(self) -> None:
        # Same course and no cycle: rules across rows, so checked here and in courses.services.
        super().clean()
        if self.lesson_id and self.requires_id:
            from courses.prerequisites import prerequisite_errors

            errors = prerequisite_errors(lesson=self.lesson, requires=self.requires, exclude_pk=self.pk)
            if errors:
                raise ValidationError({"requires": errors})


class ContentRevision(models.Model):
    """A counter that database triggers bump on every write to a content table (courses and exercises).

    Caches of learner-facing content (the course tree, lessons to play) are keyed by it, so an edit made
    anywhere — admin, import, API, QuerySet.update() or raw SQL — is visible on the next request.
    """

    revision = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(id=1), name="content_revision_singleton")]
        default_permissions = ()  # internal: no one edits it, not even content editors

    def __str__(self) -> str:
        return f"content revision {self.revision}"
