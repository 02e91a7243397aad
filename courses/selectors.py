"""Reads of course content with their joins and prefetches applied (constant queries)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Prefetch, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from courses.models import ContentRevision, Course, Language, Lesson, LessonPrerequisite, Section, Unit

T = TypeVar("T")


def user_sees_unpublished(user) -> bool:
    """Staff holding any content permission see drafts; learners see published courses only."""
    return bool(user and user.is_authenticated and user.is_staff and user.has_module_perms("courses"))


def language_list(*, include_inactive: bool = False) -> QuerySet[Language]:
    languages = Language.objects.order_by("name", "code")
    return languages if include_inactive else languages.filter(is_active=True)


def course_list(*, user, from_language: str | None = None, to_language: str | None = None) -> QuerySet[Course]:
    """Published courses (every course for staff who can change them), optionally for one language pair.
    Archived courses are left out for everyone: they live on only in their learners' enrollments."""
    courses = Course.objects.live().select_related("from_language", "to_language").order_by("title", "pk")
    if not user_sees_unpublished(user):
        courses = courses.filter(is_published=True)
    if from_language:
        courses = courses.filter(from_language__code__iexact=from_language)
    if to_language:
        courses = courses.filter(to_language__code__iexact=to_language)
    return courses


def lessons_with_xp() -> QuerySet[Lesson]:
    """Lessons annotated with xp_from_exercises and exercise_count (of their live exercises), so
    effective_xp_reward costs no query."""
    live = Q(lesson_exercises__exercise__archived_at__isnull=True)
    return Lesson.objects.annotate(
        xp_from_exercises=Coalesce(
            Sum(
                Coalesce(
                    "lesson_exercises__exercise__xp_override",
                    "lesson_exercises__exercise__type__default_xp",
                ),
                filter=live,
            ),
            Value(0),
        ),
        exercise_count=Count("lesson_exercises", filter=live),
    )


def course_tree(*, course_id: int) -> Course:
    """A course with its live sections, units and lessons (with XP and prerequisites) loaded in five queries,
    whether published or not (callers check visibility). Raises Course.DoesNotExist.

    Archived rows are left out, and so are prerequisites on archived lessons: an archived prerequisite is met.
    """
    live_requirements = LessonPrerequisite.objects.filter(
        requires__archived_at__isnull=True,
        requires__unit__archived_at__isnull=True,
        requires__unit__section__archived_at__isnull=True,
    ).order_by("requires_id")
    lessons = (
        lessons_with_xp()
        .filter(archived_at__isnull=True)
        .order_by("position", "pk")
        .prefetch_related(Prefetch("prerequisite_links", queryset=live_requirements))
    )
    units = (
        Unit.objects.filter(archived_at__isnull=True)
        .order_by("position", "pk")
        .prefetch_related(Prefetch("lessons", queryset=lessons))
    )
    sections = (
        Section.objects.filter(archived_at__isnull=True)
        .order_by("position", "pk")
        .prefetch_related(Prefetch("units", queryset=units))
    )
    courses = Course.objects.select_related("from_language", "to_language").prefetch_related(
        Prefetch("sections", queryset=sections)
    )
    return courses.get(pk=course_id)


def content_revision() -> int:
    """The content revision, bumped by database triggers on every content write (one query).

    Every request for cached content reads it, so it is plain SQL: building the same ORM query each time
    cost more than running it (0.45 ms against 0.19 ms measured, bench/README.md).
    """
    table = connection.ops.quote_name(ContentRevision._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT revision FROM {table} WHERE id = 1")  # noqa: S608 (a model's table name)
        row = cursor.fetchone()
    return row[0] if row else 0


class _RecentContent:
    """The last few content values a process served, in front of the shared cache.

    Safe because every key holds the content revision, read from the database on each request: a process
    never serves content older than the last write, and spares the shared cache's round trip and unpickling.
    """

    def __init__(self, size: int):
        self.size, self.values, self.lock = size, OrderedDict(), threading.Lock()

    def get(self, key: str):
        with self.lock:
            value = self.values.get(key)
            if value is not None:
                self.values.move_to_end(key)
            return value

    def put(self, key: str, value) -> None:
        with self.lock:
            self.values[key] = value
            while len(self.values) > self.size:
                self.values.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.values.clear()


recent_content = _RecentContent(size=settings.CONTENT_CACHE_LOCAL_ENTRIES)


def _content_key(revision: int, kind: str, key) -> str:
    return ":".join(["content", str(revision), kind, *map(str, key)])


def content_cached(kind: str, *key, build: Callable[[], T]) -> T:
    """`build()`'s result, cached until the content changes (the key holds the content revision).

    What is cached must be the same for every learner; anything personal is added after, to a copy: the
    value returned is shared by the process's requests and must not be changed.
    """
    cache_key = _content_key(content_revision(), kind, key)
    value = recent_content.get(cache_key)
    if value is None:
        value = cache.get(cache_key)
        if value is None:
            value = build()
            cache.set(cache_key, value, settings.CONTENT_CACHE_SECONDS)
        recent_content.put(cache_key, value)
    return value


def content_cached_many(kind: str, keys: list, *, build: Callable[[list], dict]) -> dict:
    """content_cached for several keys at once: {key: value} with one content revision read and one shared-cache
    read for what the process does not hold; `build(missing keys)` returns {key: value} for the rest."""
    revision = content_revision()
    cache_keys = {key: _content_key(revision, kind, (key,)) for key in keys}
    values = {key: recent_content.get(cache_key) for key, cache_key in cache_keys.items()}
    missing = [key for key, value in values.items() if value is None]
    if missing:
        shared = cache.get_many([cache_keys[key] for key in missing])
        unbuilt = [key for key in missing if cache_keys[key] not in shared]
        built = build(unbuilt) if unbuilt else {}
        if built:
            cache.set_many({cache_keys[key]: value for key, value in built.items()}, settings.CONTENT_CACHE_SECONDS)
        for key in missing:
            values[key] = shared[cache_keys[key]] if key not in built else built[key]
            recent_content.put(cache_keys[key], values[key])
    return values


def live_requirements() -> QuerySet[LessonPrerequisite]:
    """Prerequisite links whose required lesson is live. An archived prerequisite is met: nobody gets stuck behind
    a lesson they can no longer play."""
    return LessonPrerequisite.objects.filter(
        requires__archived_at__isnull=True,
        requires__unit__archived_at__isnull=True,
        requires__unit__section__archived_at__isnull=True,
    )


COURSE_ORDER = ("unit__section__position", "unit__position", "position", "pk")


def _lesson_graphs(course_ids: list[int]) -> dict[int, dict[int, list[int]]]:
    graphs: dict[int, dict[int, list[int]]] = {course_id: {} for course_id in course_ids}
    lessons = (
        Lesson.objects.live()
        .filter(unit__section__course_id__in=course_ids)
        .order_by(*COURSE_ORDER)
        .values_list("pk", "unit__section__course_id")
    )
    course_of = {}
    for lesson_id, course_id in lessons:
        graphs[course_id][lesson_id] = []
        course_of[lesson_id] = course_id
    links = (
        live_requirements()
        .filter(lesson__unit__section__course_id__in=course_ids)
        .order_by("requires_id")
        .values_list("lesson_id", "requires_id")
    )
    for lesson_id, requires_id in links:
        if lesson_id in course_of:
            graphs[course_of[lesson_id]][lesson_id].append(requires_id)
    return graphs


def course_lesson_graphs(*, course_ids: list[int]) -> dict[int, dict[int, list[int]]]:
    """{course id: {lesson id: [live prerequisite ids]}}: each course's live lessons in course order with what they
    require. Content, the same for every learner: cached per course under the content revision (one query for the
    revision when cached, two more for the courses that are not)."""
    return content_cached_many("lesson-graph", list(course_ids), build=_lesson_graphs)


def course_lessons(*, course: Course) -> QuerySet[Lesson]:
    """The course's live lessons in course order."""
    return (
        Lesson.objects.live()
        .filter(unit__section__course=course)
        .order_by("unit__section__position", "unit__position", "position", "pk")
    )


def lesson_for_learner(*, lesson_id: int, user) -> Lesson:
    """A lesson with its unit, section and course, visible to this user: live, in a published course that is not
    archived, unless the user is staff. Raises Lesson.DoesNotExist otherwise.
    """
    lessons = Lesson.objects.select_related("unit__section__course")
    if not user_sees_unpublished(user):
        lessons = lessons.live().filter(
            unit__section__course__is_published=True, unit__section__course__archived_at__isnull=True
        )
    return lessons.get(pk=lesson_id)


def lesson_is_visible(lesson: Lesson) -> bool:
    """Whether learners may see the lesson: live, in a published course that is not archived."""
    course = lesson.unit.section.course
    return (
        course.is_published
        and course.archived_at is None
        and lesson.archived_at is None
        and lesson.unit.archived_at is None
        and lesson.unit.section.archived_at is None
    )
