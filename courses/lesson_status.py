"""Hook through which the progress app tells the course tree each lesson's status for a learner.

courses cannot import progress (apps depend one way), so progress registers a provider from
its AppConfig.ready(): `provider(*, user, course, prerequisites) -> {lesson_id: "locked"|"available"|"completed"}`,
or None when the user is not enrolled; `prerequisites`, when given, maps every lesson of the course to the
lessons it requires (from the cached course tree) so the provider need not read them.
It must run a constant number of queries.
"""

from __future__ import annotations

from collections.abc import Callable

_provider: Callable | None = None


def register_lesson_status_provider(provider: Callable) -> None:
    global _provider
    _provider = provider


def lesson_statuses(*, user, course, prerequisites: dict[int, list[int]] | None = None) -> dict[int, str] | None:
    if _provider is None or user is None or not user.is_authenticated:
        return None
    return _provider(user=user, course=course, prerequisites=prerequisites)
