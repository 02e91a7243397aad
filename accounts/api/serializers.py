from rest_framework import serializers

from accounts.models import User


class ProfileSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "email", "display_name", "avatar", "timezone", "daily_xp_goal", "created_at", "updated_at"]
        read_only_fields = ["id", "email", "created_at", "updated_at"]
