"""OpenAPI for exercise kinds: answers, play contents and revealed answers are any of the kinds' shapes, each a
closed object."""

from drf_spectacular.extensions import OpenApiSerializerExtension, OpenApiSerializerFieldExtension
from rest_framework import serializers

from exercises.kinds import all_kinds


class ShapeExtension(OpenApiSerializerExtension):
    """A kind's shape (answer, play content, reveal) refuses unknown fields, as its serializer does."""

    target_class = "exercises.kinds.base.ShapeSerializer"
    match_subclasses = True

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_basic_serializer(self.target, direction)
        return {**schema, "additionalProperties": False, **self.target.schema_extra}


def _kinds_schema(auto_schema, direction, shape_of, what: str) -> dict:
    """anyOf the kinds' shapes (a shape shared by kinds once), described kind by kind. anyOf, not oneOf: a shape
    may also fit another (a one-gap fill-in-the-blank answer is also a text)."""
    shapes, names = [], []
    for kind in all_kinds():
        shape = shape_of(kind)
        if isinstance(shape, type) and issubclass(shape, serializers.Serializer):
            schema = auto_schema.resolve_serializer(shape, direction).ref
            name = shape.__name__.removesuffix("Serializer")
        else:
            schema = auto_schema._map_serializer_field(shape(), direction)
            name = schema["type"]
        if schema not in shapes:
            shapes.append(schema)
        names.append(f"{kind.code}: {name}")
    return {"anyOf": shapes, "description": f"{what}, in its exercise type's shape ({', '.join(names)})."}


class AnswerFieldExtension(OpenApiSerializerFieldExtension):
    target_class = "exercises.api.serializers.AnswerField"

    def map_serializer_field(self, auto_schema, direction):
        return _kinds_schema(auto_schema, direction, lambda kind: kind.answer_serializer, "The answer")


class PlayContentFieldExtension(OpenApiSerializerFieldExtension):
    target_class = "exercises.api.serializers.PlayContentField"

    def map_serializer_field(self, auto_schema, direction):
        what = "What the learner needs to answer, never the answer"
        return _kinds_schema(auto_schema, direction, lambda kind: kind.play_serializer, what)


class RevealFieldExtension(OpenApiSerializerFieldExtension):
    target_class = "exercises.api.serializers.RevealField"

    def map_serializer_field(self, auto_schema, direction):
        what = "The correct answer: the accepted answer the learner meant or came closest to"
        return _kinds_schema(auto_schema, direction, lambda kind: kind.reveal_serializer, what)
