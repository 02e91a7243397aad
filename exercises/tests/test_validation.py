import pytest

from exercises.kinds import KINDS, all_kinds
from exercises.validation import exercise_content_errors

KNOWN = {"en", "es"}


@pytest.mark.parametrize("code", sorted(KINDS))
def test_every_kinds_example_is_valid(code):
    kind = KINDS[code]
    example = kind.example()
    options = [{"text": text, "is_correct": correct} for text, correct in example.options]
    errors = exercise_content_errors(
        code,
        example.content,
        example.answers,
        options=options if kind.uses_options else None,
        has_audio=kind.needs_audio,
        languages=KNOWN,
    )
    assert errors == {}


def test_the_registry_holds_the_seven_types_in_order():
    assert [kind.code for kind in all_kinds()] == [
        "translate",
        "multiple_choice",
        "listen",
        "speak",
        "match_pairs",
        "fill_blank",
        "sort_words",
    ]
    assert {kind.code for kind in all_kinds() if kind.uses_options} == {"multiple_choice"}
    assert {kind.code for kind in all_kinds() if kind.needs_audio} == {"listen"}


@pytest.mark.parametrize(
    ("code", "content", "answers", "options", "has_audio", "expected"),
    [
        (
            "translate",
            {},
            ["Hola"],
            None,
            False,
            {"content.source_text": ["Give the sentence to translate (source_text)."]},
        ),
        ("translate", {"source_text": "Hi"}, [], None, False, {"answers": ["Give at least one accepted translation."]}),
        (
            "translate",
            {"source_text": "Hi", "extra": 1},
            ["Hola", " "],
            None,
            False,
            {
                "content.extra": ["Unknown field; allowed: source_language, source_text."],
                "answers[1]": ["Each accepted translation must be a non-empty text."],
            },
        ),
        (
            "translate",
            ["not", "a", "dict"],
            ["Hola"],
            None,
            False,
            {
                "content": ["Content must be an object (a mapping of fields)."],
                "content.source_text": ["Give the sentence to translate (source_text)."],
            },
        ),
        ("listen", {}, ["Hola"], None, False, {"audio": ["A listen exercise needs an audio file."]}),
        (
            "listen",
            {"slow_audio": "yes"},
            ["Hola"],
            None,
            True,
            {"content.slow_audio": ["slow_audio must be true or false."]},
        ),
        (
            "speak",
            {"phrase": ""},
            ["x"],
            None,
            False,
            {"content.phrase": ["Give the phrase the learner must say (phrase)."]},
        ),
        (
            "fill_blank",
            {"text": "Yo bebo agua."},
            [["x"]],
            None,
            False,
            {"content.text": ["The text needs at least one blank marked ___."]},
        ),
        (
            "fill_blank",
            {"text": "Yo ___ ___."},
            [["bebo"]],
            None,
            False,
            {"answers": ["Give one list of accepted words per blank: the text has 2 blank(s), answers has 1."]},
        ),
        (
            "fill_blank",
            {"text": "Yo ___."},
            [[]],
            None,
            False,
            {"answers[0]": ["Blank 1 needs a list of at least one non-empty accepted word."]},
        ),
        ("fill_blank", {}, [], None, False, {"content.text": ["Give the text with one ___ per blank."]}),
        (
            "multiple_choice",
            {},
            [],
            [{"text": "Hola", "is_correct": True}],
            False,
            {"options": ["A multiple-choice exercise needs at least 2 options, it has 1."]},
        ),
        (
            "multiple_choice",
            {},
            [],
            [{"text": "a", "is_correct": False}, {"text": "b", "is_correct": False}],
            False,
            {"options": ["Mark at least one option as correct."]},
        ),
        (
            "multiple_choice",
            {},
            ["a"],
            [{"text": "a", "is_correct": True}, {"text": "A ", "is_correct": False}],
            False,
            {
                "answers": ["Leave answers empty: a multiple-choice exercise is answered by its correct options."],
                "options": ["Options must differ; repeated: a."],
            },
        ),
        (
            "match_pairs",
            {"pairs": [["a", "b"]]},
            [],
            None,
            False,
            {"content.pairs": ["Give at least 2 pairs, each [left, right]."]},
        ),
        (
            "match_pairs",
            {"pairs": [["a", "b"], ["c"]]},
            [],
            None,
            False,
            {"content.pairs[1]": ["A pair is a list of two non-empty texts."]},
        ),
        (
            "match_pairs",
            {"pairs": [["a", "b"], ["a", "b"]]},
            [],
            None,
            False,
            {
                "content.pairs": [
                    "Each left side must be unique; repeated: a.",
                    "Each right side must be unique; repeated: b.",
                ]
            },
        ),
        (
            "sort_words",
            {"tiles": ["Yo", "bebo"]},
            ["Yo bebo agua"],
            None,
            False,
            {"answers[0]": ["These words of the sentence are not among the tiles: agua."]},
        ),
        (
            "sort_words",
            {"tiles": ["Yo", "bebo", "agua"]},
            ["Yo Yo bebo"],
            None,
            False,
            {"answers[0]": ["These words of the sentence are not among the tiles: Yo."]},
        ),
        (
            "sort_words",
            {"tiles": ["Yo"]},
            ["Yo"],
            None,
            False,
            {"content.tiles": ["Give at least 2 word tiles, each a non-empty text."]},
        ),
        (
            "translate",
            {"source_text": "Hi"},
            ["Hola"],
            [{"text": "x", "is_correct": True}],
            False,
            {"options": ["A translate exercise has no options."]},
        ),
        (
            "translate",
            {"source_text": "Hi"},
            "Hola",
            None,
            False,
            {"answers": ["Answers must be a list.", "Give at least one accepted translation."]},
        ),
        ("nonsense", {}, [], None, False, {"type": ["Unknown exercise type 'nonsense'."]}),
        # structured prompts (multiple_choice, sort_words) and translate's source language
        (
            "multiple_choice",
            {"prompt": {"text": "hello", "language": "xx"}},
            [],
            None,
            False,
            {"content.prompt.language": ["Unknown language 'xx'; use the code of a language known here."]},
        ),
        (
            "multiple_choice",
            {"prompt": {"text": " ", "language": "en", "voice": "x"}},
            [],
            None,
            False,
            {
                "content.prompt.voice": ["Unknown field; allowed: language, text."],
                "content.prompt.text": ["Give the sentence or word asked about."],
            },
        ),
        (
            "sort_words",
            {"prompt": "I drink water", "tiles": ["Yo", "bebo"]},
            ["Yo bebo"],
            None,
            False,
            {"content.prompt": ['The prompt is an object {"text": ..., "language": ...}.']},
        ),
        (
            "sort_words",
            {"prompt": {"text": "I drink"}, "tiles": ["Yo", "bebo"]},
            ["Yo bebo"],
            None,
            False,
            {"content.prompt.language": ["Give the language's code, e.g. en."]},
        ),
        (
            "translate",
            {"source_text": "Hola", "source_language": "klingon"},
            ["Hello"],
            None,
            False,
            {"content.source_language": ["Unknown language 'klingon'; use the code of a language known here."]},
        ),
        (
            "match_pairs",
            {"pairs": [["a", "b"], ["c", "d"]], "prompt": {"text": "x", "language": "en"}},
            [],
            None,
            False,
            {"content.prompt": ["Unknown field; allowed: pairs."]},
        ),
    ],
)
def test_invalid_content_is_reported_per_field(code, content, answers, options, has_audio, expected):
    errors = exercise_content_errors(code, content, answers, options=options, has_audio=has_audio, languages=KNOWN)
    assert errors == expected


def test_prompt_languages_are_looked_up_in_the_database_when_not_given(db):
    from courses.tests.factories import LanguageFactory

    LanguageFactory(code="en")
    content = {"prompt": {"text": "hello", "language": "en"}}
    assert exercise_content_errors("multiple_choice", content, []) == {}
    content = {"prompt": {"text": "hallo", "language": "de"}}
    assert exercise_content_errors("multiple_choice", content, []) == {
        "content.prompt.language": ["Unknown language 'de'; use the code of a language known here."]
    }


def test_options_may_be_model_rows(db):
    from .factories import ExerciseFactory, ExerciseTypeFactory

    exercise = ExerciseFactory(type=ExerciseTypeFactory(code="multiple_choice"))
    errors = exercise_content_errors("multiple_choice", {}, [], options=list(exercise.options.all()))
    assert errors == {}
