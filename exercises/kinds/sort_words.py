"""Sort words: the learner puts word tiles in order to build a sentence; distractor tiles may be left over."""

from __future__ import annotations

from collections import Counter

from rest_framework import serializers

from exercises.grading import CORRECT, WRONG, GradeResult, feedback_message, normalize
from exercises.kinds.base import (
    AnswerSerializer,
    Example,
    ExerciseKind,
    PromptForm,
    ShapeSerializer,
    StrictText,
    StructuredPromptSerializer,
    add_error,
    check_string_answers,
    check_structured_prompt,
    non_empty_string,
    shuffled,
    structured_prompt,
)
from exercises.kinds.widgets import TextListField


class WordsAnswerSerializer(AnswerSerializer):
    words = serializers.ListField(
        child=StrictText(), min_length=1, max_length=200, help_text="The tiles' texts in the learner's order."
    )


class SortWordsContentSerializer(ShapeSerializer):
    prompt = StructuredPromptSerializer(allow_null=True, help_text="The sentence or word asked about, if any.")
    tiles = serializers.ListField(child=serializers.CharField(), help_text="In this session's order.")


class SortWordsForm(PromptForm):
    tiles = TextListField(
        label="Word tiles",
        item_label="tile",
        spare=3,
        help_text="Every word of the sentence, plus distractors if you like.",
    )
    answers = TextListField(
        label="Accepted sentences",
        item_label="sentence",
        help_text="Built from the tiles; the first is shown as correct.",
    )
    error_fields = {**PromptForm.error_fields, "content.tiles": "tiles", "answers": "answers"}

    @classmethod
    def initial_from(cls, content, answers):
        return {**super().initial_from(content, answers), "tiles": content.get("tiles", []), "answers": answers}

    @classmethod
    def content_from(cls, data):
        return {**cls.prompt_from(data), "tiles": data.get("tiles") or []}, data.get("answers") or []


def _spells_an_answer(tiles: list[str], answers: list[list[str]]) -> bool:
    """The tiles, in this order, contain an accepted sentence as consecutive tiles."""
    words = [normalize(tile) for tile in tiles]
    return any(
        words[start : start + len(answer)] == answer
        for answer in answers
        if answer
        for start in range(len(words) - len(answer) + 1)
    )


class SortWords(ExerciseKind):
    code = "sort_words"
    label = "Sort words"
    order = 70
    content_fields = frozenset({"tiles", "prompt"})
    answer_serializer = WordsAnswerSerializer
    play_serializer = SortWordsContentSerializer
    admin_form = SortWordsForm

    def check(self, content, answers, options, errors, languages):
        check_structured_prompt(content, errors, languages)
        tiles = content.get("tiles")
        if not isinstance(tiles, list) or len(tiles) < 2 or not all(non_empty_string(tile) for tile in tiles):
            add_error(errors, "content.tiles", "Give at least 2 word tiles, each a non-empty text.")
            tiles = None
        check_string_answers(answers, errors, "sentence")
        if tiles is None:
            return
        available = Counter(tile.strip() for tile in tiles)
        for index, answer in enumerate(answers):
            if not non_empty_string(answer):
                continue
            missing = Counter(answer.split()) - available
            if missing:
                words = ", ".join(sorted(missing.elements()))
                add_error(errors, f"answers[{index}]", f"These words of the sentence are not among the tiles: {words}.")

    def example(self):
        return Example(
            prompt="Put the words in order",
            content={"prompt": {"language": "en", "text": "I drink water"}, "tiles": ["Yo", "bebo", "agua", "leche"]},
            answers=["Yo bebo agua"],
            languages=("en",),
        )

    def play_content(self, exercise, *, order):
        content = exercise.content
        tiles = [tile for tile in content.get("tiles", []) if isinstance(tile, str)]
        answers = [
            [normalize(word) for word in answer.split()] for answer in exercise.answers if isinstance(answer, str)
        ]
        return {
            "prompt": structured_prompt(content),
            "tiles": shuffled(tiles, order, avoid=lambda t: _spells_an_answer(t, answers)),
        }

    def source_language(self, content):
        prompt = structured_prompt(content)
        return prompt["language"] if prompt else None

    def grade(self, answer, *, exercise, orthography):
        given = normalize(" ".join(answer["words"]), orthography)
        accepted = [a for a in exercise.answers if isinstance(a, str)]
        for sentence in accepted:
            if normalize(sentence, orthography) == given:
                return GradeResult(True, CORRECT, feedback_message(CORRECT, sentence), sentence)
        shown = accepted[0] if accepted else ""
        return GradeResult(False, WRONG, feedback_message(WRONG, shown), shown)

    def known_answer(self, *, exercise):
        return {"words": exercise.answers[0].split()}


KIND = SortWords()
