"""Imports of one course at the same time (PostgreSQL): they run one after the other, and a prerequisite edit in the
admin's service waits for them too."""

import threading

import pytest
from django.db import connection

from audit.models import SystemAuditLog
from audit.services import AuditContext
from courses.models import Course, Lesson, LessonPrerequisite
from courses.reference_data import reference_data_load
from courses.services import lesson_prerequisite_add
from exercises.course_import import course_import
from exercises.models import Exercise, LessonExercise

from .test_course_files import MINIMAL

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_in_threads(works):
    barrier = threading.Barrier(len(works))
    results, errors = [None] * len(works), []

    def target(index):
        try:
            barrier.wait(timeout=30)
            results[index] = works[index]()
        except Exception as exc:  # collected and re-raised in the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(len(works))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    return results


def test_simultaneous_imports_of_a_new_course_create_it_once():
    reference_data_load()
    reports = run_in_threads([lambda: course_import(text=MINIMAL) for _ in range(4)])
    assert sorted(report.created.get("course", 0) for report in reports) == [0, 0, 0, 1]
    assert sum(report.changed for report in reports) == 1
    assert (Course.objects.count(), Lesson.objects.count(), Exercise.objects.count()) == (1, 2, 2)
    assert LessonExercise.objects.count() == 2
    assert SystemAuditLog.objects.filter(action="create", target_type__model="course").count() == 1


def test_an_import_and_a_prerequisite_edit_of_one_course_do_not_interleave():
    reference_data_load()
    course_import(text=MINIMAL.replace("      requires: [l1]\n", ""))
    first, second = Lesson.objects.get(key="l1"), Lesson.objects.get(key="l2")
    by = AuditContext(source=SystemAuditLog.Source.API)
    # The file says l2 requires l1; the editor makes l1 require l2 at the same time: one of them must see the other.
    outcomes = []

    def edit():
        try:
            lesson_prerequisite_add(lesson=first, requires=second, by=by)
            outcomes.append("edit")
        except Exception as exc:  # the cycle is refused when the import went first
            outcomes.append(type(exc).__name__)

    run_in_threads([lambda: course_import(text=MINIMAL), edit])
    links = set(LessonPrerequisite.objects.values_list("lesson__key", "requires__key"))
    # Either the edit went first (the import then drops l1 -> l2: both lessons stay and the file does not name it)
    # or it came second and was refused as a cycle; never both links.
    assert links == {("l2", "l1")}
    assert outcomes in (["edit"], ["ValidationError"])
