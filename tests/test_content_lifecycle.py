"""Content changes for years without losing a learner's history: every door that removes content archives what
learners touched, and the learner's export, XP, recalculated aggregates and next lesson stay right."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db.models import ProtectedError
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import StaffFactory, UserFactory, token_client
from audit.models import SystemAuditLog, UserActivityLog
from audit.services import AuditContext
from courses.models import Course, Language, Lesson, LessonPrerequisite, Section, Unit
from courses.services import course_remove, tree_node_remove
from exercises.course_import import course_import
from exercises.models import AudioFile, Exercise, ExerciseOption, LessonExercise
from gamification.models import Achievement, LearnerStats, UserAchievement
from progress.models import LessonSession, UserCourse, UserExerciseInteraction, UserLessonProgress
from tests.admin_forms import admin_form_data

pytestmark = pytest.mark.django_db

BY = AuditContext(source=SystemAuditLog.Source.API)

COURSE_FILE = """\
format: 1
course:
  from_language: en
  to_language: es
  title: Lifecycle
  is_published: true
sections:
- key: s1
  title: Basics
  units:
  - key: u1
    title: Greetings
    lessons:
{lessons}"""

LESSON = """\
    - key: {key}
      title: Lesson {key}
{requires}      exercises:
      - key: {key}-a
        type: translate
        prompt: Translate
        content: {{source_text: Hello {key}}}
        answers: [Hola {key}]
      - key: {key}-b
        type: translate
        prompt: Translate
        content: {{source_text: Bye {key}}}
        answers: [Adiós {key}]
"""


def course_text(keys=("l1", "l2", "l3", "l4"), *, chained=True) -> str:
    lessons = []
    previous = None
    for key in keys:
        requires = f"      requires: [{previous}]\n" if chained and previous else ""
        lessons.append(LESSON.format(key=key, requires=requires))
        previous = key
    return COURSE_FILE.format(lessons="".join(lessons))


def lesson(key: str) -> Lesson:
    return Lesson.objects.get(key=key)


def exercise(key: str) -> Exercise:
    return Exercise.objects.get(key=key)


def answer(client, session_id: int, key: str, text: str) -> dict:
    response = client.post(
        f"/api/v1/sessions/{session_id}/answers/", {"exercise": exercise(key).pk, "answer": {"text": text}}
    )
    assert response.status_code == 200, response.content
    return response.json()


def play(client, key: str, *, wrong_first: bool = False) -> int:
    """Start the lesson, answer both exercises right (one wrong answer first when asked), complete it."""
    started = client.post(f"/api/v1/lessons/{lesson(key).pk}/sessions/")
    assert started.status_code == 201, started.content
    session_id = started.json()["id"]
    if wrong_first:
        assert answer(client, session_id, f"{key}-a", "nada")["correct"] is False
    for item in started.json()["exercises"]:
        text = Exercise.objects.get(pk=item["id"]).answers[0]
        assert client.post(
            f"/api/v1/sessions/{session_id}/answers/", {"exercise": item["id"], "answer": {"text": text}}
        ).json()["correct"]
    done = client.post(f"/api/v1/sessions/{session_id}/complete/")
    assert done.status_code == 200, done.content
    return session_id


@pytest.fixture
def world(reference_data):
    """A course of four chained lessons and a learner with answers, sessions, progress and an achievement:
    l1 completed (with a mistake), l2 completed, l3 started with one answer."""
    course_import(text=course_text())
    course = Course.objects.get(title="Lifecycle")
    client = token_client(UserFactory())
    enrollment = client.post("/api/v1/enrollments/", {"course": course.pk})
    assert enrollment.status_code == 201
    client.enrollment_id = enrollment.json()["id"]
    play(client, "l1", wrong_first=True)
    play(client, "l2")
    started = client.post(f"/api/v1/lessons/{lesson('l3').pk}/sessions/")
    assert answer(client, started.json()["id"], "l3-a", "Hola l3")["correct"] is True
    client.course = course
    client.baseline = history(client)
    assert client.baseline["achievements"] == ["first-lesson"]
    return client


def history(client) -> dict:
    """What the learner's history says, read the ways a learner and an operator read it."""
    export = client.get("/api/v1/me/export/").json()
    user = client.user
    return {
        "answers": [
            (row["session"], row["exercise"], row["answer"], row["is_correct"])
            for row in export["exercise_interactions"]
        ],
        "sessions": [
            (row["id"], row["lesson"], row["status"], row["lesson_xp_awarded"]) for row in export["lesson_sessions"]
        ],
        "progress": [(row["lesson"], row["status"]) for row in export["lesson_progress"]],
        "achievements": [row["achievement"] for row in export["achievements"] if row["unlocked_at"]],
        "total_xp": LearnerStats.objects.get(user=user).total_xp,
        "stats_xp": client.get("/api/v1/me/stats/").json()["total_xp"],
        "rows": (
            UserExerciseInteraction.objects.filter(user=user).count(),
            LessonSession.objects.filter(user=user).count(),
            UserLessonProgress.objects.filter(user=user).count(),
            UserAchievement.objects.filter(user=user, unlocked_at__isnull=False).count(),
        ),
    }


def assert_history_intact(client) -> None:
    after = history(client)
    for what in ("answers", "sessions", "progress", "achievements", "total_xp", "stats_xp", "rows"):
        assert after[what] == client.baseline[what], what
    out = io.StringIO()
    call_command("recalculate_progress", user=client.user.email, stdout=out)
    assert out.getvalue().strip() == "No drift in 1 learner(s)."


def enrollment_detail(client) -> dict:
    response = client.get(f"/api/v1/enrollments/{client.enrollment_id}/")
    assert response.status_code == 200
    return response.json()


def statuses(client) -> dict[str, str]:
    by_id = {str(row.pk): row.key for row in Lesson.objects.all()}
    return {by_id[lesson_id]: status for lesson_id, status in enrollment_detail(client)["lessons"].items()}


def editor() -> Client:
    user = StaffFactory()
    user.groups.add(Group.objects.get(name="Content editors"))
    client = Client()
    client.force_login(user)
    client.user = user
    return client


def admin_url(obj, view: str) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_{view}", args=[obj.pk])


def admin_delete(client: Client, obj) -> list[str]:
    """A real admin delete: the confirmation page, then its POST, as an editor clicks it."""
    confirm = client.get(admin_url(obj, "delete"))
    assert confirm.status_code == 200
    response = client.post(admin_url(obj, "delete"), {"post": "yes"}, follow=True)
    assert response.status_code == 200
    return [str(message) for message in response.context["messages"]]


# --- the three paths --------------------------------------------------------------------------------


def test_editor_deletes_a_used_exercise_and_lesson_in_the_admin_and_history_stays(world):
    client, staff = world, editor()
    assert admin_delete(staff, exercise("l3-a")) == [
        "“translate: Translate” was archived, not deleted: 1 learner(s) have history in it (1 row(s)). "
        "Restore it to show it again."
    ]
    confirm = staff.get(admin_url(lesson("l2"), "delete"))
    assert "will be archived, not deleted: 1 learner(s) have history in it" in confirm.content.decode()
    assert admin_delete(staff, lesson("l2")) == [
        "“Lesson l2” was archived, not deleted: 1 learner(s) have history in it (2 row(s)). "
        "Restore it to show it again."
    ]
    assert exercise("l3-a").archived_at is not None
    assert lesson("l2").archived_at is not None
    audit = SystemAuditLog.objects.filter(source="admin", actor=staff.user).order_by("id")
    assert [(row.action, row.target_repr, row.summary) for row in audit] == [
        ("change", "translate: Translate", {"archived": True, "learners": 1, "learner_rows": 1}),
        ("change", "Lesson l2", {"archived": True, "learners": 1, "learner_rows": 2}),
    ]
    assert audit.first().changes["archived_at"][0] is None

    assert_history_intact(client)
    # The archived lesson shows as such; its requirement counts as met, so l3 stays playable.
    assert statuses(client) == {"l1": "completed", "l3": "available", "l4": "locked", "l2": "archived"}
    detail = enrollment_detail(client)
    assert (detail["current_lesson"], detail["completion_percent"]) == (lesson("l3").pk, 33.3)
    tree = client.get(f"/api/v1/courses/{client.course.pk}/").json()
    assert [row["title"] for row in tree["sections"][0]["units"][0]["lessons"]] == [
        "Lesson l1",
        "Lesson l3",
        "Lesson l4",
    ]
    started = client.post(f"/api/v1/lessons/{lesson('l3').pk}/sessions/")
    assert [item["id"] for item in started.json()["exercises"]] == [exercise("l3-b").pk]  # the archived one is gone
    assert client.post(f"/api/v1/lessons/{lesson('l2').pk}/sessions/").json()["code"] == "lesson_unavailable"
    play(client, "l3")
    assert enrollment_detail(client)["completion_percent"] == 66.7


def test_an_import_that_drops_a_used_lesson_archives_it_and_history_stays(world):
    client = world
    out = io.StringIO()
    source = Path(settings.BASE_DIR) / "tmp-lifecycle.yaml"
    source.write_text(course_text(("l2", "l3", "l4")), encoding="utf-8")
    try:
        call_command("import_course", str(source), stdout=out)
    finally:
        source.unlink()
    assert out.getvalue().splitlines()[1:-1] == [
        "  updated: 3 lesson",  # l2, l3 and l4 move up one place
        "  unchanged: 1 course, 6 exercise, 2 language, 6 lesson_exercise, 2 prerequisite, 1 section, 1 unit",
        "  archived: 1 lesson",
        "  archived lesson 'l1' (Lesson l1): 1 learner(s) have history in it, 2 row(s) kept",
    ]
    assert lesson("l1").archived_at is not None
    # Its exercises stay with it, as they are: restoring the lesson brings it back whole.
    assert exercise("l1-a").archived_at is None
    assert list(lesson("l1").lesson_exercises.values_list("exercise__key", flat=True)) == ["l1-a", "l1-b"]
    assert LessonPrerequisite.objects.filter(lesson=lesson("l2"), requires=lesson("l1")).exists()

    assert_history_intact(client)
    assert statuses(client) == {"l2": "completed", "l3": "available", "l4": "locked", "l1": "archived"}
    assert enrollment_detail(client)["completion_percent"] == 33.3
    play(client, "l3")
    assert enrollment_detail(client)["current_lesson"] == lesson("l4").pk

    # Named again, the lesson comes back with the learner's progress in it.
    report = course_import(text=course_text())
    assert (report.restored, lesson("l1").archived_at) == ({"lesson": 1}, None)
    assert statuses(client)["l1"] == "completed"


def test_a_retired_achievement_stays_on_the_learners_record(world):
    client, staff = world, editor()
    badge = Achievement.objects.get(code="first-lesson")
    assert admin_delete(staff, badge) == [
        "“First steps” was archived, not deleted: 1 learner(s) have history in it (1 row(s)). "
        "Restore it to show it again."
    ]
    assert Achievement.objects.get(code="first-lesson").archived_at is not None
    assert_history_intact(client)
    assert "first-lesson" not in [row["code"] for row in client.get("/api/v1/achievements/").json()["results"]]
    mine = client.get("/api/v1/me/achievements/").json()["results"]
    assert [row["code"] for row in mine if row["unlocked"]] == ["first-lesson"]
    assert statuses(client) == {"l1": "completed", "l2": "completed", "l3": "available", "l4": "locked"}
    play(client, "l3")
    # Nobody earns it any more, and the learner's XP from it is kept.
    newcomer = token_client(UserFactory())
    newcomer.post("/api/v1/enrollments/", {"course": client.course.pk})
    play(newcomer, "l1")
    assert not UserAchievement.objects.filter(user=newcomer.user, achievement=badge).exists()


# --- deleting what nobody used, restoring, the database's own guard ---------------------------------


def test_admin_delete_of_an_unused_lesson_really_deletes_it(world):
    staff = editor()
    assert admin_delete(staff, lesson("l4")) == ["The lesson “Lesson l4” was deleted successfully."]
    assert not Lesson.objects.filter(key="l4").exists()
    row = SystemAuditLog.objects.get(source="admin", action="delete")
    assert (row.target_repr, row.changes["key"], row.summary) == (
        "Lesson l4",
        ["l4", None],
        {"deleted_with_it": {"courses.LessonPrerequisite": 1, "exercises.LessonExercise": 2}},
    )
    assert_history_intact(world)


def test_delete_selected_archives_the_used_deletes_the_rest_and_restore_brings_back(world):
    staff = editor()
    changelist = reverse("admin:courses_lesson_changelist")
    picked = {"action": "delete_selected", "_selected_action": [lesson("l1").pk, lesson("l4").pk]}
    confirm = staff.post(changelist, picked)
    assert "will be archived, not deleted" in confirm.content.decode()
    response = staff.post(changelist, {**picked, "post": "yes"}, follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "Deleted 1 lessons.",
        "“Lesson l1” was archived, not deleted: 1 learner(s) have history in it (2 row(s)). "
        "Restore it to show it again.",
    ]
    assert list(Lesson.objects.order_by("key").values_list("key", flat=True)) == ["l1", "l2", "l3"]
    response = staff.post(
        changelist, {"action": "restore_selected", "_selected_action": [lesson("l1").pk]}, follow=True
    )
    assert [str(m) for m in response.context["messages"]] == ["Restored 1 lessons."]
    assert lesson("l1").archived_at is None
    assert statuses(world)["l1"] == "completed"
    assert_history_intact(world)


def test_the_database_refuses_to_delete_content_with_history_whatever_the_door(world):
    for obj in (lesson("l1"), exercise("l1-a"), world.course, Achievement.objects.get(code="first-lesson")):
        with pytest.raises(ProtectedError):
            obj.delete()
    assert_history_intact(world)


def test_staff_api_delete_archives_what_learners_used_and_deletes_the_rest(world):
    staff = StaffFactory()
    staff.groups.add(Group.objects.get(name="Content editors"))
    api = token_client(staff)
    response = api.delete(f"/api/v1/lessons/{lesson('l2').pk}/")
    assert response.status_code == 200
    assert response.json() == {
        "detail": "“Lesson l2” was archived, not deleted: 1 learner(s) have history in it (2 row(s)). "
        "Restore it to show it again.",
        "archived": True,
        "learners": 1,
        "learner_rows": 2,
    }
    assert api.delete(f"/api/v1/lessons/{lesson('l4').pk}/").status_code == 204
    assert not Lesson.objects.filter(key="l4").exists()
    assert world.delete(f"/api/v1/lessons/{lesson('l3').pk}/").status_code == 403
    response = api.delete(f"/api/v1/courses/{world.course.pk}/")
    assert (response.status_code, response.json()["archived"]) == (200, True)
    assert SystemAuditLog.objects.filter(source="api", actor=staff, action="change").count() == 2
    assert_history_intact(world)


# --- a course that is no longer available ------------------------------------------------------------


@pytest.mark.parametrize("how", ["unpublished", "archived"])
def test_an_unavailable_course_stays_in_its_learners_enrollments(world, how):
    course = world.course
    if how == "unpublished":
        Course.objects.filter(pk=course.pk).update(is_published=False)
    else:
        assert course_remove(course=course, by=BY).archived
    listed = world.get("/api/v1/enrollments/").json()["results"][0]
    assert (listed["course"]["is_available"], listed["course"]["unavailable_reason"]) == (False, how)
    detail = enrollment_detail(world)
    assert (detail["current_lesson"], detail["completion_percent"]) == (None, 50.0)
    response = world.post(f"/api/v1/lessons/{lesson('l3').pk}/sessions/")
    assert (response.status_code, response.json()["code"]) == (409, "course_unavailable")
    assert_history_intact(world)
    stranger = token_client(UserFactory())
    assert stranger.post(f"/api/v1/lessons/{lesson('l1').pk}/sessions/").status_code == 404
    assert stranger.post("/api/v1/enrollments/", {"course": course.pk}).status_code == 400
    assert course.pk not in [row["id"] for row in stranger.get("/api/v1/courses/").json()["results"]]


def test_completion_counts_live_lessons_with_one_decimal(world):
    assert enrollment_detail(world)["completion_percent"] == 50.0  # l1, l2 of four
    tree_node_remove(node=lesson("l4"), by=BY)  # unused: deleted
    assert enrollment_detail(world)["completion_percent"] == 66.7
    tree_node_remove(node=lesson("l3"), by=BY)  # started: archived
    assert lesson("l3").archived_at is not None
    assert world.get("/api/v1/enrollments/").json()["results"][0]["completion_percent"] == 100.0
    export = world.get("/api/v1/me/export/").json()
    assert export["enrollments"][0]["completion_percent"] == 100.0
    assert_history_intact(world)


# --- imports say what they will do ---------------------------------------------------------------------

TABLES = [
    Language,
    Course,
    Section,
    Unit,
    Lesson,
    LessonPrerequisite,
    Exercise,
    ExerciseOption,
    LessonExercise,
    AudioFile,
    Achievement,
    SystemAuditLog,
    UserActivityLog,
    UserCourse,
    LessonSession,
    UserLessonProgress,
    UserExerciseInteraction,
]


def table_state() -> dict:
    return {model._meta.label: sorted(model.objects.values_list("pk", flat=True)) for model in TABLES} | {
        "archived": sorted(Lesson.objects.filter(archived_at__isnull=False).values_list("key", flat=True)),
        "titles": sorted(Lesson.objects.values_list("title", flat=True)),
    }


def test_dry_run_prints_the_plan_and_changes_nothing(world, tmp_path):
    before = table_state()
    source = tmp_path / "changed.yaml"
    text = course_text(("l2", "l3", "l5")).replace("title: Lesson l2", "title: Lesson two")
    text = text.replace("      requires: [l1]\n", "")
    source.write_text(text, encoding="utf-8")
    out = io.StringIO()
    call_command("import_course", str(source), dry_run=True, stdout=out)
    plan = [
        "  created: 2 exercise, 1 lesson, 2 lesson_exercise, 1 prerequisite",
        "  updated: 2 lesson",
        "  unchanged: 1 course, 4 exercise, 2 language, 4 lesson_exercise, 1 prerequisite, 1 section, 1 unit",
        "  archived: 1 lesson",
        "  deleted: 2 exercise, 1 lesson, 2 lesson_exercise, 1 prerequisite",  # l4 and what went with it
        "  archived lesson 'l1' (Lesson l1): 1 learner(s) have history in it, 2 row(s) kept",
    ]
    assert out.getvalue().splitlines() == [
        f"Planning {source} ...",
        *plan,
        f"Dry run, nothing written: that is what importing would do to course {world.course.pk}: Lifecycle",
    ]
    assert table_state() == before
    # The real import does what the dry run said.
    out = io.StringIO()
    call_command("import_course", str(source), stdout=out)
    assert out.getvalue().splitlines()[1:-1] == plan
    assert sorted((row.key, row.archived_at is None) for row in Lesson.objects.all()) == [
        ("l1", False),
        ("l2", True),
        ("l3", True),
        ("l5", True),
    ]
    assert_history_intact(world)


def test_make_run_imports_the_demo_course_once_and_keeps_an_admin_edit(reference_data):
    makefile = (Path(settings.BASE_DIR) / "Makefile").read_text(encoding="utf-8")
    command = re.search(r"manage\.py (import_course .*)", makefile).group(1).split()
    assert command[:2] == ["import_course", "--if-absent"]
    demo = Path(settings.BASE_DIR) / command[2]

    call_command("import_course", "--if-absent", str(demo), stdout=io.StringIO())  # first `make run`
    staff = editor()
    unit = Unit.objects.get(key="greetings")
    page = staff.get(admin_url(unit, "change"))
    data = admin_form_data(page)
    data["title"] = "Greetings, edited in the admin"
    response = staff.post(admin_url(unit, "change"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert SystemAuditLog.objects.get(source="admin", actor=staff.user).changes["title"] == [
        "Greetings",
        "Greetings, edited in the admin",
    ]

    out = io.StringIO()
    call_command("import_course", "--if-absent", str(demo), stdout=out)  # second `make run`
    assert "is already there; not imported (--if-absent keeps editors' changes)" in out.getvalue()
    assert Unit.objects.get(key="greetings").title == "Greetings, edited in the admin"


def test_an_archived_prerequisite_the_learner_never_completed_counts_as_met(world):
    # l4 requires l3, which the learner started but never completed; l3 is archived.
    assert statuses(world)["l4"] == "locked"
    assert tree_node_remove(node=lesson("l3"), by=BY).archived
    assert statuses(world) == {"l1": "completed", "l2": "completed", "l4": "available", "l3": "archived"}
    assert enrollment_detail(world)["current_lesson"] == lesson("l4").pk
    course_tree = world.get(f"/api/v1/courses/{world.course.pk}/").json()
    l4 = course_tree["sections"][0]["units"][0]["lessons"][-1]
    assert (l4["id"], l4["requires"]) == (lesson("l4").pk, [])
    play(world, "l4")
    assert enrollment_detail(world)["completion_percent"] == 100.0
    after = history(world)
    assert after["answers"][: len(world.baseline["answers"])] == world.baseline["answers"]
    assert after["total_xp"] > world.baseline["total_xp"]
