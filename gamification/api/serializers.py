"""Serializers of gamification reference data served by the catalog."""

from rest_framework import serializers

from gamification.models import Achievement


class AchievementSerializer(serializers.ModelSerializer):
    class Meta:
        model = Achievement
        fields = ["id", "code", "name", "description", "kind", "threshold", "xp_reward", "icon"]
