"""The right answer to an exercise in the API's answer shapes (DESIGN.md), for tests and bench/."""

from exercises.kinds import kind_for


def correct_answer(exercise) -> dict:
    """The answer a learner who knows it sends; reads exercise.type, answers, content and options."""
    kind = kind_for(exercise.type.code)
    options = (
        sorted(exercise.options.all(), key=lambda option: (option.position, option.pk)) if kind.uses_options else []
    )
    data = kind.exercise_data(content=exercise.content, answers=exercise.answers, options=options)
    return kind.known_answer(exercise=data)
