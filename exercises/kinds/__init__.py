"""The registry of exercise kinds: every module of this package that sets KIND is one exercise type.

Validation, play, grading, the admin and the session services ask the registry; nothing else branches on a
type code. To add a type, add a module here (docs/exercises.md says how).
"""

from __future__ import annotations

import importlib
import pkgutil

from exercises.kinds.base import ExerciseKind

_NOT_KINDS = {"base", "widgets"}


def _discover() -> dict[str, ExerciseKind]:
    found = []
    for module_info in pkgutil.iter_modules(__path__):
        if module_info.name in _NOT_KINDS:
            continue
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        kind = getattr(module, "KIND", None)
        if isinstance(kind, ExerciseKind):
            found.append(kind)
    found.sort(key=lambda kind: (kind.order, kind.code))
    codes = [kind.code for kind in found]
    if len(set(codes)) != len(codes):
        raise RuntimeError(f"Two exercise kinds share a code: {codes}")
    return {kind.code: kind for kind in found}


KINDS: dict[str, ExerciseKind] = _discover()


class UnknownKind(ValueError):
    """No exercise kind has this code."""


def kind_for(code: str) -> ExerciseKind:
    try:
        return KINDS[code]
    except (KeyError, TypeError):
        raise UnknownKind(f"Unknown exercise type {code!r}.") from None


def all_kinds() -> list[ExerciseKind]:
    return list(KINDS.values())


def kind_choices() -> list[tuple[str, str]]:
    """(code, label) of every kind, for model and form choices."""
    return [(kind.code, kind.label) for kind in KINDS.values()]
