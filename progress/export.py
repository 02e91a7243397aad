"""The progress app's sections of the learner's data export (me/export/)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.export import ExportSection
from progress.models import (
    LessonSession,
    MemoryState,
    PracticeSessionItem,
    UserExerciseInteraction,
    UserLessonProgress,
)
from progress.selectors import completion_percent, enrollment_list_counted


class EnrollmentExportSerializer(serializers.Serializer):
    """An enrollment from progress.selectors.enrollment_list_counted (its completion counts annotated)."""

    course = serializers.IntegerField(source="course_id")
    course_title = serializers.CharField(source="course.title")
    xp = serializers.IntegerField()
    completion_percent = serializers.SerializerMethodField()
    enrolled_at = serializers.DateTimeField()
    last_activity_at = serializers.DateTimeField(allow_null=True)

    def get_completion_percent(self, enrollment) -> float:
        return completion_percent(enrollment.completed_lessons, enrollment.live_lessons)


class LessonProgressExportSerializer(serializers.Serializer):
    lesson = serializers.IntegerField(source="lesson_id")
    status = serializers.ChoiceField(choices=UserLessonProgress.Status.choices)
    attempts = serializers.IntegerField()
    completions = serializers.IntegerField()
    best_score = serializers.IntegerField(allow_null=True)
    last_score = serializers.IntegerField(allow_null=True)
    first_completed_at = serializers.DateTimeField(allow_null=True)
    last_completed_at = serializers.DateTimeField(allow_null=True)
    time_spent_seconds = serializers.IntegerField()


class LessonSessionExportSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=LessonSession.Kind.choices)
    lesson = serializers.IntegerField(source="lesson_id", allow_null=True)
    course = serializers.IntegerField(source="course_id")
    status = serializers.ChoiceField(choices=LessonSession.Status.choices)
    mistakes = serializers.IntegerField()
    hearts_lost = serializers.IntegerField()
    lesson_xp_awarded = serializers.IntegerField(source="xp_awarded")
    score = serializers.IntegerField(allow_null=True)
    started_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)


@extend_schema_field(
    {"type": "object", "description": "The answer as the learner sent it (its exercise type's shape)."}
)
class StoredAnswerField(serializers.JSONField):
    pass


class InteractionExportSerializer(serializers.Serializer):
    session = serializers.IntegerField(source="session_id")
    exercise = serializers.IntegerField(source="exercise_id")
    answer = StoredAnswerField()
    is_correct = serializers.BooleanField()
    feedback = serializers.CharField()
    time_ms = serializers.IntegerField(allow_null=True)
    hints_used = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    answered_at = serializers.DateTimeField(allow_null=True, help_text="Played offline: the client's time of it.")


class PracticeItemExportSerializer(serializers.Serializer):
    session = serializers.IntegerField(source="session_id")
    exercise = serializers.IntegerField(source="exercise_id")
    position = serializers.IntegerField()


class MemoryStateExportSerializer(serializers.Serializer):
    exercise = serializers.IntegerField(source="exercise_id")
    course = serializers.IntegerField(source="course_id")
    stability = serializers.FloatField()
    difficulty = serializers.FloatField()
    due = serializers.DateTimeField()
    last_review = serializers.DateTimeField()
    state = serializers.IntegerField()
    reps = serializers.IntegerField()
    lapses = serializers.IntegerField()
    last_first_try_correct = serializers.BooleanField()
    retention = serializers.FloatField()


SECTIONS = {
    "enrollments": ExportSection(
        rows=lambda user: enrollment_list_counted(user=user).order_by("enrolled_at", "id"),
        serializer=EnrollmentExportSerializer,
    ),
    "lesson_progress": ExportSection(
        rows=lambda user: UserLessonProgress.objects.filter(user=user).order_by("lesson_id"),
        serializer=LessonProgressExportSerializer,
    ),
    "lesson_sessions": ExportSection(
        rows=lambda user: LessonSession.objects.filter(user=user).order_by("started_at", "id"),
        serializer=LessonSessionExportSerializer,
    ),
    "practice_session_items": ExportSection(
        rows=lambda user: PracticeSessionItem.objects.filter(session__user=user).order_by("session_id", "position"),
        serializer=PracticeItemExportSerializer,
    ),
    "memory_states": ExportSection(
        rows=lambda user: MemoryState.objects.filter(user=user).order_by("exercise_id"),
        serializer=MemoryStateExportSerializer,
    ),
    "exercise_interactions": ExportSection(
        rows=lambda user: UserExerciseInteraction.objects.filter(user=user).order_by("created_at", "id"),
        serializer=InteractionExportSerializer,
    ),
}
