"""The learner's view of an exercise: everything needed to play it and nothing that gives the answer away.

Options, tiles and the right column of pairs come in an order drawn from the session: a random.Random seeded
with an HMAC (keyed from SECRET_KEY) of the session and exercise ids. So one session sees one order on every
reload, replay and worker; another session sees another; and the public lesson payload (no session) has a
fixed order of its own. None of them is the editor's order as a rule.
"""

from __future__ import annotations

import random
from typing import Any

from django.utils.crypto import salted_hmac

from exercises.kinds import kind_for
from exercises.kinds.base import ExerciseData, as_options
from exercises.models import AudioFile, Exercise

ORDER_SALT = "exercises.play.order"


def play_order(*, exercise_id: int, session_id: int | None) -> random.Random:
    """The random order of one exercise's options and tiles in one session (None: the public lesson payload)."""
    scope = f"session:{session_id}" if session_id is not None else "lesson"
    digest = salted_hmac(ORDER_SALT, f"{scope}:exercise:{exercise_id}", algorithm="sha256").digest()
    return random.Random(int.from_bytes(digest[:16], "big"))


def exercise_image(exercise: Exercise) -> dict[str, str] | None:
    """{"url", "alt"} of the exercise's picture (an upload wins over a URL), or None."""
    if exercise.image:
        return {"url": exercise.image.url, "alt": exercise.image_alt}
    if exercise.image_url:
        return {"url": exercise.image_url, "alt": exercise.image_alt}
    return None


def exercise_play_payload(
    exercise: Exercise, *, audio_quality: str = "medium", session_id: int | None = None
) -> dict[str, Any]:
    """Serialize one exercise for a learner: never answers, is_correct or transcripts.

    Reads only exercise.type, exercise.audio and exercise.options, so load exercises through
    exercises.selectors (lesson_exercises_for_play / exercises_for_play) for constant queries.
    Raises ValueError for an unknown audio quality.
    """
    if audio_quality not in AudioFile.Quality.values:
        raise ValueError(f"Unknown audio quality {audio_quality!r}; use low, medium or high.")
    kind = kind_for(exercise.type.code)
    audio = exercise.audio
    # options.all() hits the prefetch cache; sorting in Python keeps it that way.
    options = (
        sorted(exercise.options.all(), key=lambda option: (option.position, option.pk)) if kind.uses_options else []
    )
    data = ExerciseData(
        content=exercise.content if isinstance(exercise.content, dict) else {},
        answers=list(exercise.answers) if isinstance(exercise.answers, list) else [],
        options=as_options(options),
    )
    return {
        "id": exercise.pk,
        "type": kind.code,
        "prompt": exercise.prompt,
        "difficulty": exercise.difficulty,
        "time_limit_seconds": exercise.time_limit_seconds,
        "xp": exercise.xp,
        "hints": list(exercise.hints or []),
        "audio_url": audio.url_for(audio_quality) if audio is not None else None,
        "image": exercise_image(exercise),
        "content": kind.play_content(data, order=play_order(exercise_id=exercise.pk, session_id=session_id)),
    }
