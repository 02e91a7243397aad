"""Multiple choice: the learner picks one of the exercise's options; any option marked correct is right."""

from __future__ import annotations

from collections import Counter

from rest_framework import serializers

from exercises.grading import CORRECT, WRONG, GradeResult, feedback_message
from exercises.kinds.base import (
    AnswerSerializer,
    Example,
    ExerciseKind,
    PromptForm,
    ShapeSerializer,
    StrictInteger,
    StructuredPromptSerializer,
    add_error,
    check_no_answers,
    check_structured_prompt,
    non_empty_string,
    shuffled,
    structured_prompt,
)


class OptionAnswerSerializer(AnswerSerializer):
    option = StrictInteger(help_text="The id of the chosen option (from the exercise's content.options).")

    def validate_option(self, value):
        if value not in {option.id for option in self.exercise.options}:
            raise serializers.ValidationError(f"Option {value} is not one of this exercise's options.")
        return value


class ChoiceSerializer(ShapeSerializer):
    id = serializers.IntegerField(help_text="Send it as the answer's option.")
    text = serializers.CharField()


class MultipleChoiceContentSerializer(ShapeSerializer):
    prompt = StructuredPromptSerializer(allow_null=True, help_text="The sentence or word asked about, if any.")
    options = ChoiceSerializer(many=True, help_text="In this session's order.")


class ChoiceRevealSerializer(ShapeSerializer):
    """The correct option: the one chosen when it is right, else the first correct one."""

    option = serializers.IntegerField()
    text = serializers.CharField()


class MultipleChoiceForm(PromptForm):
    @classmethod
    def content_from(cls, data):
        return cls.prompt_from(data), []


class MultipleChoice(ExerciseKind):
    code = "multiple_choice"
    label = "Multiple choice"
    order = 20
    uses_options = True
    content_fields = frozenset({"prompt"})
    answer_serializer = OptionAnswerSerializer
    play_serializer = MultipleChoiceContentSerializer
    reveal_serializer = ChoiceRevealSerializer
    admin_form = MultipleChoiceForm

    def check(self, content, answers, options, errors, languages):
        check_structured_prompt(content, errors, languages)
        check_no_answers(answers, errors, "a multiple-choice exercise is answered by its correct options")
        if options is None:
            return
        if len(options) < 2:
            add_error(errors, "options", f"A multiple-choice exercise needs at least 2 options, it has {len(options)}.")
        if not any(option.is_correct for option in options):
            add_error(errors, "options", "Mark at least one option as correct.")
        texts = Counter(option.text.strip().casefold() for option in options)
        duplicates = sorted(text for text, count in texts.items() if count > 1)
        if duplicates:
            add_error(errors, "options", f"Options must differ; repeated: {', '.join(duplicates)}.")
        for index, option in enumerate(options):
            if not non_empty_string(option.text):
                add_error(errors, f"options[{index}].text", "An option needs a text.")

    def example(self):
        return Example(
            prompt="Which one means “hello”?",
            content={"prompt": {"language": "en", "text": "hello"}},
            answers=[],
            options=(("Hola", True), ("Adiós", False), ("Gracias", False)),
            languages=("en",),
        )

    def play_content(self, exercise, *, order):
        content, options = exercise.content, exercise.options
        return {
            "prompt": structured_prompt(content),
            "options": [{"id": option.id, "text": option.text} for option in shuffled(options, order)],
        }

    def source_language(self, content):
        prompt = structured_prompt(content)
        return prompt["language"] if prompt else None

    def grade(self, answer, *, exercise, orthography):
        chosen = next(option for option in exercise.options if option.id == answer["option"])
        shown = chosen if chosen.is_correct else next((o for o in exercise.options if o.is_correct), chosen)
        feedback = CORRECT if chosen.is_correct else WRONG
        return GradeResult(
            chosen.is_correct,
            feedback,
            feedback_message(feedback, shown.text),
            {"option": shown.id, "text": shown.text},
        )

    def known_answer(self, *, exercise):
        return {"option": next(option.id for option in exercise.options if option.is_correct)}


KIND = MultipleChoice()
