"""Serializers of exercise types and of a lesson as a learner plays it."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from courses.models import Lesson, Unit
from exercises.grading import CORRECT, MISSING_ACCENT, TYPO, WRONG
from exercises.kinds import kind_for
from exercises.models import AudioFile, ExerciseType, ExerciseTypeCode
from exercises.play import exercise_image, play_order
from exercises.selectors import lesson_exercises_for_play


class ExerciseTypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = ExerciseType
        fields = ["id", "code", "name", "description", "default_xp", "is_active"]


class AnswerField(serializers.JSONField):
    """A learner's answer: a JSON object whose shape is its exercise kind's (exercises.kinds). The schema lists
    every kind's shape (exercises.api.schema); the service checks the answer against its exercise's own kind."""

    default_error_messages = {"not_an_object": "Send an object; its shape depends on the exercise's type."}

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            self.fail("not_an_object")
        return super().to_internal_value(data)


FEEDBACK_CODES = [CORRECT, MISSING_ACCENT, TYPO, WRONG]


class PlayImageSerializer(serializers.Serializer):
    url = serializers.CharField()
    alt = serializers.CharField(help_text="What the picture shows, for learners who cannot see it.")


class PlayContentField(serializers.Field):
    """The exercise's play content, written by its kind's play_serializer (the schema: any kind's shape)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, exercise):
        kind = kind_for(exercise.type.code)
        options = (
            sorted(exercise.options.all(), key=lambda option: (option.position, option.pk)) if kind.uses_options else []
        )
        data = kind.exercise_data(content=exercise.content, answers=exercise.answers, options=options)
        order = play_order(exercise_id=exercise.pk, session_id=self.context.get("session_id"))
        return kind.play_data(data, order=order)


class RevealField(serializers.Field):
    """A grade's correct answer, written by its kind's reveal_serializer; reads `exercise_type` and `correct_answer`
    of the object it is given."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, graded):
        return kind_for(graded.exercise_type).reveal_data(graded.correct_answer)


class FeedbackDetailSerializer(serializers.Serializer):
    blank = serializers.IntegerField(help_text="The blank's place, from 0.")
    feedback = serializers.ChoiceField(choices=FEEDBACK_CODES)
    answer = serializers.CharField(help_text="The accepted word meant or closest.")


class GradeFeedbackSerializer(serializers.Serializer):
    """exercises.grading.GradeResult's feedback: its code, a message for the learner, and per-blank details
    (fill_blank; empty for the other types)."""

    code = serializers.ChoiceField(
        source="feedback",
        choices=FEEDBACK_CODES,
        help_text="correct, missing_accent and typo count as right; wrong costs a heart.",
    )
    message = serializers.CharField()
    details = FeedbackDetailSerializer(many=True)


class PlayExerciseSerializer(serializers.Serializer):
    """An exercise of a lesson as a learner plays it, from a LessonExercise with its exercise loaded by
    exercises.selectors (constant queries): never an answer, which option is right or a transcript.

    Context: `audio_quality` (low, medium, high; default medium) and `session_id`, whose order the options and
    tiles come in (None: the lesson's own order, exercises.play).
    """

    id = serializers.IntegerField(source="exercise.pk")
    type = serializers.ChoiceField(source="exercise.type.code", choices=ExerciseTypeCode.choices)
    prompt = serializers.CharField(source="exercise.prompt", help_text="The instruction shown to the learner.")
    difficulty = serializers.IntegerField(source="exercise.difficulty", help_text="1 (easy) to 5.")
    time_limit_seconds = serializers.IntegerField(source="exercise.time_limit_seconds", allow_null=True)
    xp = serializers.IntegerField(source="exercise.xp")
    hints = serializers.ListField(source="exercise.hints", child=serializers.CharField())
    audio_url = serializers.SerializerMethodField(help_text="The audio in the quality asked for, else the best one.")
    image = serializers.SerializerMethodField()
    content = PlayContentField(source="exercise")
    position = serializers.IntegerField(help_text="Its place in the lesson.")
    is_required = serializers.BooleanField(help_text="Completing the lesson needs it answered right.")

    def to_representation(self, link):
        if self.context.get("audio_quality", "medium") not in AudioFile.Quality.values:
            raise ValueError(f"Unknown audio quality {self.context['audio_quality']!r}; use low, medium or high.")
        return super().to_representation(link)

    def get_audio_url(self, link) -> str | None:
        audio = link.exercise.audio
        return audio.url_for(self.context.get("audio_quality", "medium")) if audio is not None else None

    @extend_schema_field(PlayImageSerializer(allow_null=True))
    def get_image(self, link):
        image = exercise_image(link.exercise)
        return PlayImageSerializer(image).data if image is not None else None


class LessonPlaySerializer(serializers.ModelSerializer):
    """A lesson with the exercises to play, built from lesson_exercises_for_play rows; never an answer."""

    unit = serializers.IntegerField(source="unit_id", read_only=True)
    section = serializers.IntegerField(source="unit.section_id", read_only=True)
    course = serializers.IntegerField(source="unit.section.course_id", read_only=True)
    xp_reward = serializers.SerializerMethodField()
    exercises = serializers.SerializerMethodField()

    class Meta:
        model = Lesson
        fields = ["id", "course", "section", "unit", "position", "title", "xp_reward", "estimated_minutes", "exercises"]

    def _links(self):
        return self.context["lesson_exercises"]

    def get_xp_reward(self, lesson) -> int:
        if lesson.xp_reward is not None:
            return lesson.xp_reward
        return sum(link.exercise.xp for link in self._links())

    @extend_schema_field(PlayExerciseSerializer(many=True))
    def get_exercises(self, lesson):
        return PlayExerciseSerializer(self._links(), many=True, context=self.context).data


class LessonInputSerializer(serializers.ModelSerializer):
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all())

    class Meta:
        model = Lesson
        fields = ["unit", "key", "position", "title", "xp_reward", "estimated_minutes"]
        extra_kwargs = {"position": {"required": False}, "key": {"required": False}}
        validators = []


class AudioQualitySerializer(serializers.Serializer):
    audio_quality = serializers.ChoiceField(choices=AudioFile.Quality.values, default="medium", required=False)


def lesson_play_data(lesson: Lesson, *, audio_quality: str = "medium") -> dict:
    """The lesson as a learner plays it (GET lessons/{id}/, and the admin preview): constant queries, no answers."""
    context = {"lesson_exercises": list(lesson_exercises_for_play(lesson)), "audio_quality": audio_quality}
    return LessonPlaySerializer(lesson, context=context).data
