"""The learner's activity log as `me/activity/` gives it."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from audit.models import UserActivityLog


@extend_schema_field(
    {
        "type": "object",
        "description": "What the action concerns, by id: e.g. {course} for enroll, {lesson, session} for "
        "lesson_start, {lesson, session, xp, score} for lesson_complete, {achievement, xp} for achievement_unlock, "
        "{fields} for profile_change.",
    }
)
class ActivityMetadataField(serializers.JSONField):
    pass


class ActivitySerializer(serializers.ModelSerializer):
    metadata = ActivityMetadataField(read_only=True)

    class Meta:
        model = UserActivityLog
        fields = ["id", "action", "created_at", "ip", "user_agent", "metadata"]
        read_only_fields = fields
