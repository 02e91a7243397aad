"""The authoring console for lessons (their exercises and prerequisites), exercises, options, types and audio.

Content writes go through the services (courses.admin_content.ContentAdmin); exercise types are reference data
with their own audited admin.
"""

from __future__ import annotations

import re
from typing import ClassVar
from urllib.parse import urlencode

from adminsortable2.admin import SortableAdminBase, SortableTabularInline
from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from audit.admin_mixins import AuditedModelAdmin
from courses import services as course_services
from courses.admin_content import ARCHIVED_FILTER, ContentAdmin, admin_context
from courses.admin_forms import OrderedInlineFormSet
from courses.content import NO_HISTORY, Removal
from courses.models import Lesson, LessonPrerequisite
from exercises.api.serializers import lesson_play_data
from exercises.kinds import UnknownKind, all_kinds, kind_for
from exercises.kinds.base import ExerciseKind
from exercises.kinds.widgets import TextListField
from exercises.models import AudioFile, Exercise, ExerciseOption, ExerciseType, LessonExercise
from exercises.services import lesson_exercise_add
from exercises.validation import exercise_content_errors

TIMESTAMPS = ("created_at", "updated_at")
ARCHIVE_FIELDS = ("archived_at", *TIMESTAMPS)

# --- lessons -------------------------------------------------------------------------------------


class PrerequisiteInlineFormSet(forms.BaseInlineFormSet):
    """Checks a new lesson's prerequisites too: row validation needs a saved lesson to look at the graph."""

    def clean(self):
        super().clean()
        lesson = self.instance
        if lesson.pk is not None or lesson.unit_id is None:
            return
        course_id = lesson.unit.section.course_id
        for form in self.forms:
            requires = form.cleaned_data.get("requires") if form.cleaned_data else None
            if requires is None or form.cleaned_data.get("DELETE"):
                continue
            if requires.unit.section.course_id != course_id:
                form.add_error(
                    "requires", f"“{requires}” belongs to another course; a prerequisite must be in the same course."
                )


class LessonPrerequisiteInline(admin.TabularInline):
    model = LessonPrerequisite
    fk_name = "lesson"
    formset = PrerequisiteInlineFormSet
    autocomplete_fields = ["requires"]
    extra = 0
    verbose_name = "prerequisite"
    verbose_name_plural = "prerequisites (lessons to complete first)"


class LessonExerciseInline(SortableTabularInline):
    model = LessonExercise
    formset = OrderedInlineFormSet
    ordering = ["position"]
    fields = ["exercise", "exercise_link", "is_required"]
    readonly_fields = ["exercise_link"]
    autocomplete_fields = ["exercise"]
    extra = 0
    verbose_name = "exercise"
    verbose_name_plural = "exercises (drag to reorder)"

    @admin.display(description="Edit")
    def exercise_link(self, link):
        if link.exercise_id is None:
            return "-"
        url = reverse("admin:exercises_exercise_change", args=[link.exercise_id])
        return format_html('<a href="{}">Edit exercise {}</a>', url, link.exercise_id)


@admin.register(Lesson)
class LessonAdmin(SortableAdminBase, ContentAdmin):
    list_display = [
        "title",
        "unit",
        "course",
        "position",
        "xp_reward",
        "estimated_minutes",
        "archived_at",
        "preview_link",
    ]
    list_filter = [ARCHIVED_FILTER, "unit__section__course", "unit__section", "unit"]
    search_fields = ["title", "key", "unit__title", "unit__section__course__title"]
    autocomplete_fields = ["unit"]
    list_select_related = ["unit__section__course"]
    readonly_fields = [*ARCHIVE_FIELDS, "preview_link", "add_exercise_links"]
    inlines = [LessonExerciseInline, LessonPrerequisiteInline]

    # Prerequisites go through their services: the course is locked and the graph checked for cycles.
    def content_create(self, obj, *, by):
        if isinstance(obj, LessonPrerequisite):
            return course_services.lesson_prerequisite_add(lesson=obj.lesson, requires=obj.requires, by=by)
        return super().content_create(obj, by=by)

    def content_update(self, obj, fields, *, by, before=None):
        if isinstance(obj, LessonPrerequisite):
            course_services.lesson_prerequisite_update(link=obj, requires=fields.get("requires", obj.requires), by=by)
            return
        super().content_update(obj, fields, by=by, before=before)

    def content_remove(self, obj, *, by, before=None):
        if isinstance(obj, LessonPrerequisite):
            target = str(obj)
            course_services.lesson_prerequisite_remove(link=obj, by=by)
            return Removal(archived=False, history=NO_HISTORY, target=target)
        return super().content_remove(obj, by=by, before=before)

    @admin.display(description="Course", ordering="unit__section__course__title")
    def course(self, lesson):
        return lesson.unit.section.course

    @admin.display(description="Preview")
    def preview_link(self, lesson):
        if lesson.pk is None:
            return "-"
        url = reverse("admin:exercises_lesson_preview", args=[lesson.pk])
        return format_html('<a href="{}">Preview as a learner</a>', url)

    def get_urls(self):
        preview = path(
            "<int:lesson_id>/preview/",
            self.admin_site.admin_view(self.preview_view),
            name="exercises_lesson_preview",
        )
        return [preview, *super().get_urls()]

    def preview_view(self, request, lesson_id: int):
        """The lesson as a learner sees it, drawn from what GET /api/v1/lessons/{id}/ returns (published or not)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        lesson = Lesson.objects.select_related("unit__section__course").filter(pk=lesson_id).first()
        if lesson is None:
            raise Http404("No such lesson.")
        quality = request.GET.get("audio_quality", "medium")
        if quality not in AudioFile.Quality.values:
            quality = "medium"
        payload = lesson_play_data(lesson, audio_quality=quality)
        exercises = [
            {"exercise": exercise, "template": kind_for(exercise["type"]).preview_template}
            for exercise in payload["exercises"]
        ]
        return TemplateResponse(
            request,
            "admin/exercises/lesson/preview.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "original": lesson,
                "title": f"Preview: {lesson}",
                "lesson": payload,
                "exercises": exercises,
                "api_url": reverse("v1:lesson-detail", args=[lesson.pk]),
                "audio_quality": quality,
                "qualities": AudioFile.Quality.values,
            },
        )

    @admin.display(description="Add exercises")
    def add_exercise_links(self, lesson):
        if lesson.pk is None:
            return "Save the lesson first."
        url = reverse("admin:exercises_exercise_add")
        return format_html_join(
            " ",
            '<a class="addlink" href="{}?{}">{}</a>',
            ((url, urlencode({"kind": kind.code, "lesson": lesson.pk}), kind.label) for kind in all_kinds()),
        )


# --- exercises -------------------------------------------------------------------------------------


class ExerciseForm(forms.ModelForm):
    """The exercise form: the fields every exercise has. get_form mixes in its kind's fields (kind.admin_form),
    which show the content and answers without JSON and turn them back into content and answers on clean."""

    kind: ClassVar[ExerciseKind]
    exercise_type: ClassVar[ExerciseType | None] = None

    hints = TextListField(label="Hints", item_label="hint", help_text="Shown to learners who ask for help.")

    class Meta:
        model = Exercise
        fields = ["key", "prompt", "difficulty", "time_limit_seconds", "xp_override", "audio", "hints"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        exercise = self.instance
        if exercise.type_id is None and self.exercise_type is not None:
            exercise.type = self.exercise_type
        content = exercise.content if isinstance(exercise.content, dict) else {}
        answers = exercise.answers if isinstance(exercise.answers, list) else []
        for name, value in self.kind.admin_form.initial_from(content, answers).items():
            self.initial.setdefault(name, value)

    def clean(self):
        cleaned = super().clean()
        content, answers = self.kind.admin_form.content_from(cleaned)
        self.instance.content, self.instance.answers = content, answers
        errors = self.kind.content_errors(content, answers, options=None, has_audio=cleaned.get("audio") is not None)
        for error_path, messages in errors.items():
            field = error_path if error_path in self.fields else self.kind.admin_form.field_for(error_path)
            for message in messages:
                self.add_error(field if field in self.fields else None, _at_row(error_path, message))
        return cleaned


def _at_row(path: str, message: str) -> str:
    """A message about one item of a list says which (answers[1] → "Row 2: ...")."""
    match = re.search(r"\[(\d+)\]", path)
    return f"Row {int(match.group(1)) + 1}: {message}" if match else message


class ExerciseOptionFormSet(OrderedInlineFormSet):
    """Validates the exercise as a whole once its options are known (multiple choice: ≥2, ≥1 correct)."""

    def validate_unique(self):
        # New rows the editor filled in without dragging them have no position yet: adminsortable2 gives each
        # the next free one when it is saved, so they are not duplicates of each other.
        for form in self.extra_forms:
            if form.cleaned_data and (form.cleaned_data.get(self.default_order_field) or 0) <= 0:
                form.cleaned_data[self.default_order_field] = None
        super().validate_unique()

    def clean(self):
        super().clean()
        exercise = self.instance
        if exercise.type_id is None:
            return
        deleted = {id(form) for form in self.deleted_forms} if self.can_delete else set()
        options = [
            {"text": form.cleaned_data.get("text", ""), "is_correct": form.cleaned_data.get("is_correct", False)}
            for form in self.forms
            if form.cleaned_data and id(form) not in deleted
        ]
        errors = exercise_content_errors(
            exercise.type.code,
            exercise.content,
            exercise.answers,
            options=options,
            has_audio=exercise.audio_id is not None,
        )
        option_errors = [
            message for key, messages in errors.items() if key.startswith("options") for message in messages
        ]
        if option_errors:
            raise ValidationError(option_errors)


class ExerciseOptionInline(SortableTabularInline):
    model = ExerciseOption
    formset = ExerciseOptionFormSet
    ordering = ["position"]
    fields = ["text", "is_correct"]
    extra = 0
    verbose_name_plural = "options (drag to reorder; learners see them shuffled)"

    def get_extra(self, request, obj=None, **kwargs):
        return 3 if obj is None else 0  # a new exercise starts with rows to fill


class UsedInLessonsInline(admin.TabularInline):
    model = LessonExercise
    fields = ["lesson", "position", "is_required"]
    autocomplete_fields = ["lesson"]
    extra = 0
    verbose_name = "use in a lesson"
    verbose_name_plural = "used in lessons"


@admin.register(Exercise)
class ExerciseAdmin(SortableAdminBase, ContentAdmin):
    """Exercises are edited with their kind's fields: "add" first asks for the type (?kind=<code>), and
    ?lesson=<id> puts the new exercise at the end of that lesson."""

    form = ExerciseForm
    list_display = ["id", "key", "type", "short_prompt", "difficulty", "xp", "audio", "archived_at"]
    list_filter = ["type", ARCHIVED_FILTER, "difficulty", "lesson_links__lesson__unit__section__course"]
    search_fields = ["prompt", "key", "lesson_links__lesson__title"]
    autocomplete_fields = ["audio"]
    list_select_related = ["type", "audio"]
    readonly_fields = [*ARCHIVE_FIELDS, "kind_label"]

    def _kind(self, request, obj=None) -> ExerciseKind | None:
        code = obj.type.code if obj is not None and obj.type_id else request.GET.get("kind")
        try:
            return kind_for(code)
        except UnknownKind:
            return None

    def get_fieldsets(self, request, obj=None):
        kind = self._kind(request, obj)
        kind_fields = list(kind.admin_form.base_fields) if kind else []
        return [
            (
                None,
                {"fields": ["kind_label", "key", "prompt", "difficulty", "time_limit_seconds", "xp_override", "audio"]},
            ),
            (
                f"{kind.label if kind else 'Content'}: what the learner sees and the accepted answers",
                {"fields": kind_fields},
            ),
            (
                "Image",
                {
                    "fields": ["image", "image_url", "image_alt"],
                    "description": "Upload a picture or give its URL (an upload wins); either needs alt text.",
                },
            ),
            ("Hints", {"fields": ["hints"]}),
            ("History", {"fields": ARCHIVE_FIELDS, "classes": ["collapse"]}),
        ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        kind = self._kind(request, obj)
        if kind is None:
            raise Http404("Choose the exercise's type first.")
        exercise_type = obj.type if obj is not None else ExerciseType.objects.filter(code=kind.code).first()
        form = type(
            f"{type(kind).__name__}ExerciseForm",
            (kind.admin_form, ExerciseForm),
            {"kind": kind, "exercise_type": exercise_type, "__module__": __name__},
        )
        return super().get_form(request, obj, change=change, form=form, **kwargs)

    def get_inlines(self, request, obj):
        kind = self._kind(request, obj)
        return [ExerciseOptionInline, UsedInLessonsInline] if kind and kind.uses_options else [UsedInLessonsInline]

    def add_view(self, request, form_url="", extra_context=None):
        if self._kind(request) is None:
            return self.kind_chooser_view(request)
        return super().add_view(request, form_url, extra_context)

    def kind_chooser_view(self, request):
        """Step one of adding an exercise: its type (each type has its own form)."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        available = {row.code: row for row in ExerciseType.objects.filter(is_active=True)}
        lesson = request.GET.get("lesson", "")
        choices = [
            {
                "kind": kind,
                "type": available[kind.code],
                "url": "?" + urlencode({"kind": kind.code, **({"lesson": lesson} if lesson else {})}),
            }
            for kind in all_kinds()
            if kind.code in available
        ]
        return TemplateResponse(
            request,
            "admin/exercises/exercise/choose_kind.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": "Add exercise: choose its type",
                "choices": choices,
            },
        )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        lesson = self._target_lesson(request)
        if not change and lesson is not None and not lesson.lesson_exercises.filter(exercise=form.instance).exists():
            lesson_exercise_add(lesson=lesson, exercise=form.instance, by=admin_context(request))

    def response_add(self, request, obj, post_url_continue=None):
        lesson = self._target_lesson(request)
        if lesson is not None and "_continue" not in request.POST and "_addanother" not in request.POST:
            self.message_user(request, f"The exercise “{obj}” was added at the end of the lesson “{lesson}”.")
            return HttpResponseRedirect(reverse("admin:courses_lesson_change", args=[lesson.pk]))
        return super().response_add(request, obj, post_url_continue)

    def _target_lesson(self, request) -> Lesson | None:
        lesson_id = request.GET.get("lesson", "")
        return Lesson.objects.filter(pk=int(lesson_id)).first() if lesson_id.isdigit() else None

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        return queryset, True if search_term else may_have_duplicates

    @admin.display(description="Type")
    def kind_label(self, exercise):
        return exercise.type.name if exercise is not None and exercise.type_id else "-"

    @admin.display(description="Prompt")
    def short_prompt(self, exercise):
        return exercise.prompt[:60]

    @admin.display(description="XP")
    def xp(self, exercise):
        return exercise.xp


@admin.register(ExerciseType)
class ExerciseTypeAdmin(AuditedModelAdmin):
    list_display = ["code", "name", "default_xp", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["code", "name"]
    readonly_fields = TIMESTAMPS


@admin.register(AudioFile)
class AudioFileAdmin(ContentAdmin):
    list_display = ["transcript", "key", "language", "speaker", "duration_ms", "qualities"]
    list_filter = ["language", "speaker"]
    search_fields = ["transcript", "key", "speaker"]
    autocomplete_fields = ["language"]
    list_select_related = ["language"]
    readonly_fields = TIMESTAMPS

    @admin.display(description="Qualities")
    def qualities(self, audio):
        return ", ".join(quality for quality in AudioFile.QUALITY_PREFERENCE[::-1] if audio.source_for(quality)) or "-"
