"""Admin forms shared by the content admins: drag-and-drop ordering that respects the unique positions, and a
language's character lists edited as plain text."""

from typing import Any

from adminsortable2.admin import CustomInlineFormSet
from django import forms

from courses.models import Language
from courses.ordering import positions_park


class OrderedInlineFormSet(CustomInlineFormSet):
    """adminsortable2's inline formset, saving in two phases so a reorder never repeats a position.

    Rows that move or go are first parked above every position in use (courses.ordering), then
    each row is saved at its final place; the unique (parent, position) constraint holds at every step.
    """

    def park_moving_rows(self) -> None:
        """Park the rows that move or go above every position in use (first phase of a reorder)."""
        if self.instance.pk is None:
            return
        order_field = self.default_order_field
        deleted = {id(form) for form in self.deleted_forms} if self.can_delete else set()
        moving = [
            form.instance.pk
            for form in self.initial_forms
            if form.instance.pk is not None and (id(form) in deleted or order_field in form.changed_data)
        ]
        if moving:
            siblings = self.model._default_manager.filter(**{self.fk.name: self.instance})
            positions_park(siblings.filter(pk__in=moving), siblings=siblings, floor=len(self.forms))

    def save(self, commit=True):
        if commit:
            self.park_moving_rows()
        return super().save(commit)


class CharacterListField(forms.CharField):
    """A list of characters edited as one line, separated by spaces ("ɔ Ɔ ɛ Ɛ"), stored as a JSON list."""

    MAX_ITEM = 8  # as the course file's reader allows (a letter with its combining marks)

    def prepare_value(self, value: Any) -> str:
        return " ".join(value) if isinstance(value, list | tuple) else (value or "")

    def to_python(self, value: Any) -> list[str]:
        if isinstance(value, list | tuple):
            return [str(item) for item in value]
        return (super().to_python(value) or "").split()

    def validate(self, value: list[str]) -> None:
        too_long = [item for item in value if len(item) > self.MAX_ITEM]
        if too_long:
            raise forms.ValidationError(
                f"Separate the characters with spaces; each is at most {self.MAX_ITEM} long (got {too_long[0]!r})."
            )
        repeated = sorted({item for item in value if value.count(item) > 1})
        if repeated:
            raise forms.ValidationError(f"Listed twice: {' '.join(repeated)}.")


class LanguageAdminForm(forms.ModelForm):
    special_characters = CharacterListField(
        required=False,
        help_text="On-screen keys, separated by spaces: ɔ Ɔ ɛ Ɛ",
    )
    punctuation_letters = CharacterListField(
        required=False,
        help_text="Characters that are letters in this language although Unicode calls them punctuation, separated "
        "by spaces: ’ : (grading keeps them instead of ignoring them)",
    )

    class Meta:
        model = Language
        fields = [
            "code",
            "name",
            "native_name",
            "flag",
            "direction",
            "is_active",
            "special_characters",
            "punctuation_letters",
        ]
