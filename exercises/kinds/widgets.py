"""Admin form fields that edit lists without JSON: a list of texts, rows of pairs, a list of lists of texts.

Each renders one text input per item plus spare empty rows (empty rows are ignored on save); the "Add a row"
button (exercises/admin/rows.js) clones a spare row when more are needed.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

ROWS_JS = "exercises/admin/rows.js"
INPUT = '<input type="text" name="{}" value="{}" class="vTextField" aria-label="{}">'


def _rows_html(name: str, rows_html: str, add_label: str) -> str:
    return format_html(
        '<div class="kind-rows" data-name="{}">{}<p><button type="button" class="button kind-add-row">{}</button></p>'
        "</div>",
        name,
        rows_html,
        add_label,
    )


class TextListWidget(forms.Widget):
    """One text input per item, all named `name`."""

    def __init__(self, *, spare: int = 2, item_label: str = "item", attrs=None):
        super().__init__(attrs)
        self.spare, self.item_label = spare, item_label

    @property
    def media(self):
        return forms.Media(js=[ROWS_JS])

    def value_from_datadict(self, data, files, name):
        return data.getlist(name) if hasattr(data, "getlist") else data.get(name)

    def value_omitted_from_data(self, data, files, name):
        return name not in data

    def render(self, name, value, attrs=None, renderer=None):
        items = [str(item) for item in value] if isinstance(value, list | tuple) else []
        items += [""] * self.spare
        rows = format_html_join(
            "",
            '<div class="kind-row">' + INPUT + "</div>",
            ((name, item, f"{self.item_label} {index + 1}") for index, item in enumerate(items)),
        )
        return _rows_html(name, rows, f"Add another {self.item_label}")


class TextListField(forms.Field):
    """A list of texts, one per input; empty inputs are dropped, each text is stripped."""

    widget = TextListWidget

    def __init__(self, *, item_label: str = "item", spare: int = 2, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", TextListWidget(spare=spare, item_label=item_label))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> list[str]:
        if value in (None, ""):
            return []
        if isinstance(value, str):
            value = [value]
        return [str(item).strip() for item in value if str(item).strip()]


class PairListWidget(forms.Widget):
    """Rows of two inputs: `name-left` and `name-right`."""

    def __init__(self, *, spare: int = 2, attrs=None):
        super().__init__(attrs)
        self.spare = spare

    @property
    def media(self):
        return forms.Media(js=[ROWS_JS])

    def value_from_datadict(self, data, files, name):
        if not hasattr(data, "getlist"):
            return data.get(name)
        lefts, rights = data.getlist(f"{name}-left"), data.getlist(f"{name}-right")
        size = max(len(lefts), len(rights))
        lefts, rights = lefts + [""] * (size - len(lefts)), rights + [""] * (size - len(rights))
        return [[left, right] for left, right in zip(lefts, rights, strict=True)]

    def value_omitted_from_data(self, data, files, name):
        return f"{name}-left" not in data and f"{name}-right" not in data

    def render(self, name, value, attrs=None, renderer=None):
        pairs = [[*pair, "", ""] for pair in value if isinstance(pair, list | tuple)] if value else []
        pairs = [[str(pair[0]), str(pair[1])] for pair in pairs] + [["", ""]] * self.spare
        rows = format_html_join(
            "",
            '<div class="kind-row">' + INPUT + " = " + INPUT + "</div>",
            (
                (f"{name}-left", left, f"left {index + 1}", f"{name}-right", right, f"right {index + 1}")
                for index, (left, right) in enumerate(pairs)
            ),
        )
        return _rows_html(name, rows, "Add another pair")


class PairListField(forms.Field):
    """Pairs [left, right]; a row with both sides empty is dropped, a half-filled one kept (and refused)."""

    widget = PairListWidget

    def __init__(self, *, spare: int = 2, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", PairListWidget(spare=spare))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> list[list[str]]:
        if not value:
            return []
        pairs = []
        for pair in value:
            left, right = (str(side).strip() for side in pair)
            if left or right:
                pairs.append([left, right])
        return pairs


class TextListsWidget(forms.Widget):
    """One row per list (e.g. per blank), each a few inputs named `name-<row>`."""

    def __init__(self, *, spare_rows: int = 1, spare_items: int = 1, row_label: str = "row", attrs=None):
        super().__init__(attrs)
        self.spare_rows, self.spare_items, self.row_label = spare_rows, spare_items, row_label

    @property
    def media(self):
        return forms.Media(js=[ROWS_JS])

    def value_from_datadict(self, data, files, name):
        if not hasattr(data, "getlist"):
            return data.get(name)
        prefix = f"{name}-"
        indexes = sorted(
            int(key[len(prefix) :]) for key in data if key.startswith(prefix) and key[len(prefix) :].isdigit()
        )
        return [data.getlist(f"{prefix}{index}") for index in indexes]

    def value_omitted_from_data(self, data, files, name):
        return not any(key.startswith(f"{name}-") for key in data)

    def render(self, name, value, attrs=None, renderer=None):
        rows = [[str(item) for item in row] for row in value if isinstance(row, list | tuple)] if value else []
        rows += [[] for _ in range(self.spare_rows)]
        width = max([len(row) for row in rows] + [1]) + self.spare_items
        html = []
        for index, row in enumerate(rows):
            inputs = format_html_join(
                " ",
                INPUT,
                (
                    (f"{name}-{index}", item, f"{self.row_label} {index + 1}, word {i + 1}")
                    for i, item in enumerate(row + [""] * (width - len(row)))
                ),
            )
            html.append(
                format_html(
                    '<div class="kind-row"><b>{} {}</b> {}</div>', self.row_label.capitalize(), index + 1, inputs
                )
            )
        return _rows_html(name, mark_safe("".join(html)), f"Add another {self.row_label}")  # noqa: S308 (escaped above)


class TextListsField(forms.Field):
    """A list of lists of texts (e.g. the accepted words of each blank); trailing empty rows are dropped."""

    widget = TextListsWidget

    def __init__(self, *, row_label: str = "row", **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", TextListsWidget(row_label=row_label))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> list[list[str]]:
        if not value:
            return []
        rows = [[str(item).strip() for item in row if str(item).strip()] for row in value]
        while rows and not rows[-1]:
            rows.pop()
        return rows
