import io

import pytest
from django.core.management import CommandError, call_command

from courses.models import LessonPrerequisite
from courses.tests.factories import LessonFactory, UnitFactory

from .factories import ExerciseFactory, ExerciseTypeFactory

pytestmark = pytest.mark.django_db


def test_check_content_passes_on_the_demo_course(reference_data):
    from exercises.tests.factories import DEMO_COURSE

    call_command("import_course", str(DEMO_COURSE), stdout=io.StringIO())
    out = io.StringIO()
    call_command("check_content", stdout=out)
    assert out.getvalue() == "Content OK: every exercise and prerequisite graph is valid.\n"


def test_check_content_lists_every_problem_and_fails():
    good = ExerciseFactory()
    bad = ExerciseFactory(key="bad-sort", type=ExerciseTypeFactory(code="sort_words"))
    bad.answers = ["Yo como pan"]
    bad.save()
    mc = ExerciseFactory(key="lonely-mc", type=ExerciseTypeFactory(code="multiple_choice"), options=[("Sí", True)])
    unit = UnitFactory(section__course__title="Broken course")
    a, b = LessonFactory(unit=unit, title="A"), LessonFactory(unit=unit, title="B")
    LessonPrerequisite.objects.bulk_create(
        [LessonPrerequisite(lesson=a, requires=b), LessonPrerequisite(lesson=b, requires=a)]
    )
    err = io.StringIO()
    with pytest.raises(CommandError, match=r"^3 content problem\(s\) found\.$"):
        call_command("check_content", stderr=err)
    course = unit.section.course
    assert err.getvalue().splitlines() == [
        f"Exercise {bad.pk} (bad-sort, sort_words) answers[0]: "
        "These words of the sentence are not among the tiles: como, pan.",
        f"Exercise {mc.pk} (lonely-mc, multiple_choice) options: "
        "A multiple-choice exercise needs at least 2 options, it has 1.",
        f"Course {course.pk} (Broken course): Prerequisite cycle: “A” → “B” → “A”.",
    ]
    assert f"Exercise {good.pk} " not in err.getvalue()
