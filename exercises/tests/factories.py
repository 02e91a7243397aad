"""Factories of the exercises app's models, and what tests build from them: lessons of translate exercises, right
answers, the demo course file."""

import itertools
from pathlib import Path

import factory
import yaml
from django.conf import settings

from courses.models import Course, Lesson, LessonPrerequisite, Unit
from courses.tests.factories import LanguageFactory, LessonFactory, UnitFactory
from exercises.kinds import kind_for
from exercises.models import AudioFile, Exercise, ExerciseOption, ExerciseType, LessonExercise

# The demo course (make run imports it): a course file with every exercise type.
DEMO_COURSE = Path(settings.BASE_DIR) / "fixtures" / "courses" / "spanish-for-english-speakers.yaml"

# Default XP per type as `manage.py seed` loads it.
TYPE_DEFAULT_XP = {
    record["code"]: record["default_xp"]
    for record in yaml.safe_load((Path(settings.BASE_DIR) / "fixtures" / "exercise_types.yaml").read_text())["records"]
}


def example(code: str):
    """The kind's own valid example exercise (content, answers, options)."""
    return kind_for(code).example()


class ExerciseTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExerciseType
        django_get_or_create = ("code",)

    code = "translate"
    name = factory.LazyAttribute(lambda o: o.code.replace("_", " ").capitalize())
    default_xp = factory.LazyAttribute(lambda o: TYPE_DEFAULT_XP[o.code])


class AudioFileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AudioFile

    language = factory.LazyFunction(lambda: LanguageFactory(code="es"))
    key = factory.Sequence(lambda n: f"audio-{n}")
    transcript = "Hola"
    speaker = "Lucía"
    duration_ms = 600
    url_low = factory.LazyAttribute(lambda o: f"https://cdn.example/{o.key}-low.mp3")
    url_medium = factory.LazyAttribute(lambda o: f"https://cdn.example/{o.key}-medium.mp3")
    url_high = factory.LazyAttribute(lambda o: f"https://cdn.example/{o.key}-high.mp3")


class ExerciseFactory(factory.django.DjangoModelFactory):
    """A valid exercise of `type__code` (default translate): its kind's example, options and audio included."""

    class Meta:
        model = Exercise
        skip_postgeneration_save = True

    type = factory.SubFactory(ExerciseTypeFactory)
    key = factory.Sequence(lambda n: f"exercise-{n}")
    prompt = "Translate this sentence"
    content = factory.LazyAttribute(lambda o: example(o.type.code).content)
    answers = factory.LazyAttribute(lambda o: example(o.type.code).answers)
    audio = factory.LazyAttribute(lambda o: AudioFileFactory() if kind_for(o.type.code).needs_audio else None)

    @factory.post_generation
    def options(self, create, extracted, **kwargs):
        if not create:
            return
        for code in example(self.type.code).languages:
            LanguageFactory(code=code)  # the languages the example's content names (get or create)
        if extracted is None:
            extracted = list(example(self.type.code).options)
        for position, (text, is_correct) in enumerate(extracted or [], start=1):
            ExerciseOption.objects.create(exercise=self, position=position, text=text, is_correct=is_correct)


class LessonExerciseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LessonExercise

    lesson = factory.SubFactory(LessonFactory)
    exercise = factory.SubFactory(ExerciseFactory)
    position = factory.Sequence(lambda n: n + 1)


def correct_answer(exercise) -> dict:
    """The answer a learner who knows it sends, in the API's answer shape; reads exercise.type, answers, content
    and options."""
    kind = kind_for(exercise.type.code)
    options = (
        sorted(exercise.options.all(), key=lambda option: (option.position, option.pk)) if kind.uses_options else []
    )
    data = kind.exercise_data(content=exercise.content, answers=exercise.answers, options=options)
    return kind.known_answer(exercise=data)


def lesson_with_exercises(count: int = 3, *, unit: Unit | None = None, xp_reward: int | None = 10, **lesson) -> Lesson:
    """A lesson of `count` required translate exercises (answer: "El niño come una manzana")."""
    lesson_obj = (
        LessonFactory(unit=unit, xp_reward=xp_reward, **lesson)
        if unit
        else LessonFactory(xp_reward=xp_reward, **lesson)
    )
    for position in range(count):
        LessonExerciseFactory(lesson=lesson_obj, position=position)
    return lesson_obj


def course_with_lessons(lessons: int = 2, exercises: int = 2, *, chained: bool = True) -> tuple[Course, list[Lesson]]:
    """A published course with one unit of lessons, each requiring the one before when `chained`."""
    unit = UnitFactory()
    made = [lesson_with_exercises(exercises, unit=unit, position=i) for i in range(lessons)]
    if chained:
        for before, after in itertools.pairwise(made):
            LessonPrerequisite.objects.create(lesson=after, requires=before)
    return unit.section.course, made


RIGHT = {"text": "El niño come una manzana"}
WRONG = {"text": "Una manzana come al niño"}
