"""Rules of the lesson prerequisite graph: same course, no self-reference, no cycle."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from courses.models import Lesson, LessonPrerequisite


def _course_edges(course_id: int, *, exclude_pk: int | None = None) -> dict[int, set[int]]:
    edges: dict[int, set[int]] = defaultdict(set)
    links = LessonPrerequisite.objects.filter(lesson__unit__section__course_id=course_id)
    if exclude_pk is not None:
        links = links.exclude(pk=exclude_pk)
    for lesson_id, requires_id in links.values_list("lesson_id", "requires_id"):
        edges[lesson_id].add(requires_id)
    return edges


def _path(edges: dict[int, set[int]], start: int, goal: int) -> list[int] | None:
    """A path start -> ... -> goal following 'requires' edges, or None."""
    stack = [(start, [start])]
    seen = {start}
    while stack:
        node, path = stack.pop()
        if node == goal:
            return path
        for following in sorted(edges.get(node, ())):
            if following not in seen:
                seen.add(following)
                stack.append((following, [*path, following]))
    return None


def _titles(lesson_ids: Iterable[int]) -> str:
    ids = list(lesson_ids)
    titles = dict(Lesson.objects.filter(pk__in=ids).values_list("pk", "title"))
    return " → ".join(f"“{titles.get(pk, pk)}”" for pk in ids)


def prerequisite_errors(*, lesson: Lesson, requires: Lesson, exclude_pk: int | None = None) -> list[str]:
    """Why `lesson` may not require `requires` (empty when it may). `exclude_pk`: the link being edited."""
    if lesson.pk == requires.pk:
        return ["A lesson cannot require itself."]
    lesson_course = Lesson.objects.filter(pk=lesson.pk).values_list("unit__section__course_id", flat=True).first()
    requires_course = Lesson.objects.filter(pk=requires.pk).values_list("unit__section__course_id", flat=True).first()
    if lesson_course != requires_course:
        return [f"“{requires}” belongs to another course; a prerequisite must be in the same course."]
    edges = _course_edges(lesson_course, exclude_pk=exclude_pk)
    cycle = _path(edges, requires.pk, lesson.pk)
    if cycle is not None:
        return [f"This would create a prerequisite cycle: {_titles([lesson.pk, *cycle])}."]
    return []


def graph_cycle(edges: dict[int, set[int]]) -> list[int] | None:
    """One cycle of a requires-graph (as lesson ids, first repeated at the end), or None."""
    white, grey, black = 0, 1, 2
    colour: dict[int, int] = defaultdict(int)
    nodes = sorted(set(edges) | {n for targets in edges.values() for n in targets})
    for root in nodes:
        if colour[root] != white:
            continue
        stack: list[tuple[int, list[int]]] = [(root, sorted(edges.get(root, ())))]
        path = [root]
        colour[root] = grey
        while stack:
            node, remaining = stack[-1]
            if not remaining:
                colour[node] = black
                stack.pop()
                path.pop()
                continue
            following = remaining.pop(0)
            if colour[following] == grey:
                return [*path[path.index(following) :], following]
            if colour[following] == white:
                colour[following] = grey
                path.append(following)
                stack.append((following, sorted(edges.get(following, ()))))
    return None


def course_prerequisite_problems(course) -> list[str]:
    """Every problem of a course's prerequisite graph: links leaving the course, cycles."""
    problems = []
    foreign = LessonPrerequisite.objects.filter(lesson__unit__section__course=course).exclude(
        requires__unit__section__course=course
    )
    for link in foreign.select_related("lesson", "requires"):
        problems.append(f"“{link.lesson}” requires “{link.requires}”, which belongs to another course.")
    cycle = graph_cycle(_course_edges(course.pk))
    if cycle is not None:
        problems.append(f"Prerequisite cycle: {_titles(cycle)}.")
    return problems
