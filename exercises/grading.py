"""Server-side grading: one pure grader per exercise type, and `grade()` that picks the right one.

Rules (the same for every free-text answer):
- Texts are compared after normalisation: Unicode NFKC (so composed/decomposed accents and
  compatibility forms such as full-width letters are equal), casefold, apostrophes dropped
  (l'eau == leau), every other punctuation character (Unicode categories P*, incl. ¿ ¡ « ») becomes
  a space, and runs of whitespace collapse to one space.
- An exact match with any accepted answer is correct.
- Equal once diacritics are stripped (NFD, drop combining marks) → correct, feedback
  "missing_accent", naming the accepted answer the learner meant.
- One small typo → correct, feedback "typo". A typo is a Damerau-Levenshtein (optimal string
  alignment) distance of exactly 1 that stays inside one word, where the intended word has at
  least GRADING_TYPO_MIN_WORD_LENGTH (a setting, 4) letters, and where the learner's word is not itself another word of
  the exercise's vocabulary (accepted answers, tiles, pairs): so "el" → "la" or "come" → "como"
  (when "como" is part of the exercise) are wrong answers, not typos. Merging or splitting words
  ("una manzana" → "unamanzana") is not a typo.
- Otherwise wrong; the answer to show is the accepted answer closest to what was given (the
  canonical first answer wins ties).
- sort_words and match_pairs compare normalised text only: the learner picks tiles, so neither
  a missing accent nor a typo can happen by accident, and word order is what is tested.

An answer of the wrong shape raises InvalidAnswer (a django ValidationError, so the API answers 400).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError

CORRECT = "correct"
MISSING_ACCENT = "missing_accent"
TYPO = "typo"
WRONG = "wrong"

MAX_TEXT_LENGTH = 1000
_APOSTROPHES = frozenset("'`\u2018\u2019\u02bc\u00b4")  # ' ` ‘ ’ ʼ ´


class InvalidAnswer(ValidationError):
    """The answer does not have the shape its exercise type expects."""


@dataclass(frozen=True)
class GradeResult:
    correct: bool
    feedback: str  # correct | missing_accent | typo | wrong
    message: str
    correct_answer: Any
    details: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class TextMatch:
    correct: bool
    feedback: str
    answer: str  # the accepted answer matched, or the closest one when wrong


# --- normalisation ------------------------------------------------------------------------------


def normalize(text: str) -> str:
    """NFKC, casefold, apostrophes dropped, other punctuation → space, whitespace collapsed."""
    text = unicodedata.normalize("NFKC", text).casefold()
    chars = []
    for char in text:
        if char in _APOSTROPHES:
            continue
        chars.append(" " if unicodedata.category(char).startswith("P") else char)
    return " ".join("".join(chars).split())


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def edit_distance(a: str, b: str) -> int:
    """Damerau-Levenshtein distance (optimal string alignment: adjacent transpositions cost 1)."""
    if a == b:
        return 0
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[len(b)]


def _is_typo(given: str, expected: str, vocabulary: frozenset[str]) -> bool:
    if edit_distance(given, expected) != 1:
        return False
    given_words, expected_words = given.split(), expected.split()
    if len(given_words) != len(expected_words):
        return False
    differing = [(g, e) for g, e in zip(given_words, expected_words, strict=True) if g != e]
    if len(differing) != 1:
        return False
    given_word, expected_word = differing[0]
    return len(expected_word) >= settings.GRADING_TYPO_MIN_WORD_LENGTH and given_word not in vocabulary


def _vocabulary(texts: Sequence[str]) -> frozenset[str]:
    return frozenset(strip_accents(word) for text in texts for word in normalize(text).split())


def match_text(given: str, accepted: Sequence[str], *, extra_vocabulary: Sequence[str] = ()) -> TextMatch:
    """Grade one free text against its accepted answers (the first is canonical)."""
    accepted = [a for a in accepted if isinstance(a, str) and normalize(a)]
    if not accepted:
        return TextMatch(False, WRONG, "")
    given_norm = normalize(given)
    normalized = [normalize(a) for a in accepted]
    for answer, norm in zip(accepted, normalized, strict=True):
        if given_norm == norm:
            return TextMatch(True, CORRECT, answer)
    given_bare = strip_accents(given_norm)
    bare = [strip_accents(n) for n in normalized]
    for answer, norm in zip(accepted, bare, strict=True):
        if given_bare == norm:
            return TextMatch(True, MISSING_ACCENT, answer)
    vocabulary = _vocabulary([*accepted, *extra_vocabulary])
    for answer, norm in zip(accepted, bare, strict=True):
        if _is_typo(given_bare, norm, vocabulary):
            return TextMatch(True, TYPO, answer)
    distances = [edit_distance(given_bare, norm) for norm in bare]
    closest = min(range(len(accepted)), key=lambda index: (distances[index], index))
    return TextMatch(False, WRONG, accepted[closest])


# --- answer shapes ------------------------------------------------------------------------------


def _require_dict(answer: Any) -> dict:
    if not isinstance(answer, dict):
        raise InvalidAnswer({"answer": 'Send an object, e.g. {"text": "..."}.'})
    return answer


def _require_text(value: Any, name: str) -> str:
    if not isinstance(value, str):
        raise InvalidAnswer({"answer": f"“{name}” must be a string."})
    if "\x00" in value:
        raise InvalidAnswer({"answer": f"“{name}” contains a NUL character."})
    if len(value) > MAX_TEXT_LENGTH:
        raise InvalidAnswer({"answer": f"“{name}” is longer than {MAX_TEXT_LENGTH} characters."})
    return value


def _require_text_list(value: Any, name: str, *, max_items: int = 100) -> list[str]:
    if not isinstance(value, list) or not value or len(value) > max_items:
        raise InvalidAnswer({"answer": f"“{name}” must be a non-empty list of at most {max_items} strings."})
    return [_require_text(item, name) for item in value]


def _message(feedback: str, answer: str) -> str:
    if feedback == MISSING_ACCENT:
        return f"Correct, but mind the accents: “{answer}”."
    if feedback == TYPO:
        return f"Correct, but you have a typo: “{answer}”."
    if feedback == CORRECT:
        return "Correct!"
    return f"Not quite. Correct answer: “{answer}”."


# --- graders ------------------------------------------------------------------------------------


def grade_text(content: dict, answers: list, options: list, learner_answer: Any) -> GradeResult:
    """translate, listen and speak: `{"text": ...}` against the accepted answers."""
    text = _require_text(_require_dict(learner_answer).get("text"), "text")
    match = match_text(text, answers)
    return GradeResult(match.correct, match.feedback, _message(match.feedback, match.answer), match.answer)


def grade_fill_blank(content: dict, answers: list, options: list, learner_answer: Any) -> GradeResult:
    """One list of accepted words per blank; `{"text"}` for a single blank or `{"blanks": [...]}`."""
    answer = _require_dict(learner_answer)
    blanks_accepted = [list(choices) if isinstance(choices, list) else [choices] for choices in answers]
    if "blanks" in answer:
        given = _require_text_list(answer["blanks"], "blanks")
    elif "text" in answer and len(blanks_accepted) == 1:
        given = [_require_text(answer["text"], "text")]
    else:
        raise InvalidAnswer({"answer": f'Send {{"blanks": [...]}} with {len(blanks_accepted)} entries.'})
    if len(given) != len(blanks_accepted):
        raise InvalidAnswer({"answer": f"Expected {len(blanks_accepted)} blanks, got {len(given)}."})
    all_words = [word for choices in blanks_accepted for word in choices if isinstance(word, str)]
    matches = []
    for text, choices in zip(given, blanks_accepted, strict=True):
        others = [word for word in all_words if word not in choices]
        matches.append(match_text(text, choices, extra_vocabulary=others))
    correct = all(m.correct for m in matches)
    if not correct:
        feedback = WRONG
    elif any(m.feedback == TYPO for m in matches):
        feedback = TYPO
    elif any(m.feedback == MISSING_ACCENT for m in matches):
        feedback = MISSING_ACCENT
    else:
        feedback = CORRECT
    words = [m.answer for m in matches]
    sentence = _fill_sentence(content.get("text", "") if isinstance(content, dict) else "", words)
    details = [{"blank": i, "feedback": m.feedback, "answer": m.answer} for i, m in enumerate(matches)]
    return GradeResult(
        correct,
        feedback,
        _message(feedback, sentence or " / ".join(words)),
        {"blanks": words, "text": sentence},
        details,
    )


def _fill_sentence(template: str, words: list[str]) -> str:
    parts = template.split("___")
    if len(parts) != len(words) + 1:
        return ""
    out = parts[0]
    for word, rest in zip(words, parts[1:], strict=True):
        out += word + rest
    return out


def grade_multiple_choice(content: dict, answers: list, options: list, learner_answer: Any) -> GradeResult:
    """`{"option": id}`; options are dicts {id, text, is_correct}; any correct option counts."""
    chosen_id = _require_dict(learner_answer).get("option")
    if not isinstance(chosen_id, int) or isinstance(chosen_id, bool):
        raise InvalidAnswer({"answer": "“option” must be the id of one of the exercise's options."})
    by_id = {option["id"]: option for option in options}
    if chosen_id not in by_id:
        raise InvalidAnswer({"answer": f"Option {chosen_id} is not one of this exercise's options."})
    chosen = by_id[chosen_id]
    shown = chosen if chosen["is_correct"] else next((option for option in options if option["is_correct"]), chosen)
    feedback = CORRECT if chosen["is_correct"] else WRONG
    return GradeResult(
        bool(chosen["is_correct"]),
        feedback,
        _message(feedback, shown["text"]),
        {"option": shown["id"], "text": shown["text"]},
    )


def grade_match_pairs(content: dict, answers: list, options: list, learner_answer: Any) -> GradeResult:
    """`{"pairs": [[left, right], ...]}`: every pair of the content matched, in any order."""
    raw = _require_dict(learner_answer).get("pairs")
    if not isinstance(raw, list) or not raw or len(raw) > 100:
        raise InvalidAnswer({"answer": "“pairs” must be a non-empty list of [left, right] pairs."})
    given = []
    for pair in raw:
        if not isinstance(pair, list) or len(pair) != 2:
            raise InvalidAnswer({"answer": "Each pair must be a list [left, right]."})
        given.append((normalize(_require_text(pair[0], "pairs")), normalize(_require_text(pair[1], "pairs"))))
    expected_pairs = [
        list(pair)
        for pair in content.get("pairs", [])
        if isinstance(pair, list | tuple) and len(pair) == 2 and all(isinstance(side, str) for side in pair)
    ]
    expected = sorted((normalize(left), normalize(right)) for left, right in expected_pairs)
    correct = sorted(given) == expected
    feedback = CORRECT if correct else WRONG
    shown = "; ".join(f"{left} = {right}" for left, right in expected_pairs)
    return GradeResult(correct, feedback, _message(feedback, shown), {"pairs": expected_pairs})


def grade_sort_words(content: dict, answers: list, options: list, learner_answer: Any) -> GradeResult:
    """`{"words": [...]}` joined with spaces; normalised exact match with an accepted sentence."""
    words = _require_text_list(_require_dict(learner_answer).get("words"), "words", max_items=200)
    given = normalize(" ".join(words))
    accepted = [a for a in answers if isinstance(a, str)]
    for answer in accepted:
        if normalize(answer) == given:
            return GradeResult(True, CORRECT, _message(CORRECT, answer), answer)
    shown = accepted[0] if accepted else ""
    return GradeResult(False, WRONG, _message(WRONG, shown), shown)


GRADERS: dict[str, Callable[[dict, list, list, Any], GradeResult]] = {
    "translate": grade_text,
    "listen": grade_text,
    "speak": grade_text,
    "fill_blank": grade_fill_blank,
    "multiple_choice": grade_multiple_choice,
    "match_pairs": grade_match_pairs,
    "sort_words": grade_sort_words,
}


def grade(
    exercise_type_code: str, content: dict, answers: list, options: list[dict], learner_answer: Any
) -> GradeResult:
    """Grade a learner's answer; raises InvalidAnswer for an answer of the wrong shape."""
    try:
        grader = GRADERS[exercise_type_code]
    except KeyError:
        raise ValueError(f"No grader for exercise type {exercise_type_code!r}.") from None
    return grader(
        content if isinstance(content, dict) else {}, list(answers or []), list(options or []), learner_answer
    )
