"""Per-type rules for an exercise's content, answers, options and audio (used by models, admin, import, API)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

BLANK_MARKER = "___"

Errors = dict[str, list[str]]


@dataclass(frozen=True)
class OptionData:
    text: str
    is_correct: bool


def _non_empty_string(value: Any) -> bool:
    return isinstance(value, str) and value.strip() != ""


def _check_object(content: Any, errors: Errors) -> dict:
    if not isinstance(content, dict):
        errors.setdefault("content", []).append("Content must be an object (a mapping of fields).")
        return {}
    return content


def _check_string_answers(answers: Any, errors: Errors, what: str) -> None:
    if not isinstance(answers, list) or not answers:
        errors.setdefault("answers", []).append(f"Give at least one accepted {what}.")
        return
    for index, answer in enumerate(answers):
        if not _non_empty_string(answer):
            errors.setdefault(f"answers[{index}]", []).append(f"Each accepted {what} must be a non-empty text.")


def _check_no_answers(answers: Any, errors: Errors, why: str) -> None:
    if answers not in (None, []):
        errors.setdefault("answers", []).append(f"Leave answers empty: {why}.")


def _check_unexpected_keys(content: dict, allowed: set[str], errors: Errors) -> None:
    for key in sorted(set(content) - allowed):
        errors.setdefault(f"content.{key}", []).append(
            f"Unknown field; allowed: {', '.join(sorted(allowed)) or 'none'}."
        )


def _translate(content, answers, options, has_audio, errors: Errors) -> None:
    content = _check_object(content, errors)
    _check_unexpected_keys(content, {"source_text"}, errors)
    if not _non_empty_string(content.get("source_text")):
        errors.setdefault("content.source_text", []).append("Give the sentence to translate (source_text).")
    _check_string_answers(answers, errors, "translation")


def _listen(content, answers, options, has_audio, errors: Errors) -> None:
    content = _check_object(content, errors)
    _check_unexpected_keys(content, {"slow_audio"}, errors)
    if "slow_audio" in content and not isinstance(content["slow_audio"], bool):
        errors.setdefault("content.slow_audio", []).append("slow_audio must be true or false.")
    if not has_audio:
        errors.setdefault("audio", []).append("A listen exercise needs an audio file.")
    _check_string_answers(answers, errors, "transcription")


def _speak(content, answers, options, has_audio, errors: Errors) -> None:
    content = _check_object(content, errors)
    _check_unexpected_keys(content, {"phrase"}, errors)
    if not _non_empty_string(content.get("phrase")):
        errors.setdefault("content.phrase", []).append("Give the phrase the learner must say (phrase).")
    _check_string_answers(answers, errors, "transcript")


def _fill_blank(content, answers, options, has_audio, errors: Errors) -> None:
    content = _check_object(content, errors)
    _check_unexpected_keys(content, {"text"}, errors)
    text = content.get("text")
    if not _non_empty_string(text):
        errors.setdefault("content.text", []).append(f"Give the text with one {BLANK_MARKER} per blank.")
        return
    blanks = text.count(BLANK_MARKER)
    if blanks == 0:
        errors.setdefault("content.text", []).append(f"The text needs at least one blank marked {BLANK_MARKER}.")
        return
    if not isinstance(answers, list) or len(answers) != blanks:
        got = len(answers) if isinstance(answers, list) else 0
        errors.setdefault("answers", []).append(
            f"Give one list of accepted words per blank: the text has {blanks} blank(s), answers has {got}."
        )
        return
    for index, accepted in enumerate(answers):
        if not isinstance(accepted, list) or not accepted or not all(_non_empty_string(word) for word in accepted):
            errors.setdefault(f"answers[{index}]", []).append(
                f"Blank {index + 1} needs a list of at least one non-empty accepted word."
            )


def _multiple_choice(content, answers, options, has_audio, errors: Errors) -> None:
    content = _check_object(content, errors)
    _check_unexpected_keys(content, set(), errors)
    _check_no_answers(answers, errors, "a multiple-choice exercise is answered by its correct options")
    if options is None:
        return
    if len(options) < 2:
        errors.setdefault("options", []).append(
            f"A multiple-choice exercise needs at least 2 options, it has {len(options)}."
        )
    if not any(option.is_correct for option in options):
        errors.setdefault("options", []).append("Mark at least one option as correct.")
    texts = Counter(option.text.strip().casefold() for option in options)
    duplicates = sorted(text for text, count in texts.items() if count > 1)
    if duplicates:
        errors.setdefault("options", []).append(f"Options must differ; repeated: {', '.join(duplicates)}.")
    for index, option in enumerate(options):
        if not _non_empty_string(option.text):
            errors.setdefault(f"options[{index}].text", []).append("An option needs a text.")


def _match_pairs(content, answers, options, has_audio, errors: Errors) -> None:
    content = _check_object(content, errors)
    _check_unexpected_keys(content, {"pairs"}, errors)
    _check_no_answers(answers, errors, "the pairs are the answer")
    pairs = content.get("pairs")
    if not isinstance(pairs, list) or len(pairs) < 2:
        errors.setdefault("content.pairs", []).append("Give at least 2 pairs, each [left, right].")
        return
    valid = True
    for index, pair in enumerate(pairs):
        if not (isinstance(pair, list) and len(pair) == 2 and all(_non_empty_string(side) for side in pair)):
            errors.setdefault(f"content.pairs[{index}]", []).append("A pair is a list of two non-empty texts.")
            valid = False
    if not valid:
        return
    for side, name in ((0, "left"), (1, "right")):
        counts = Counter(pair[side].strip().casefold() for pair in pairs)
        repeated = sorted(text for text, count in counts.items() if count > 1)
        if repeated:
            errors.setdefault("content.pairs", []).append(
                f"Each {name} side must be unique; repeated: {', '.join(repeated)}."
            )


def _sort_words(content, answers, options, has_audio, errors: Errors) -> None:
    content = _check_object(content, errors)
    _check_unexpected_keys(content, {"tiles"}, errors)
    tiles = content.get("tiles")
    if not isinstance(tiles, list) or len(tiles) < 2 or not all(_non_empty_string(tile) for tile in tiles):
        errors.setdefault("content.tiles", []).append("Give at least 2 word tiles, each a non-empty text.")
        tiles = None
    _check_string_answers(answers, errors, "sentence")
    if tiles is None or not isinstance(answers, list):
        return
    available = Counter(tile.strip() for tile in tiles)
    for index, answer in enumerate(answers):
        if not _non_empty_string(answer):
            continue
        needed = Counter(answer.split())
        missing = needed - available
        if missing:
            words = ", ".join(sorted(missing.elements()))
            errors.setdefault(f"answers[{index}]", []).append(
                f"These words of the sentence are not among the tiles: {words}."
            )


VALIDATORS: dict[str, Callable[..., None]] = {
    "translate": _translate,
    "listen": _listen,
    "speak": _speak,
    "fill_blank": _fill_blank,
    "multiple_choice": _multiple_choice,
    "match_pairs": _match_pairs,
    "sort_words": _sort_words,
}


def _as_options(options: Iterable[Any] | None) -> list[OptionData] | None:
    if options is None:
        return None
    result = []
    for option in options:
        if isinstance(option, dict):
            result.append(OptionData(text=option.get("text") or "", is_correct=bool(option.get("is_correct"))))
        else:
            result.append(OptionData(text=option.text or "", is_correct=bool(option.is_correct)))
    return result


def exercise_content_errors(
    exercise_type_code: str,
    content: Any,
    answers: Any,
    *,
    options: Iterable[Any] | None = None,
    has_audio: bool = False,
) -> Errors:
    """Problems with an exercise's type-specific data, keyed by field path (content.tiles, answers[0], options).

    `options` are ExerciseOption rows or dicts with text/is_correct; None skips the option checks
    (an exercise being created has none yet). An empty dict means the exercise is valid.
    """
    errors: Errors = {}
    validator = VALIDATORS.get(exercise_type_code)
    if validator is None:
        return {"type": [f"Unknown exercise type {exercise_type_code!r}."]}
    options = _as_options(options)
    if options and exercise_type_code != "multiple_choice":
        errors["options"] = ["Only multiple-choice exercises have options."]
    if not isinstance(answers, list):
        errors.setdefault("answers", []).append("Answers must be a list.")
        answers = []
    validator(content, answers, options, has_audio, errors)
    return errors
