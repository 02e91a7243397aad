"""Hook through which the progress app tells the course tree each lesson's status for a learner.

courses cannot import progress (apps depend one way), so progress registers a provider from
its AppConfig.ready(): `provider(*, user, course) -> dict[lesson_id, "locked"|"available"|"completed"] | None`,
returning None when the user is not enrolled. It must run a constant number of queries.
"""

from __future__ import annotations

from collections.abc import Callable

_provider: Callable | None = None


def register_lesson_status_provider(provider: Callable) -> None:
    global _provider
    _provider = provider


def lesson_statuses(*, user, course) -> dict[int, str] | None:
    if _provider is None or user is None or not user.is_authenticated:
        return None
    return _provider(user=user, course=course)
