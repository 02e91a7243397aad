import io
import json

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import StaffFactory
from audit.models import SystemAuditLog
from courses.models import Course, Language, Lesson, LessonPrerequisite, Section, Unit
from courses.tests.factories import CourseFactory, LessonFactory, LessonPrerequisiteFactory, SectionFactory, UnitFactory
from exercises.models import AudioFile, Exercise, ExerciseOption, ExerciseType, LessonExercise
from exercises.tests.factories import DEMO_COURSE
from tests.admin_forms import add_inline_row, admin_form_data

pytestmark = pytest.mark.django_db

CONTENT_MODELS = [Language, Course, Section, Unit, Lesson, ExerciseType, Exercise, AudioFile]


@pytest.fixture
def editor_client():
    editor = StaffFactory()
    editor.groups.add(Group.objects.get(name="Content editors"))
    client = Client()
    client.force_login(editor)
    client.user = editor
    return client


@pytest.fixture
def demo(reference_data):
    call_command("import_course", str(DEMO_COURSE), stdout=io.StringIO())
    return Course.objects.get()


def url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_every_content_model_is_in_the_admin():
    registered = {model for model in admin.site._registry if model._meta.app_label in ("courses", "exercises")}
    assert registered == set(CONTENT_MODELS)


def test_content_editor_walks_every_changelist_add_and_change_page(editor_client, demo):
    for model in CONTENT_MODELS:
        obj = model.objects.order_by("pk").first()
        for page in (url(model, "changelist"), url(model, "add"), url(model, "change", obj.pk)):
            response = editor_client.get(page)
            assert response.status_code == 200, page
        response = editor_client.get(url(model, "changelist"), {"q": "a"})
        assert response.status_code == 200
    lesson = Lesson.objects.order_by("pk").first()
    response = editor_client.get(reverse("admin:exercises_lesson_preview", args=[lesson.pk]))
    assert response.status_code == 200


def test_list_filters_work(editor_client, demo):
    greetings = Lesson.objects.filter(unit__key="greetings")
    response = editor_client.get(url(Lesson, "changelist"), {"unit__id__exact": greetings.first().unit_id})
    assert response.context["cl"].result_count == 3
    response = editor_client.get(
        url(Exercise, "changelist"), {"type__id__exact": ExerciseType.objects.get(code="listen").pk}
    )
    assert response.context["cl"].result_count == Exercise.objects.filter(type__code="listen").count() == 6


def test_content_editor_is_refused_users_and_audit(editor_client):
    for page in (
        reverse("admin:accounts_user_changelist"),
        reverse("admin:accounts_user_add"),
        reverse("admin:audit_systemauditlog_changelist"),
        reverse("admin:audit_useractivitylog_changelist"),
        reverse("admin:auth_group_changelist"),
    ):
        assert editor_client.get(page).status_code == 403, page


def test_content_editors_group_holds_exactly_the_content_permissions():
    group = Group.objects.get(name="Content editors")
    labels = set(group.permissions.values_list("content_type__app_label", flat=True))
    assert labels == {"courses", "exercises", "gamification"}
    # 11 content models x add/change/delete/view, and achievements (authored content too)
    assert group.permissions.count() == 48
    assert set(group.permissions.filter(content_type__app_label="gamification").values_list("codename", flat=True)) == {
        "add_achievement",
        "change_achievement",
        "delete_achievement",
        "view_achievement",
    }


def test_prerequisite_cycle_in_admin_is_refused_and_writes_nothing(editor_client):
    link = LessonPrerequisiteFactory()  # link.lesson requires link.requires
    first = link.requires
    response = editor_client.get(url(Lesson, "change", first.pk))
    data = admin_form_data(response)
    data["title"] = "Renamed"
    add_inline_row(data, "prerequisite_links", {"requires": str(link.lesson.pk)})
    audit_before = SystemAuditLog.objects.count()
    response = editor_client.post(url(Lesson, "change", first.pk), data)
    assert response.status_code == 200
    assert (
        f"This would create a prerequisite cycle: “{first.title}” → “{link.lesson.title}” → “{first.title}”."
        in response.content.decode()
    )
    assert LessonPrerequisite.objects.count() == 1
    first.refresh_from_db()
    assert first.title != "Renamed"
    assert SystemAuditLog.objects.count() == audit_before


def test_self_and_cross_course_prerequisites_are_refused_in_admin(editor_client):
    lesson = LessonFactory()
    other_course_lesson = LessonFactory()
    data = admin_form_data(editor_client.get(url(Lesson, "change", lesson.pk)))
    add_inline_row(data, "prerequisite_links", {"requires": str(lesson.pk)})
    response = editor_client.post(url(Lesson, "change", lesson.pk), data)
    assert "A lesson cannot require itself." in response.content.decode()
    data = admin_form_data(editor_client.get(url(Lesson, "change", lesson.pk)))
    add_inline_row(data, "prerequisite_links", {"requires": str(other_course_lesson.pk)})
    response = editor_client.post(url(Lesson, "change", lesson.pk), data)
    assert "belongs to another course; a prerequisite must be in the same course." in response.content.decode()
    assert LessonPrerequisite.objects.count() == 0


def test_new_lesson_cannot_require_a_lesson_of_another_course(editor_client):
    unit = UnitFactory()
    foreign = LessonFactory()
    data = admin_form_data(editor_client.get(url(Lesson, "add")))
    data.update({"unit": str(unit.pk), "title": "New", "key": "new-lesson", "estimated_minutes": "5", "position": "1"})
    add_inline_row(data, "prerequisite_links", {"requires": str(foreign.pk)})
    response = editor_client.post(url(Lesson, "add"), data)
    assert response.status_code == 200
    assert "belongs to another course" in response.content.decode()
    assert not Lesson.objects.filter(title="New").exists()
    del data["prerequisite_links-0-requires"]
    data["prerequisite_links-TOTAL_FORMS"] = "0"
    response = editor_client.post(url(Lesson, "add"), data)
    assert response.status_code == 302
    assert Lesson.objects.get(title="New").unit == unit


def exercise_add_data(editor_client, code: str, **fields) -> dict:
    data = admin_form_data(editor_client.get(url(Exercise, "add"), {"kind": code}))
    data.update({"key": f"new-{code}", "prompt": "Do it", "difficulty": "1", **fields})
    return data


def test_malformed_exercise_is_refused_in_admin_with_the_field(editor_client, reference_data):
    data = exercise_add_data(editor_client, "sort_words", tiles=["Yo", "bebo"], answers=["Yo bebo agua"])
    response = editor_client.post(url(Exercise, "add") + "?kind=sort_words", data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors == {"answers": ["Row 1: These words of the sentence are not among the tiles: agua."]}
    assert Exercise.objects.count() == 0
    data["answers"] = ["Yo bebo"]
    response = editor_client.post(url(Exercise, "add") + "?kind=sort_words", data)
    assert response.status_code == 302
    assert Exercise.objects.get().answers == ["Yo bebo"]


def test_multiple_choice_needs_two_options_and_a_correct_one_in_admin(editor_client, reference_data):
    data = exercise_add_data(editor_client, "multiple_choice")
    data["options-TOTAL_FORMS"] = "0"
    add_inline_row(data, "options", {"text": "Hola", "is_correct": "on", "position": "1"})
    add_mc = url(Exercise, "add") + "?kind=multiple_choice"
    response = editor_client.post(add_mc, data)
    assert response.status_code == 200
    assert "A multiple-choice exercise needs at least 2 options, it has 1." in response.content.decode()
    add_inline_row(data, "options", {"text": "Adiós", "position": "2"})
    data.pop("options-0-is_correct")
    response = editor_client.post(add_mc, data)
    assert "Mark at least one option as correct." in response.content.decode()
    assert Exercise.objects.count() == 0
    data["options-1-is_correct"] = "on"
    response = editor_client.post(add_mc, data)
    assert response.status_code == 302
    assert list(ExerciseOption.objects.order_by("position").values_list("text", "is_correct")) == [
        ("Hola", False),
        ("Adiós", True),
    ]


def test_listen_exercise_needs_audio_in_admin(editor_client, reference_data):
    data = exercise_add_data(editor_client, "listen", answers=["Hola"])
    response = editor_client.post(url(Exercise, "add") + "?kind=listen", data)
    assert response.context["adminform"].form.errors == {"audio": ["A listen exercise needs an audio file."]}


def test_drag_and_drop_reorder_swaps_lessons(editor_client):
    unit = UnitFactory()
    first = LessonFactory(unit=unit, position=1, title="First")
    second = LessonFactory(unit=unit, position=2, title="Second")
    third = LessonFactory(unit=unit, position=3, title="Third")
    data = admin_form_data(editor_client.get(url(Unit, "change", unit.pk)))
    rows = {data[f"lessons-{i}-id"]: i for i in range(3)}
    data[f"lessons-{rows[str(first.pk)]}-position"] = "2"
    data[f"lessons-{rows[str(second.pk)]}-position"] = "1"
    response = editor_client.post(url(Unit, "change", unit.pk), data)
    assert response.status_code == 302, response.context and response.context["errors"]
    assert list(unit.lessons.order_by("position").values_list("title", "position")) == [
        ("Second", 1),
        ("First", 2),
        ("Third", 3),
    ]
    third.refresh_from_db()
    assert third.position == 3


def test_reorder_and_delete_exercises_of_a_lesson(editor_client, reference_data):
    from .factories import ExerciseFactory, LessonExerciseFactory

    lesson = LessonFactory()
    links = [
        LessonExerciseFactory(lesson=lesson, position=i, exercise=ExerciseFactory(prompt=f"E{i}")) for i in (1, 2, 3)
    ]
    data = admin_form_data(editor_client.get(url(Lesson, "change", lesson.pk)))
    rows = {data[f"lesson_exercises-{i}-id"]: i for i in range(3)}
    data[f"lesson_exercises-{rows[str(links[0].pk)]}-DELETE"] = "on"
    data[f"lesson_exercises-{rows[str(links[2].pk)]}-position"] = "1"
    data[f"lesson_exercises-{rows[str(links[1].pk)]}-position"] = "2"
    response = editor_client.post(url(Lesson, "change", lesson.pk), data)
    assert response.status_code == 302
    assert list(
        LessonExercise.objects.filter(lesson=lesson).order_by("position").values_list("exercise__prompt", "position")
    ) == [
        ("E3", 1),
        ("E2", 2),
    ]


def test_publish_and_unpublish_actions(editor_client):
    draft = CourseFactory(is_published=False)
    live = CourseFactory(is_published=True)
    response = editor_client.post(
        url(Course, "changelist"), {"action": "publish", "_selected_action": [draft.pk, live.pk]}, follow=True
    )
    assert "1 course(s) published." in response.content.decode()
    draft.refresh_from_db()
    assert draft.is_published is True
    row = SystemAuditLog.objects.get(target_id=str(draft.pk), source="admin", action="change")
    assert (row.actor, row.changes) == (editor_client.user, {"is_published": [False, True]})
    editor_client.post(url(Course, "changelist"), {"action": "unpublish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.is_published is False


def test_preview_shows_the_lesson_as_the_api_returns_it(editor_client, demo):
    from rest_framework.test import APIClient

    lesson = Lesson.objects.get(key="greetings-1")
    response = editor_client.get(reverse("admin:exercises_lesson_preview", args=[lesson.pk]), {"audio_quality": "high"})
    api = APIClient()
    api.force_authenticate(editor_client.user)
    expected = api.get(f"/api/v1/lessons/{lesson.pk}/?audio_quality=high").json()
    assert response.context["lesson"] == expected
    page = response.content.decode()
    # Rendered as a learner sees it: the prompt, the options as buttons in the payload's (shuffled) order, the
    # pairs in two columns, a box to type in; no answers.
    mc = next(exercise for exercise in expected["exercises"] if exercise["type"] == "multiple_choice")
    buttons = "".join(
        f'<li class="choice" data-option="{option["id"]}">{option["text"]}</li>' for option in mc["content"]["options"]
    )
    assert buttons in page
    assert "<h2>Which one means “hello”?</h2>" in page
    assert '<audio controls preload="none" src="https://cdn.lingo.example/audio/es/99800b85d338-high.mp3">' in page
    assert '<textarea class="answer-box"' in page
    assert "is_correct" not in page
    assert "answers" not in json.dumps(response.context["lesson"])
    assert editor_client.get(reverse("admin:exercises_lesson_preview", args=[999999])).status_code == 404


def test_section_inline_on_course_and_unit_inline_on_section_are_sortable(editor_client):
    course = CourseFactory()
    SectionFactory(course=course, position=1)
    response = editor_client.get(url(Course, "change", course.pk))
    assert [inline.formset.prefix for inline in response.context["inline_admin_formsets"]] == ["sections"]
    section = course.sections.get()
    response = editor_client.get(url(Section, "change", section.pk))
    assert [inline.formset.prefix for inline in response.context["inline_admin_formsets"]] == ["units"]


def test_changing_a_lessons_title_in_the_admin_leaves_exactly_one_audit_row(editor_client, demo):
    lesson = Lesson.objects.get(key="greetings-1")
    old_title = lesson.title
    change_url = url(Lesson, "change", lesson.pk)
    data = admin_form_data(editor_client.get(change_url))
    data["title"] = "Greetings, revised"
    before = SystemAuditLog.objects.count()

    response = editor_client.post(change_url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    assert SystemAuditLog.objects.count() == before + 1
    row = SystemAuditLog.objects.latest("id")
    assert (row.source, row.action, row.actor, row.target_id, row.changes) == (
        "admin",
        "change",
        editor_client.user,
        str(lesson.pk),
        {"title": [old_title, "Greetings, revised"]},
    )
    assert row.ip == "127.0.0.1"
