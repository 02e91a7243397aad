from rest_framework import serializers

from audit.models import UserActivityLog


class ActivitySerializer(serializers.ModelSerializer):
    class Meta:
        model = UserActivityLog
        fields = ["id", "action", "created_at", "ip", "user_agent", "metadata"]
        read_only_fields = fields
