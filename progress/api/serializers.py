"""Enrollment serializers: input (course id) and output (course summary, XP, completion, availability)."""

from rest_framework import serializers

from courses.models import Course
from progress.models import UserCourse
from progress.selectors import completion_percent, course_unavailable_reason


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
    """Reads `live_lessons` and `completed_lessons`, annotated by progress.selectors.enrollment_list."""

    course = EnrollmentCourseSerializer()
    current_lesson = serializers.PrimaryKeyRelatedField(read_only=True)
    completion_percent = serializers.SerializerMethodField(
        help_text="Completed live lessons over live lessons, in percent with one decimal "
        "(archived lessons count neither way)."
    )

    class Meta:
        model = UserCourse
        fields = ["id", "course", "xp", "completion_percent", "current_lesson", "enrolled_at", "last_activity_at"]

    def get_completion_percent(self, enrollment) -> float:
        return completion_percent(enrollment.completed_lessons, enrollment.live_lessons)


class EnrollmentDetailSerializer(EnrollmentSerializer):
    lessons = serializers.SerializerMethodField()
    next_lesson = serializers.SerializerMethodField(
        help_text="The first lesson in course order the learner can play and has not completed (null when none)."
    )

    class Meta(EnrollmentSerializer.Meta):
        fields = [*EnrollmentSerializer.Meta.fields, "lessons", "next_lesson"]

    def get_lessons(self, enrollment) -> dict[str, str]:
        """Each lesson's status for the learner: locked, available, completed, or archived (archived lessons only
        where the learner has history)."""
        return {str(lesson_id): status for lesson_id, status in (self.context.get("lesson_statuses") or {}).items()}

    def get_next_lesson(self, enrollment) -> int | None:
        return self.context.get("next_lesson")
