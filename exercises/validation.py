"""An exercise's content, answers, options and audio checked against its kind (used by services, admin, import)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from exercises.kinds import UnknownKind, kind_for
from exercises.kinds.base import Errors, LanguageCodes, as_options


def exercise_content_errors(
    exercise_type_code: str,
    content: Any,
    answers: Any,
    *,
    options: Iterable[Any] | None = None,
    has_audio: bool = False,
    languages: LanguageCodes = None,
) -> Errors:
    """Problems with an exercise's type-specific data, keyed by field path (content.tiles, answers[0], options).

    `options` are ExerciseOption rows or dicts with text/is_correct; None skips the option checks
    (an exercise being created has none yet). `languages` are the language codes content may name
    (a structured prompt's language); None reads them from the database. An empty dict means valid.
    """
    try:
        kind = kind_for(exercise_type_code)
    except UnknownKind as error:
        return {"type": [str(error)]}
    return kind.content_errors(content, answers, options=as_options(options), has_audio=has_audio, languages=languages)
