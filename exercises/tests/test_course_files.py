import io
import textwrap

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from audit.models import SystemAuditLog
from courses.models import Course, Language, Lesson, LessonPrerequisite, Section, Unit
from exercises.course_files import CourseFileError, course_by_reference, course_export
from exercises.course_import import course_import
from exercises.models import AudioFile, Exercise, ExerciseOption, LessonExercise
from exercises.tests.factories import DEMO_COURSE

pytestmark = pytest.mark.django_db

DEMO_COUNTS = {
    "audio": 8,
    "course": 1,
    "exercise": 37,
    "lesson": 12,
    "lesson_exercise": 37,
    "prerequisite": 11,
    "section": 2,
    "unit": 4,
}


def table_counts() -> dict[str, int]:
    return {
        "course": Course.objects.count(),
        "section": Section.objects.count(),
        "unit": Unit.objects.count(),
        "lesson": Lesson.objects.count(),
        "exercise": Exercise.objects.count(),
        "option": ExerciseOption.objects.count(),
        "lesson_exercise": LessonExercise.objects.count(),
        "prerequisite": LessonPrerequisite.objects.count(),
        "audio": AudioFile.objects.count(),
    }


def test_demo_course_covers_the_issue(reference_data, demo_text):
    course = course_import(text=demo_text).course
    assert course.sections.count() == 2
    assert Unit.objects.filter(section__course=course).count() == 4
    assert Lesson.objects.filter(unit__section__course=course).count() == 12
    assert sorted(set(Exercise.objects.values_list("type__code", flat=True))) == [
        "fill_blank",
        "listen",
        "match_pairs",
        "multiple_choice",
        "sort_words",
        "speak",
        "translate",
    ]
    assert LessonPrerequisite.objects.count() == 11
    assert AudioFile.objects.exclude(url_high="").count() == 8
    assert course.is_published is True


def test_import_twice_creates_nothing_new_and_round_trip_is_byte_identical(reference_data, demo_text):
    first = course_import(text=demo_text)
    assert first.summary()["created"] == DEMO_COUNTS
    counts = table_counts()
    ids = set(Lesson.objects.values_list("pk", flat=True))

    second = course_import(text=demo_text)
    assert second.summary() == {
        "course": first.course.pk,
        "created": {},
        "updated": {},
        "unchanged": {**DEMO_COUNTS, "language": 2},
        "restored": {},
        "archived": {},
        "deleted": {},
    }
    assert table_counts() == counts
    assert set(Lesson.objects.values_list("pk", flat=True)) == ids

    exported = course_export(course=first.course)
    assert exported == demo_text  # the shipped file is in the canonical export form
    course_import(text=exported)
    assert course_export(course=first.course) == exported


def test_import_course_command_twice_and_export_command(reference_data, tmp_path):
    out = io.StringIO()
    call_command("import_course", str(DEMO_COURSE), stdout=out)
    assert "created: 8 audio, 1 course, 37 exercise, 12 lesson, 37 lesson_exercise, 11 prerequisite" in out.getvalue()
    counts = table_counts()
    out = io.StringIO()
    call_command("import_course", str(DEMO_COURSE), stdout=out)
    assert "unchanged: 8 audio, 1 course, 37 exercise" in out.getvalue()
    assert "created" not in out.getvalue()
    assert table_counts() == counts
    audit = SystemAuditLog.objects.filter(actor_repr="manage.py import_course", action="command").order_by("id")
    assert audit.count() == 2
    assert audit.last().summary["unchanged"] == {**DEMO_COUNTS, "language": 2}
    # One audit row per row created by the first import, none by the no-op second one.
    changes = SystemAuditLog.objects.filter(actor_repr="manage.py import_course").exclude(action="command")
    assert changes.count() == sum(DEMO_COUNTS.values()) + ExerciseOption.objects.count()
    assert set(changes.values_list("action", flat=True)) == {"create"}

    target = tmp_path / "export.yaml"
    course = Course.objects.get()
    call_command("export_course", str(course.pk), output=str(target), stderr=io.StringIO())
    assert target.read_text(encoding="utf-8") == DEMO_COURSE.read_text(encoding="utf-8")
    out = io.StringIO()
    call_command("export_course", "en:es", stdout=out)
    assert out.getvalue() == DEMO_COURSE.read_text(encoding="utf-8")


def test_dry_run_writes_nothing(reference_data):
    call_command("import_course", str(DEMO_COURSE), dry_run=True, stdout=io.StringIO())
    assert Course.objects.count() == 0


def test_export_unknown_course_and_unreadable_file_are_command_errors(reference_data, tmp_path):
    with pytest.raises(CommandError, match="No course 'en:zz'"):
        call_command("export_course", "en:zz")
    with pytest.raises(CommandError, match="No course 'nonsense'"):
        call_command("export_course", "nonsense")
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_course", str(tmp_path / "missing.yaml"))


MINIMAL = """\
format: 1
course:
  from_language: en
  to_language: es
  title: Mini
sections:
- key: s1
  title: Section one
  units:
  - key: u1
    title: Unit one
    lessons:
    - key: l1
      title: Lesson one
      exercises:
      - key: e1
        type: translate
        prompt: Translate
        content: {source_text: Hello}
        answers: [Hola]
    - key: l2
      title: Lesson two
      requires: [l1]
      exercises:
      - key: e2
        type: multiple_choice
        prompt: Pick
        options:
        - {text: Hola, correct: true}
        - {text: Adiós}
"""


def test_malformed_exercise_is_refused_with_its_place_in_the_file(reference_data):
    text = MINIMAL.replace("content: {source_text: Hello}", "content: {}").replace("        - {text: Adiós}\n", "")
    with pytest.raises(CourseFileError) as caught:
        course_import(text=text)
    assert caught.value.problems == [
        "sections[0].units[0].lessons[0].exercises[0].content.source_text (line 19): "
        "Give the sentence to translate (source_text).",
        "sections[0].units[0].lessons[1].exercises[0].options (line 29): "
        "A multiple-choice exercise needs at least 2 options, it has 1.",
    ]
    assert Course.objects.count() == 0


def test_sort_words_error_names_the_answer_and_line(reference_data):
    text = MINIMAL.replace(
        "        content: {source_text: Hello}\n        answers: [Hola]\n",
        "        content:\n          tiles: [Yo, bebo]\n        answers: [Yo bebo agua]\n",
    ).replace("type: translate", "type: sort_words")
    with pytest.raises(CourseFileError) as caught:
        course_import(text=text)
    assert caught.value.problems == [
        "sections[0].units[0].lessons[0].exercises[0].answers[0] (line 21): "
        "These words of the sentence are not among the tiles: agua."
    ]


def test_every_problem_is_reported_at_once(reference_data):
    text = textwrap.dedent(
        """\
        format: 2
        course:
          from_language: en
          to_language: en
          title: ""
          cefr_from: B2
          cefr_to: A1
          colour: red
        audio:
        - key: a1
          transcript: Hola
          urls: {medium: not-a-url}
        sections:
        - key: s1
          title: S
          units:
          - key: u1
            title: U
            color: green
            lessons:
            - key: l1
              title: L
              requires: [l2, l1, nowhere]
              exercises:
              - key: e1
                type: teleport
                prompt: P
                audio: missing
            - key: l2
              title: L2
              requires: [l1]
              estimated_minutes: 0
            - key: l1
              title: Duplicate
        """
    )
    with pytest.raises(CourseFileError) as caught:
        course_import(text=text)
    assert caught.value.problems == [
        "format (line 1): this program reads format 1 (got 2).",
        "course.colour (line 8): unknown field; allowed: attribution, cefr_from, cefr_to, description, from_language, "
        "is_published, license, license_url, source_url, title, to_language.",
        "course.to_language (line 4): must differ from from_language.",
        "course.cefr_to (line 7): must not be below cefr_from.",
        "course.title (line 5): may not be empty.",
        "audio[0].urls.medium (line 12): not a valid URL: 'not-a-url'.",
        "sections[0].units[0].color (line 19): use a hex colour such as #58CC02 (got 'green').",
        "sections[0].units[0].lessons[0].exercises[0].type (line 26): unknown exercise type 'teleport'; use one of "
        "fill_blank, listen, match_pairs, multiple_choice, sort_words, speak, translate.",
        "sections[0].units[0].lessons[0].exercises[0].audio (line 28): "
        "no audio with key 'missing' in this file's audio list.",
        "sections[0].units[0].lessons[1].estimated_minutes (line 32): must be between 1 and 32767 (got 0).",
        "sections[0].units[0].lessons[2].key (line 33): "
        "lesson key 'l1' is already used at sections[0].units[0].lessons[0].",
        "sections[0].units[0].lessons[0].requires[1] (line 23): a lesson cannot require itself.",
        "sections[0].units[0].lessons[0].requires[2] (line 23): no lesson with key 'nowhere' in this course.",
        "sections[0].units[0].lessons[0].requires (line 23): prerequisite cycle: l1 → l2 → l1.",
    ]


def test_invalid_yaml_and_wrong_shapes(reference_data):
    with pytest.raises(CourseFileError) as caught:
        course_import(text="format: 1\ncourse: [unclosed\n")
    assert caught.value.problems[0].startswith("line 3, column 1: not valid YAML")
    with pytest.raises(CourseFileError) as caught:
        course_import(text="- just a list\n")
    assert caught.value.problems == ["(file) (line 1): expected a mapping of fields."]
    with pytest.raises(CourseFileError) as caught:
        course_import(text="format: 1\ncourse: {from_language: en, to_language: xx, title: T}\nsections: []\n")
    assert caught.value.problems == [
        "course.to_language (line 2): unknown language 'xx': list it in the file's languages (code, name, "
        "native_name, special_characters) or add it in the admin (Courses > Languages).",
        "sections (line 3): give at least one item.",
    ]


def test_import_command_reports_problems_as_command_error(reference_data, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(MINIMAL.replace("answers: [Hola]", "answers: []"), encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        call_command("import_course", str(bad), stdout=io.StringIO())
    assert str(caught.value) == (
        f"{bad}: nothing imported: "
        "sections[0].units[0].lessons[0].exercises[0].answers (line 20): Give at least one accepted translation."
    )


def test_reimport_updates_in_place_reorders_moves_and_deletes(reference_data):
    first = course_import(text=MINIMAL)
    lesson_one = Lesson.objects.get(key="l1")
    mc = Exercise.objects.get(key="e2")
    option_ids = list(mc.options.order_by("position").values_list("pk", flat=True))
    changed = MINIMAL.replace("title: Lesson one", "title: Lesson 1").replace(
        "  - key: u1\n    title: Unit one\n    lessons:\n",
        "  - key: u0\n    title: New unit\n  - key: u1\n    title: Unit one\n    lessons:\n",
    )
    # Swap the two lessons and drop the prerequisite.
    head, lessons = changed.split("    - key: l1\n")
    l1, l2 = ("    - key: l1\n" + lessons).split("    - key: l2\n")
    l2 = ("    - key: l2\n" + l2).replace("      requires: [l1]\n", "")
    report = course_import(text=head + l2 + l1)
    assert report.summary() == {
        "course": first.course.pk,
        "created": {"unit": 1},
        "updated": {"lesson": 2, "unit": 1},
        "unchanged": {"course": 1, "exercise": 2, "language": 2, "lesson_exercise": 2, "section": 1},
        "restored": {},
        "archived": {},
        "deleted": {"prerequisite": 1},
    }
    lesson_one.refresh_from_db()
    assert (lesson_one.title, lesson_one.position) == ("Lesson 1", 2)
    assert Lesson.objects.get(key="l2").position == 1
    assert Unit.objects.get(key="u1").position == 2
    assert list(mc.options.order_by("position").values_list("pk", flat=True)) == option_ids

    # Dropping a lesson deletes it, its links and its now unused exercise.
    without_l1 = head + l2
    report = course_import(text=without_l1)
    assert report.deleted == {"lesson_exercise": 1, "lesson": 1, "exercise": 1}
    assert not Exercise.objects.filter(key="e1").exists()


def test_changed_options_are_replaced_keeping_ids(reference_data):
    course_import(text=MINIMAL)
    mc = Exercise.objects.get(key="e2")
    first_id = mc.options.get(position=1).pk
    report = course_import(text=MINIMAL.replace("- {text: Adiós}", "- {text: Adiós}\n        - {text: Gracias}"))
    assert report.updated == {"exercise": 1}
    assert list(mc.options.order_by("position").values_list("pk", "text")) == [
        (first_id, "Hola"),
        (mc.options.get(position=2).pk, "Adiós"),
        (mc.options.get(position=3).pk, "Gracias"),
    ]


def test_course_by_reference():
    with pytest.raises(Course.DoesNotExist):
        course_by_reference("12345")
    with pytest.raises(Course.DoesNotExist):
        course_by_reference("en to es")


LADINO = """\
format: 1
languages:
- code: lad
  name: Ladino
  native_name: Djudeo-espanyol
  direction: ltr
  special_characters: [ñ]
  punctuation_letters: ["’"]
- code: en
  name: English
  native_name: Inglés
course:
  from_language: en
  to_language: lad
  title: Ladino for English speakers
  license: CC BY 4.0
  license_url: https://creativecommons.org/licenses/by/4.0/
  attribution: Written by the Ladino circle
  source_url: https://example.org/ladino
sections:
- key: s1
  title: Basics
  units:
  - key: u1
    title: Hello
    lessons:
    - key: l1
      title: Hello
      exercises:
      - key: e1
        type: translate
        prompt: Translate
        content: {source_text: Good morning}
        answers: [Buenos diyas]
        image:
          url: https://img.example/sun.jpg
          alt: The sun rising
"""


def test_a_course_file_brings_its_missing_languages_and_its_provenance(reference_data):
    report = course_import(text=LADINO)
    assert (report.created["language"], report.unchanged["language"]) == (1, 1)
    ladino = Language.objects.get(code="lad")
    assert (ladino.native_name, ladino.special_characters, ladino.punctuation_letters) == (
        "Djudeo-espanyol",
        ["ñ"],
        ["’"],
    )
    # A language the database has stays as editors keep it; the report says it differs.
    assert Language.objects.get(code="en").native_name == "English"
    assert report.notes == [
        "language en in the database differs from the file (native_name); kept as it is (languages are shared "
        "by courses: edit it in the admin)."
    ]
    audit = SystemAuditLog.objects.get(
        target_type__model="language", action="create", actor_repr="manage.py import_course"
    )
    assert (audit.actor_repr, audit.changes["code"]) == ("manage.py import_course", [None, "lad"])
    course = report.course
    assert (course.license, course.license_url, course.attribution, course.source_url) == (
        "CC BY 4.0",
        "https://creativecommons.org/licenses/by/4.0/",
        "Written by the Ladino circle",
        "https://example.org/ladino",
    )
    exercise = Exercise.objects.get(key="e1")
    assert (exercise.image_url, exercise.image_alt, exercise.image.name) == (
        "https://img.example/sun.jpg",
        "The sun rising",
        "",
    )
    exported = course_export(course=course)
    assert "  license: CC BY 4.0\n" in exported
    assert "        image:\n          url: https://img.example/sun.jpg\n          alt: The sun rising\n" in exported
    assert course_import(text=exported).changed is False


def test_no_new_languages_refuses_with_how_to_add_them(reference_data, tmp_path):
    source = tmp_path / "ladino.yaml"
    source.write_text(LADINO, encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        call_command("import_course", str(source), "--no-new-languages", stdout=io.StringIO())
    assert str(caught.value) == (
        f"{source}: nothing imported: course.to_language (line 14): language 'lad' is not in the database and "
        "--no-new-languages forbids creating it: add it in the admin (Courses > Languages) or import without "
        "--no-new-languages."
    )
    assert not Language.objects.filter(code="lad").exists()


def test_a_language_code_that_is_not_bcp_47_is_refused_with_its_line(reference_data):
    with pytest.raises(CourseFileError) as caught:
        course_import(
            text=LADINO.replace("- code: lad", "- code: Lad_ino").replace("to_language: lad", "to_language: Lad_ino")
        )
    assert caught.value.problems[0] == (
        "languages[0].code (line 3): 'Lad_ino' is not a well-formed BCP 47 language tag (e.g. es, tw, sr-Latn)."
    )
    assert Course.objects.count() == 0


def test_an_image_needs_a_url_or_a_file(reference_data):
    with pytest.raises(CourseFileError) as caught:
        course_import(text=LADINO.replace("url: https://img.example/sun.jpg", "url: not a url"))
    assert caught.value.problems == [
        "sections[0].units[0].lessons[0].exercises[0].image.url (line 36): not a valid URL: 'not a url'."
    ]
    with pytest.raises(CourseFileError) as caught:
        course_import(text=LADINO.replace("          url: https://img.example/sun.jpg\n", ""))
    assert caught.value.problems == [
        "sections[0].units[0].lessons[0].exercises[0].image (line 36): give url or file (a name in media storage), "
        "and alt."
    ]


def test_the_export_leaves_archived_rows_out_and_its_import_leaves_them_archived(reference_data, demo_text):
    course = course_import(text=demo_text).course
    lesson = Lesson.objects.get(key="greetings-3")
    Lesson.objects.filter(pk=lesson.pk).update(archived_at=timezone.now())
    exported = course_export(course=course)
    assert "key: greetings-3\n" not in exported
    assert "greetings-3" not in exported  # nor any requirement on it
    report = course_import(text=exported)
    lesson.refresh_from_db()
    assert lesson.archived_at is not None
    assert (report.archived, report.deleted) == ({}, {})


def test_course_files_are_parsed_with_libyaml():
    import yaml

    from exercises.course_files import YamlLoader

    assert YamlLoader is yaml.CSafeLoader
