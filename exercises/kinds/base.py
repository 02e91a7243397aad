"""The interface every exercise kind implements, and what kinds share: content checks, answer shapes, admin fields."""

from __future__ import annotations

import random
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django import forms
from rest_framework import serializers

from courses.models import Language
from exercises.grading import MAX_TEXT_LENGTH, GradeResult, InvalidAnswer, Orthography

Errors = dict[str, list[str]]

# Known language codes for content that names a language; None means "ask the database".
LanguageCodes = Collection[str] | None


@dataclass(frozen=True)
class OptionData:
    text: str
    is_correct: bool
    id: int | None = None


@dataclass(frozen=True)
class Example:
    """A valid exercise of the kind, for tests, factories and bench scripts (options: (text, is_correct)).

    `languages` are the codes its content names (a structured prompt's language): they must exist to validate it.
    """

    prompt: str
    content: dict
    answers: list
    options: tuple[tuple[str, bool], ...] = ()
    languages: tuple[str, ...] = ()


def as_options(options: Iterable[Any] | None) -> list[OptionData] | None:
    """Options as OptionData, from ExerciseOption rows or dicts {id?, text, is_correct}; None stays None."""
    if options is None:
        return None
    result = []
    for option in options:
        if isinstance(option, OptionData):
            result.append(option)
        elif isinstance(option, dict):
            text = option.get("text")
            result.append(
                OptionData(
                    text=text if isinstance(text, str) else "",
                    is_correct=bool(option.get("is_correct")),
                    id=option.get("id"),
                )
            )
        else:
            result.append(OptionData(text=option.text or "", is_correct=bool(option.is_correct), id=option.pk))
    return result


@dataclass(frozen=True)
class ExerciseData:
    """What a kind reads of an exercise: content and answers as stored, and its options (kinds that use them)."""

    content: dict
    answers: list
    options: list[OptionData] = field(default_factory=list)


# --- content checks --------------------------------------------------------------------------------


def non_empty_string(value: Any) -> bool:
    return isinstance(value, str) and value.strip() != ""


def add_error(errors: Errors, path: str, message: str) -> None:
    errors.setdefault(path, []).append(message)


def check_string_answers(answers: list, errors: Errors, what: str) -> None:
    if not answers:
        add_error(errors, "answers", f"Give at least one accepted {what}.")
        return
    for index, answer in enumerate(answers):
        if not non_empty_string(answer):
            add_error(errors, f"answers[{index}]", f"Each accepted {what} must be a non-empty text.")


def check_no_answers(answers: list, errors: Errors, why: str) -> None:
    if answers:
        add_error(errors, "answers", f"Leave answers empty: {why}.")


def known_language_codes(codes: Iterable[str], languages: LanguageCodes) -> set[str]:
    """Which of `codes` are languages known here (`languages`, else the Language table: one query)."""
    codes = {code for code in codes if isinstance(code, str)}
    if languages is None:
        return set(Language.objects.filter(code__in=codes).values_list("code", flat=True)) if codes else set()
    return codes & set(languages)


def check_language(value: Any, path: str, errors: Errors, languages: LanguageCodes) -> None:
    if not isinstance(value, str) or not value:
        add_error(errors, path, "Give the language's code, e.g. en.")
    elif not known_language_codes([value], languages):
        add_error(errors, path, f"Unknown language {value!r}; use the code of a language known here.")


def check_structured_prompt(content: dict, errors: Errors, languages: LanguageCodes) -> None:
    """content.prompt (optional): {"text": the sentence or word asked about, "language": its language code}."""
    if "prompt" not in content:
        return
    prompt = content["prompt"]
    if not isinstance(prompt, dict):
        add_error(errors, "content.prompt", 'The prompt is an object {"text": ..., "language": ...}.')
        return
    for key in sorted(set(prompt) - {"text", "language"}):
        add_error(errors, f"content.prompt.{key}", "Unknown field; allowed: language, text.")
    if not non_empty_string(prompt.get("text")):
        add_error(errors, "content.prompt.text", "Give the sentence or word asked about.")
    check_language(prompt.get("language"), "content.prompt.language", errors, languages)


def structured_prompt(content: dict) -> dict | None:
    prompt = content.get("prompt")
    if isinstance(prompt, dict) and isinstance(prompt.get("text"), str):
        return {"text": prompt["text"], "language": prompt.get("language")}
    return None


# --- answer shapes ---------------------------------------------------------------------------------


class StrictText(serializers.CharField):
    """A string and nothing else (DRF's CharField would take 3 for "3"); NUL characters refused."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", MAX_TEXT_LENGTH)
        kwargs.setdefault("allow_blank", True)
        kwargs.setdefault("trim_whitespace", False)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictInteger(serializers.IntegerField):
    """An integer and nothing else (no "12", no true)."""

    def to_internal_value(self, data):
        if not isinstance(data, int) or isinstance(data, bool):
            self.fail("invalid")
        return super().to_internal_value(data)


class ShapeSerializer(serializers.Serializer):
    """A shape of a kind: an object with exactly these fields (its schema component is closed to others,
    exercises.api.schema)."""

    # Extra JSON-schema keywords for this shape's component (exercises.api.schema).
    schema_extra: ClassVar[dict[str, Any]] = {}


class AnswerSerializer(ShapeSerializer):
    """An answer shape: an object with exactly these fields (an unknown one is refused, in the schema too).

    The exercise being answered is in the context ("exercise": ExerciseData) for checks against its content.
    """

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            raise serializers.ValidationError({"non_field_errors": ['Send an object, e.g. {"text": "..."}.']})
        unknown = sorted(set(data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError(
                {key: [f"Unknown field; allowed: {', '.join(sorted(self.fields))}."] for key in unknown}
            )
        return super().to_internal_value(data)

    @property
    def exercise(self) -> ExerciseData:
        return self.context["exercise"]


class TextAnswerSerializer(AnswerSerializer):
    """A typed (or spoken, transcribed) text."""

    text = StrictText()


# --- what learners receive: play content and the correct answer revealed after answering ----------------


class StructuredPromptSerializer(ShapeSerializer):
    text = serializers.CharField(help_text="The sentence or word asked about.")
    language = serializers.CharField(allow_null=True, help_text="Its language's code.")


def flat_errors(errors: Any, path: str) -> Errors:
    """DRF's nested errors as {path: messages}: answer.pairs[1] → ["..."]; `path` "": a whole body's errors."""
    if isinstance(errors, dict):
        flat: Errors = {}
        for key, value in errors.items():
            if key == "non_field_errors":
                sub = path or key
            elif isinstance(key, int) or (isinstance(key, str) and key.isdigit()):
                sub = f"{path}[{key}]"
            else:
                sub = f"{path}.{key}" if path else key
            for inner, messages in flat_errors(value, sub).items():
                flat.setdefault(inner, []).extend(messages)
        return flat
    if isinstance(errors, list) and errors and all(isinstance(item, str) for item in errors):
        return {path: [str(item) for item in errors]}
    if isinstance(errors, list):
        flat = {}
        for index, value in enumerate(errors):
            if value:
                for inner, messages in flat_errors(value, f"{path}[{index}]").items():
                    flat.setdefault(inner, []).extend(messages)
        return flat
    return {path: [str(errors)]}


# --- admin fields ----------------------------------------------------------------------------------


class KindForm(forms.Form):
    """A kind's fields in the exercise change form: what they show of the content and answers, and back.

    `error_fields` maps a validation error's path (content.tiles, answers[0]; indexes dropped) to the form
    field that shows it.
    """

    error_fields: ClassVar[dict[str, str]] = {}

    @classmethod
    def initial_from(cls, content: dict, answers: list) -> dict[str, Any]:
        raise NotImplementedError

    @classmethod
    def content_from(cls, data: dict[str, Any]) -> tuple[dict, list]:
        raise NotImplementedError

    @classmethod
    def field_for(cls, path: str) -> str | None:
        """The form field showing errors of `path`: the longest known prefix of the path."""
        base = path.split("[")[0]
        while base:
            if base in cls.error_fields:
                return cls.error_fields[base]
            base = base.rpartition(".")[0]
        return None


class PromptForm(KindForm):
    """The structured prompt (content.prompt): the sentence or word asked about, and its language."""

    prompt_text = forms.CharField(
        label="Asked about",
        required=False,
        widget=forms.TextInput(attrs={"size": 60}),
        help_text="The sentence or word the question is about, shown on its own (optional).",
    )
    prompt_language = forms.ModelChoiceField(
        queryset=Language.objects.order_by("name"), to_field_name="code", required=False, label="Its language"
    )
    error_fields = {
        "content.prompt.text": "prompt_text",
        "content.prompt.language": "prompt_language",
        "content.prompt": "prompt_text",
    }

    @classmethod
    def initial_from(cls, content, answers):
        prompt = content.get("prompt") if isinstance(content.get("prompt"), dict) else {}
        return {"prompt_text": prompt.get("text", ""), "prompt_language": prompt.get("language")}

    @classmethod
    def prompt_from(cls, data) -> dict:
        """{"prompt": {...}} when either part is given, else nothing (so an unused prompt is not stored)."""
        text, language = data.get("prompt_text") or "", data.get("prompt_language")
        if not text and language is None:
            return {}
        return {"prompt": {"language": language.code if language is not None else "", "text": text}}


# --- the kind --------------------------------------------------------------------------------------


class ExerciseKind:
    """One exercise type: its content, how learners see and answer it, how it is graded and edited.

    Subclass it in a module of exercises.kinds and set KIND = YourKind() there; the registry finds it.
    """

    code: ClassVar[str]
    label: ClassVar[str]
    order: ClassVar[int] = 100  # the kinds' order in choices and menus
    uses_options: ClassVar[bool] = False
    needs_audio: ClassVar[bool] = False
    content_fields: ClassVar[frozenset[str]] = frozenset()
    answer_serializer: ClassVar[type[AnswerSerializer]]
    # What play_content returns and what grade() reveals as the correct answer: the one definition of both in
    # the API's bodies (exercises.api.serializers writes them through these) and in its schema.
    play_serializer: ClassVar[type[ShapeSerializer]]
    reveal_serializer: ClassVar[type[serializers.Field]] = serializers.CharField  # text: the answer meant
    admin_form: ClassVar[type[KindForm]]

    # --- authoring

    def content_errors(
        self,
        content: Any,
        answers: Any,
        *,
        options: list[OptionData] | None,
        has_audio: bool,
        languages: LanguageCodes = None,
    ) -> Errors:
        """Problems with the exercise's content, answers, options and audio, keyed by field path."""
        errors: Errors = {}
        if not isinstance(content, dict):
            add_error(errors, "content", "Content must be an object (a mapping of fields).")
            content = {}
        allowed = self.content_fields
        for key in sorted(set(content) - allowed):
            add_error(errors, f"content.{key}", f"Unknown field; allowed: {', '.join(sorted(allowed)) or 'none'}.")
        if options and not self.uses_options:
            add_error(errors, "options", f"A {self.label.lower()} exercise has no options.")
        if self.needs_audio and not has_audio:
            add_error(errors, "audio", f"A {self.label.lower()} exercise needs an audio file.")
        if not isinstance(answers, list):
            add_error(errors, "answers", "Answers must be a list.")
            answers = []
        self.check(content, answers, options, errors, languages)
        return errors

    def check(
        self, content: dict, answers: list, options: list[OptionData] | None, errors: Errors, languages: LanguageCodes
    ) -> None:
        """The kind's own rules; `options` is None when they are not known yet (an exercise being created)."""
        raise NotImplementedError

    def example(self) -> Example:
        raise NotImplementedError

    # --- learners

    def play_content(self, exercise: ExerciseData, *, order: random.Random) -> dict[str, Any]:
        """What the learner needs to answer, never the answer; `order` shuffles options and tiles. Its shape is
        play_serializer's."""
        raise NotImplementedError

    def play_data(self, exercise: ExerciseData, *, order: random.Random) -> dict[str, Any]:
        """play_content as the API sends it (written by play_serializer)."""
        return self.play_serializer(self.play_content(exercise, order=order)).data

    def reveal_data(self, correct_answer: Any) -> Any:
        """A grade's correct answer as the API sends it (written by reveal_serializer)."""
        return self.reveal_serializer().to_representation(correct_answer)

    @property
    def preview_template(self) -> list[str]:
        """The admin preview's rendering of the play content: templates/admin/exercises/kinds/<code>.html, else a
        plain list of the content's fields."""
        return [f"admin/exercises/kinds/{self.code}.html", "admin/exercises/kinds/_generic.html"]

    def source_language(self, content: dict) -> str | None:
        """The language of what the exercise asks about, when its content names one."""
        return None

    def answer_language(self, content: Any, *, from_language: str, to_language: str) -> str:
        """Which of the course's two languages the answer is in: the language learnt (`to_language`), unless the
        exercise asks about something in that language (its source language), then the learner's own."""
        source = self.source_language(content if isinstance(content, dict) else {})
        return from_language if source == to_language else to_language

    # --- answers

    def exercise_data(self, *, content: Any, answers: Any, options: Iterable[Any] | None) -> ExerciseData:
        return ExerciseData(
            content=content if isinstance(content, dict) else {},
            answers=list(answers) if isinstance(answers, list) else [],
            options=as_options(options) or [],
        )

    def answer_validated(self, answer: Any, *, exercise: ExerciseData) -> dict[str, Any]:
        """The answer checked against this kind's shape and this exercise (InvalidAnswer, a 400, when not)."""
        serializer = self.answer_serializer(data=answer, context={"exercise": exercise})
        if not serializer.is_valid():
            raise InvalidAnswer(flat_errors(serializer.errors, "answer"))
        return dict(serializer.validated_data)

    def grade(self, answer: dict[str, Any], *, exercise: ExerciseData, orthography: Orthography) -> GradeResult:
        """Grade an answer already checked by answer_validated."""
        raise NotImplementedError

    def known_answer(self, *, exercise: ExerciseData) -> dict[str, Any]:
        """The answer a learner who knows it sends (tests and bench scripts play with it)."""
        raise NotImplementedError


def shuffled(items: list, order: random.Random, *, avoid: Callable[[list], bool] = lambda items: False) -> list:
    """`items` in the order drawn from `order`; an order for which `avoid` holds is drawn again (a bounded
    number of times, deterministically), so a shuffle never hands the learner the answer when another exists."""
    result = list(items)
    for _ in range(50):
        order.shuffle(result)
        if not avoid(result):
            return result
    return result
