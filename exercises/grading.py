"""Server-side grading: how free text is compared (normalisation, orthography, accents, typos), and `grade()`.

Each exercise kind (exercises.kinds) grades its own answers with these rules:
- Texts are compared after normalisation: Unicode NFKC (so composed/decomposed accents and
  compatibility forms such as full-width letters are equal), casefold, apostrophes dropped
  (l'eau == leau), every other punctuation character (Unicode categories P*, incl. ¿ ¡ « ») becomes
  a space, and runs of whitespace collapse to one space.
- Orthography: the characters the answer's language declares as letters although Unicode calls them
  punctuation (Language.punctuation_letters, e.g. ’ for a glottal stop, : for a length mark) are kept
  as letters. Where an apostrophe is such a letter, every apostrophe look-alike (' ` ‘ ’ ʼ) is read as
  that letter, since keyboards differ in which one they type.
- An exact match with any accepted answer is correct.
- The same text with some of the accepted answer's diacritics left out → correct, feedback
  "missing_accent", naming the accepted answer the learner meant. An *added* or different diacritic
  (Hóla for Hola) is not a missing one: it is a spelling mistake, judged by the typo rule below.
- One small typo → correct, feedback "typo". A typo is a Damerau-Levenshtein (optimal string
  alignment) distance of exactly 1 that stays inside one word, where the intended word has at
  least GRADING_TYPO_MIN_WORD_LENGTH (a setting, 4) letters, and where the learner's word is not itself another word of
  the exercise's vocabulary (accepted answers, tiles, pairs): so "el" → "la" or "come" → "como"
  (when "como" is part of the exercise) are wrong answers, not typos. Merging or splitting words
  ("una manzana" → "unamanzana") is not a typo, and neither is adding, dropping, replacing or moving one
  of the language's punctuation letters: they mark sounds that tell words apart.
- Otherwise wrong; the answer to show is the accepted answer closest to what was given (the
  canonical first answer wins ties).

An answer of the wrong shape raises InvalidAnswer (a django ValidationError, so the API answers 400).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError

CORRECT = "correct"
MISSING_ACCENT = "missing_accent"
TYPO = "typo"
WRONG = "wrong"

MAX_TEXT_LENGTH = 1000
APOSTROPHES = frozenset("'`\u2018\u2019\u02bc")  # ' ` ‘ ’ ʼ


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


@dataclass(frozen=True)
class Orthography:
    """What grading must know about the answer's language: the punctuation characters that are letters in it."""

    letters: frozenset[str] = frozenset()

    @classmethod
    def of(cls, punctuation_letters: Iterable[Any] | None) -> Orthography:
        """From Language.punctuation_letters, normalised as answers are (NFKC, casefold)."""
        letters = set()
        for item in punctuation_letters or ():
            if isinstance(item, str):
                letters.update(unicodedata.normalize("NFKC", item).casefold())
        return cls(frozenset(letters)) if letters else PLAIN

    @property
    def apostrophe(self) -> str | None:
        """The apostrophe this language writes as a letter, if any (look-alikes are read as it)."""
        declared = sorted(self.letters & APOSTROPHES)
        return declared[0] if declared else None


PLAIN = Orthography()


# --- normalisation ------------------------------------------------------------------------------


def normalize(text: str, orthography: Orthography = PLAIN) -> str:
    """NFKC, casefold, apostrophes dropped (or read as the language's apostrophe letter), the language's
    punctuation letters kept, other punctuation → space, whitespace collapsed."""
    text = unicodedata.normalize("NFKC", text).casefold()
    letters, apostrophe = orthography.letters, orthography.apostrophe
    chars = []
    for char in text:
        if char in APOSTROPHES:
            if apostrophe is not None:
                chars.append(apostrophe)
            continue
        if char in letters:
            chars.append(char)
        else:
            chars.append(" " if unicodedata.category(char).startswith("P") else char)
    return " ".join("".join(chars).split())


def _osa_distance(a: Sequence, b: Sequence, same: Callable[[Any, Any], bool]) -> int:
    """Optimal string alignment distance (adjacent transpositions cost 1); `same(x, y)` says which items match."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if same(a[i - 1], b[j - 1]) else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[len(b)]


def edit_distance(a: str, b: str) -> int:
    """Damerau-Levenshtein distance (optimal string alignment: adjacent transpositions cost 1)."""
    if a == b:
        return 0
    return _osa_distance(a, b, str.__eq__)


# --- accents ------------------------------------------------------------------------------------


def _clusters(text: str) -> tuple[str, ...]:
    """The text as base characters each with its combining marks (NFD), so an accent is part of its letter."""
    clusters: list[str] = []
    for char in unicodedata.normalize("NFD", text):
        if clusters and unicodedata.combining(char):
            clusters[-1] += char
        else:
            clusters.append(char)
    return tuple(clusters)


def _lacks_accent(given: str, expected: str) -> bool:
    """Same base letter, and the given cluster's marks are some (not all) of the expected one's."""
    if given[0] != expected[0]:
        return False
    given_marks, expected_marks = Counter(given[1:]), Counter(expected[1:])
    return given_marks != expected_marks and not (given_marks - expected_marks)


def _same_or_lacks_accent(given: str, expected: str) -> bool:
    return given == expected or _lacks_accent(given, expected)


def _only_accents_missing(given: str, expected: str) -> bool:
    """`given` is `expected` with one or more of its diacritics left out (and nothing else changed)."""
    given_clusters, expected_clusters = _clusters(given), _clusters(expected)
    if len(given_clusters) != len(expected_clusters) or given_clusters == expected_clusters:
        return False
    return all(_same_or_lacks_accent(g, e) for g, e in zip(given_clusters, expected_clusters, strict=True))


def _distance(given: str, expected: str) -> int:
    """Edit distance in letters (a letter with its accents is one), where a left-out accent costs nothing."""
    if given == expected:
        return 0
    return _osa_distance(_clusters(given), _clusters(expected), _same_or_lacks_accent)


# --- typos --------------------------------------------------------------------------------------


def _segments(word: str, orthography: Orthography) -> list[str]:
    if not orthography.letters:
        return [word]
    pattern = "([" + re.escape("".join(sorted(orthography.letters))) + "])"
    return re.split(pattern, word)


def _is_typo(given: str, expected: str, vocabulary: frozenset[str], orthography: Orthography) -> bool:
    given_words, expected_words = given.split(), expected.split()
    if len(given_words) != len(expected_words):
        return False
    differing = [
        (g, e) for g, e in zip(given_words, expected_words, strict=True) if not (g == e or _only_accents_missing(g, e))
    ]
    if len(differing) != 1:
        return False
    given_word, expected_word = differing[0]
    if len(_clusters(expected_word)) < settings.GRADING_TYPO_MIN_WORD_LENGTH or given_word in vocabulary:
        return False
    # The language's punctuation letters split the word (re.split puts them at the odd indexes): they must
    # all be there, in place and untouched, and the one slip must be inside one of the pieces between them.
    given_parts, expected_parts = _segments(given_word, orthography), _segments(expected_word, orthography)
    if len(given_parts) != len(expected_parts) or given_parts[1::2] != expected_parts[1::2]:
        return False
    changed = [
        (g, e)
        for g, e in zip(given_parts[::2], expected_parts[::2], strict=True)
        if not (g == e or _only_accents_missing(g, e))
    ]
    return len(changed) == 1 and _distance(*changed[0]) == 1


def _vocabulary(texts: Sequence[str], orthography: Orthography) -> frozenset[str]:
    return frozenset(word for text in texts for word in normalize(text, orthography).split())


def match_text(
    given: str,
    accepted: Sequence[str],
    *,
    extra_vocabulary: Sequence[str] = (),
    orthography: Orthography = PLAIN,
) -> TextMatch:
    """Grade one free text against its accepted answers (the first is canonical)."""
    accepted = [a for a in accepted if isinstance(a, str) and normalize(a, orthography)]
    if not accepted:
        return TextMatch(False, WRONG, "")
    given_norm = normalize(given, orthography)
    normalized = [normalize(a, orthography) for a in accepted]
    for answer, norm in zip(accepted, normalized, strict=True):
        if given_norm == norm:
            return TextMatch(True, CORRECT, answer)
    for answer, norm in zip(accepted, normalized, strict=True):
        if _only_accents_missing(given_norm, norm):
            return TextMatch(True, MISSING_ACCENT, answer)
    vocabulary = _vocabulary([*accepted, *extra_vocabulary], orthography)
    for answer, norm in zip(accepted, normalized, strict=True):
        if _is_typo(given_norm, norm, vocabulary, orthography):
            return TextMatch(True, TYPO, answer)
    distances = [_distance(given_norm, norm) for norm in normalized]
    closest = min(range(len(accepted)), key=lambda index: (distances[index], index))
    return TextMatch(False, WRONG, accepted[closest])


def feedback_message(feedback: str, answer: str) -> str:
    if feedback == MISSING_ACCENT:
        return f"Correct, but mind the accents: “{answer}”."
    if feedback == TYPO:
        return f"Correct, but you have a typo: “{answer}”."
    if feedback == CORRECT:
        return "Correct!"
    return f"Not quite. Correct answer: “{answer}”."


def text_result(match: TextMatch) -> GradeResult:
    return GradeResult(match.correct, match.feedback, feedback_message(match.feedback, match.answer), match.answer)


def grade(
    exercise_type_code: str,
    content: Any,
    answers: Any,
    options: list[dict] | None,
    learner_answer: Any,
    *,
    orthography: Orthography = PLAIN,
) -> GradeResult:
    """Check the answer's shape against the exercise's kind (InvalidAnswer when wrong), then grade it.

    `options` are dicts {id, text, is_correct} (kinds that use options); `orthography` is the answer language's.
    """
    from exercises.kinds import kind_for

    kind = kind_for(exercise_type_code)
    exercise = kind.exercise_data(content=content, answers=answers, options=options)
    answer = kind.answer_validated(learner_answer, exercise=exercise)
    return kind.grade(answer, exercise=exercise, orthography=orthography)
