"""Named row locks of content workflows, each taken in one place (`select_for_update(of=("self",))`, so a join
never locks the parent rows too; many rows in primary-key order, so two writers never wait on each other)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from django.db import models

from courses.models import Course

M = TypeVar("M", bound=models.Model)


def content_row_lock(model: type[M], pk: Any) -> M:
    """One content row, locked until the end of the transaction (raises model.DoesNotExist)."""
    return model._base_manager.select_for_update(of=("self",)).get(pk=pk)


def content_rows_lock(queryset: models.QuerySet[M]) -> list[M]:
    """The rows of `queryset`, locked, in primary-key order."""
    return list(queryset.select_for_update(of=("self",)).order_by("pk"))


def course_lock(course_id: int) -> Course | None:
    """The course row: held by every change to the course's structure that must see it whole (prerequisite
    graph, import), so two editors cannot each add half of a cycle and an import sees no concurrent edit."""
    return Course.objects.select_for_update(of=("self",)).filter(pk=course_id).first()


def course_ids_of(lesson_ids: Iterable[int]) -> list[int]:
    from courses.models import Lesson

    return sorted(
        set(Lesson.objects.filter(pk__in=list(lesson_ids)).values_list("unit__section__course_id", flat=True))
    )
