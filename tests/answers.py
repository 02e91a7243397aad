"""The right answer to an exercise in the API's answer shapes (DESIGN.md), for tests and bench/."""


def correct_answer(exercise) -> dict:
    """The answer a learner who knows it sends; reads exercise.type, answers, content and options."""
    code, answers, content = exercise.type.code, exercise.answers, exercise.content or {}
    if code in {"translate", "listen", "speak"}:
        return {"text": answers[0]}
    if code == "fill_blank":
        return {"text": answers[0][0]} if len(answers) == 1 else {"blanks": [accepted[0] for accepted in answers]}
    if code == "multiple_choice":
        options = sorted(exercise.options.all(), key=lambda option: (option.position, option.pk))
        return {"option": next(option.pk for option in options if option.is_correct)}
    if code == "match_pairs":
        return {"pairs": content["pairs"]}
    if code == "sort_words":
        return {"words": answers[0].split()}
    raise ValueError(f"unknown exercise type {code!r}")
