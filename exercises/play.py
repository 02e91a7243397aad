"""The learner's view of an exercise: everything needed to play it and nothing that gives the answer away."""

from __future__ import annotations

from typing import Any

from exercises.models import AudioFile, Exercise, ExerciseType

Code = ExerciseType.Code


def _casefold_order(values: list[str]) -> list[str]:
    # Sorted by text only, so the order carries no information about pairing or answer order.
    return sorted(values, key=lambda value: (value.casefold(), value))


def _type_payload(exercise: Exercise) -> dict[str, Any]:
    code = exercise.type.code
    content = exercise.content if isinstance(exercise.content, dict) else {}
    if code == Code.TRANSLATE:
        return {"source_text": content.get("source_text", "")}
    if code == Code.LISTEN:
        return {"slow_audio": bool(content.get("slow_audio", False))}
    if code == Code.SPEAK:
        return {"phrase": content.get("phrase", "")}
    if code == Code.FILL_BLANK:
        text = content.get("text", "")
        return {"text": text, "blanks": text.count("___")}
    if code == Code.MULTIPLE_CHOICE:
        # options.all() hits the prefetch cache; sorting in Python keeps it that way.
        options = sorted(exercise.options.all(), key=lambda option: (option.position, option.pk))
        return {"options": [{"id": option.pk, "text": option.text} for option in options]}
    if code == Code.MATCH_PAIRS:
        pairs = content.get("pairs", [])
        return {"left": [pair[0] for pair in pairs], "right": _casefold_order([pair[1] for pair in pairs])}
    if code == Code.SORT_WORDS:
        return {"tiles": _casefold_order(list(content.get("tiles", [])))}
    return {}


def exercise_play_payload(exercise: Exercise, *, audio_quality: str = "medium") -> dict[str, Any]:
    """Serialize one exercise for a learner: never answers, is_correct or transcripts.

    Reads only exercise.type, exercise.audio and exercise.options, so load exercises through
    exercises.selectors (lesson_exercises_for_play / exercises_for_play) for constant queries.
    Raises ValueError for an unknown audio quality.
    """
    if audio_quality not in AudioFile.Quality.values:
        raise ValueError(f"Unknown audio quality {audio_quality!r}; use low, medium or high.")
    audio = exercise.audio
    return {
        "id": exercise.pk,
        "type": exercise.type.code,
        "prompt": exercise.prompt,
        "difficulty": exercise.difficulty,
        "time_limit_seconds": exercise.time_limit_seconds,
        "xp": exercise.xp,
        "hints": list(exercise.hints or []),
        "audio_url": audio.url_for(audio_quality) if audio is not None else None,
        "content": _type_payload(exercise),
    }
