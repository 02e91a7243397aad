"""Admin formsets shared by the content admins: drag-and-drop ordering that respects the unique positions."""

from adminsortable2.admin import CustomInlineFormSet

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
