"""Speak: the learner says a phrase; the app's transcript of it is graded like typed text."""

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
    non_empty_string,
)
from exercises.kinds.widgets import TextListField


class SpeakContentSerializer(ShapeSerializer):
    phrase = serializers.CharField(help_text="The phrase to say.")


class SpeakForm(KindForm):
    phrase = forms.CharField(label="Phrase to say", required=False, widget=forms.TextInput(attrs={"size": 60}))
    answers = TextListField(
        label="Accepted transcripts",
        item_label="transcript",
        help_text="How the phrase may be transcribed; the first is shown as the correct answer.",
    )
    error_fields = {"content.phrase": "phrase", "answers": "answers"}

    @classmethod
    def initial_from(cls, content, answers):
        return {"phrase": content.get("phrase", ""), "answers": answers}

    @classmethod
    def content_from(cls, data):
        return {"phrase": data.get("phrase") or ""}, data.get("answers") or []


class Speak(ExerciseKind):
    code = "speak"
    label = "Speak"
    order = 40
    content_fields = frozenset({"phrase"})
    answer_serializer = TextAnswerSerializer
    play_serializer = SpeakContentSerializer
    admin_form = SpeakForm

    def check(self, content, answers, options, errors, languages):
        if not non_empty_string(content.get("phrase")):
            add_error(errors, "content.phrase", "Give the phrase the learner must say (phrase).")
        check_string_answers(answers, errors, "transcript")

    def example(self):
        return Example(prompt="Say this out loud", content={"phrase": "Buenos días"}, answers=["Buenos días"])

    def play_content(self, exercise, *, order):
        content = exercise.content
        return {"phrase": content.get("phrase", "")}

    def grade(self, answer, *, exercise, orthography):
        return text_result(match_text(answer["text"], exercise.answers, orthography=orthography))

    def known_answer(self, *, exercise):
        return {"text": exercise.answers[0]}


KIND = Speak()
