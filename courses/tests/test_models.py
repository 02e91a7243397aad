import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from courses.models import Course, Language, Lesson, LessonPrerequisite, Section, Unit
from courses.selectors import content_revision
from exercises.models import Exercise, ExerciseOption, ExerciseType, LessonExercise
from exercises.tests.factories import ExerciseFactory, ExerciseTypeFactory, LessonExerciseFactory

from .factories import CourseFactory, LanguageFactory, LessonFactory, SectionFactory, UnitFactory

pytestmark = pytest.mark.django_db


def refused(create) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def test_database_refuses_what_the_rules_forbid():
    course = CourseFactory()
    english = course.from_language
    refused(lambda: Course.objects.create(from_language=english, to_language=english, title="Same"))
    refused(lambda: Course.objects.create(from_language=english, to_language=course.to_language, title="Twice"))
    refused(
        lambda: Course.objects.create(
            from_language=english, to_language=LanguageFactory(code="it"), title="T", cefr_from="B1", cefr_to="A1"
        )
    )
    section = SectionFactory(course=course, position=1)
    refused(lambda: Section.objects.create(course=course, position=1, key="other", title="Dup position"))
    refused(lambda: Section.objects.create(course=course, position=2, key=section.key, title="Dup key"))
    unit = UnitFactory(section=section, position=1)
    refused(lambda: Unit.objects.create(section=section, position=2, key="u-x", title="U", color="green"))
    refused(lambda: Unit.objects.create(section=section, position=1, key="u-y", title="U"))
    lesson = LessonFactory(unit=unit, position=1)
    refused(lambda: Lesson.objects.create(unit=unit, position=1, key="l-x", title="L"))
    refused(lambda: Lesson.objects.create(unit=unit, position=2, key="l-y", title="L", xp_reward=-1))
    refused(lambda: Lesson.objects.create(unit=unit, position=2, key="l-z", title=""))
    refused(lambda: LessonPrerequisite.objects.create(lesson=lesson, requires=lesson))
    exercise = ExerciseFactory()
    refused(lambda: Exercise.objects.create(type=exercise.type, prompt="P", difficulty=6))
    refused(lambda: Exercise.objects.create(type=exercise.type, prompt="P", difficulty=0))
    refused(lambda: Exercise.objects.create(type=exercise.type, prompt="P", xp_override=-1))
    LessonExerciseFactory(lesson=lesson, exercise=exercise, position=1)
    refused(lambda: LessonExercise.objects.create(lesson=lesson, exercise=ExerciseFactory(), position=1))
    refused(lambda: LessonExercise.objects.create(lesson=lesson, exercise=exercise, position=2))
    ExerciseOption.objects.create(exercise=exercise, position=1, text="a")
    refused(lambda: ExerciseOption.objects.create(exercise=exercise, position=1, text="b"))
    refused(lambda: Language.objects.create(code="Not A Code", name="X", native_name="X"))
    refused(lambda: ExerciseType.objects.create(code="teleport", name="Teleport"))


def test_model_validation_messages():
    unit = UnitFactory()
    unit.color = "#12345G"
    with pytest.raises(ValidationError) as caught:
        unit.full_clean()
    assert caught.value.message_dict == {"color": ["Enter a hex colour such as #58CC02."]}
    lesson = LessonFactory(unit=unit, key="hello")
    twin = LessonFactory.build(unit=UnitFactory(section=unit.section), key="hello", position=1)
    with pytest.raises(ValidationError) as caught:
        twin.full_clean()
    assert caught.value.message_dict == {"key": ["Another lesson of this course already uses the key 'hello'."]}
    other_unit = UnitFactory.build(section=unit.section, key=unit.key, position=9)
    with pytest.raises(ValidationError) as caught:
        other_unit.full_clean(validate_constraints=False)
    assert caught.value.message_dict == {"key": [f"Another unit of this course already uses the key '{unit.key}'."]}
    lesson.full_clean()


def test_exercise_content_is_validated_by_its_kind_not_by_model_clean():
    # Each writer (the per-type admin form, the course import, check_content) validates content with its kind and
    # shows errors at its own fields; the model checks what is true of every exercise.
    from exercises.validation import exercise_content_errors

    exercise = ExerciseFactory.build(type=ExerciseTypeFactory(code="fill_blank"), content={"text": "x"}, answers=[])
    exercise.full_clean()
    errors = exercise_content_errors("fill_blank", exercise.content, [], options=None, has_audio=False)
    assert errors == {"content.text": ["The text needs at least one blank marked ___."]}


def test_an_exercise_image_needs_alt_text():
    exercise = ExerciseFactory.build(type=ExerciseTypeFactory(), image_url="https://cdn.example/dog.png")
    with pytest.raises(ValidationError) as caught:
        exercise.full_clean()
    assert caught.value.message_dict == {"image_alt": ["Describe the image for learners who cannot see it (alt text)."]}
    exercise.image_alt = "A dog"
    exercise.full_clean()


def test_audio_needs_a_source():
    from exercises.models import AudioFile

    audio = AudioFile(language=LanguageFactory(code="es"), key="k", transcript="Hola")
    with pytest.raises(ValidationError) as caught:
        audio.full_clean()
    assert caught.value.messages == [
        "Give at least one file or URL (low, medium or high quality).",
        "Constraint “audio_has_a_source” is violated.",
    ]


def test_new_content_gets_a_stable_key():
    assert Section().key != Section().key
    assert len(Section().key) == 8


def test_string_representations():
    link = LessonExerciseFactory(lesson__title="Hello", position=3, exercise__prompt="Say it")
    assert str(link) == "Hello #3"
    assert str(link.exercise) == "translate: Say it"
    assert str(link.lesson.unit.section.course.from_language) == "Language en (en)"
    prerequisite = LessonPrerequisite(lesson=link.lesson, requires=LessonFactory(title="Intro"))
    assert str(prerequisite) == "Hello requires Intro"
    assert str(ExerciseTypeFactory(code="speak")) == "Speak"


WELL_FORMED = [
    "lad",
    "tw",
    "rsk",
    "zh",
    "sr-Latn",
    "zh-Hans",
    "es-419",
    "en-u-ca-gregory",
    "x-private",
    "pt-BR",
    "de-CH-1901",
    "sgn-BE-FR",
    "i-klingon",
    "en-GB-oed",
    "ast",
    "zh-yue-HK",
    "es-x-ladino",
]
NOT_WELL_FORMED = ["EN_us", "e", "toolongsubtag1", "en-", "-en", "en--us", "en-u", "x", "12", "en-a-b", "en us"]


@pytest.mark.parametrize("code", WELL_FORMED)
def test_any_well_formed_bcp_47_tag_is_a_language_code(code):
    language = Language(code=code, name=code, native_name=code)
    language.full_clean()
    language.save()  # and the database's check constraint agrees


@pytest.mark.parametrize("code", NOT_WELL_FORMED)
def test_what_is_not_bcp_47_is_refused_by_the_model_and_the_database(code):
    with pytest.raises(ValidationError) as caught:
        Language(code=code, name="X", native_name="X").full_clean()
    assert caught.value.message_dict["code"] == [
        "Enter a well-formed BCP 47 language tag, e.g. es, tw, pt-BR, sr-Latn, es-419."
    ]
    refused(lambda: Language.objects.create(code=code, name="X", native_name="X"))


def test_language_codes_are_unique_whatever_their_case():
    LanguageFactory(code="sr-Latn")
    refused(lambda: Language.objects.create(code="SR-latn", name="Serbian", native_name="Srpski"))


def test_every_content_table_bumps_the_content_revision():
    """A table rebuilt by a migration (SQLite does that to add a column) must get its trigger back."""
    LessonExerciseFactory(exercise=ExerciseFactory(type=ExerciseTypeFactory(code="listen")))  # with its audio
    tables = [
        "courses_language",
        "courses_course",
        "courses_section",
        "courses_unit",
        "courses_lesson",
        "exercises_exercisetype",
        "exercises_audiofile",
        "exercises_exercise",
        "exercises_lessonexercise",
    ]
    for table in tables:
        before = content_revision()
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET created_at = created_at")  # noqa: S608 (a fixed table name)
        assert content_revision() > before, table
