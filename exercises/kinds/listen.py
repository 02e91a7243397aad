"""Listen: the learner hears the exercise's audio and types what was said."""

from __future__ import annotations

from django import forms
from rest_framework import serializers

from exercises.grading import match_text, text_result
from exercises.kinds.base import (
    Example,
    ExerciseKind,
    KindForm,
    ShapeSerializer,
    TextAnswerSerializer,
    add_error,
    check_string_answers,
)
from exercises.kinds.widgets import TextListField


class ListenContentSerializer(ShapeSerializer):
    slow_audio = serializers.BooleanField(help_text="Offer slow playback of the audio.")


class ListenForm(KindForm):
    slow_audio = forms.BooleanField(
        label="Offer slow playback", required=False, help_text="The app shows a button that plays the audio slower."
    )
    answers = TextListField(
        label="Accepted transcriptions",
        item_label="transcription",
        help_text="What the audio says, as learners may type it; the first is shown as the correct answer.",
    )
    error_fields = {"content.slow_audio": "slow_audio", "answers": "answers"}

    @classmethod
    def initial_from(cls, content, answers):
        return {"slow_audio": content.get("slow_audio") is True, "answers": answers}

    @classmethod
    def content_from(cls, data):
        # Only a true value is stored, so content edited here exports as it was imported.
        return ({"slow_audio": True} if data.get("slow_audio") else {}), data.get("answers") or []


class Listen(ExerciseKind):
    code = "listen"
    label = "Listen"
    order = 30
    needs_audio = True
    content_fields = frozenset({"slow_audio"})
    answer_serializer = TextAnswerSerializer
    play_serializer = ListenContentSerializer
    admin_form = ListenForm

    def check(self, content, answers, options, errors, languages):
        if "slow_audio" in content and not isinstance(content["slow_audio"], bool):
            add_error(errors, "content.slow_audio", "slow_audio must be true or false.")
        check_string_answers(answers, errors, "transcription")

    def example(self):
        return Example(prompt="Type what you hear", content={}, answers=["Hola"])

    def play_content(self, exercise, *, order):
        content = exercise.content
        return {"slow_audio": content.get("slow_audio") is True}

    def grade(self, answer, *, exercise, orthography):
        return text_result(match_text(answer["text"], exercise.answers, orthography=orthography))

    def known_answer(self, *, exercise):
        return {"text": exercise.answers[0]}


KIND = Listen()
