"""The content write path (courses.content, and the services over it): one audited change per write, archive or
delete decided by learner history, restore."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import StaffFactory, UserFactory
from audit.models import SystemAuditLog
from audit.services import AuditContext
from courses import services
from courses.content import content_create, content_remove, content_restore, content_update
from courses.models import Language, Lesson, LessonPrerequisite, Section, Unit
from exercises.models import AudioFile, Exercise
from exercises.tests.factories import ExerciseFactory, LessonExerciseFactory
from gamification.models import Achievement, UserAchievement
from progress.models import LessonSession, UserExerciseInteraction, UserLessonProgress

from .factories import CourseFactory, LanguageFactory, LessonFactory, UnitFactory

pytestmark = pytest.mark.django_db

BY = AuditContext(source=SystemAuditLog.Source.API, ip="203.0.113.9")


def audit_rows(model: str) -> list[tuple]:
    return list(
        SystemAuditLog.objects.filter(target_type__model=model)
        .order_by("id")
        .values_list("action", "changes", "summary", "ip")
    )


def history_in(lesson: Lesson, exercise: Exercise | None = None):
    """A learner's session, lesson progress and (when given) an answer in the lesson."""
    user = UserFactory()
    course = lesson.unit.section.course
    session = LessonSession.objects.create(user=user, lesson=lesson, course=course)
    UserLessonProgress.objects.create(user=user, lesson=lesson, course=course, attempts=1)
    if exercise is not None:
        UserExerciseInteraction.objects.create(
            user=user, session=session, exercise=exercise, answer={"text": "x"}, is_correct=False, feedback="wrong"
        )
    return user


def test_the_tree_is_created_in_order_and_each_row_audited_once():
    course = CourseFactory()
    section = content_create(Section(course=course, title="Basics", key="basics", position=1), by=BY)
    unit = content_create(Unit(section=section, title="Hello", key="hello", position=1), by=BY)
    first = services.lesson_create(unit=unit, title="One", key="one", by=BY)
    second = services.lesson_create(unit=unit, title="Two", key="two", by=BY)
    assert (section.position, unit.position, first.position, second.position) == (1, 1, 1, 2)
    rows = audit_rows("lesson")
    assert [(action, changes["title"], ip) for action, changes, _, ip in rows] == [
        ("create", [None, "One"], "203.0.113.9"),
        ("create", [None, "Two"], "203.0.113.9"),
    ]
    content_update(unit, {"title": "Hello!"}, by=BY)
    content_update(unit, {"title": "Hello!"}, by=BY)  # nothing changes: nothing is audited
    assert [(action, changes) for action, changes, _, _ in audit_rows("unit")][1:] == [
        ("change", {"title": ["Hello", "Hello!"]})
    ]
    with pytest.raises(ValidationError):
        content_update(unit, {"color": "green"}, by=BY)
    unit.refresh_from_db()
    assert unit.color == "#58CC02"


def test_a_section_with_a_used_lesson_is_archived_and_an_unused_unit_deleted():
    used = LessonFactory()
    history_in(used)
    section = used.unit.section
    spare = UnitFactory(section=section)
    LessonFactory(unit=spare)
    removal = services.tree_node_remove(node=spare, by=BY)
    assert (removal.archived, Unit.objects.filter(pk=spare.pk).exists()) == (False, False)
    assert audit_rows("unit")[-1][2] == {"deleted_with_it": {"courses.Lesson": 1}}
    removal = services.tree_node_remove(node=section, by=BY)
    assert (removal.archived, removal.history.learners, removal.history.rows) == (True, 1, 2)
    section.refresh_from_db()
    assert section.archived_at is not None
    assert list(Lesson.objects.live().filter(pk=used.pk)) == []  # hidden by its section
    assert content_restore(section, by=BY) is True
    assert content_restore(section, by=BY) is False  # not archived (any more)
    assert list(Lesson.objects.live().filter(pk=used.pk)) == [used]
    archive, restore = audit_rows("section")[-2:]
    assert archive[2] == {"archived": True, "learners": 1, "learner_rows": 2}
    assert (restore[1]["archived_at"][1], restore[2]) == (None, {"restored": True})


def test_a_course_is_archived_when_learners_are_enrolled_and_restored():
    lesson = LessonFactory()
    history_in(lesson)
    course = lesson.unit.section.course
    assert services.course_remove(course=course, by=BY).history.rows == 2  # the session and the progress
    assert content_restore(course, by=BY) is True
    course.refresh_from_db()
    assert course.archived_at is None


def test_a_language_in_use_is_not_deleted():
    course = CourseFactory()
    with pytest.raises(ValidationError) as caught:
        services.language_delete(language=course.to_language, by=BY)
    assert caught.value.messages == [
        f"{course.to_language} is used by 1 course(s) and 0 audio clip(s); untick “is active” to hide it."
    ]
    spare = LanguageFactory(code="nl")
    services.language_delete(language=spare, by=BY)
    assert not Language.objects.filter(code="nl").exists()
    assert audit_rows("language")[-1][0] == "delete"


def test_prerequisites_are_changed_and_removed_through_their_services():
    unit = UnitFactory()
    a, b, c = (LessonFactory(unit=unit, title=title) for title in "ABC")
    link = services.lesson_prerequisite_add(lesson=c, requires=a, by=BY)
    services.lesson_prerequisite_update(link=link, requires=b, by=BY)
    assert LessonPrerequisite.objects.get().requires == b
    services.lesson_prerequisite_add(lesson=b, requires=a, by=BY)
    with pytest.raises(ValidationError):
        services.lesson_prerequisite_update(link=LessonPrerequisite.objects.get(lesson=b), requires=c, by=BY)
    services.lesson_prerequisite_remove(link=link, by=BY)
    assert list(LessonPrerequisite.objects.values_list("lesson__title", "requires__title")) == [("B", "A")]
    assert [row[0] for row in audit_rows("lessonprerequisite")] == ["create", "change", "create", "delete"]


def test_an_answered_exercise_is_archived_and_restored_an_unanswered_one_deleted():
    link = LessonExerciseFactory()
    history_in(link.lesson, link.exercise)
    removal = content_remove(link.exercise, by=BY)
    assert (removal.archived, removal.history.rows) == (True, 1)
    assert content_restore(link.exercise, by=BY) is True
    spare = ExerciseFactory()
    assert content_remove(spare, by=BY).archived is False
    assert not Exercise.objects.filter(pk=spare.pk).exists()


def test_audio_is_written_through_the_content_path():
    spanish = LanguageFactory(code="es")
    audio = content_create(
        AudioFile(language=spanish, key="hola", transcript="Hola", url_medium="https://cdn.example/hola.mp3"), by=BY
    )
    content_update(audio, {"speaker": "Lucía"}, by=BY)
    assert AudioFile.objects.get().speaker == "Lucía"
    assert [(action, changes.get("speaker")) for action, changes, _, _ in audit_rows("audiofile")] == [
        ("create", [None, ""]),
        ("change", ["", "Lucía"]),
    ]


def test_achievements_are_authored_retired_and_restored():
    badge = content_create(Achievement(code="ten", name="Ten", kind="lessons_completed", threshold=10), by=BY)
    content_update(badge, {"xp_reward": 5}, by=BY)
    UserAchievement.objects.create(user=UserFactory(), achievement=badge, progress=3)
    assert content_remove(badge, by=BY).archived is True
    assert content_restore(badge, by=BY) is True
    spare = content_create(Achievement(code="spare", name="Spare", kind="total_xp", threshold=1), by=BY)
    assert content_remove(spare, by=BY).archived is False
    assert list(Achievement.objects.values_list("code", "xp_reward")) == [("ten", 5)]


def test_restoring_a_lesson_under_an_archived_unit_says_it_stays_hidden():
    lesson = LessonFactory()
    history_in(lesson)
    services.tree_node_remove(node=lesson, by=BY)
    services.tree_node_remove(node=lesson.unit, by=BY)
    editor = StaffFactory()
    editor.groups.add(Group.objects.get(name="Content editors"))
    client = Client()
    client.force_login(editor)
    response = client.post(
        reverse("admin:courses_lesson_changelist"),
        {"action": "restore_selected", "_selected_action": [lesson.pk]},
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == [
        f"“{lesson}” stays hidden while its unit “{lesson.unit}” is archived.",
        "Restored 1 lessons.",
    ]
    assert Section.objects.live().count() == 1
