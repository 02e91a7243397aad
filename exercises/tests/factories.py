import factory

from courses.tests.factories import LanguageFactory, LessonFactory
from exercises.models import AudioFile, Exercise, ExerciseOption, ExerciseType, LessonExercise

TYPE_DEFAULT_XP = {
    "translate": 2,
    "multiple_choice": 1,
    "listen": 2,
    "speak": 2,
    "match_pairs": 1,
    "fill_blank": 1,
    "sort_words": 2,
}

# Valid content and answers per type (multiple choice also needs options, listen an audio file).
VALID = {
    "translate": ({"source_text": "The boy eats an apple."}, ["El niño come una manzana", "El chico come una manzana"]),
    "listen": ({}, ["Hola"]),
    "speak": ({"phrase": "Buenos días"}, ["Buenos días"]),
    "fill_blank": ({"text": "Yo ___ agua."}, [["bebo", "tomo"]]),
    "multiple_choice": ({}, []),
    "match_pairs": ({"pairs": [["el perro", "the dog"], ["el gato", "the cat"]]}, []),
    "sort_words": ({"tiles": ["Yo", "bebo", "agua", "leche"]}, ["Yo bebo agua"]),
}


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
    """A valid exercise of `type__code` (default translate); multiple choice gets three options."""

    class Meta:
        model = Exercise
        skip_postgeneration_save = True

    type = factory.SubFactory(ExerciseTypeFactory)
    key = factory.Sequence(lambda n: f"exercise-{n}")
    prompt = "Translate this sentence"
    content = factory.LazyAttribute(lambda o: VALID[o.type.code][0])
    answers = factory.LazyAttribute(lambda o: VALID[o.type.code][1])
    audio = factory.LazyAttribute(lambda o: AudioFileFactory() if o.type.code == "listen" else None)

    @factory.post_generation
    def options(self, create, extracted, **kwargs):
        if not create:
            return
        if extracted is None and self.type.code == "multiple_choice":
            extracted = [("Hola", True), ("Adiós", False), ("Gracias", False)]
        for position, (text, is_correct) in enumerate(extracted or [], start=1):
            ExerciseOption.objects.create(exercise=self, position=position, text=text, is_correct=is_correct)


class LessonExerciseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LessonExercise

    lesson = factory.SubFactory(LessonFactory)
    exercise = factory.SubFactory(ExerciseFactory)
    position = factory.Sequence(lambda n: n + 1)
