"""Serializers of the learning engine's API: sessions, answers, completion, stats, history, badges."""

import json

from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from exercises.api.serializers import AnswerField, GradeFeedbackSerializer, PlayExerciseSerializer, RevealField
from gamification.api.engagement_serializers import QuestSerializer
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
    # The object's shape depends on the exercise's type; it is checked against that type at answer time.
    answer = AnswerField()
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


# --- Response bodies: each written by its serializer, from the models and dataclasses the services return.


class HeartsSerializer(serializers.Serializer):
    """rules.Hearts as a learner sees them."""

    count = serializers.IntegerField()
    max = serializers.SerializerMethodField(help_text="HEARTS_MAX.")
    next_heart_at = serializers.DateTimeField(allow_null=True, help_text="When one more comes back; null when full.")

    def get_max(self, hearts) -> int:
        return settings.HEARTS_MAX


@extend_schema_field(PlayExerciseSerializer(many=True))
class SessionExercisesField(serializers.Field):
    """The session's exercises (LessonExercise rows), in the order this session shows options and tiles."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, source="*", **kwargs)

    def to_representation(self, session):
        links = self.context["exercises"]
        if links is None:
            return None
        context = {"audio_quality": self.context.get("audio_quality", "medium"), "session_id": session.pk}
        return PlayExerciseSerializer(links, many=True, context=context).data


class SessionStartSerializer(LessonSessionSerializer):
    """A session just started: context `hearts` (rules.Hearts) and `exercises` (its LessonExercise rows)."""

    hearts = serializers.SerializerMethodField()
    exercises = SessionExercisesField()

    class Meta(LessonSessionSerializer.Meta):
        fields = [*LessonSessionSerializer.Meta.fields, "hearts", "exercises"]

    @extend_schema_field(HeartsSerializer)
    def get_hearts(self, session):
        return HeartsSerializer(self.context["hearts"]).data


class SessionDetailSerializer(LessonSessionSerializer):
    """A session; context `exercises`: an active session's LessonExercise rows, else None."""

    exercises = SessionExercisesField(
        allow_null=True, help_text="An active session's exercises, in its own order; null once it is over."
    )

    class Meta(LessonSessionSerializer.Meta):
        fields = [*LessonSessionSerializer.Meta.fields, "exercises"]


class AnswerResultSerializer(serializers.Serializer):
    """gamification.services.AnswerOutcome."""

    interaction = serializers.IntegerField(source="interaction.pk", help_text="The recorded answer's id.")
    exercise = serializers.IntegerField(source="interaction.exercise_id")
    correct = serializers.BooleanField(source="result.correct")
    feedback = GradeFeedbackSerializer(source="result")
    correct_answer = RevealField(source="*")
    hearts = HeartsSerializer()
    hearts_remaining = serializers.IntegerField(source="hearts.count")
    session_status = serializers.ChoiceField(source="session.status", choices=LessonSession.Status.choices)
    session = LessonSessionSerializer()


class CompletionXpSerializer(serializers.Serializer):
    lesson = serializers.IntegerField()
    perfect_bonus = serializers.IntegerField()
    achievements = serializers.IntegerField()
    quests = serializers.IntegerField()


class CompletionCourseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    xp = serializers.IntegerField(allow_null=True)
    completion_percent = serializers.FloatField(allow_null=True)


class CompletionStreakSerializer(serializers.Serializer):
    current = serializers.IntegerField()
    longest = serializers.IntegerField()
    freezes = serializers.IntegerField()
    extended = serializers.BooleanField()
    freezes_used = serializers.IntegerField()
    freezes_earned = serializers.IntegerField()


class DayXpSerializer(serializers.Serializer):
    date = serializers.DateField()
    xp = serializers.IntegerField()
    goal = serializers.IntegerField()
    goal_met = serializers.BooleanField()


class UnlockedAchievementSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    xp_reward = serializers.IntegerField()
    unlocked_at = serializers.DateTimeField()


class CompletionSerializer(serializers.Serializer):
    session = LessonSessionSerializer()
    xp_awarded = serializers.IntegerField()
    xp = CompletionXpSerializer()
    score = serializers.IntegerField()
    perfect = serializers.BooleanField()
    total_xp = serializers.IntegerField()
    course = CompletionCourseSerializer()
    streak = CompletionStreakSerializer()
    today = DayXpSerializer()
    hearts = HeartsSerializer()
    achievements_unlocked = UnlockedAchievementSerializer(many=True)
    quests = QuestSerializer(many=True, help_text="Today's quests as they stand after this completion.")


class StatsStreakSerializer(serializers.Serializer):
    current = serializers.IntegerField()
    longest = serializers.IntegerField()
    freezes = serializers.IntegerField()
    freezes_max = serializers.IntegerField()
    last_active_date = serializers.DateField(allow_null=True)
    extended_today = serializers.BooleanField()


class StatsHeartsSerializer(HeartsSerializer):
    full_at = serializers.DateTimeField(allow_null=True, help_text="When every heart is back; null when full.")


class MeStatsSerializer(serializers.Serializer):
    total_xp = serializers.IntegerField()
    streak = StatsStreakSerializer()
    hearts = StatsHeartsSerializer()
    today = DayXpSerializer()
    lessons_completed = serializers.IntegerField()
    perfect_lessons = serializers.IntegerField()
    courses_completed = serializers.IntegerField()


class XpHistorySerializer(serializers.Serializer):
    """gamification.selectors.XpHistory: one entry per local day, oldest first, ending today."""

    days = serializers.IntegerField()
    timezone = serializers.CharField(help_text="The learner's timezone, whose days these are.")
    results = DayXpSerializer(many=True)


class LearnerAchievementListSerializer(serializers.Serializer):
    results = LearnerAchievementSerializer(many=True)
