"""Serializers of exercise types and of a lesson as a learner plays it."""

from rest_framework import serializers

from courses.models import Lesson, Unit
from exercises.models import AudioFile, ExerciseType
from exercises.play import exercise_play_payload
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


class PlayImageSerializer(serializers.Serializer):
    url = serializers.CharField()
    alt = serializers.CharField()


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

    def get_exercises(self, lesson) -> list[dict]:
        quality = self.context.get("audio_quality", "medium")
        return [
            {
                "position": link.position,
                "is_required": link.is_required,
                **exercise_play_payload(link.exercise, audio_quality=quality),
            }
            for link in self._links()
        ]


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
