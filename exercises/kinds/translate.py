"""Translate: the learner types a sentence in the other language; accepted translations with accents and typos."""

from __future__ import annotations

from django import forms
from rest_framework import serializers

from courses.models import Language
from exercises.grading import match_text, text_result
from exercises.kinds.base import (
    Example,
    ExerciseKind,
    KindForm,
    ShapeSerializer,
    TextAnswerSerializer,
    add_error,
    check_language,
    check_string_answers,
    non_empty_string,
)
from exercises.kinds.widgets import TextListField


class TranslateContentSerializer(ShapeSerializer):
    source_text = serializers.CharField(help_text="The sentence to translate.")
    source_language = serializers.CharField(
        allow_null=True, help_text="Its language's code; null: the language the learner knows."
    )


class TranslateForm(KindForm):
    source_text = forms.CharField(
        label="Sentence to translate", required=False, widget=forms.Textarea(attrs={"rows": 2, "cols": 60})
    )
    source_language = forms.ModelChoiceField(
        queryset=Language.objects.order_by("name"),
        to_field_name="code",
        required=False,
        label="Language of that sentence",
        help_text="Leave empty when it is in the language learners know (they answer in the language learnt). "
        "Set it to the language learnt to have learners translate into their own language.",
    )
    answers = TextListField(
        label="Accepted translations", item_label="translation", help_text="The first is shown as the correct answer."
    )
    error_fields = {
        "content.source_text": "source_text",
        "content.source_language": "source_language",
        "answers": "answers",
    }

    @classmethod
    def initial_from(cls, content, answers):
        return {
            "source_text": content.get("source_text", ""),
            "source_language": content.get("source_language"),
            "answers": answers,
        }

    @classmethod
    def content_from(cls, data):
        content = {"source_text": data.get("source_text") or ""}
        if data.get("source_language"):
            content["source_language"] = data["source_language"].code
        return content, data.get("answers") or []


class Translate(ExerciseKind):
    code = "translate"
    label = "Translate"
    order = 10
    content_fields = frozenset({"source_text", "source_language"})
    answer_serializer = TextAnswerSerializer
    play_serializer = TranslateContentSerializer
    admin_form = TranslateForm

    def check(self, content, answers, options, errors, languages):
        if not non_empty_string(content.get("source_text")):
            add_error(errors, "content.source_text", "Give the sentence to translate (source_text).")
        if "source_language" in content:
            check_language(content["source_language"], "content.source_language", errors, languages)
        check_string_answers(answers, errors, "translation")

    def example(self):
        return Example(
            prompt="Translate this sentence",
            content={"source_text": "The boy eats an apple."},
            answers=["El niño come una manzana", "El chico come una manzana"],
        )

    def play_content(self, exercise, *, order):
        content = exercise.content
        return {"source_text": content.get("source_text", ""), "source_language": content.get("source_language")}

    def source_language(self, content):
        value = content.get("source_language")
        return value if isinstance(value, str) else None

    def grade(self, answer, *, exercise, orthography):
        return text_result(match_text(answer["text"], exercise.answers, orthography=orthography))

    def known_answer(self, *, exercise):
        return {"text": exercise.answers[0]}


KIND = Translate()
