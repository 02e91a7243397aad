"""Serializers of the learning engine's API: sessions, answers, completion, stats, history, badges."""

import json

from rest_framework import serializers

from gamification.models import Achievement
from progress.models import LessonSession


class LessonSessionSerializer(serializers.ModelSerializer):
    class Meta:
        model = LessonSession
        fields = [
            "id",
            "lesson",
            "course",
            "status",
            "lesson_xp",
            "mistakes",
            "hearts_lost",
            "xp_awarded",
            "score",
            "is_perfect",
            "started_at",
            "last_activity_at",
            "finished_at",
        ]


MAX_ANSWER_BYTES = 10_000


class AnswerInputSerializer(serializers.Serializer):
    exercise = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    answer = serializers.JSONField()
    time_ms = serializers.IntegerField(min_value=0, max_value=24 * 60 * 60 * 1000, required=False, allow_null=True)
    hints_used = serializers.IntegerField(min_value=0, max_value=100, required=False, default=0)

    def validate_answer(self, value):
        # Stored as given (JSON): bounded in size, and without NUL characters, which PostgreSQL's jsonb refuses.
        encoded = json.dumps(value)
        if len(encoded) > MAX_ANSWER_BYTES:
            raise serializers.ValidationError(f"The answer is longer than {MAX_ANSWER_BYTES} characters.")
        if "\\u0000" in encoded:
            raise serializers.ValidationError("The answer contains a NUL character.")
        return value


class SessionStartQuerySerializer(serializers.Serializer):
    audio_quality = serializers.ChoiceField(choices=["low", "medium", "high"], required=False, default="medium")


class XpHistoryQuerySerializer(serializers.Serializer):
    days = serializers.IntegerField(min_value=1, max_value=365, required=False, default=30)


class LearnerAchievementSerializer(serializers.Serializer):
    code = serializers.CharField(source="achievement.code")
    name = serializers.CharField(source="achievement.name")
    description = serializers.CharField(source="achievement.description")
    kind = serializers.ChoiceField(source="achievement.kind", choices=Achievement.Kind.choices)
    threshold = serializers.IntegerField(source="achievement.threshold")
    xp_reward = serializers.IntegerField(source="achievement.xp_reward")
    icon = serializers.CharField(source="achievement.icon")
    progress = serializers.IntegerField()
    unlocked = serializers.SerializerMethodField()
    unlocked_at = serializers.DateTimeField(allow_null=True)

    def get_unlocked(self, item) -> bool:
        return item.unlocked_at is not None
