"""Enrollment serializers: input (course id) and output (course summary, XP, completion)."""

from rest_framework import serializers

from courses.models import Course
from progress.models import UserCourse


class EnrollmentCreateSerializer(serializers.Serializer):
    course = serializers.PrimaryKeyRelatedField(queryset=Course.objects.filter(is_published=True))


class EnrollmentCourseSerializer(serializers.ModelSerializer):
    from_language = serializers.CharField(source="from_language.code")
    to_language = serializers.CharField(source="to_language.code")

    class Meta:
        model = Course
        fields = ["id", "title", "from_language", "to_language"]


class EnrollmentSerializer(serializers.ModelSerializer):
    course = EnrollmentCourseSerializer()
    current_lesson = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = UserCourse
        fields = ["id", "course", "xp", "completion_percent", "current_lesson", "enrolled_at", "last_activity_at"]


class EnrollmentDetailSerializer(EnrollmentSerializer):
    lessons = serializers.SerializerMethodField()

    class Meta(EnrollmentSerializer.Meta):
        fields = [*EnrollmentSerializer.Meta.fields, "lessons"]

    def get_lessons(self, enrollment) -> dict[str, str]:
        """Each lesson's status for the learner: locked, available or completed."""
        return {str(lesson_id): status for lesson_id, status in (self.context.get("lesson_statuses") or {}).items()}
