"""The learner data export: each app contributes its own section, so accounts depends on no one.

An app registers a function `(user) -> JSON-able data` from its AppConfig.ready().
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_sections: dict[str, Callable[[Any], Any]] = {}


def register_export_section(name: str, build: Callable[[Any], Any]) -> None:
    _sections[name] = build


def export_sections() -> dict[str, Callable[[Any], Any]]:
    return dict(sorted(_sections.items()))
