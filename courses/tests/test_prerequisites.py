import pytest
from django.core.exceptions import ValidationError

from audit.models import SystemAuditLog
from audit.services import AuditContext
from courses.models import LessonPrerequisite
from courses.prerequisites import course_prerequisite_problems, graph_cycle
from courses.services import lesson_prerequisite_add

from .factories import LessonFactory, LessonPrerequisiteFactory, UnitFactory

pytestmark = pytest.mark.django_db

BY = AuditContext(source=SystemAuditLog.Source.API)


def test_prerequisite_add_links_lessons_of_one_course():
    unit = UnitFactory()
    first, second = LessonFactory(unit=unit, title="One"), LessonFactory(unit=unit, title="Two")
    link = lesson_prerequisite_add(lesson=second, requires=first, by=BY)
    assert (link.lesson, link.requires) == (second, first)
    assert lesson_prerequisite_add(lesson=second, requires=first, by=BY) == link


def test_prerequisite_cycle_is_refused_with_the_path_and_writes_nothing():
    unit = UnitFactory()
    a, b, c = (LessonFactory(unit=unit, title=title) for title in ("A", "B", "C"))
    lesson_prerequisite_add(lesson=b, requires=a, by=BY)
    lesson_prerequisite_add(lesson=c, requires=b, by=BY)
    with pytest.raises(ValidationError) as caught:
        lesson_prerequisite_add(lesson=a, requires=c, by=BY)
    assert caught.value.message_dict == {"requires": ["This would create a prerequisite cycle: “A” → “C” → “B” → “A”."]}
    assert LessonPrerequisite.objects.count() == 2


def test_self_and_cross_course_prerequisites_are_refused():
    lesson, foreign = LessonFactory(), LessonFactory(title="Elsewhere")
    with pytest.raises(ValidationError) as caught:
        lesson_prerequisite_add(lesson=lesson, requires=lesson, by=BY)
    assert caught.value.messages == ["A lesson cannot require itself."]
    with pytest.raises(ValidationError) as caught:
        lesson_prerequisite_add(lesson=lesson, requires=foreign, by=BY)
    assert caught.value.messages == [
        "“Elsewhere” belongs to another course; a prerequisite must be in the same course."
    ]


def test_model_clean_checks_the_graph():
    link = LessonPrerequisiteFactory()
    reverse = LessonPrerequisite(lesson=link.requires, requires=link.lesson)
    with pytest.raises(ValidationError, match="prerequisite cycle"):
        reverse.full_clean()


def test_graph_cycle():
    assert graph_cycle({1: {2}, 2: {3}}) is None
    assert graph_cycle({1: {2}, 2: {3}, 3: {1}}) == [1, 2, 3, 1]
    assert graph_cycle({1: {1}}) == [1, 1]
    assert graph_cycle({5: {6}, 6: set(), 7: {8}, 8: {7}}) == [7, 8, 7]


def test_course_problems_list_cycles_and_foreign_links_written_behind_the_rules_back():
    unit = UnitFactory()
    a, b = LessonFactory(unit=unit, title="A"), LessonFactory(unit=unit, title="B")
    foreign = LessonFactory(title="F")
    course = unit.section.course
    assert course_prerequisite_problems(course) == []
    LessonPrerequisite.objects.bulk_create(
        [
            LessonPrerequisite(lesson=a, requires=b),
            LessonPrerequisite(lesson=b, requires=a),
            LessonPrerequisite(lesson=a, requires=foreign),
        ]
    )
    assert course_prerequisite_problems(course) == [
        "“A” requires “F”, which belongs to another course.",
        "Prerequisite cycle: “A” → “B” → “A”.",
    ]
