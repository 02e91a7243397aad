"""Writes to course content: languages, courses, sections, units, lessons and prerequisites.

Each service validates, locks and audits through courses.content, whoever calls it (admin, staff API,
import_course); `by` says who acts and through which door. Removing a row archives it when learners have
history in it, else deletes it (courses.content.content_remove).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from audit.services import AuditContext
from courses.content import (
    Removal,
    content_create,
    content_delete,
    content_remove,
    content_update,
)
from courses.locks import content_rows_lock, course_lock
from courses.models import Course, Language, Lesson, LessonPrerequisite, Section, Unit
from courses.ordering import next_position
from courses.prerequisites import prerequisite_errors

# --- languages -----------------------------------------------------------------------------------


@transaction.atomic
def language_create(*, by: AuditContext, **fields) -> Language:
    return content_create(Language(**fields), by=by)


@transaction.atomic
def language_update(*, language: Language, by: AuditContext, **fields) -> Language:
    content_update(language, fields, by=by)
    return language


@transaction.atomic
def language_delete(*, language: Language, by: AuditContext) -> None:
    """Delete a language no course or audio uses; otherwise refuse (deactivate it instead)."""
    courses = (
        Course.objects.filter(from_language=language).count() + Course.objects.filter(to_language=language).count()
    )
    audio = language.audio_files.count()
    if courses or audio:
        raise ValidationError(
            f"{language} is used by {courses} course(s) and {audio} audio clip(s); untick “is active” to hide it."
        )
    content_delete(language, by=by)


# --- courses -------------------------------------------------------------------------------------


@transaction.atomic
def course_create(*, from_language: Language, to_language: Language, title: str, by: AuditContext, **fields) -> Course:
    return content_create(Course(from_language=from_language, to_language=to_language, title=title, **fields), by=by)


@transaction.atomic
def course_update(*, course: Course, by: AuditContext, **fields) -> Course:
    content_update(course, fields, by=by)
    return course


@transaction.atomic
def courses_set_published(*, courses, is_published: bool, by: AuditContext) -> int:
    """Publish or unpublish courses; returns how many changed."""
    changed = 0
    rows = content_rows_lock(Course.objects.filter(pk__in=[c.pk for c in courses]).exclude(is_published=is_published))
    for course in rows:
        content_update(course, {"is_published": is_published}, by=by)
        changed += 1
    return changed


@transaction.atomic
def course_remove(*, course: Course, by: AuditContext) -> Removal:
    """Archive a course learners are enrolled in or have history in (it stays in their enrollments), else delete it."""
    return content_remove(course, by=by)


# --- sections, units, lessons --------------------------------------------------------------------


@transaction.atomic
def lesson_create(*, unit: Unit, title: str, by: AuditContext, position: int | None = None, **fields) -> Lesson:
    if position is None:
        position = next_position(Lesson, parent_filter={"unit": unit})
    return content_create(Lesson(unit=unit, title=title, position=position, **fields), by=by)


@transaction.atomic
def lesson_update(*, lesson: Lesson, by: AuditContext, **fields) -> Lesson:
    if "unit" in fields and fields["unit"] != lesson.unit and "position" not in fields:
        fields["position"] = next_position(Lesson, parent_filter={"unit": fields["unit"]})
    content_update(lesson, fields, by=by)
    return lesson


@transaction.atomic
def tree_node_remove(*, node: Section | Unit | Lesson, by: AuditContext) -> Removal:
    """Archive a section, unit or lesson that holds learner history (a lesson with sessions or progress, or a
    section/unit with such a lesson), else delete it with what is under it."""
    return content_remove(node, by=by)


# --- prerequisites -------------------------------------------------------------------------------


def _prerequisite_check(*, lesson: Lesson, requires: Lesson, exclude_pk: int | None = None) -> None:
    # The course row is the lock of its prerequisite graph: two editors cannot each add half of a cycle.
    course_lock(Lesson.objects.filter(pk=lesson.pk).values_list("unit__section__course_id", flat=True).first())
    errors = prerequisite_errors(lesson=lesson, requires=requires, exclude_pk=exclude_pk)
    if errors:
        raise ValidationError({"requires": errors})


@transaction.atomic
def lesson_prerequisite_add(*, lesson: Lesson, requires: Lesson, by: AuditContext) -> LessonPrerequisite:
    """Make `lesson` require `requires`; refuses self-reference, another course's lesson and cycles."""
    _prerequisite_check(lesson=lesson, requires=requires)
    existing = LessonPrerequisite.objects.filter(lesson=lesson, requires=requires).first()
    if existing is not None:
        return existing
    return content_create(LessonPrerequisite(lesson=lesson, requires=requires), by=by)


@transaction.atomic
def lesson_prerequisite_update(*, link: LessonPrerequisite, requires: Lesson, by: AuditContext) -> LessonPrerequisite:
    _prerequisite_check(lesson=link.lesson, requires=requires, exclude_pk=link.pk)
    content_update(link, {"requires": requires}, by=by)
    return link


@transaction.atomic
def lesson_prerequisite_remove(*, link: LessonPrerequisite, by: AuditContext) -> None:
    """Prerequisites hold no learner history: removing one deletes it."""
    content_delete(link, by=by)
