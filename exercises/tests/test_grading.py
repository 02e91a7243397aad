"""The grading table: every exercise type, accents, typos, alternates, punctuation, Unicode forms."""

import unicodedata

import pytest

from exercises.grading import (
    CORRECT,
    MISSING_ACCENT,
    TYPO,
    WRONG,
    InvalidAnswer,
    edit_distance,
    grade,
    normalize,
)
from exercises.kinds import KINDS

NINO = ["El niño come una manzana", "El chico come una manzana"]
NFD_NINO = unicodedata.normalize("NFD", "El niño come una manzana")
CAFE = ["Un café, por favor", "Un café por favor, gracias"]
QUE = ["¿Qué hora es?"]
LISTEN = ["Buenas noches"]
SPEAK = ["Buenos días"]
FILL_ONE = {"text": "Yo ___ agua."}
FILL_ONE_ANSWERS = [["bebo", "tomo"]]
FILL_TWO = {"text": "Ella ___ en ___."}
FILL_TWO_ANSWERS = [["vive"], ["España", "Espana del Sur"]]
OPTIONS = [
    {"id": 11, "text": "el gato", "is_correct": False},
    {"id": 12, "text": "el perro", "is_correct": True},
    {"id": 13, "text": "la perra", "is_correct": True},
]
PAIRS = {"pairs": [["el perro", "the dog"], ["la casa", "the house"], ["el año", "the year"]]}
SORT = ["Yo bebo agua", "Bebo agua yo"]
SORT_CONTENT = {"tiles": ["Yo", "bebo", "agua", "leche"]}

# (type, content, answers, options, learner answer, correct?, feedback, correct answer shown)
CASES = [
    # translate: exact, case, punctuation, spaces, alternates
    ("translate", {}, NINO, [], {"text": "El niño come una manzana"}, True, CORRECT, NINO[0]),
    ("translate", {}, NINO, [], {"text": "el NIÑO come una manzana"}, True, CORRECT, NINO[0]),
    ("translate", {}, NINO, [], {"text": "El niño come una manzana."}, True, CORRECT, NINO[0]),
    ("translate", {}, NINO, [], {"text": "  El   niño come\tuna manzana!! "}, True, CORRECT, NINO[0]),
    ("translate", {}, NINO, [], {"text": "El chico come una manzana"}, True, CORRECT, NINO[1]),
    ("translate", {}, NINO, [], {"text": "el chico, come una manzana"}, True, CORRECT, NINO[1]),
    # Unicode forms: decomposed accents, full-width letters, ligatures
    ("translate", {}, NINO, [], {"text": NFD_NINO}, True, CORRECT, NINO[0]),
    ("translate", {}, [NFD_NINO], [], {"text": "El niño come una manzana"}, True, CORRECT, NFD_NINO),
    ("translate", {}, NINO, [], {"text": "El niño come una ｍａｎｚａｎａ"}, True, CORRECT, NINO[0]),  # noqa: RUF001
    ("translate", {}, ["fine"], [], {"text": "ﬁne"}, True, CORRECT, "fine"),
    ("translate", {}, ["STRASSE"], [], {"text": "straße"}, True, CORRECT, "STRASSE"),
    # accents
    ("translate", {}, NINO, [], {"text": "El nino come una manzana"}, True, MISSING_ACCENT, NINO[0]),
    ("translate", {}, CAFE, [], {"text": "un cafe por favor"}, True, MISSING_ACCENT, CAFE[0]),
    ("translate", {}, CAFE, [], {"text": "Un cafe por favor gracias"}, True, MISSING_ACCENT, CAFE[1]),
    ("translate", {}, QUE, [], {"text": "Que hora es"}, True, MISSING_ACCENT, QUE[0]),
    ("translate", {}, QUE, [], {"text": "¿qué hora es?"}, True, CORRECT, QUE[0]),
    ("translate", {}, QUE, [], {"text": "qué hora es"}, True, CORRECT, QUE[0]),
    ("translate", {}, ["Él está aquí"], [], {"text": "El esta aqui"}, True, MISSING_ACCENT, "Él está aquí"),
    # typos: substitution, insertion, deletion, transposition, typo plus missing accent
    ("translate", {}, NINO, [], {"text": "El niño come una manzena"}, True, TYPO, NINO[0]),
    ("translate", {}, NINO, [], {"text": "El niño come una manzzana"}, True, TYPO, NINO[0]),
    ("translate", {}, NINO, [], {"text": "El niño come una manana"}, True, TYPO, NINO[0]),
    ("translate", {}, NINO, [], {"text": "El niño come una maznana"}, True, TYPO, NINO[0]),
    ("translate", {}, NINO, [], {"text": "El nino come una manzanna"}, True, TYPO, NINO[0]),
    ("translate", {}, NINO, [], {"text": "El chico come una manzaan"}, True, TYPO, NINO[1]),
    # look close but wrong: short words, two typos, another vocabulary word, merged words, missing word
    ("translate", {}, NINO, [], {"text": "La niño come una manzana"}, False, WRONG, NINO[0]),
    ("translate", {}, NINO, [], {"text": "El niño come un manzana"}, False, WRONG, NINO[0]),
    ("translate", {}, NINO, [], {"text": "El niño come una manzanas?"}, True, TYPO, NINO[0]),
    ("translate", {}, NINO, [], {"text": "El niño come uma mansana"}, False, WRONG, NINO[0]),
    ("translate", {}, NINO, [], {"text": "El niño come unamanzana"}, False, WRONG, NINO[0]),
    ("translate", {}, NINO, [], {"text": "El niño come"}, False, WRONG, NINO[0]),
    ("translate", {}, NINO, [], {"text": "El chico come una pera"}, False, WRONG, NINO[1]),
    ("translate", {}, NINO, [], {"text": ""}, False, WRONG, NINO[0]),
    ("translate", {}, NINO, [], {"text": "?!"}, False, WRONG, NINO[0]),
    ("translate", {}, ["Yo como pan", "Él come pan"], [], {"text": "Yo come pan"}, False, WRONG, "Yo como pan"),
    ("translate", {}, ["sí"], [], {"text": "si"}, True, MISSING_ACCENT, "sí"),
    ("translate", {}, ["sol"], [], {"text": "sal"}, False, WRONG, "sol"),
    ("translate", {}, ["gato"], [], {"text": "gata"}, True, TYPO, "gato"),
    ("translate", {}, ["gato"], [], {"text": "pato"}, True, TYPO, "gato"),
    ("translate", {}, ["gato"], [], {"text": "gatos"}, True, TYPO, "gato"),
    ("translate", {}, ["gato"], [], {"text": "pata"}, False, WRONG, "gato"),
    # apostrophes and other punctuation
    ("translate", {}, ["L'eau est froide"], [], {"text": "leau est froide"}, True, CORRECT, "L'eau est froide"),
    ("translate", {}, ["L'eau est froide"], [], {"text": "L’eau est froide"}, True, CORRECT, "L'eau est froide"),
    ("translate", {}, ["Hola, amigo"], [], {"text": "hola,amigo"}, True, CORRECT, "Hola, amigo"),
    ("translate", {}, ["Hola, amigo"], [], {"text": "«Hola» — amigo…"}, True, CORRECT, "Hola, amigo"),
    # listen and speak share the text grader
    ("listen", {}, LISTEN, [], {"text": "buenas noches"}, True, CORRECT, LISTEN[0]),
    ("listen", {}, LISTEN, [], {"text": "buenas noshes"}, True, TYPO, LISTEN[0]),
    ("listen", {}, LISTEN, [], {"text": "buenos noches"}, True, TYPO, LISTEN[0]),
    ("listen", {}, LISTEN, [], {"text": "buenas tardes"}, False, WRONG, LISTEN[0]),
    ("speak", {"phrase": "Buenos días"}, SPEAK, [], {"text": "buenos días"}, True, CORRECT, SPEAK[0]),
    ("speak", {"phrase": "Buenos días"}, SPEAK, [], {"text": "Buenos dias"}, True, MISSING_ACCENT, SPEAK[0]),
    ("speak", {"phrase": "Buenos días"}, SPEAK, [], {"text": "Buenas días"}, True, TYPO, SPEAK[0]),
    ("speak", {"phrase": "Buenos días"}, SPEAK, [], {"text": "Buenas noches"}, False, WRONG, SPEAK[0]),
    # fill_blank: one blank (text or blanks), several blanks
    ("fill_blank", FILL_ONE, FILL_ONE_ANSWERS, [], {"text": "bebo"}, True, CORRECT, None),
    ("fill_blank", FILL_ONE, FILL_ONE_ANSWERS, [], {"text": "Tomo."}, True, CORRECT, None),
    ("fill_blank", FILL_ONE, FILL_ONE_ANSWERS, [], {"blanks": ["bebo"]}, True, CORRECT, None),
    ("fill_blank", FILL_ONE, FILL_ONE_ANSWERS, [], {"text": "bbeo"}, True, TYPO, None),
    ("fill_blank", FILL_ONE, FILL_ONE_ANSWERS, [], {"text": "beber"}, False, WRONG, None),
    ("fill_blank", {"text": "___ ___"}, [["come"], ["como"]], [], {"blanks": ["como", "come"]}, False, WRONG, None),
    ("fill_blank", FILL_TWO, FILL_TWO_ANSWERS, [], {"blanks": ["vive", "España"]}, True, CORRECT, None),
    ("fill_blank", FILL_TWO, FILL_TWO_ANSWERS, [], {"blanks": ["vive", "espana"]}, True, MISSING_ACCENT, None),
    ("fill_blank", FILL_TWO, FILL_TWO_ANSWERS, [], {"blanks": ["VIVE", "Espana del sur"]}, True, CORRECT, None),
    ("fill_blank", FILL_TWO, [["vive"], ["España"]], [], {"blanks": ["vive", "Espana"]}, True, MISSING_ACCENT, None),
    ("fill_blank", FILL_TWO, FILL_TWO_ANSWERS, [], {"blanks": ["vivo", "España"]}, True, TYPO, None),
    ("fill_blank", FILL_TWO, FILL_TWO_ANSWERS, [], {"blanks": ["vive", "Francia"]}, False, WRONG, None),
    ("fill_blank", FILL_TWO, FILL_TWO_ANSWERS, [], {"blanks": ["España", "vive"]}, False, WRONG, None),
    # multiple_choice: any correct option counts; wrong shows the first correct one
    ("multiple_choice", {}, [], OPTIONS, {"option": 12}, True, CORRECT, {"option": 12, "text": "el perro"}),
    ("multiple_choice", {}, [], OPTIONS, {"option": 13}, True, CORRECT, {"option": 13, "text": "la perra"}),
    ("multiple_choice", {}, [], OPTIONS, {"option": 11}, False, WRONG, {"option": 12, "text": "el perro"}),
    # match_pairs: order irrelevant, text normalised, all pairs required, no typo tolerance
    (
        "match_pairs",
        PAIRS,
        [],
        [],
        {"pairs": [["la casa", "the house"], ["el perro", "the dog"], ["el año", "the year"]]},
        True,
        CORRECT,
        PAIRS,
    ),
    (
        "match_pairs",
        PAIRS,
        [],
        [],
        {"pairs": [["El Perro", "The dog."], ["la casa", "THE HOUSE"], ["el año", "the year"]]},
        True,
        CORRECT,
        PAIRS,
    ),
    (
        "match_pairs",
        PAIRS,
        [],
        [],
        {"pairs": [["el perro", "the house"], ["la casa", "the dog"], ["el año", "the year"]]},
        False,
        WRONG,
        PAIRS,
    ),
    (
        "match_pairs",
        PAIRS,
        [],
        [],
        {"pairs": [["el perro", "the year"], ["la casa", "the dog"], ["el año", "the house"]]},
        False,
        WRONG,
        PAIRS,
    ),
    # sort_words: normalised exact sentence, alternates accepted, no typo/accent tolerance
    ("sort_words", SORT_CONTENT, SORT, [], {"words": ["Yo", "bebo", "agua"]}, True, CORRECT, SORT[0]),
    ("sort_words", SORT_CONTENT, SORT, [], {"words": ["yo", "bebo", "agua."]}, True, CORRECT, SORT[0]),
    ("sort_words", SORT_CONTENT, SORT, [], {"words": ["Bebo", "agua", "yo"]}, True, CORRECT, SORT[1]),
    ("sort_words", SORT_CONTENT, SORT, [], {"words": ["agua", "bebo", "Yo"]}, False, WRONG, SORT[0]),
    ("sort_words", SORT_CONTENT, SORT, [], {"words": ["Yo", "bebo", "leche"]}, False, WRONG, SORT[0]),
    ("sort_words", SORT_CONTENT, SORT, [], {"words": ["Yo", "bebo"]}, False, WRONG, SORT[0]),
    ("sort_words", SORT_CONTENT, ["Él bebe agua"], [], {"words": ["El", "bebe", "agua"]}, False, WRONG, "Él bebe agua"),
]


@pytest.mark.parametrize(
    ("type_code", "content", "answers", "options", "answer", "correct", "feedback", "shown"),
    CASES,
    ids=[f"{case[0]}-{index}" for index, case in enumerate(CASES)],
)
def test_grade_table(type_code, content, answers, options, answer, correct, feedback, shown):
    result = grade(type_code, content, answers, options, answer)
    assert (result.correct, result.feedback) == (correct, feedback)
    if shown is not None:
        assert result.correct_answer == shown
    assert result.message


def test_table_covers_every_type_with_enough_cases():
    assert len(CASES) >= 60
    assert {case[0] for case in CASES} == set(KINDS)  # a new type needs its grading cases here


def test_fill_blank_shows_the_filled_sentence_when_wrong():
    result = grade("fill_blank", FILL_TWO, FILL_TWO_ANSWERS, [], {"blanks": ["vive", "Francia"]})
    assert result.correct_answer == {"blanks": ["vive", "España"], "text": "Ella vive en España."}
    assert [d["feedback"] for d in result.details] == [CORRECT, WRONG]


def test_wrong_answer_shows_the_closest_alternate():
    result = grade("translate", {}, NINO, [], {"text": "El chico come una pera"})
    assert result.correct_answer == "El chico come una manzana"
    assert "El chico come una manzana" in result.message


def test_feedback_names_the_answer_meant():
    result = grade("translate", {}, CAFE, [], {"text": "un cafe por favor gracias"})
    assert result.feedback == MISSING_ACCENT
    assert "Un café por favor, gracias" in result.message


@pytest.mark.parametrize(
    ("type_code", "answer"),
    [
        ("translate", "just a string"),
        ("translate", {"text": 3}),
        ("translate", {}),
        ("translate", {"text": "x" * 1001}),
        ("translate", {"text": "nul\x00"}),
        ("listen", None),
        ("fill_blank", {"blanks": []}),
        ("fill_blank", {"blanks": ["a", "b"]}),
        ("fill_blank", {"blanks": "bebo"}),
        ("multiple_choice", {"option": "12"}),
        ("multiple_choice", {"option": 99}),
        ("multiple_choice", {"option": True}),
        ("match_pairs", {"pairs": [["el perro"]]}),
        ("match_pairs", {"pairs": "x"}),
        ("match_pairs", {"pairs": [["a", 1]]}),
        # every left item exactly once, with right items of the exercise: else a 400, not a wrong answer
        ("match_pairs", {"pairs": [["el perro", "the dog"], ["la casa", "the house"]]}),
        ("match_pairs", {"pairs": [["el perro", "the dog"], ["el perro", "the dog"], ["la casa", "the house"]]}),
        ("match_pairs", {"pairs": [["el perro", "the dog"], ["la casa", "the house"], ["el ano", "the year"]]}),
        ("match_pairs", {"pairs": [["el perro", "the dog"], ["la casa", "the house"], ["el año", "the cat"]]}),
        # unknown fields
        ("translate", {"text": "Hola", "lang": "es"}),
        ("sort_words", {"words": ["Yo"], "text": "Yo"}),
        ("fill_blank", {"text": "bebo", "blanks": ["bebo"]}),
        ("sort_words", {"words": "Yo bebo agua"}),
        ("sort_words", {"words": [1, 2]}),
    ],
)
def test_invalid_answer_shapes_raise(type_code, answer):
    content = {"translate": {}, "listen": {}, "fill_blank": FILL_ONE, "match_pairs": PAIRS}.get(type_code, {})
    answers = {"fill_blank": FILL_ONE_ANSWERS, "sort_words": SORT}.get(type_code, NINO)
    with pytest.raises(InvalidAnswer):
        grade(type_code, content, answers, OPTIONS, answer)


def test_malformed_content_pairs_are_ignored_not_a_crash():
    content = {"pairs": [["el perro", "the dog"], ["broken"], "junk", ["x", 1]]}
    result = grade("match_pairs", content, [], [], {"pairs": [["el perro", "the dog"]]})
    assert (result.correct, result.correct_answer) == (True, {"pairs": [["el perro", "the dog"]]})


def test_unknown_type_is_a_programming_error():
    with pytest.raises(ValueError, match=r"Unknown exercise type 'dance'\."):
        grade("dance", {}, [], [], {})


def test_invalid_answers_name_the_field_in_the_answer():
    with pytest.raises(InvalidAnswer) as caught:
        grade("translate", {}, NINO, [], {"text": 3, "lang": "es"})
    assert caught.value.message_dict == {
        "answer.lang": ["Unknown field; allowed: text."],
    }
    with pytest.raises(InvalidAnswer) as caught:
        grade("translate", {}, NINO, [], {"text": 3})
    assert caught.value.message_dict == {"answer.text": ["Not a valid string."]}
    with pytest.raises(InvalidAnswer) as caught:
        grade("match_pairs", PAIRS, [], [], {"pairs": [["el perro", "the dog"], ["la casa", "the house"]]})
    assert caught.value.message_dict == {
        "answer.pairs": ["Pair every left item exactly once: send 3 pairs whose left sides are the exercise's."]
    }
    with pytest.raises(InvalidAnswer) as caught:
        grade("fill_blank", FILL_TWO, FILL_TWO_ANSWERS, [], {"text": "vive"})
    assert caught.value.message_dict == {"answer.text": ['This exercise has 2 blanks: send {"blanks": [...]}.']}
    with pytest.raises(InvalidAnswer) as caught:
        grade("multiple_choice", {}, [], OPTIONS, {"option": 99})
    assert caught.value.message_dict == {"answer.option": ["Option 99 is not one of this exercise's options."]}


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [("", "", 0), ("abc", "abc", 0), ("abc", "abd", 1), ("abc", "acb", 1), ("abc", "", 3), ("kitten", "sitting", 3)],
)
def test_edit_distance(a, b, distance):
    assert edit_distance(a, b) == distance


def test_normalize():
    assert normalize("  ¿Qué   HORA es?! ") == "qué hora es"
    assert normalize(unicodedata.normalize("NFD", "Qué")) == "qué"
