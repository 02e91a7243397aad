"""Reads of learner progress: enrollments, sessions, lesson statuses (constant queries each)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Count, Exists, IntegerField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from courses import selectors as course_selectors
from courses.models import Course, Language, Lesson, LessonPrerequisite, Unit
from exercises.models import Exercise, ExerciseType, LessonExercise
from exercises.selectors import lesson_exercises_for_play, options_prefetch
from progress.memory import MEMORY_COLUMNS, Memory, memory_from_row, recall
from progress.models import (
    LessonSession,
    MemoryState,
    PracticeSessionItem,
    UserCourse,
    UserExerciseInteraction,
    UserLessonProgress,
)

LOCKED, AVAILABLE, COMPLETED, ARCHIVED = "locked", "available", "completed", "archived"
LESSON_STATUSES = [LOCKED, AVAILABLE, COMPLETED, ARCHIVED]


def _count_subquery(queryset: QuerySet, group: str) -> Coalesce:
    counted = queryset.order_by().values(group).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def enrollment_list(*, user) -> QuerySet[UserCourse]:
    """The learner's enrollments with their course and its languages (one query). Their completion counts and
    current lesson come from enrollments_progress, which derives them from the lesson statuses it reads anyway."""
    return UserCourse.objects.filter(user=user).select_related("course__from_language", "course__to_language")


def enrollment_list_counted(*, user) -> QuerySet[UserCourse]:
    """enrollment_list with the completion counts (live_lessons, completed_lessons) annotated in the same query, for
    readers that need no statuses (the data export)."""
    live_lessons = Lesson.objects.live().filter(unit__section__course_id=OuterRef("course_id"))
    completed = UserLessonProgress.objects.filter(
        user_id=OuterRef("user_id"),
        course_id=OuterRef("course_id"),
        status=UserLessonProgress.Status.COMPLETED,
        lesson__archived_at__isnull=True,
        lesson__unit__archived_at__isnull=True,
        lesson__unit__section__archived_at__isnull=True,
    )
    return enrollment_list(user=user).annotate(
        live_lessons=_count_subquery(live_lessons, "unit__section__course_id"),
        completed_lessons=_count_subquery(completed, "user_id"),
    )


def course_unavailable_reason(course: Course) -> str | None:
    """Why learners cannot start lessons of this course now ("archived", "unpublished"), or None."""
    if course.archived_at is not None:
        return "archived"
    if not course.is_published:
        return "unpublished"
    return None


def enrollment_get(*, user, course: Course | int) -> UserCourse | None:
    course_id = course.pk if isinstance(course, Course) else course
    return UserCourse.objects.select_related("course").filter(user=user, course_id=course_id).first()


def session_list(*, user) -> QuerySet[LessonSession]:
    """The learner's own sessions; anyone else's are simply not there (→ 404)."""
    return LessonSession.objects.filter(user=user).select_related("lesson")


def lesson_for_play(*, lesson_id: int) -> Lesson | None:
    """The lesson with its unit, section and course loaded, whatever its state (the session service decides
    what the learner may do with it); None when there is no such lesson."""
    return Lesson.objects.select_related("unit__section__course").filter(pk=lesson_id).first()


def completed_lesson_ids(*, user, course: Course | int) -> set[int]:
    """The live lessons of the course the learner has completed."""
    course_id = course.pk if isinstance(course, Course) else course
    return set(
        UserLessonProgress.objects.filter(
            user=user,
            course_id=course_id,
            status=UserLessonProgress.Status.COMPLETED,
            lesson__archived_at__isnull=True,
            lesson__unit__archived_at__isnull=True,
            lesson__unit__section__archived_at__isnull=True,
        ).values_list("lesson_id", flat=True)
    )


def live_lesson_count(*, course: Course | int) -> int:
    course_id = course.pk if isinstance(course, Course) else course
    return Lesson.objects.live().filter(unit__section__course_id=course_id).count()


@dataclass(frozen=True)
class CourseLanguage:
    code: str
    punctuation_letters: Any


@dataclass(frozen=True)
class ExerciseToGrade:
    exercise_id: int
    type_code: str
    content: Any
    answers: Any
    answered_right: bool  # in this session already
    # The course's two languages: grading reads the answer language's orthography from them.
    from_language: CourseLanguage
    to_language: CourseLanguage
    # No answer to it yet in this session: this answer is a review of the learner's memory (progress.memory).
    first_in_session: bool = False
    memory: Memory | None = None  # the learner's memory state of the exercise before this answer


def exercise_to_grade_sql(*, session: str, course: str, lesson: str, user: str, exercise: str) -> str:
    """The SELECT that reads what grading one answer needs: the columns `exercise_to_grade_from_row` decodes; no
    row when the exercise is not one of the session's (its lesson's, or its practice items).

    Its arguments are SQL expressions: `%s` for the selector below, or the columns of the answer's lock-and-read
    statement, which embeds it for each exercise it grades (gamification.answering). One query text, two callers.
    The course's two languages come along (their codes and punctuation letters), so grading needs no other query,
    and so do the learner's memory state of the exercise and whether it was answered in the session before (the
    review it makes).
    """
    quote = connection.ops.quote_name
    exercise_table, exercise_type = quote(Exercise._meta.db_table), quote(ExerciseType._meta.db_table)
    link, items = quote(LessonExercise._meta.db_table), quote(PracticeSessionItem._meta.db_table)
    interaction, memory = quote(UserExerciseInteraction._meta.db_table), quote(MemoryState._meta.db_table)
    course_table, language = quote(Course._meta.db_table), quote(Language._meta.db_table)
    memory_columns = ", ".join(f"m.{name}" for name in MEMORY_COLUMNS)
    return (
        f"SELECT t.code, e.content, e.answers, EXISTS (SELECT 1 FROM {interaction} i "  # noqa: S608
        f"WHERE i.session_id = {session} AND i.exercise_id = e.id AND i.is_correct), "
        f"NOT EXISTS (SELECT 1 FROM {interaction} i WHERE i.session_id = {session} AND i.exercise_id = e.id), "
        f"lf.code, lf.punctuation_letters, lt.code, lt.punctuation_letters, {memory_columns} "
        f"FROM {exercise_table} e JOIN {exercise_type} t ON t.id = e.type_id "
        f"JOIN {course_table} c ON c.id = {course} JOIN {language} lf ON lf.id = c.from_language_id "
        f"JOIN {language} lt ON lt.id = c.to_language_id "
        f"LEFT JOIN {memory} m ON m.user_id = {user} AND m.exercise_id = e.id "
        f"WHERE e.id = {exercise} AND (EXISTS (SELECT 1 FROM {link} l WHERE l.exercise_id = e.id "
        f"AND l.lesson_id = {lesson}) OR EXISTS (SELECT 1 FROM {items} p WHERE p.exercise_id = e.id "
        f"AND p.session_id = {session}))"
    )


def exercise_to_grade_from_row(exercise_id: int, row: tuple) -> ExerciseToGrade:
    """An ExerciseToGrade from the columns of `exercise_to_grade_sql`, as the database driver returned them."""
    type_code, content, answers, answered_right, first, from_code, from_letters, to_code, to_letters = row[:9]
    json_value = Exercise._meta.get_field("content").from_db_value  # the backend's own JSON decoding
    return ExerciseToGrade(
        exercise_id=exercise_id,
        type_code=type_code,
        content=json_value(content, None, connection),
        answers=json_value(answers, None, connection),
        answered_right=bool(answered_right),
        from_language=CourseLanguage(from_code, json_value(from_letters, None, connection)),
        to_language=CourseLanguage(to_code, json_value(to_letters, None, connection)),
        first_in_session=bool(first),
        memory=memory_from_row(row[9:]),
    )


def session_exercise_to_grade(*, session: LessonSession, exercise_id: int) -> ExerciseToGrade | None:
    """What grading an answer needs, in one statement (`exercise_to_grade_sql`); None when the exercise is not one
    of the session's.

    Plain SQL because every answer runs it: the ORM version (a join, an EXISTS and three models) spent
    1.5 ms building and loading against 0.3 ms for this (bench/README.md).
    """
    sql = exercise_to_grade_sql(session="%s", course="%s", lesson="%s", user="%s", exercise="%s")
    params = [session.pk, session.pk, session.course_id, session.user_id, exercise_id, session.lesson_id, session.pk]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return None if row is None else exercise_to_grade_from_row(exercise_id, row)


def _live_requirements() -> QuerySet[LessonPrerequisite]:
    return course_selectors.live_requirements()


def lesson_is_unlocked(*, user, lesson: Lesson) -> bool:
    """All of the lesson's live prerequisites are completed by the learner (one query)."""
    completed = UserLessonProgress.objects.filter(user=user, status=UserLessonProgress.Status.COMPLETED).values(
        "lesson_id"
    )
    return not _live_requirements().filter(lesson=lesson).exclude(requires_id__in=completed).exists()


def lesson_statuses_by_course(*, user, course_ids: list[int], include_archived: bool = False) -> dict[int, dict]:
    """{course id: {lesson id: status}} of the learner in these courses, whatever their number and size: each live
    lesson, in course order, is completed, available (every live prerequisite completed) or locked. The courses'
    lessons and prerequisites are content (courses.selectors.course_lesson_graphs, cached under the content
    revision); the learner's progress is one query. With `include_archived`, archived lessons the learner has
    history in follow, as archived.
    """
    prerequisites = course_selectors.course_lesson_graphs(course_ids=course_ids)
    progress: dict[int, dict[int, str]] = {course_id: {} for course_id in course_ids}
    rows = (
        UserLessonProgress.objects.filter(user=user, course_id__in=course_ids)
        .order_by()
        .values_list("course_id", "lesson_id", "status")
    )
    for course_id, lesson_id, status in rows:
        progress[course_id][lesson_id] = status
    return {
        course_id: _statuses(prerequisites[course_id], progress[course_id], include_archived=include_archived)
        for course_id in course_ids
    }


def _statuses(prerequisites: dict[int, list[int]], progress: dict[int, str], *, include_archived: bool) -> dict:
    completed = {lesson_id for lesson_id, status in progress.items() if status == UserLessonProgress.Status.COMPLETED}
    statuses = {}
    for lesson_id, requires in prerequisites.items():
        if lesson_id in completed:
            statuses[lesson_id] = COMPLETED
        elif all(required in completed for required in requires):
            statuses[lesson_id] = AVAILABLE
        else:
            statuses[lesson_id] = LOCKED
    if include_archived:
        statuses.update(dict.fromkeys(sorted(set(progress) - set(prerequisites)), ARCHIVED))
    return statuses


def lesson_statuses(*, user, course: Course | int, include_archived: bool = False) -> dict[int, str]:
    """Each live lesson's status for the learner in one course (see lesson_statuses_by_course)."""
    course_id = course.pk if isinstance(course, Course) else course
    return lesson_statuses_by_course(user=user, course_ids=[course_id], include_archived=include_archived)[course_id]


def current_lesson_id(statuses: dict[int, str], course: Course) -> int | None:
    """The next lesson to play: the first lesson in course order the learner can play and has not completed; None
    when every lesson is completed or locked, or when the course is unavailable (no new sessions)."""
    if course_unavailable_reason(course) is not None:
        return None
    return next((lesson_id for lesson_id, status in statuses.items() if status == AVAILABLE), None)


def enrollments_progress(*, user, enrollments: list[UserCourse], include_archived: bool = False) -> list[UserCourse]:
    """The enrollments with their lesson statuses, current lesson and completion counts set (`lesson_statuses`,
    `current_lesson_id`, `live_lessons`, `completed_lessons`):
    two queries for any number of enrollments when their content is cached (see lesson_statuses_by_course)."""
    by_course = lesson_statuses_by_course(
        user=user, course_ids=[enrollment.course_id for enrollment in enrollments], include_archived=include_archived
    )
    for enrollment in enrollments:
        statuses = enrollment.lesson_statuses = by_course[enrollment.course_id]
        enrollment.current_lesson_id = current_lesson_id(statuses, enrollment.course)
        # The same counts as enrollment_list_counted: the statuses cover the live lessons, archived ones aside.
        enrollment.live_lessons = sum(1 for status in statuses.values() if status != ARCHIVED)
        enrollment.completed_lessons = sum(1 for status in statuses.values() if status == COMPLETED)
    return enrollments


def course_xp(*, user, course: Course | int) -> int:
    """The learner's XP in the course: the XP of their completed sessions in it."""
    course_id = course.pk if isinstance(course, Course) else course
    return (
        LessonSession.objects.filter(user=user, course_id=course_id, status=LessonSession.Status.COMPLETED).aggregate(
            total=Sum("xp_awarded")
        )["total"]
        or 0
    )


def completion_percent(completed: int, total: int) -> float:
    """Completed live lessons over live lessons, in percent with one decimal (33.3)."""
    return min(100.0, round(100 * completed / total, 1)) if total else 0.0


def session_answer_history(*, session: LessonSession) -> list[tuple[int, bool]]:
    """(exercise_id, is_correct) of every answer in the session, in order."""
    return list(
        UserExerciseInteraction.objects.filter(session=session)
        .order_by("created_at", "id")
        .values_list("exercise_id", "is_correct")
    )


# --- practice (progress.memory) ---------------------------------------------------------------------------------


def _live_links(**filters) -> QuerySet[LessonExercise]:
    """Links of exercises to live lessons (lesson, unit and section not archived)."""
    return LessonExercise.objects.filter(
        lesson__archived_at__isnull=True,
        lesson__unit__archived_at__isnull=True,
        lesson__unit__section__archived_at__isnull=True,
        **filters,
    )


@dataclass(frozen=True)
class PracticeCandidate:
    exercise_id: int
    type_code: str
    recall: float  # predicted now


def practice_candidates(*, user, course_id: int, kind: str, now) -> list[PracticeCandidate]:
    """What a practice session of `kind` may hold, most forgotten (lowest predicted recall) first, in one query:
    review, the live exercises of lessons the learner completed in the course that are due; mistakes, the live
    exercises of the course's live lessons whose latest review (first try in a session) was wrong."""
    states = MemoryState.objects.filter(user=user, course_id=course_id, exercise__archived_at__isnull=True)
    if kind == LessonSession.Kind.REVIEW:
        completed = UserLessonProgress.objects.filter(
            user=user, lesson_id=OuterRef("lesson_id"), status=UserLessonProgress.Status.COMPLETED
        )
        links = _live_links(exercise_id=OuterRef("exercise_id"), lesson__unit__section__course_id=course_id).filter(
            Exists(completed)
        )
        states = states.filter(due__lte=now).filter(Exists(links))
    else:
        links = _live_links(exercise_id=OuterRef("exercise_id"), lesson__unit__section__course_id=course_id)
        states = states.filter(last_first_try_correct=False).filter(Exists(links))
    rows = states.order_by().values_list("exercise_id", "exercise__type__code", *MEMORY_COLUMNS)
    candidates = [
        PracticeCandidate(exercise_id, type_code, recall(Memory(*values), now))
        for exercise_id, type_code, *values in rows
    ]
    return sorted(candidates, key=lambda item: (item.recall, item.exercise_id))


def practice_pick(candidates: list[PracticeCandidate], size: int) -> list[int]:
    """The `size` most forgotten candidates (exercise ids), ordered so that types mix: each next item is the most
    forgotten one whose type differs from the previous item's, when there is one."""
    chosen = candidates[:size]
    ordered: list[PracticeCandidate] = []
    while chosen:
        previous = ordered[-1].type_code if ordered else None
        pick = next((item for item in chosen if item.type_code != previous), chosen[0])
        chosen.remove(pick)
        ordered.append(pick)
    return [item.exercise_id for item in ordered]


def practice_items_for_play(*, session: LessonSession) -> QuerySet[PracticeSessionItem]:
    """A practice session's items of live exercises in order, each with its exercise, type, audio and options
    loaded (played like a lesson's LessonExercise rows). Two queries whatever their number."""
    return (
        PracticeSessionItem.objects.filter(session=session, exercise__archived_at__isnull=True)
        .select_related("exercise__type", "exercise__audio")
        .prefetch_related(options_prefetch("exercise__options"))
        .order_by("position", "pk")
    )


def session_exercises_for_play(*, session: LessonSession):
    """The exercises a session plays: its lesson's, or its practice items (exercises.selectors' shape)."""
    if session.is_practice:
        return practice_items_for_play(session=session)
    return lesson_exercises_for_play(session.lesson_id)


@dataclass(frozen=True)
class LearnedItem:
    """One exercise the learner has a memory state of, in a live lesson of an enrolled course."""

    exercise_id: int
    course_id: int
    unit_ids: tuple[int, ...]
    lesson_ids: tuple[int, ...]
    memory: Memory
    recall: float


def learned_items(*, user, course_ids: list[int], now) -> list[LearnedItem]:
    """The learner's memory states of live exercises in live lessons of these courses, with the units they are in
    and predicted recall now: two queries, whatever the number of answers behind them.

    Two simple ones rather than one join of six tables: each is an index lookup (the learner's states, then the
    lesson links of their exercises), so no planner estimate (tables just emptied, stale statistics) can turn it
    into nested scans of the content tables."""
    states = {
        exercise_id: Memory(*values)
        for exercise_id, *values in MemoryState.objects.filter(user=user, exercise__archived_at__isnull=True)
        .order_by()
        .values_list("exercise_id", *MEMORY_COLUMNS)
    }
    links = (
        _live_links(exercise_id__in=list(states), lesson__unit__section__course_id__in=course_ids)
        .order_by()
        .values_list("exercise_id", "lesson__unit__section__course_id", "lesson__unit_id", "lesson_id")
    )
    found: dict[int, tuple[int, list[int], list[int]]] = {}
    for exercise_id, course_id, unit_id, lesson_id in links:
        item = found.setdefault(exercise_id, (course_id, [], []))
        item[1].append(unit_id)
        item[2].append(lesson_id)
    return [
        LearnedItem(
            exercise_id, course_id, tuple(units), tuple(lessons), states[exercise_id], recall(states[exercise_id], now)
        )
        for exercise_id, (course_id, units, lessons) in found.items()
    ]


@dataclass(frozen=True)
class UnitStrength:
    unit_id: int
    course_id: int
    title: str
    position: int
    items: int  # exercises of the unit the learner has a memory of
    strength: float | None  # mean predicted recall of those now; None before any


def unit_strengths(*, user, course_ids: list[int], now, items: list[LearnedItem] | None = None) -> dict[int, list]:
    """{course id: [UnitStrength of each live unit, in course order]}: three queries (one when `items` are given)."""
    if items is None:
        items = learned_items(user=user, course_ids=course_ids, now=now)
    recalls: dict[int, list[float]] = {}
    for item in items:
        for unit_id in set(item.unit_ids):
            recalls.setdefault(unit_id, []).append(item.recall)
    units = (
        Unit.objects.live()
        .filter(section__course_id__in=course_ids)
        .order_by("section__position", "position", "pk")
        .values_list("pk", "section__course_id", "title", "position")
    )
    by_course: dict[int, list[UnitStrength]] = {course_id: [] for course_id in course_ids}
    for unit_id, course_id, title, position in units:
        mine = recalls.get(unit_id, [])
        strength = round(sum(mine) / len(mine), 4) if mine else None
        by_course[course_id].append(UnitStrength(unit_id, course_id, title, position, len(mine), strength))
    return by_course


@dataclass(frozen=True)
class WeakItem:
    exercise_id: int
    course_id: int
    type_code: str
    prompt: str
    recall: float
    due: Any


@dataclass(frozen=True)
class PracticeOverview:
    due_now: int
    due_within_24h: int
    next_due_at: Any
    courses: list[dict[str, Any]]  # {"course": Course, "units": [UnitStrength]}
    weakest: list[WeakItem]


def practice_overview(*, user, now) -> PracticeOverview:
    """me/practice/: what is due (exercises of completed live lessons, as review sessions pick them), each enrolled
    course's unit strengths, and the weakest items. Six queries whatever the learner's history."""
    enrollments = list(UserCourse.objects.filter(user=user).select_related("course").order_by("enrolled_at", "id"))
    course_ids = [enrollment.course_id for enrollment in enrollments]
    items = learned_items(user=user, course_ids=course_ids, now=now)
    strengths = unit_strengths(user=user, course_ids=course_ids, now=now, items=items)
    completed = set(
        UserLessonProgress.objects.filter(
            user=user, course_id__in=course_ids, status=UserLessonProgress.Status.COMPLETED
        ).values_list("lesson_id", flat=True)
    )
    reviewable = [item for item in items if completed.intersection(item.lesson_ids)]
    soon = now + dt.timedelta(days=1)
    later = [item.memory.due for item in reviewable if item.memory.due > now]
    weakest = sorted(items, key=lambda item: (item.recall, item.exercise_id))[: settings.PRACTICE_WEAKEST_ITEMS]
    details = {
        pk: (type_code, prompt)
        for pk, type_code, prompt in Exercise.objects.filter(pk__in=[item.exercise_id for item in weakest])
        .order_by()
        .values_list("pk", "type__code", "prompt")
    }
    return PracticeOverview(
        due_now=sum(1 for item in reviewable if item.memory.due <= now),
        due_within_24h=sum(1 for item in reviewable if item.memory.due <= soon),
        next_due_at=min(later, default=None),
        courses=[{"course": enrollment.course, "units": strengths[enrollment.course_id]} for enrollment in enrollments],
        weakest=[
            WeakItem(item.exercise_id, item.course_id, *details[item.exercise_id], item.recall, item.memory.due)
            for item in weakest
        ],
    )
