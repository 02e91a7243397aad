"""Template filters of the admin's learner preview."""

from django import template

register = template.Library()


@register.filter
def gaps(text: str, marker: str) -> list[str | None]:
    """The text's pieces with None where each `marker` was: "Yo ___ agua."|gaps:"___" → ["Yo ", None, " agua."]."""
    parts: list[str | None] = []
    for index, piece in enumerate(str(text).split(marker)):
        if index:
            parts.append(None)
        parts.append(piece)
    return parts
