"""Fill in the blank: a text with one or more ___ gaps; each gap has its own accepted words."""

from __future__ import annotations

from django import forms
from rest_framework import serializers

from exercises.grading import CORRECT, MISSING_ACCENT, TYPO, WRONG, GradeResult, feedback_message, match_text
from exercises.kinds.base import (
    AnswerSerializer,
    Example,
    ExerciseKind,
    KindForm,
    ShapeSerializer,
    StrictText,
    add_error,
    non_empty_string,
)
from exercises.kinds.widgets import TextListsField

BLANK_MARKER = "___"


class FillBlankAnswerSerializer(AnswerSerializer):
    """Exactly one of: `text` (an exercise with a single blank) or `blanks` (one text per blank, in order)."""

    schema_extra = {"minProperties": 1, "maxProperties": 1}

    text = StrictText(required=False, help_text="The word of a single blank.")
    blanks = serializers.ListField(
        child=StrictText(), min_length=1, max_length=100, required=False, help_text="One text per blank, in order."
    )

    def validate(self, attrs):
        expected = len(self.exercise.answers)
        if ("text" in attrs) == ("blanks" in attrs):
            raise serializers.ValidationError('Send either {"text": ...} (one blank) or {"blanks": [...]}.')
        if "text" in attrs and expected != 1:
            raise serializers.ValidationError(
                {"text": [f'This exercise has {expected} blanks: send {{"blanks": [...]}}.']}
            )
        if "blanks" in attrs and len(attrs["blanks"]) != expected:
            raise serializers.ValidationError({"blanks": [f"Expected {expected} blanks, got {len(attrs['blanks'])}."]})
        return attrs


class FillBlankContentSerializer(ShapeSerializer):
    text = serializers.CharField(help_text=f"The text, each blank marked {BLANK_MARKER}.")
    blanks = serializers.IntegerField(help_text="How many blanks: 1 is answered with text, more with blanks.")


class FillBlankRevealSerializer(ShapeSerializer):
    blanks = serializers.ListField(child=serializers.CharField(), help_text="The word of each blank, in order.")
    text = serializers.CharField(help_text="The text with its blanks filled.")


class FillBlankForm(KindForm):
    text = forms.CharField(
        label="Text with blanks",
        required=False,
        widget=forms.TextInput(attrs={"size": 60}),
        help_text=f"Mark each blank with {BLANK_MARKER}, e.g. Yo {BLANK_MARKER} agua.",
    )
    blanks = TextListsField(
        label="Accepted words per blank",
        row_label="blank",
        help_text="One row per blank, in order; each word in a row is accepted (the first is shown as correct).",
    )
    error_fields = {"content.text": "text", "answers": "blanks"}

    @classmethod
    def initial_from(cls, content, answers):
        return {"text": content.get("text", ""), "blanks": answers}

    @classmethod
    def content_from(cls, data):
        return {"text": data.get("text") or ""}, data.get("blanks") or []


def filled_sentence(template: str, words: list[str]) -> str:
    parts = template.split(BLANK_MARKER)
    if len(parts) != len(words) + 1:
        return ""
    out = parts[0]
    for word, rest in zip(words, parts[1:], strict=True):
        out += word + rest
    return out


class FillBlank(ExerciseKind):
    code = "fill_blank"
    label = "Fill in the blank"
    order = 60
    content_fields = frozenset({"text"})
    answer_serializer = FillBlankAnswerSerializer
    play_serializer = FillBlankContentSerializer
    reveal_serializer = FillBlankRevealSerializer
    admin_form = FillBlankForm

    def check(self, content, answers, options, errors, languages):
        text = content.get("text")
        if not non_empty_string(text):
            add_error(errors, "content.text", f"Give the text with one {BLANK_MARKER} per blank.")
            return
        blanks = text.count(BLANK_MARKER)
        if blanks == 0:
            add_error(errors, "content.text", f"The text needs at least one blank marked {BLANK_MARKER}.")
            return
        if len(answers) != blanks:
            add_error(
                errors,
                "answers",
                "Give one list of accepted words per blank: "
                f"the text has {blanks} blank(s), answers has {len(answers)}.",
            )
            return
        for index, accepted in enumerate(answers):
            if not isinstance(accepted, list) or not accepted or not all(non_empty_string(word) for word in accepted):
                add_error(
                    errors,
                    f"answers[{index}]",
                    f"Blank {index + 1} needs a list of at least one non-empty accepted word.",
                )

    def example(self):
        return Example(prompt="Fill in the blank", content={"text": "Yo ___ agua."}, answers=[["bebo", "tomo"]])

    def play_content(self, exercise, *, order):
        content = exercise.content
        text = content.get("text", "")
        return {"text": text, "blanks": text.count(BLANK_MARKER)}

    def grade(self, answer, *, exercise, orthography):
        given = answer["blanks"] if "blanks" in answer else [answer["text"]]
        blanks_accepted = [list(choices) if isinstance(choices, list) else [choices] for choices in exercise.answers]
        all_words = [word for choices in blanks_accepted for word in choices if isinstance(word, str)]
        matches = []
        for text, choices in zip(given, blanks_accepted, strict=True):
            others = [word for word in all_words if word not in choices]
            matches.append(match_text(text, choices, extra_vocabulary=others, orthography=orthography))
        correct = all(m.correct for m in matches)
        if not correct:
            feedback = WRONG
        elif any(m.feedback == TYPO for m in matches):
            feedback = TYPO
        elif any(m.feedback == MISSING_ACCENT for m in matches):
            feedback = MISSING_ACCENT
        else:
            feedback = CORRECT
        words = [m.answer for m in matches]
        sentence = filled_sentence(exercise.content.get("text", ""), words)
        details = [{"blank": i, "feedback": m.feedback, "answer": m.answer} for i, m in enumerate(matches)]
        return GradeResult(
            correct,
            feedback,
            feedback_message(feedback, sentence or " / ".join(words)),
            {"blanks": words, "text": sentence},
            details,
        )

    def known_answer(self, *, exercise):
        words = [accepted[0] for accepted in exercise.answers]
        return {"text": words[0]} if len(words) == 1 else {"blanks": words}


KIND = FillBlank()
