"""Writes to course content: courses, languages, lessons, prerequisites, publishing."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from audit.models import SystemAuditLog
from audit.services import system_audit_record
from courses.models import Course, Language, Lesson, LessonPrerequisite, Unit
from courses.ordering import next_position
from courses.prerequisites import prerequisite_errors


def _audit(*, actor, action: str, target, changes: dict | None = None, source: str = SystemAuditLog.Source.API):
    # Admin changes are logged by AuditedModelAdmin and commands by command_audit_record; a service
    # logs itself only when a person acts through another door (the staff API, an admin action).
    if actor is not None:
        system_audit_record(source=source, action=action, actor=actor, target=target, changes=changes or {})


def _apply(obj, fields: dict[str, Any]) -> dict[str, list]:
    changes = {}
    for name, value in fields.items():
        before = getattr(obj, name)
        if before != value:
            changes[name] = [str(before) if before is not None else None, str(value) if value is not None else None]
            setattr(obj, name, value)
    return changes


@transaction.atomic
def language_create(*, actor=None, **fields) -> Language:
    language = Language(**fields)
    language.full_clean()
    language.save()
    _audit(actor=actor, action=SystemAuditLog.Action.CREATE, target=language)
    return language


@transaction.atomic
def language_update(*, language: Language, actor=None, **fields) -> Language:
    changes = _apply(language, fields)
    language.full_clean()
    language.save()
    _audit(actor=actor, action=SystemAuditLog.Action.CHANGE, target=language, changes=changes)
    return language


@transaction.atomic
def course_create(*, from_language: Language, to_language: Language, title: str, actor=None, **fields) -> Course:
    course = Course(from_language=from_language, to_language=to_language, title=title, **fields)
    course.full_clean()
    course.save()
    _audit(actor=actor, action=SystemAuditLog.Action.CREATE, target=course)
    return course


@transaction.atomic
def course_update(*, course: Course, actor=None, **fields) -> Course:
    changes = _apply(course, fields)
    course.full_clean()
    course.save()
    _audit(actor=actor, action=SystemAuditLog.Action.CHANGE, target=course, changes=changes)
    return course


@transaction.atomic
def courses_set_published(*, courses, is_published: bool, actor=None, source: str = SystemAuditLog.Source.ADMIN) -> int:
    """Publish or unpublish courses; returns how many changed."""
    changed = 0
    for course in (
        Course.objects.select_for_update().filter(pk__in=[c.pk for c in courses]).exclude(is_published=is_published)
    ):
        course.is_published = is_published
        course.save(update_fields=["is_published", "updated_at"])
        _audit(
            actor=actor,
            action=SystemAuditLog.Action.CHANGE,
            target=course,
            changes={"is_published": [str(not is_published), str(is_published)]},
            source=source,
        )
        changed += 1
    return changed


@transaction.atomic
def lesson_create(*, unit: Unit, title: str, actor=None, position: int | None = None, **fields) -> Lesson:
    if position is None:
        position = next_position(Lesson, parent_filter={"unit": unit})
    lesson = Lesson(unit=unit, title=title, position=position, **fields)
    lesson.full_clean()
    lesson.save()
    _audit(actor=actor, action=SystemAuditLog.Action.CREATE, target=lesson)
    return lesson


@transaction.atomic
def lesson_update(*, lesson: Lesson, actor=None, **fields) -> Lesson:
    if "unit" in fields and fields["unit"] != lesson.unit and "position" not in fields:
        fields["position"] = next_position(Lesson, parent_filter={"unit": fields["unit"]})
    changes = _apply(lesson, fields)
    lesson.full_clean()
    lesson.save()
    _audit(actor=actor, action=SystemAuditLog.Action.CHANGE, target=lesson, changes=changes)
    return lesson


@transaction.atomic
def lesson_prerequisite_add(*, lesson: Lesson, requires: Lesson, actor=None) -> LessonPrerequisite:
    """Make `lesson` require `requires`; refuses self-reference, another course's lesson and cycles."""
    # Lock the course so two editors cannot each add half of a cycle.
    Course.objects.select_for_update().filter(sections__units__lessons=lesson).first()
    errors = prerequisite_errors(lesson=lesson, requires=requires)
    if errors:
        raise ValidationError({"requires": errors})
    link, _ = LessonPrerequisite.objects.get_or_create(lesson=lesson, requires=requires)
    _audit(actor=actor, action=SystemAuditLog.Action.CREATE, target=link)
    return link
