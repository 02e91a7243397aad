"""The authoring console for lessons (their exercises and prerequisites), exercises, options, types and audio."""

from __future__ import annotations

import json

from adminsortable2.admin import SortableAdminBase, SortableTabularInline
from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from audit.admin_mixins import AuditedModelAdmin
from courses.admin_forms import OrderedInlineFormSet
from courses.models import Lesson, LessonPrerequisite
from exercises.api.serializers import lesson_play_data
from exercises.models import AudioFile, Exercise, ExerciseOption, ExerciseType, LessonExercise
from exercises.validation import exercise_content_errors

TIMESTAMPS = ("created_at", "updated_at")

CONTENT_HELP = """
<b>translate</b> content {"source_text": "The boy eats an apple."}, answers ["El niño come una manzana", ...]<br>
<b>listen</b> needs an audio file; content {} or {"slow_audio": true}; answers = accepted transcriptions<br>
<b>speak</b> content {"phrase": "Buenos días"}; answers = accepted transcripts<br>
<b>fill_blank</b> content {"text": "Yo ___ agua."} (one ___ per blank); answers a list per blank [["bebo", "tomo"]]<br>
<b>multiple_choice</b> content {}; answers []; at least 2 options below, at least one correct<br>
<b>match_pairs</b> content {"pairs": [["el perro", "the dog"], ["el gato", "the cat"]]}; answers []<br>
<b>sort_words</b> content {"tiles": ["Yo", "bebo", "agua", "leche"]}; answers ["Yo bebo agua"] (words among the tiles)
"""


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
class LessonAdmin(SortableAdminBase, AuditedModelAdmin):
    list_display = ["title", "unit", "course", "position", "xp_reward", "estimated_minutes", "preview_link"]
    list_filter = ["unit__section__course", "unit__section", "unit"]
    search_fields = ["title", "key", "unit__title", "unit__section__course__title"]
    autocomplete_fields = ["unit"]
    list_select_related = ["unit__section__course"]
    readonly_fields = [*TIMESTAMPS, "preview_link"]
    inlines = [LessonExerciseInline, LessonPrerequisiteInline]

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
        """The lesson exactly as GET /api/v1/lessons/{id}/ returns it (published or not)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        lesson = Lesson.objects.select_related("unit__section__course").filter(pk=lesson_id).first()
        if lesson is None:
            raise Http404("No such lesson.")
        quality = request.GET.get("audio_quality", "medium")
        if quality not in AudioFile.Quality.values:
            quality = "medium"
        payload = lesson_play_data(lesson, audio_quality=quality)
        return TemplateResponse(
            request,
            "admin/exercises/lesson/preview.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "original": lesson,
                "title": f"Preview: {lesson}",
                "payload": json.dumps(payload, indent=2, ensure_ascii=False),
                "api_url": reverse("v1:lesson-detail", args=[lesson.pk]),
                "audio_quality": quality,
                "qualities": AudioFile.Quality.values,
            },
        )


# --- exercises -------------------------------------------------------------------------------------


class ExerciseOptionFormSet(OrderedInlineFormSet):
    """Validates the exercise as a whole once its options are known (multiple choice: ≥2, ≥1 correct)."""

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
    verbose_name_plural = "options (multiple choice only; drag to reorder)"


class UsedInLessonsInline(admin.TabularInline):
    model = LessonExercise
    fields = ["lesson", "position", "is_required"]
    autocomplete_fields = ["lesson"]
    extra = 0
    verbose_name = "use in a lesson"
    verbose_name_plural = "used in lessons"


@admin.register(Exercise)
class ExerciseAdmin(SortableAdminBase, AuditedModelAdmin):
    list_display = ["id", "key", "type", "short_prompt", "difficulty", "xp", "audio"]
    list_filter = ["type", "difficulty", "lesson_links__lesson__unit__section__course"]
    search_fields = ["prompt", "key", "lesson_links__lesson__title"]
    autocomplete_fields = ["type", "audio"]
    list_select_related = ["type", "audio"]
    readonly_fields = TIMESTAMPS
    inlines = [ExerciseOptionInline, UsedInLessonsInline]
    fieldsets = [
        (None, {"fields": ["type", "key", "prompt", "difficulty", "time_limit_seconds", "xp_override", "audio"]}),
        ("Content and answers", {"fields": ["content", "answers", "hints"], "description": CONTENT_HELP}),
        ("History", {"fields": TIMESTAMPS, "classes": ["collapse"]}),
    ]

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        return queryset, True if search_term else may_have_duplicates

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
class AudioFileAdmin(AuditedModelAdmin):
    list_display = ["transcript", "key", "language", "speaker", "duration_ms", "qualities"]
    list_filter = ["language", "speaker"]
    search_fields = ["transcript", "key", "speaker"]
    autocomplete_fields = ["language"]
    list_select_related = ["language"]
    readonly_fields = TIMESTAMPS

    @admin.display(description="Qualities")
    def qualities(self, audio):
        return ", ".join(quality for quality in AudioFile.QUALITY_PREFERENCE[::-1] if audio.source_for(quality)) or "-"
