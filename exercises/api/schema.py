"""OpenAPI for exercise kinds: a learner's answer is any of the kinds' answer shapes, each a closed object."""

from drf_spectacular.extensions import OpenApiSerializerExtension, OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent

from exercises.kinds import all_kinds


class AnswerShapeExtension(OpenApiSerializerExtension):
    """An answer shape's component refuses unknown fields, as its serializer does."""

    target_class = "exercises.kinds.base.AnswerSerializer"
    match_subclasses = True

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_basic_serializer(self.target, direction)
        return {**schema, "additionalProperties": False, **self.target.schema_extra}


class AnswerFieldExtension(OpenApiSerializerFieldExtension):
    """`answer`: anyOf the kinds' shapes (anyOf, not oneOf: a one-gap fill-in-the-blank answer is also a text)."""

    target_class = "exercises.api.serializers.AnswerField"

    def map_serializer_field(self, auto_schema, direction):
        shapes = list(dict.fromkeys(kind.answer_serializer for kind in all_kinds()))
        refs = []
        for shape in shapes:
            component: ResolvedComponent = auto_schema.resolve_serializer(shape, direction)
            refs.append(component.ref)
        by_kind = ", ".join(
            f"{kind.code}: {kind.answer_serializer.__name__.removesuffix('Serializer')}" for kind in all_kinds()
        )
        return {"anyOf": refs, "description": f"The answer, in its exercise type's shape ({by_kind})."}
