"""Enrollment and practice-overview serializers: input (course id) and output (course summary, XP, completion,
availability, unit strength; what is due and the weakest items)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from courses.models import Course
from progress.models import UserCourse
from progress.selectors import LESSON_STATUSES, completion_percent, course_unavailable_reason


class EnrollmentCreateSerializer(serializers.Serializer):
    course = serializers.PrimaryKeyRelatedField(queryset=Course.objects.live().filter(is_published=True))


class EnrollmentCourseSerializer(serializers.ModelSerializer):
    from_language = serializers.CharField(source="from_language.code")
    to_language = serializers.CharField(source="to_language.code")
    is_available = serializers.SerializerMethodField(help_text="False when the course is unpublished or archived.")
    unavailable_reason = serializers.SerializerMethodField(
        help_text="Why no new lesson can be started: unpublished or archived (history stays readable)."
    )

    class Meta:
        model = Course
        fields = ["id", "title", "from_language", "to_language", "is_available", "unavailable_reason"]

    def get_is_available(self, course) -> bool:
        return course_unavailable_reason(course) is None

    def get_unavailable_reason(self, course) -> str | None:
        return course_unavailable_reason(course)


class EnrollmentSerializer(serializers.ModelSerializer):
    """Reads `live_lessons`, `completed_lessons` and `current_lesson_id` (progress.selectors.enrollments_progress)."""

    course = EnrollmentCourseSerializer()
    completion_percent = serializers.SerializerMethodField(
        help_text="Completed live lessons over live lessons, in percent with one decimal "
        "(archived lessons count neither way)."
    )
    current_lesson = serializers.IntegerField(
        source="current_lesson_id",
        allow_null=True,
        help_text="The next lesson to play: the first lesson in course order the learner can play and has not "
        "completed. Null when every lesson is completed (or locked), and in an unavailable course.",
    )

    class Meta:
        model = UserCourse
        fields = ["id", "course", "xp", "completion_percent", "current_lesson", "enrolled_at", "last_activity_at"]

    def get_completion_percent(self, enrollment) -> float:
        return completion_percent(enrollment.completed_lessons, enrollment.live_lessons)


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": {"type": "string", "enum": LESSON_STATUSES},
        "description": "Each lesson's status for the learner, keyed by lesson id, in course order: locked, "
        "available, completed; archived lessons (after the live ones) only where the learner has history.",
    }
)
class LessonStatusesField(serializers.DictField):
    child = serializers.CharField()

    def to_representation(self, value):
        return {str(lesson_id): status for lesson_id, status in value.items()}


class UnitStrengthSerializer(serializers.Serializer):
    """progress.selectors.UnitStrength."""

    unit = serializers.IntegerField(source="unit_id")
    title = serializers.CharField()
    items = serializers.IntegerField(help_text="Exercises of the unit the learner has a memory of.")
    strength = serializers.FloatField(
        allow_null=True,
        help_text="Mean predicted recall of those exercises now, 0 to 1 (it fades with time); null before any.",
    )


class EnrollmentDetailSerializer(EnrollmentSerializer):
    """An enrollment with each lesson's status (progress.selectors.enrollments_progress) and each live unit's
    strength (`unit_strength`, progress.selectors.unit_strengths)."""

    lessons = LessonStatusesField(source="lesson_statuses")
    units = UnitStrengthSerializer(
        source="unit_strength", many=True, help_text="Each live unit in course order, with its strength."
    )

    class Meta(EnrollmentSerializer.Meta):
        fields = [*EnrollmentSerializer.Meta.fields, "lessons", "units"]


class PracticeCourseSerializer(serializers.Serializer):
    course = serializers.IntegerField(source="course.pk")
    title = serializers.CharField(source="course.title")
    units = UnitStrengthSerializer(many=True)


class WeakItemSerializer(serializers.Serializer):
    """progress.selectors.WeakItem: an exercise to practise (no answer in it)."""

    exercise = serializers.IntegerField(source="exercise_id")
    course = serializers.IntegerField(source="course_id")
    type = serializers.CharField(source="type_code")
    prompt = serializers.CharField()
    recall = serializers.FloatField(help_text="Predicted recall now, 0 to 1.")
    due_at = serializers.DateTimeField(source="due")


class PracticeOverviewSerializer(serializers.Serializer):
    """progress.selectors.PracticeOverview."""

    due_now = serializers.IntegerField(help_text="Exercises of completed lessons due for review now.")
    due_within_24h = serializers.IntegerField(help_text="Due now or within the next 24 hours.")
    next_due_at = serializers.DateTimeField(
        allow_null=True, help_text="When the next exercise not yet due comes due; null when none."
    )
    courses = PracticeCourseSerializer(many=True, help_text="Each enrolled course's units with their strength.")
    weakest = WeakItemSerializer(many=True, help_text="The weakest items (lowest predicted recall), weakest first.")
