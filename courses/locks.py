"""Named row locks of content workflows, each taken in one place (`select_for_update(of=("self",))`, so a join
never locks the parent rows too; many rows in primary-key order, so two writers never wait on each other)."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models

from courses.models import Course, Language

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


def course_pair_lock(from_language: Language, to_language: Language) -> Course | None:
    """The course of a language pair, locked, with the two language rows locked first: two imports of one course
    (even of one that does not exist yet) run one after the other."""
    list(
        Language.objects.select_for_update(of=("self",))
        .filter(pk__in=[from_language.pk, to_language.pk])
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    course = Course.objects.filter(from_language=from_language, to_language=to_language).first()
    return course_lock(course.pk) if course is not None else None
