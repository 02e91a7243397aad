"""Match pairs: the learner pairs each word of the left column with its translation in the right column."""

from __future__ import annotations

from collections import Counter

from rest_framework import serializers

from exercises.grading import CORRECT, WRONG, GradeResult, feedback_message, normalize
from exercises.kinds.base import (
    AnswerSerializer,
    Example,
    ExerciseKind,
    KindForm,
    ShapeSerializer,
    StrictText,
    add_error,
    check_no_answers,
    non_empty_string,
    shuffled,
)
from exercises.kinds.widgets import PairListField


def content_pairs(content: dict) -> list[list[str]]:
    """The well-formed pairs of the content (malformed ones are left to content validation)."""
    pairs = content.get("pairs")
    if not isinstance(pairs, list):
        return []
    return [
        list(pair)
        for pair in pairs
        if isinstance(pair, list | tuple) and len(pair) == 2 and all(isinstance(side, str) for side in pair)
    ]


def pair_list(**kwargs) -> serializers.ListField:
    return serializers.ListField(child=serializers.ListField(child=StrictText(), min_length=2, max_length=2), **kwargs)


class MatchPairsContentSerializer(ShapeSerializer):
    left = serializers.ListField(child=serializers.CharField(), help_text="The left column, in the editor's order.")
    right = serializers.ListField(child=serializers.CharField(), help_text="The right column, shuffled.")


class PairsRevealSerializer(ShapeSerializer):
    pairs = pair_list(help_text="Every pair: [[left, right], ...].")


class PairsAnswerSerializer(AnswerSerializer):
    """Every left item of the exercise exactly once, each with one right item of the exercise (texts as shown)."""

    pairs = pair_list(min_length=1, max_length=100, help_text="[[left, right], ...]: every left item once.")

    def validate_pairs(self, value):
        pairs = content_pairs(self.exercise.content)
        lefts = Counter(normalize(left) for left, _ in pairs)
        rights = {normalize(right) for _, right in pairs}
        given_lefts = Counter(normalize(left) for left, _ in value)
        unknown_right = sorted({right for _, right in value if normalize(right) not in rights})
        if given_lefts != lefts:
            raise serializers.ValidationError(
                f"Pair every left item exactly once: send {len(pairs)} pairs whose left sides are the exercise's."
            )
        if unknown_right:
            raise serializers.ValidationError(f"Not a right item of this exercise: {', '.join(unknown_right)}.")
        return value


class MatchPairsForm(KindForm):
    pairs = PairListField(label="Pairs", help_text="Each row: a word in the language learnt = its translation.")
    error_fields = {"content.pairs": "pairs", "answers": "pairs"}

    @classmethod
    def initial_from(cls, content, answers):
        return {"pairs": content.get("pairs", [])}

    @classmethod
    def content_from(cls, data):
        return {"pairs": data.get("pairs") or []}, []


class MatchPairs(ExerciseKind):
    code = "match_pairs"
    label = "Match pairs"
    order = 50
    content_fields = frozenset({"pairs"})
    answer_serializer = PairsAnswerSerializer
    play_serializer = MatchPairsContentSerializer
    reveal_serializer = PairsRevealSerializer
    admin_form = MatchPairsForm

    def check(self, content, answers, options, errors, languages):
        check_no_answers(answers, errors, "the pairs are the answer")
        pairs = content.get("pairs")
        if not isinstance(pairs, list) or len(pairs) < 2:
            add_error(errors, "content.pairs", "Give at least 2 pairs, each [left, right].")
            return
        valid = True
        for index, pair in enumerate(pairs):
            if not (isinstance(pair, list) and len(pair) == 2 and all(non_empty_string(side) for side in pair)):
                add_error(errors, f"content.pairs[{index}]", "A pair is a list of two non-empty texts.")
                valid = False
        if not valid:
            return
        for side, name in ((0, "left"), (1, "right")):
            counts = Counter(pair[side].strip().casefold() for pair in pairs)
            repeated = sorted(text for text, count in counts.items() if count > 1)
            if repeated:
                add_error(errors, "content.pairs", f"Each {name} side must be unique; repeated: {', '.join(repeated)}.")

    def example(self):
        return Example(
            prompt="Match the pairs",
            content={"pairs": [["el perro", "the dog"], ["el gato", "the cat"], ["la casa", "the house"]]},
            answers=[],
        )

    def play_content(self, exercise, *, order):
        content = exercise.content
        pairs = content_pairs(content)
        aligned = [right for _, right in pairs]
        # Never the right column in the left column's order: that would hand over every pair.
        right = shuffled(aligned, order, avoid=lambda items: len(items) > 1 and items == aligned)
        return {"left": [left for left, _ in pairs], "right": right}

    def grade(self, answer, *, exercise, orthography):
        expected_pairs = content_pairs(exercise.content)
        expected = sorted(
            (normalize(left, orthography), normalize(right, orthography)) for left, right in expected_pairs
        )
        given = sorted((normalize(left, orthography), normalize(right, orthography)) for left, right in answer["pairs"])
        correct = given == expected
        feedback = CORRECT if correct else WRONG
        shown = "; ".join(f"{left} = {right}" for left, right in expected_pairs)
        return GradeResult(correct, feedback, feedback_message(feedback, shown), {"pairs": expected_pairs})

    def known_answer(self, *, exercise):
        return {"pairs": content_pairs(exercise.content)}


KIND = MatchPairs()
