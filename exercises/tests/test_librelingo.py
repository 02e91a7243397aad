"""LibreLingo courses import into the same course structure as course files, through the same import path."""

import io
import shutil
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from accounts.tests.factories import UserFactory, token_client
from audit.models import SystemAuditLog
from courses.models import Course, Language, Lesson, LessonPrerequisite, Section, Unit
from exercises.course_files import course_export
from exercises.course_import import course_import
from exercises.librelingo import TYPE_CODES, librelingo_read
from exercises.models import AudioFile, Exercise, ExerciseOption, ExerciseType, LessonExercise
from progress.models import UserLessonProgress

pytestmark = pytest.mark.django_db

TWI = Path(__file__).parent / "data" / "librelingo" / "twi-from-english"


def import_twi(*args: str, source: Path = TWI) -> str:
    out = io.StringIO()
    call_command("import_course", "--format", "librelingo", str(source), *args, stdout=out)
    return out.getvalue()


def state() -> dict:
    models = [Language, Course, Section, Unit, Lesson, LessonPrerequisite, Exercise, ExerciseOption, LessonExercise]
    counts = {model._meta.label: model.objects.count() for model in [*models, AudioFile, SystemAuditLog]}
    return counts | {"exercises": sorted(Exercise.objects.values_list("key", "prompt", "content", "answers"))}


@pytest.fixture
def twi_copy(tmp_path) -> Path:
    target = tmp_path / "twi"
    shutil.copytree(TWI, target)
    return target


def test_a_course_for_a_language_the_database_lacks_brings_its_language_and_license(reference_data):
    assert not Language.objects.filter(code="tw").exists()
    printed = import_twi()
    assert printed.splitlines()[1:4] == [
        "  created: 1 course, 174 exercise, 1 language, 17 lesson, 174 lesson_exercise, 2 section, 5 unit",
        "  unchanged: 1 language",
        "  note: 54 exercise image(s) skipped: the pictures are not in images/ of the course directory; give "
        "--image-base-url URL to reference URL/<name>.jpg.",
    ]
    twi = Language.objects.get(code="tw")
    assert (twi.name, twi.native_name, twi.special_characters) == ("Twi", "Twi", ["ɔ", "Ɔ", "ɛ", "Ɛ"])
    created = SystemAuditLog.objects.get(
        target_type__model="language", action="create", actor_repr="manage.py import_course"
    )
    assert (created.actor_repr, created.changes["special_characters"]) == (
        "manage.py import_course",
        [None, ["ɔ", "Ɔ", "ɛ", "Ɛ"]],
    )
    course = Course.objects.get(to_language=twi)
    assert (course.title, course.from_language.code, course.is_published) == ("Twi for English speakers", "en", False)
    assert (course.license, course.license_url, course.source_url) == (
        "CC BY-SA 4.0",
        "https://creativecommons.org/licenses/by-sa/4.0/legalcode",
        "https://github.com/pur80a/LibreLingo-twi-from-english",
    )
    assert course.attribution == (
        "Twi for English speakers, a LibreLingo course: https://github.com/pur80a/LibreLingo-twi-from-english "
        "(CC BY-SA 4.0)"
    )
    # Modules become sections, skills units (with their introduction as guidebook), LibreLingo's levels lessons.
    assert list(Section.objects.filter(course=course).values_list("key", "title")) == [
        ("basics", "Basics"),
        ("introduction", "Introduction"),
    ]
    animals = Unit.objects.get(key="basics.animals1")
    assert (animals.title, animals.icon) == ("Animals 1", "pig1")
    assert animals.guidebook.startswith("# About Twi \nTwi is an **Akan** language")
    assert list(animals.lessons.values_list("key", "title")) == [
        ("basics.animals1.1", "Animals 1, lesson 1"),
        ("basics.animals1.2", "Animals 1, lesson 2"),
        ("basics.animals1.3", "Animals 1, lesson 3"),
    ]
    assert set(Exercise.objects.values_list("type__code", flat=True)) == {
        "multiple_choice",
        "translate",
        "sort_words",
        "match_pairs",
    }


def test_the_languages_special_characters_and_the_course_license_reach_the_api(reference_data):
    import_twi("--publish")
    client = token_client(UserFactory())
    languages = {row["code"]: row for row in client.get("/api/v1/languages/").json()["results"]}
    assert languages["tw"]["special_characters"] == ["ɔ", "Ɔ", "ɛ", "Ɛ"]
    course = Course.objects.get(to_language__code="tw")
    tree = client.get(f"/api/v1/courses/{course.pk}/").json()
    assert (tree["license"], tree["to_language"]["special_characters"]) == ("CC BY-SA 4.0", ["ɔ", "Ɔ", "ɛ", "Ɛ"])


def exercise(lesson: Lesson, type_code: str, prompt: str) -> Exercise:
    return Exercise.objects.get(lesson_links__lesson=lesson, type__code=type_code, prompt=prompt)


def answer(client, session: int, exercise_: Exercise, body: dict) -> dict:
    response = client.post(f"/api/v1/sessions/{session}/answers/", {"exercise": exercise_.pk, "answer": body})
    assert response.status_code == 200, response.content
    return response.json()


def test_a_learner_plays_the_first_lessons_with_librelingos_accepted_alternatives(reference_data):
    import_twi("--publish")
    course = Course.objects.get(to_language__code="tw")
    client = token_client(UserFactory())
    assert client.post("/api/v1/enrollments/", {"course": course.pk}).status_code == 201

    first = Lesson.objects.get(key="basics.animals1.1")
    session = client.post(f"/api/v1/lessons/{first.pk}/sessions/").json()["id"]
    # Synonyms are accepted translations: akokɔnam for "chicken", prɛko for "pig", kra, kraman.
    for meaning, synonym in (("chicken", "akokɔnam"), ("pig", "prɛko"), ("cat", "kra"), ("dog", "kraman")):
        typed = exercise(first, "translate", f"Type “{meaning}” in Twi")
        result = answer(client, session, typed, {"text": synonym})
        assert (result["correct"], result["feedback"]["code"]) == (True, "correct"), meaning
        cards = exercise(first, "multiple_choice", f"Which of these is “{meaning}”?")
        right = cards.options.get(is_correct=True)
        assert answer(client, session, cards, {"option": right.pk})["correct"] is True
    pairs = Exercise.objects.get(key="basics.animals1.1.pairs-1")
    assert pairs.content == {"pairs": [["akokɔ", "chicken"], ["prako", "pig"], ["ɔkra", "cat"], ["ɔkraman", "dog"]]}
    assert answer(client, session, pairs, {"pairs": pairs.content["pairs"]})["correct"] is True
    done = client.post(f"/api/v1/sessions/{session}/complete/")
    assert (done.status_code, done.json()["perfect"]) == (200, True)

    phrases = Lesson.objects.get(key="basics.animals1.3")
    session = client.post(f"/api/v1/lessons/{phrases.pk}/sessions/").json()["id"]
    # Alternative versions (Twi) and alternative translations (English) are accepted sentences.
    chosen = {
        "Translate “The mouse is small”": "Akura no yɛ ketewa",
        "Translate “The elephant is big”": "Sono no yɛ kɛse",
        "Translate “It's a cat”": "Ɛno yɛ ɔkra",
        "Translate “It is the cat”": "Ɛyɛ ɔkra no",
        "Translate “Akura no yɛ ketewa”": "The mouse is small",
        "Translate “Ɛsono no yɛ kɛse”": "The elephant is big",
        "Translate “Ɛyɛ ɔkra”": "It is a cat",
        "Translate “Ɛyɛ ɔkra no”": "It's the cat",
    }
    for prompt, sentence in chosen.items():
        chips = exercise(phrases, "sort_words", prompt)
        assert set(sentence.split()) <= set(chips.content["tiles"]), prompt
        result = answer(client, session, chips, {"words": sentence.split()})
        assert result["correct"] is True, (prompt, result)
    for options in Exercise.objects.filter(lesson_links__lesson=phrases, type__code="multiple_choice"):
        assert answer(client, session, options, {"option": options.options.get(is_correct=True).pk})["correct"]
    assert client.post(f"/api/v1/sessions/{session}/complete/").status_code == 200
    assert UserLessonProgress.objects.filter(user=client.user, status="completed").count() == 2


def test_a_second_import_changes_nothing(reference_data):
    import_twi()
    before = state()
    printed = import_twi()
    assert printed.splitlines()[1] == (
        "  unchanged: 1 course, 174 exercise, 2 language, 17 lesson, 174 lesson_exercise, 2 section, 5 unit"
    )
    assert printed.splitlines()[-1].startswith("No change to course")
    after = state()
    assert after.pop("audit.SystemAuditLog") == before.pop("audit.SystemAuditLog") + 1  # the command's own row
    assert after == before


def test_a_reimport_after_edits_updates_in_place_and_keeps_progress(reference_data, twi_copy):
    import_twi("--publish", source=twi_copy)
    client = token_client(UserFactory())
    course = Course.objects.get(to_language__code="tw")
    client.post("/api/v1/enrollments/", {"course": course.pk})
    first = Lesson.objects.get(key="basics.animals1.1")
    session = client.post(f"/api/v1/lessons/{first.pk}/sessions/").json()["id"]
    typed = exercise(first, "translate", "Type “chicken” in Twi")
    answer(client, session, typed, {"text": "akokɔ"})
    lesson_ids = dict(Lesson.objects.values_list("key", "pk"))

    skill = twi_copy / "basics" / "skills" / "animals1.yaml"
    skill.write_text(skill.read_text(encoding="utf-8").replace("      - fowl\n", "      - fowl\n      - hen\n"))
    report = course_import(plan=librelingo_read(twi_copy))
    # "Also accepted" meanings are LibreLingo dictionary entries: no exercise changes.
    assert report.summary()["updated"] == {}
    skill.write_text(
        skill.read_text(encoding="utf-8").replace("      - akokɔnam\n", "      - akokɔnam\n      - akokɔ2\n")
    )
    report = course_import(plan=librelingo_read(twi_copy))
    assert report.summary()["updated"] == {"exercise": 1}
    typed.refresh_from_db()
    assert typed.answers == ["akokɔ", "akokɔnam", "akokɔ2"]
    assert dict(Lesson.objects.values_list("key", "pk")) == lesson_ids
    assert typed.interactions.filter(user=client.user).count() == 1


def test_pictures_next_to_the_course_are_stored_and_referenced(reference_data, twi_copy):
    images = twi_copy / "images"
    images.mkdir()
    (images / "pig1.jpg").write_bytes(b"\xff\xd8\xff picture of a pig")
    printed = import_twi("--dry-run", source=twi_copy)
    assert "note: 52 exercise image(s) skipped" in printed
    assert not default_storage.exists("images/librelingo/tw/pig1.jpg")  # a dry run writes no file either

    import_twi(source=twi_copy)
    assert default_storage.open("images/librelingo/tw/pig1.jpg").read() == b"\xff\xd8\xff picture of a pig"
    pig = Exercise.objects.get(prompt="Type “pig” in Twi")
    assert (pig.image.name, pig.image_url, pig.image_alt) == ("images/librelingo/tw/pig1.jpg", "", "pig")
    exported = course_export(course=Course.objects.get(to_language__code="tw"))
    assert "        image:\n          file: images/librelingo/tw/pig1.jpg\n          alt: pig\n" in exported


def test_pictures_by_url_when_a_base_url_is_given(reference_data):
    printed = import_twi("--image-base-url", "https://img.example/librelingo/")
    assert "image(s) skipped" not in printed
    chicken = Exercise.objects.get(prompt="Which of these is “chicken”?")
    assert (chicken.image_url, chicken.image_alt) == ("https://img.example/librelingo/chicken1.jpg", "chicken")


def test_listening_exercises_only_when_audio_is_enabled_and_found(reference_data, twi_copy):
    course_yaml = twi_copy / "course.yaml"
    course_yaml.write_text(course_yaml.read_text(encoding="utf-8").replace("Enabled: False", "Enabled: True"))
    plan = librelingo_read(twi_copy)
    assert plan.notes[-1] == (
        "65 listening exercise(s) skipped: the course enables audio; give --audio-base-url URL where its recordings "
        "are (URL/<audio id>.mp3)."
    )
    import_twi("--audio-base-url", "https://audio.example/tw", source=twi_copy)
    listen = Exercise.objects.filter(type__code="listen")
    assert listen.count() == 65  # one per word and per phrase
    first = listen.get(answers=["akokɔ", "akokɔnam"])
    assert first.audio.url_medium.startswith("https://audio.example/tw/")
    assert first.audio.transcript == "akokɔ"


def test_every_exercise_type_written_is_in_the_mapping_table():
    assert set(TYPE_CODES.values()) <= set(ExerciseType.Code.values)
    assert TYPE_CODES == {
        "cards": "multiple_choice",
        "options": "multiple_choice",
        "chips": "sort_words",
        "shortInput": "translate",
        "pairing": "match_pairs",
        "listeningExercise": "listen",
    }


def test_an_export_of_the_converted_course_round_trips(reference_data):
    import_twi()
    course = Course.objects.get(to_language__code="tw")
    exported = course_export(course=course)
    report = course_import(text=exported)
    assert not report.changed
    assert course_export(course=course) == exported


# --- bad input: one line, and nothing changes -------------------------------------------------------


def refused(source: Path, *args: str) -> str:
    before = state()
    with pytest.raises(CommandError) as caught:
        import_twi(*args, source=source)
    assert state() == before
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_a_directory_without_course_yaml_is_refused(reference_data, tmp_path):
    assert refused(tmp_path) == (
        f"{tmp_path}: nothing imported: no course.yaml here: give the directory of a LibreLingo course "
        "(course.yaml, modules)."
    )


def test_a_skill_file_with_a_yaml_error_is_named_with_its_line(reference_data, twi_copy):
    skill = twi_copy / "basics" / "skills" / "animals2.yaml"
    lines = skill.read_text(encoding="utf-8").splitlines()
    lines[12] = "    Translation: [cow"
    skill.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert refused(twi_copy) == (
        f"{twi_copy}: nothing imported: basics/skills/animals2.yaml, line 15, column 9: not valid YAML "
        "(did not find expected ',' or ']')."
    )


def test_a_skill_without_a_translation_is_named_with_its_line(reference_data, twi_copy):
    skill = twi_copy / "basics" / "skills" / "pronouns.yaml"
    skill.write_text(skill.read_text(encoding="utf-8").replace("    Translation: you \n", ""), encoding="utf-8")
    assert refused(twi_copy) == (
        f"{twi_copy}: nothing imported: basics/skills/pronouns.yaml: New words[1].Translation (line 24): "
        "this field is required."
    )


def test_a_language_code_that_is_not_bcp_47_is_refused(reference_data, twi_copy):
    course_yaml = twi_copy / "course.yaml"
    course_yaml.write_text(course_yaml.read_text(encoding="utf-8").replace("IETF BCP 47: en", "IETF BCP 47: EN_us"))
    assert refused(twi_copy) == (
        f"{twi_copy}: nothing imported: course.yaml: Course.For speakers of.IETF BCP 47 (line 8): 'EN_us' is not a "
        "well-formed BCP 47 language tag (e.g. tw, sr-Latn)."
    )


def test_no_new_languages_refuses_and_says_how_to_add_them(reference_data):
    assert refused(TWI, "--no-new-languages") == (
        f"{TWI}: nothing imported: (converted from LibreLingo) course.to_language: language 'tw' is not in the "
        "database and --no-new-languages forbids creating it: add it in the admin (Courses > Languages) or import "
        "without --no-new-languages."
    )
