"""The exercise form per type: every type edited through its own fields (no JSON), errors at the field."""

import io

import pytest
from django.contrib.auth.models import Group
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from accounts.tests.factories import StaffFactory
from courses.tests.factories import LanguageFactory, LessonFactory
from exercises.kinds import all_kinds
from exercises.models import Exercise, ExerciseOption, LessonExercise
from tests.admin_forms import add_inline_row, admin_form_data

from .factories import AudioFileFactory, ExerciseFactory, ExerciseTypeFactory

pytestmark = pytest.mark.django_db

ADD = reverse("admin:exercises_exercise_add")


@pytest.fixture
def editor(reference_data):
    LanguageFactory(code="en")
    user = StaffFactory()
    user.groups.add(Group.objects.get(name="Content editors"))
    client = Client()
    client.force_login(user)
    client.user = user
    return client


def change_url(exercise) -> str:
    return reverse("admin:exercises_exercise_change", args=[exercise.pk])


def form_data(response, **fields) -> dict:
    """The rendered form's POST data with the type's own fields set as a browser sends them: one value per
    input (lists as repeated names, pairs as name-left/name-right, blanks as name-<row>)."""
    data = admin_form_data(response)
    kind_fields = response.context["adminform"].form.kind.admin_form.base_fields
    for name in kind_fields:
        for key in [key for key in data if key == name or key.startswith(f"{name}-")]:
            del data[key]
    data.update({"key": "", "prompt": "Do it", "difficulty": "1"} | fields)
    return data


def post_add(editor, code: str, **fields):
    page = editor.get(ADD, {"kind": code})
    assert page.status_code == 200
    return editor.post(f"{ADD}?kind={code}", form_data(page, key=f"new-{code}", **fields))


def errors(response) -> dict:
    assert response.status_code == 200, "the form was accepted"
    return dict(response.context["adminform"].form.errors)


# (type, valid fields, what is stored as content and answers, invalid fields, the error at its field)
CASES = [
    (
        "translate",
        {"source_text": "Good night", "answers": ["Buenas noches", "Buena noche", ""]},
        ({"source_text": "Good night"}, ["Buenas noches", "Buena noche"]),
        {"source_text": "Good night", "answers": ["", ""]},
        {"answers": ["Give at least one accepted translation."]},
    ),
    (
        "listen",
        {"slow_audio": "on", "answers": ["Hola"], "audio": "AUDIO"},
        ({"slow_audio": True}, ["Hola"]),
        {"answers": ["Hola"]},
        {"audio": ["A listen exercise needs an audio file."]},
    ),
    (
        "speak",
        {"phrase": "Buenos días", "answers": ["Buenos días"]},
        ({"phrase": "Buenos días"}, ["Buenos días"]),
        {"phrase": "", "answers": ["Buenos días"]},
        {"phrase": ["Give the phrase the learner must say (phrase)."]},
    ),
    (
        "fill_blank",
        {
            "text": "Yo ___ agua y ___ pan.",
            "blanks-0": ["bebo", "tomo", ""],
            "blanks-1": ["como", ""],
            "blanks-2": [""],
        },
        ({"text": "Yo ___ agua y ___ pan."}, [["bebo", "tomo"], ["como"]]),
        {"text": "Yo ___ agua y ___ pan.", "blanks-0": ["bebo"]},
        {"blanks": ["Give one list of accepted words per blank: the text has 2 blank(s), answers has 1."]},
    ),
    (
        "multiple_choice",
        {"prompt_text": "hello", "prompt_language": "en"},
        ({"prompt": {"language": "en", "text": "hello"}}, []),
        {"prompt_text": "hello"},
        {"prompt_language": ["Give the language's code, e.g. en."]},
    ),
    (
        "match_pairs",
        {"pairs-left": ["el perro", "el gato", ""], "pairs-right": ["the dog", "the cat", ""]},
        ({"pairs": [["el perro", "the dog"], ["el gato", "the cat"]]}, []),
        {"pairs-left": ["el perro", "el gato"], "pairs-right": ["the dog", ""]},
        {"pairs": ["Row 2: A pair is a list of two non-empty texts."]},
    ),
    (
        "sort_words",
        {
            "prompt_text": "I drink water",
            "prompt_language": "en",
            "tiles": ["Yo", "bebo", "agua", "leche", ""],
            "answers": ["Yo bebo agua"],
        },
        (
            {"prompt": {"language": "en", "text": "I drink water"}, "tiles": ["Yo", "bebo", "agua", "leche"]},
            ["Yo bebo agua"],
        ),
        {"tiles": ["Yo", "bebo"], "answers": ["Yo bebo agua"]},
        {"answers": ["Row 1: These words of the sentence are not among the tiles: agua."]},
    ),
]


def test_the_cases_cover_every_type():
    assert sorted(case[0] for case in CASES) == sorted(kind.code for kind in all_kinds())


def _resolve(fields: dict, audio) -> dict:
    return {name: str(audio.pk) if value == "AUDIO" else value for name, value in fields.items()}


def _options(data: dict) -> None:
    for position, (text, correct) in enumerate([("Hola", True), ("Adiós", False)], start=1):
        row = {"text": text, "position": str(position)}
        if correct:
            row["is_correct"] = "on"
        index = position - 1
        for name, value in row.items():
            data[f"options-{index}-{name}"] = value
    for index in range(2, int(data["options-TOTAL_FORMS"])):
        for name in ("text", "position", "is_correct"):
            data.pop(f"options-{index}-{name}", None)
    data["options-TOTAL_FORMS"] = "2"


@pytest.mark.parametrize(("code", "valid", "stored", "invalid", "error"), CASES, ids=[case[0] for case in CASES])
def test_each_type_is_added_and_changed_through_its_own_fields(editor, code, valid, stored, invalid, error):
    audio = AudioFileFactory()
    page = editor.get(ADD, {"kind": code})
    form = page.context["adminform"].form
    assert "content" not in form.fields
    assert 'name="content"' not in page.content.decode()  # no JSON to type

    # One invalid submission: refused, the message at the field it concerns, nothing written.
    data = form_data(page, key=f"new-{code}", **_resolve(invalid, audio))
    if code == "multiple_choice":
        _options(data)
    response = editor.post(f"{ADD}?kind={code}", data)
    assert errors(response) == error
    assert not Exercise.objects.exists()

    data = form_data(page, key=f"new-{code}", **_resolve(valid, audio))
    if code == "multiple_choice":
        _options(data)
    response = editor.post(f"{ADD}?kind={code}", data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    exercise = Exercise.objects.get()
    assert (exercise.type.code, exercise.content, exercise.answers) == (code, *stored)

    # The change page shows the stored content in the same fields, and saving it unchanged keeps it as it was.
    page = editor.get(change_url(exercise))
    assert page.status_code == 200
    data = form_data(page, key=exercise.key, **_resolve(valid, audio))
    if code == "multiple_choice":
        data = admin_form_data(page) | {"prompt_text": "hello", "prompt_language": "en"}
    response = editor.post(change_url(exercise), data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    exercise.refresh_from_db()
    assert (exercise.content, exercise.answers) == stored


def test_the_change_page_shows_each_types_content_in_its_fields(editor):
    initial = {}
    for kind in all_kinds():
        exercise = ExerciseFactory(type=ExerciseTypeFactory(code=kind.code))
        form = editor.get(change_url(exercise)).context["adminform"].form
        initial[kind.code] = {name: form[name].value() for name in kind.admin_form.base_fields}
    assert initial["translate"]["answers"] == ["El niño come una manzana", "El chico come una manzana"]
    assert initial["fill_blank"] == {"text": "Yo ___ agua.", "blanks": [["bebo", "tomo"]]}
    assert initial["match_pairs"]["pairs"] == [
        ["el perro", "the dog"],
        ["el gato", "the cat"],
        ["la casa", "the house"],
    ]
    assert initial["sort_words"]["tiles"] == ["Yo", "bebo", "agua", "leche"]
    assert initial["multiple_choice"]["prompt_text"] == "hello"
    page = editor.get(change_url(Exercise.objects.get(type__code="match_pairs"))).content.decode()
    assert 'name="pairs-left" value="el perro"' in page
    assert 'name="pairs-right" value="the dog"' in page


def test_options_are_edited_only_for_types_that_use_them(editor):
    def inline_prefixes(code):
        page = editor.get(ADD, {"kind": code})
        return [inline.formset.prefix for inline in page.context["inline_admin_formsets"]]

    assert inline_prefixes("multiple_choice") == ["options", "lesson_links"]
    assert inline_prefixes("sort_words") == ["lesson_links"]


def test_multiple_choice_option_errors_are_shown_with_the_options(editor):
    page = editor.get(ADD, {"kind": "multiple_choice"})
    data = form_data(page, key="mc")
    for index in range(3):
        data.pop(f"options-{index}-text", None)
    data["options-TOTAL_FORMS"] = "0"
    add_inline_row(data, "options", {"text": "Hola", "is_correct": "on", "position": "1"})
    response = editor.post(f"{ADD}?kind=multiple_choice", data)
    formset = next(
        inline.formset for inline in response.context["inline_admin_formsets"] if inline.formset.prefix == "options"
    )
    assert formset.non_form_errors() == ["A multiple-choice exercise needs at least 2 options, it has 1."]
    assert not Exercise.objects.exists()


def test_adding_first_asks_for_the_type(editor):
    page = editor.get(ADD, {"lesson": "12"})
    assert page.status_code == 200
    assert [choice["kind"].code for choice in page.context["choices"]] == [kind.code for kind in all_kinds()]
    assert '<a class="addlink" href="?kind=sort_words&amp;lesson=12">Sort words</a>' in page.content.decode()
    assert editor.get(ADD, {"kind": "dance"}).context["choices"]  # an unknown type asks again


def test_an_exercise_added_from_a_lesson_goes_at_its_end(editor):
    lesson = LessonFactory()
    first = ExerciseFactory()
    LessonExercise.objects.create(lesson=lesson, exercise=first, position=1)
    lesson_page = editor.get(reverse("admin:courses_lesson_change", args=[lesson.pk])).content.decode()
    assert f'href="{ADD}?kind=speak&amp;lesson={lesson.pk}">Speak</a>' in lesson_page
    page = editor.get(ADD, {"kind": "speak", "lesson": lesson.pk})
    data = form_data(page, key="say-hola", phrase="Hola", answers=["Hola"])
    response = editor.post(f"{ADD}?kind=speak&lesson={lesson.pk}", data)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:courses_lesson_change", args=[lesson.pk])
    assert list(lesson.lesson_exercises.order_by("position").values_list("exercise__key", "position")) == [
        (first.key, 1),
        ("say-hola", 2),
    ]


def test_an_image_is_uploaded_or_linked_with_alt_text(editor):
    page = editor.get(ADD, {"kind": "translate"})
    data = form_data(
        page, key="dog", source_text="The dog", answers=["El perro"], image_url="https://cdn.example/dog.png"
    )
    assert errors(editor.post(f"{ADD}?kind=translate", data)) == {
        "image_alt": ["Describe the image for learners who cannot see it (alt text)."]
    }
    picture = io.BytesIO()
    Image.new("RGB", (4, 4), "orange").save(picture, "PNG")
    data |= {"image_alt": "A dog", "image": SimpleUploadedFile("dog.png", picture.getvalue(), "image/png")}
    assert editor.post(f"{ADD}?kind=translate", data).status_code == 302
    exercise = Exercise.objects.get()
    assert exercise.image.name.startswith("images/dog")
    assert exercise.image_url == "https://cdn.example/dog.png"
    assert default_storage.exists(exercise.image.name)


def test_options_of_a_saved_multiple_choice_keep_their_order(editor):
    exercise = ExerciseFactory(type=ExerciseTypeFactory(code="multiple_choice"))
    page = editor.get(change_url(exercise))
    assert editor.post(change_url(exercise), admin_form_data(page)).status_code == 302
    assert list(ExerciseOption.objects.order_by("position").values_list("text", flat=True)) == [
        "Hola",
        "Adiós",
        "Gracias",
    ]


def test_a_type_without_its_own_preview_template_is_previewed_as_its_fields():
    from django.template.loader import select_template

    from exercises.kinds.translate import Translate

    class Dance(Translate):
        code = "dance"

    template = select_template(Dance().preview_template)
    assert template.origin.template_name == "admin/exercises/kinds/_generic.html"
    assert "<dt>steps</dt><dd>3</dd>" in template.render({"content": {"steps": 3}})
