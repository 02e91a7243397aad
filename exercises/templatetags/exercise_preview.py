"""Template filters of the admin's learner preview."""

from django import template

from exercises.kinds.fill_blank import BLANK_MARKER

register = template.Library()


@register.filter
def blank_parts(text: str) -> list[str | None]:
    """The text's pieces with None where each blank goes: "Yo ___ agua." → ["Yo ", None, " agua."]."""
    parts: list[str | None] = []
    for index, piece in enumerate(str(text).split(BLANK_MARKER)):
        if index:
            parts.append(None)
        parts.append(piece)
    return parts
