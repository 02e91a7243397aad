"""What other apps keep in step with a learner's profile, registered here so accounts depends on no learning app.

An app registers a function `(*, user, fields) -> None` from its AppConfig.ready(); every write of profile fields
(the API's profile update, the admin) calls `profile_changed` in its transaction, after the user row is saved.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_receivers: list[Callable[..., None]] = []


def register_profile_change(receiver: Callable[..., None]) -> None:
    if receiver not in _receivers:
        _receivers.append(receiver)


def profile_changed(*, user: Any, fields: set[str]) -> None:
    for receiver in _receivers:
        receiver(user=user, fields=fields)
