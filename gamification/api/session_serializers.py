"""Serializers of the learning engine's API: sessions, answers, completion, stats, history, badges."""

import json

from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from exercises.api.serializers import AnswerField, GradeFeedbackSerializer, PlayExerciseSerializer, RevealField
from gamification.api.engagement_serializers import QuestSerializer
from gamification.idempotency import MAX_KEY_LENGTH
from gamification.models import Achievement
from progress.models import PRACTICE_KINDS, LessonSession


class LessonSessionSerializer(serializers.ModelSerializer):
    """A session: an attempt at a lesson (kind lesson), or a practice session (review, mistakes: no lesson)."""

    lesson = serializers.IntegerField(source="lesson_id", allow_null=True, help_text="Null for practice sessions.")
    lesson_xp_awarded = serializers.IntegerField(
        source="xp_awarded",
        help_text="The XP this session gave once completed (0 before): a lesson's XP and the perfect-lesson bonus, "
        "or a practice session's (PRACTICE_XP_FIRST, PRACTICE_XP_SECOND, then 0 in a day).",
    )

    class Meta:
        model = LessonSession
        fields = [
            "id",
            "kind",
            "lesson",
            "course",
            "status",
            "lesson_xp",
            "mistakes",
            "hearts_lost",
            "lesson_xp_awarded",
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


def idempotency_key_validate(key: str) -> str:
    """The rule of an Idempotency-Key, header or batch item: 1 to MAX_KEY_LENGTH printable characters."""
    if not key.strip() or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise serializers.ValidationError(f"Send 1 to {MAX_KEY_LENGTH} printable characters.")
    return key


class OfflineAnswerInputSerializer(AnswerInputSerializer):
    """One answer played offline: the online answer's body, the client's time and the answer's own key."""

    answered_at = serializers.DateTimeField(
        help_text="When the learner answered, by the client's clock: not after now nor before the session's start "
        "(OFFLINE_CLOCK_SKEW_SECONDS either way). Recorded; the answer counts at the sync's time."
    )
    idempotency_key = serializers.CharField(
        trim_whitespace=False,
        allow_blank=True,
        help_text="The answer's Idempotency-Key (1 to 255 printable characters), the key space of the online "
        "header: an answer already recorded under it, online or by an earlier batch, replays its result.",
    )

    def validate_idempotency_key(self, value):
        return idempotency_key_validate(value)


class AnswerBatchInputSerializer(serializers.Serializer):
    answers = OfflineAnswerInputSerializer(
        many=True, allow_empty=False, help_text="In the order they were given; 1 to OFFLINE_BATCH_MAX_ANSWERS (50)."
    )

    def validate_answers(self, value):
        if len(value) > settings.OFFLINE_BATCH_MAX_ANSWERS:
            raise serializers.ValidationError(f"Send at most {settings.OFFLINE_BATCH_MAX_ANSWERS} answers at once.")
        return value


class PracticeStartSerializer(serializers.Serializer):
    course = serializers.IntegerField(min_value=1, max_value=2**63 - 1, help_text="An enrolled course's id.")
    kind = serializers.ChoiceField(
        choices=PRACTICE_KINDS,
        help_text="review: due exercises of completed lessons, most forgotten first; mistakes: exercises whose "
        "latest first try was wrong.",
    )
    size = serializers.IntegerField(
        min_value=settings.PRACTICE_SIZE_MIN,
        max_value=settings.PRACTICE_SIZE_MAX,
        help_text="How many exercises at most (PRACTICE_SIZE_MIN to PRACTICE_SIZE_MAX: 5 to 20).",
    )


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
    """The session's exercises (LessonExercise rows, or a practice session's PracticeSessionItems), in the order
    this session shows options and tiles."""

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
    """gamification.answering.AnswerOutcome."""

    interaction = serializers.IntegerField(source="interaction.pk", help_text="The recorded answer's id.")
    exercise = serializers.IntegerField(source="interaction.exercise_id")
    correct = serializers.BooleanField(source="result.correct")
    feedback = GradeFeedbackSerializer(source="result")
    correct_answer = RevealField(source="*")
    hearts = HeartsSerializer()
    hearts_remaining = serializers.IntegerField(source="hearts.count")
    session_status = serializers.ChoiceField(source="session.status", choices=LessonSession.Status.choices)
    session = LessonSessionSerializer()


@extend_schema_field(AnswerResultSerializer(allow_null=True))
class StoredAnswerResultField(serializers.Field):
    """An answer's result body as sent (recorded now, or stored under its key and replayed); null when refused."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, body):
        return body


BATCH_REFUSAL_CODES = ["session_finished", "exercise_already_answered", "idempotency_key_reused"]


class AnswerBatchItemResultSerializer(serializers.Serializer):
    """gamification.answering.AnswerReply of one offline answer."""

    idempotency_key = serializers.CharField()
    status = serializers.ChoiceField(
        choices=["recorded", "replayed", "refused"],
        help_text="recorded: graded and recorded now; replayed: already recorded under its key (online or by an "
        "earlier batch), its stored result; refused: not recorded (`code` says why).",
    )
    accepted = serializers.SerializerMethodField(help_text="Recorded, now or before (status recorded or replayed).")
    result = StoredAnswerResultField(source="body")
    code = serializers.SerializerMethodField(help_text="Why a refused answer was not recorded; null otherwise.")
    detail = serializers.SerializerMethodField(help_text="The refusal's message; null otherwise.")

    def get_accepted(self, reply) -> bool:
        return reply.error is None

    @extend_schema_field(serializers.ChoiceField(choices=BATCH_REFUSAL_CODES, allow_null=True))
    def get_code(self, reply):
        return reply.error.code if reply.error is not None else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_detail(self, reply):
        return reply.error.message if reply.error is not None else None


class AnswerBatchResultSerializer(serializers.Serializer):
    """gamification.answering.AnswersApplied: each answer's fate, in the order sent, and where things stand."""

    results = AnswerBatchItemResultSerializer(source="replies", many=True)
    accepted = serializers.SerializerMethodField(help_text="How many answers are recorded (now or before).")
    session = LessonSessionSerializer()
    hearts = HeartsSerializer()

    def get_accepted(self, applied) -> int:
        return sum(1 for reply in applied.replies if reply.error is None)


class CompletionXpSerializer(serializers.Serializer):
    """What each source gave of the completion's total_xp_awarded."""

    lesson = serializers.IntegerField(source="lesson_xp", help_text="The lesson's XP reward.")
    perfect_bonus = serializers.IntegerField(source="bonus_xp", help_text="PERFECT_LESSON_BONUS_XP, or 0.")
    achievements = serializers.IntegerField(
        source="outcome.achievement_xp", help_text="Rewards of the achievements unlocked."
    )
    quests = serializers.IntegerField(source="outcome.quest_xp", help_text="XP rewards of the quests completed.")


class CompletionCourseSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="session.course_id")
    xp = serializers.SerializerMethodField(help_text="The learner's XP in the course; null when not enrolled.")
    completion_percent = serializers.SerializerMethodField(help_text="Null when not enrolled.")

    def get_xp(self, done) -> int | None:
        return done.enrollment.xp if done.enrollment else None

    def get_completion_percent(self, done) -> float | None:
        return done.enrollment.completion_percent if done.enrollment else None


class CompletionStreakSerializer(serializers.Serializer):
    current = serializers.IntegerField(source="stats.current_streak")
    longest = serializers.IntegerField(source="stats.longest_streak")
    freezes = serializers.IntegerField(source="stats.streak_freezes")
    extended = serializers.BooleanField(source="streak.extended", help_text="Today counted for the first time.")
    freezes_used = serializers.IntegerField(source="streak.freezes_used")
    freezes_earned = serializers.IntegerField(source="streak.freezes_earned")


class DayXpSerializer(serializers.Serializer):
    """A local day's XP against the goal in force that day (UserDailyXP, selectors.DayXp)."""

    date = serializers.DateField()
    xp = serializers.IntegerField()
    goal = serializers.IntegerField()
    goal_met = serializers.BooleanField()


class UnlockedAchievementSerializer(serializers.Serializer):
    """A UserAchievement just unlocked."""

    code = serializers.CharField(source="achievement.code")
    name = serializers.CharField(source="achievement.name")
    xp_reward = serializers.IntegerField(source="xp_awarded")
    unlocked_at = serializers.DateTimeField()


class CompletionSerializer(serializers.Serializer):
    """gamification.services.Completion: what completing the session gave."""

    session = LessonSessionSerializer()
    lesson_xp_awarded = serializers.IntegerField(
        source="session.xp_awarded", help_text="The session's own XP: the lesson's XP and the perfect bonus."
    )
    total_xp_awarded = serializers.IntegerField(
        help_text="Everything this completion gave: lesson_xp_awarded and the rewards of what it unlocked (xp)."
    )
    xp = CompletionXpSerializer(source="*")
    score = serializers.IntegerField(help_text="Exercises right at the first try, in percent.")
    perfect = serializers.BooleanField(help_text="No wrong answer at all.")
    total_xp = serializers.IntegerField(source="stats.total_xp", help_text="The learner's total XP now.")
    course = CompletionCourseSerializer(source="*")
    streak = CompletionStreakSerializer(source="*")
    today = DayXpSerializer(source="daily")
    hearts = HeartsSerializer()
    achievements_unlocked = UnlockedAchievementSerializer(source="unlocked", many=True)
    quests = QuestSerializer(
        source="outcome.quests", many=True, help_text="Today's quests as they stand after this completion."
    )


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
