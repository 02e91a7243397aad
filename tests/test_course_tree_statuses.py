"""The course tree is cached once for everyone; each learner's statuses are laid over a copy."""

import pytest

from courses.selectors import recent_content
from tests.conftest import first_lessons

pytestmark = pytest.mark.django_db


def lesson_statuses(tree: dict) -> list:
    return [lesson["status"] for section in tree["sections"] for unit in section["units"] for lesson in unit["lessons"]]


def test_learners_sharing_the_cached_tree_each_see_their_own_statuses(owner, other, demo_course):
    url = f"/api/v1/courses/{demo_course.pk}/"
    completed, second = first_lessons(demo_course, 2)
    for _ in range(2):  # alternately, so each request is served from the same cached tree
        mine = owner.get(url).json()
        (cached,) = [value for key, value in recent_content.values.items() if ":course-tree:" in key]
        assert lesson_statuses(cached) == [None] * 12  # as the serializer left it: no learner's statuses
        theirs = other.get(url).json()
        statuses = dict(
            zip(
                [lesson["id"] for s in mine["sections"] for u in s["units"] for lesson in u["lessons"]],
                lesson_statuses(mine),
                strict=True,
            )
        )
        assert (statuses[completed.pk], statuses[second.pk]) == ("completed", "available")
        assert list(statuses.values()).count("completed") == 1
        assert lesson_statuses(theirs) == [None] * 12  # not enrolled
