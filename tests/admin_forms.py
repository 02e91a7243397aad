"""Build an admin form POST from the page the admin rendered, as a browser would submit it (shared by app tests)."""

from __future__ import annotations


def _field_values(form, data: dict) -> None:
    for name, field in form.fields.items():
        bound = form[name]
        value = bound.value()
        key = form.add_prefix(name)
        if field.widget.input_type == "checkbox" if hasattr(field.widget, "input_type") else False:
            if value:
                data[key] = "on"
            continue
        if value is None:
            data[key] = ""
        elif isinstance(value, list | tuple):
            data[key] = [str(item) for item in value]
        elif hasattr(value, "pk"):
            data[key] = str(value.pk)
        else:
            data[key] = str(value) if not isinstance(value, str) else value


def admin_form_data(response) -> dict:
    """The POST data of a rendered admin add/change page: the main form and every inline formset."""
    data: dict = {}
    _field_values(response.context["adminform"].form, data)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = str(management[name].value())
        for form in formset.initial_forms:
            _field_values(form, data)
    return data


def add_inline_row(data: dict, prefix: str, values: dict) -> None:
    """Append a new row to an inline formset in POST data."""
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    for name, value in values.items():
        data[f"{prefix}-{index}-{name}"] = value
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)
