"""What the learner's view of an exercise (exercises.api.serializers.PlayExerciseSerializer) draws on: its picture
and the order of its options and tiles.

Options, tiles and the right column of pairs come in an order drawn from the session: a random.Random seeded
with an HMAC (keyed from SECRET_KEY) of the session and exercise ids. So one session sees one order on every
reload, replay and worker; another session sees another; and the public lesson payload (no session) has a
fixed order of its own. None of them is the editor's order as a rule.
"""

from __future__ import annotations

import random

from django.utils.crypto import salted_hmac

from exercises.models import Exercise

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
