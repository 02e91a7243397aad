"""Grading that respects each language's letters: punctuation that is a letter, added accents, the answer language."""

import pytest

from courses.tests.factories import CourseFactory, LanguageFactory, LessonFactory, SectionFactory, UnitFactory
from exercises.grading import CORRECT, MISSING_ACCENT, TYPO, WRONG, Orthography, grade, match_text, normalize
from exercises.tests.factories import ExerciseFactory, ExerciseTypeFactory, LessonExerciseFactory
from progress.services import user_course_enroll

# Mohawk writes a glottal stop with ’ and a long vowel with : (Shé:kon, "hello").
MOHAWK = Orthography.of(["’", ":"])
GREETING = "Wa’tkwanonhwerá:ton"


@pytest.mark.parametrize(
    ("given", "correct", "feedback"),
    [
        (GREETING, True, CORRECT),  # the exact word
        ("wa’tkwanonhwerá:ton!", True, CORRECT),  # case and real punctuation still do not matter
        ("wa'tkwanonhwerá:ton", True, CORRECT),  # an ASCII apostrophe is read as the language's ’
        ("Watkwanonhwerá:ton", False, WRONG),  # the ’ left out: another word, not a typo
        ("Wa’tkwanonhwerá ton", False, WRONG),  # a space where the : is
        ("Wa’tkwanonhwerá.ton", False, WRONG),  # real punctuation where the : is
        ("Wat’kwanonhwerá:ton", False, WRONG),  # the ’ moved
        ("Wa’tkwanonhwerá::ton", False, WRONG),  # a length mark added
        ("Wa’tkwanonhwera:ton", True, MISSING_ACCENT),
        ("Wa’tkwanonhwerá:tom", True, TYPO),  # a slip between the letters that must stay
    ],
)
def test_punctuation_letters_are_letters(given, correct, feedback):
    match = match_text(given, [GREETING], orthography=MOHAWK)
    assert (match.correct, match.feedback, match.answer) == (correct, feedback, GREETING)


def test_without_the_orthography_the_old_bugs_come_back():
    # What grading did before languages declared their letters: the right word with ’ and : was not even
    # the same text as a misspelling with spaces, and dropping the ’ went unnoticed.
    assert normalize("Shé:kon") == normalize("Shé kon") == "shé kon"
    assert normalize("Shé:kon", MOHAWK) == "shé:kon"
    assert match_text("Watkwanonhwerá:ton", [GREETING]).feedback == CORRECT


@pytest.mark.parametrize(
    ("given", "accepted", "correct", "feedback"),
    [
        ("Hóla", "Hola", True, TYPO),  # an added accent is a spelling slip (typo rule), never "missing_accent"
        ("Hola", "Hóla", True, MISSING_ACCENT),
        ("Holà", "Holá", True, TYPO),  # another accent than the right one
        ("él", "el", False, WRONG),  # a short word: no typo tolerance, and él is another word
        ("Hóla amigó", "Hola amigo", False, WRONG),  # two added accents: two slips
        ("Él esta aquí", "Él está aquí", True, MISSING_ACCENT),
    ],
)
def test_an_added_accent_is_not_a_missing_one(given, accepted, correct, feedback):
    match = match_text(given, [accepted])
    assert (match.correct, match.feedback) == (correct, feedback)


def test_the_orthography_applies_to_every_text_kind():
    letters = Orthography.of(["’"])
    assert grade("listen", {}, ["ken’"], [], {"text": "ken"}, orthography=letters).feedback == WRONG
    assert grade("speak", {"phrase": "ken’"}, ["ken’"], [], {"text": "ken’"}, orthography=letters).correct
    fill = grade("fill_blank", {"text": "___ ne"}, [["ó:nen"]], [], {"text": "o nen"}, orthography=MOHAWK)
    assert (fill.correct, fill.feedback) == (False, WRONG)
    sort = grade("sort_words", {"tiles": ["ó:nen", "ó", "nen"]}, ["ó:nen"], [], {"words": ["ó", "nen"]})
    assert sort.correct is True  # without the orthography ":" is punctuation
    sort = grade(
        "sort_words", {"tiles": ["ó:nen", "ó", "nen"]}, ["ó:nen"], [], {"words": ["ó", "nen"]}, orthography=MOHAWK
    )
    assert sort.correct is False


def test_orthography_letters_are_normalised_like_answers():
    # A full-width colon declared as a letter is the colon answers carry after NFKC.
    assert Orthography.of(["：", "Ꞌ", 3, None]).letters == frozenset({":", "ꞌ"})  # noqa: RUF001
    assert Orthography.of([]) is Orthography.of(None)


# --- through the API: the session's course says which orthography applies -------------------------------


@pytest.fixture
def mohawk_course(db):
    english = LanguageFactory(code="en")
    mohawk = LanguageFactory(code="moh", name="Mohawk", punctuation_letters=["’", ":"], special_characters=["’", ":"])
    return CourseFactory(from_language=english, to_language=mohawk, is_published=True)


def _lesson(course, *exercises):
    lesson = LessonFactory(unit=UnitFactory(section=SectionFactory(course=course)))
    for position, exercise in enumerate(exercises, start=1):
        LessonExerciseFactory(lesson=lesson, exercise=exercise, position=position)
    return lesson


def test_answers_are_graded_with_the_course_languages_letters(learner_client, mohawk_course):
    translate = ExerciseTypeFactory(code="translate")
    into_mohawk = ExerciseFactory(type=translate, content={"source_text": "Thank you"}, answers=["Niá:wen"])
    # Asked about a Mohawk sentence: the answer is in the learner's own language, English, where ’ is punctuation.
    into_english = ExerciseFactory(
        type=translate, content={"source_text": "Ó:nen", "source_language": "moh"}, answers=["Don’t go"]
    )
    lesson = _lesson(mohawk_course, into_mohawk, into_english)
    user_course_enroll(user=learner_client.user, course=mohawk_course)
    session = learner_client.post(f"/api/v1/lessons/{lesson.pk}/sessions/").json()
    url = f"/api/v1/sessions/{session['id']}/answers/"

    def answered(exercise, text):
        body = learner_client.post(url, {"exercise": exercise.pk, "answer": {"text": text}}, format="json").json()
        return body["correct"], body["feedback"]["code"]

    assert answered(into_mohawk, "Nia wen") == (False, WRONG)
    assert answered(into_mohawk, "Niá:wen") == (True, CORRECT)
    assert answered(into_english, "dont go") == (True, CORRECT)


def test_language_payloads_carry_their_letters(learner_client, mohawk_course):
    response = learner_client.get("/api/v1/languages/")
    assert response.status_code == 200, response.content
    languages = {item["code"]: item for item in response.json()["results"]}
    assert (languages["moh"]["special_characters"], languages["moh"]["punctuation_letters"]) == (["’", ":"], ["’", ":"])
    assert (languages["en"]["special_characters"], languages["en"]["punctuation_letters"]) == ([], [])
    course = learner_client.get(f"/api/v1/courses/{mohawk_course.pk}/").json()
    assert course["to_language"]["punctuation_letters"] == ["’", ":"]
