import re

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from rest_framework.test import APIClient

from accounts.tests.factories import StaffFactory
from audit.models import SystemAuditLog
from courses.models import Course, Language
from exercises.tests.factories import ExerciseFactory, ExerciseTypeFactory, LessonExerciseFactory
from gamification.models import Achievement

from .factories import (
    CourseFactory,
    LanguageFactory,
    LessonFactory,
    LessonPrerequisiteFactory,
    SectionFactory,
    UnitFactory,
)

pytestmark = pytest.mark.django_db


def staff_client(*perms: str) -> APIClient:
    staff = StaffFactory()
    for perm in perms:
        app_label, codename = perm.split(".")
        staff.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    client = APIClient()
    client.force_authenticate(staff)
    client.user = staff
    return client


def build_course(lesson_count: int, *, units: int = 1) -> Course:
    course = CourseFactory()
    section = SectionFactory(course=course, position=1)
    unit_list = [UnitFactory(section=section, position=i + 1) for i in range(units)]
    previous = None
    for index in range(lesson_count):
        lesson = LessonFactory(unit=unit_list[index % units], position=index // units + 1)
        LessonExerciseFactory(lesson=lesson, position=1)
        if previous is not None:
            LessonPrerequisiteFactory(lesson=lesson, requires=previous)
        previous = lesson
    return course


def test_the_catalog_is_public_and_a_lesson_to_play_is_not(api_client):
    course = build_course(1)
    lesson = course.sections.get().units.get().lessons.get()
    public = [
        "/api/v1/languages/",
        f"/api/v1/languages/{course.to_language_id}/",
        "/api/v1/exercise-types/",
        f"/api/v1/exercise-types/{ExerciseTypeFactory(code='listen').pk}/",
        "/api/v1/achievements/",
        "/api/v1/courses/",
        f"/api/v1/courses/{course.pk}/",
    ]
    assert {url: api_client.get(url).status_code for url in public} == dict.fromkeys(public, 200)
    refused = api_client.get(f"/api/v1/lessons/{lesson.pk}/")
    assert (refused.status_code, refused.json()["code"]) == (401, "not_authenticated")


def test_an_invalid_token_is_refused_on_the_public_catalog_too(api_client):
    response = api_client.get("/api/v1/courses/", HTTP_X_SESSION_TOKEN="no-such-session")
    assert (response.status_code, response.json()["code"]) == (401, "authentication_failed")


def test_languages_list_active_ones(learner_client):
    LanguageFactory(code="es", name="Spanish", native_name="Español", flag="🇪🇸", special_characters=["ñ", "¿"])
    LanguageFactory(code="he", name="Hebrew", native_name="עברית", direction="rtl", is_active=False)
    response = learner_client.get("/api/v1/languages/")
    assert response.status_code == 200
    assert response.json() == {
        "count": 1,
        "next": None,
        "previous": None,
        "results": [
            {
                "id": Language.objects.get(code="es").pk,
                "code": "es",
                "name": "Spanish",
                "native_name": "Español",
                "flag": "🇪🇸",
                "direction": "ltr",
                "is_active": True,
                "special_characters": ["ñ", "¿"],
                "punctuation_letters": [],
            }
        ],
    }


def test_exercise_types_and_achievements(learner_client):
    translate = ExerciseTypeFactory(code="translate", name="Translate", description="Translate it.")
    Achievement.objects.create(
        code="first-lesson", name="First steps", kind="lessons_completed", threshold=1, xp_reward=5
    )
    Achievement.objects.create(code="hidden", name="Hidden", kind="total_xp", threshold=5, is_active=False)
    assert learner_client.get("/api/v1/exercise-types/").json()["results"] == [
        {
            "id": translate.pk,
            "code": "translate",
            "name": "Translate",
            "description": "Translate it.",
            "default_xp": 2,
            "is_active": True,
        }
    ]
    achievement = Achievement.objects.get(code="first-lesson")
    assert learner_client.get("/api/v1/achievements/").json()["results"] == [
        {
            "id": achievement.pk,
            "code": "first-lesson",
            "name": "First steps",
            "description": "",
            "kind": "lessons_completed",
            "threshold": 1,
            "xp_reward": 5,
            "icon": "",
        }
    ]


def test_courses_list_shows_published_only_and_filters_by_language_pair(learner_client, django_assert_num_queries):
    spanish = CourseFactory(to_language=LanguageFactory(code="es"), title="Spanish")
    CourseFactory(to_language=LanguageFactory(code="fr"), title="French")
    CourseFactory(to_language=LanguageFactory(code="de"), title="German draft", is_published=False)
    with django_assert_num_queries(2):
        response = learner_client.get("/api/v1/courses/")
    assert [course["title"] for course in response.json()["results"]] == ["French", "Spanish"]
    response = learner_client.get("/api/v1/courses/?from_language=en&to_language=es")
    assert response.json()["results"] == [
        {
            "id": spanish.pk,
            "title": "Spanish",
            "description": "",
            "from_language": {
                "id": spanish.from_language_id,
                "code": "en",
                "name": "Language en",
                "native_name": "Native en",
                "flag": "",
                "direction": "ltr",
                "special_characters": [],
                "punctuation_letters": [],
            },
            "to_language": {
                "id": spanish.to_language_id,
                "code": "es",
                "name": "Language es",
                "native_name": "Native es",
                "flag": "",
                "direction": "ltr",
                "special_characters": [],
                "punctuation_letters": [],
            },
            "cefr_from": "A1",
            "cefr_to": "A2",
            "is_published": True,
            "license": "",
            "license_url": "",
            "attribution": "",
            "source_url": "",
            "archived_at": None,
        }
    ]
    assert learner_client.get("/api/v1/courses/?to_language=de").json()["count"] == 0


def test_courses_list_paginates(learner_client):
    for code in ("es", "fr", "de"):
        CourseFactory(to_language=LanguageFactory(code=code))
    body = learner_client.get("/api/v1/courses/?page_size=2").json()
    assert (body["count"], len(body["results"]), body["next"] is not None) == (3, 2, True)
    assert len(learner_client.get("/api/v1/courses/?page_size=2&page=2").json()["results"]) == 1


def test_staff_with_permission_see_unpublished_courses():
    draft = CourseFactory(is_published=False)
    client = staff_client("courses.change_course")
    assert client.get("/api/v1/courses/").json()["count"] == 1
    assert client.get(f"/api/v1/courses/{draft.pk}/").status_code == 200


def test_course_tree(learner_client):
    course = CourseFactory()
    section = SectionFactory(course=course, position=1, title="Basics")
    unit = UnitFactory(section=section, position=1, title="Greetings", icon="wave", color="#1CB0F6", guidebook="Hola!")
    first = LessonFactory(unit=unit, position=1, title="Hello", estimated_minutes=4)
    second = LessonFactory(unit=unit, position=2, title="Bye", xp_reward=15)
    LessonExerciseFactory(lesson=first, exercise=ExerciseFactory(), position=1)  # translate, 2 XP
    LessonExerciseFactory(lesson=first, exercise=ExerciseFactory(xp_override=4), position=2)
    LessonPrerequisiteFactory(lesson=second, requires=first)
    response = learner_client.get(f"/api/v1/courses/{course.pk}/")
    assert response.status_code == 200
    assert response.json()["sections"] == [
        {
            "id": section.pk,
            "position": 1,
            "title": "Basics",
            "description": "",
            "units": [
                {
                    "id": unit.pk,
                    "position": 1,
                    "title": "Greetings",
                    "description": "",
                    "guidebook": "Hola!",
                    "icon": "wave",
                    "color": "#1CB0F6",
                    "lessons": [
                        {
                            "id": first.pk,
                            "position": 1,
                            "title": "Hello",
                            "xp_reward": 6,
                            "estimated_minutes": 4,
                            "exercise_count": 2,
                            "requires": [],
                        },
                        {
                            "id": second.pk,
                            "position": 2,
                            "title": "Bye",
                            "xp_reward": 15,
                            "estimated_minutes": 5,
                            "exercise_count": 0,
                            "requires": [first.pk],
                        },
                    ],
                }
            ],
        }
    ]


def test_the_course_tree_is_the_same_for_everyone(api_client, learner_client, user):
    from progress.services import user_course_enroll

    course = build_course(3)
    user_course_enroll(user=user, course=course)
    url = f"/api/v1/courses/{course.pk}/"
    anonymous, learner = api_client.get(url), learner_client.get(url)
    assert anonymous.content == learner.content
    assert anonymous["ETag"] == learner["ETag"]
    lessons = [lesson for unit in learner.json()["sections"][0]["units"] for lesson in unit["lessons"]]
    assert {key for lesson in lessons for key in lesson} == {
        "id",
        "position",
        "title",
        "xp_reward",
        "estimated_minutes",
        "exercise_count",
        "requires",
    }


def test_the_course_tree_answers_304_while_the_etag_is_current(api_client, django_assert_num_queries):
    course = build_course(2)
    url = f"/api/v1/courses/{course.pk}/"
    etag = api_client.get(url)["ETag"]
    assert re.fullmatch(r'"[0-9a-f]{32}"', etag)
    with django_assert_num_queries(1):  # the content revision
        again = api_client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert (again.status_code, again.content, again["ETag"]) == (304, b"", etag)
    assert api_client.get(url, HTTP_IF_NONE_MATCH=f'"other", W/{etag}').status_code == 304
    assert api_client.get(url, HTTP_IF_NONE_MATCH='"other"').status_code == 200
    Course.objects.filter(pk=course.pk).update(title="Renamed")
    changed = api_client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert (changed.status_code, changed.json()["title"]) == (200, "Renamed")
    assert changed["ETag"] != etag


def test_course_tree_hides_unpublished_and_missing_courses(learner_client):
    draft = CourseFactory(is_published=False)
    assert learner_client.get(f"/api/v1/courses/{draft.pk}/").status_code == 404
    assert learner_client.get("/api/v1/courses/999999/").status_code == 404
    assert learner_client.get("/api/v1/courses/99999999999999999999999/").status_code == 404


@pytest.mark.parametrize("lesson_count", [3, 60])
def test_course_tree_makes_the_same_number_of_queries_for_3_or_60_lessons(
    learner_client, django_assert_num_queries, lesson_count
):
    course = build_course(lesson_count, units=3)
    # content revision; course, sections, units, lessons (with XP), prerequisite links; nothing of the learner's
    with django_assert_num_queries(6):
        cold = learner_client.get(f"/api/v1/courses/{course.pk}/")
    lessons = [lesson for unit in cold.json()["sections"][0]["units"] for lesson in unit["lessons"]]
    assert len(lessons) == lesson_count
    assert {lesson["xp_reward"] for lesson in lessons} == {2}
    # The content is cached until it changes: only the content revision is read.
    with django_assert_num_queries(1):
        warm = learner_client.get(f"/api/v1/courses/{course.pk}/")
    assert warm.json() == cold.json()


def test_a_content_edit_by_any_path_reaches_the_cached_course_tree(learner_client):
    course = build_course(2)
    first = course.sections.get().units.get().lessons.order_by("position").first()
    learner_client.get(f"/api/v1/courses/{course.pk}/")
    # Raw SQL sends no signal and calls no save(): the database trigger bumps the content revision.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE courses_lesson SET title = %s WHERE id = %s", ["Raw title", first.pk])
    tree = learner_client.get(f"/api/v1/courses/{course.pk}/").json()
    assert tree["sections"][0]["units"][0]["lessons"][0]["title"] == "Raw title"
    Course.objects.filter(pk=course.pk).update(is_published=False)
    assert learner_client.get(f"/api/v1/courses/{course.pk}/").status_code == 404


def test_learners_cannot_write_the_catalog(learner_client):
    assert (
        learner_client.post(
            "/api/v1/languages/", {"code": "nl", "name": "Dutch", "native_name": "Nederlands"}
        ).status_code
        == 403
    )
    assert learner_client.post("/api/v1/courses/", {}).status_code == 403


def test_staff_without_the_permission_cannot_write():
    client = staff_client()
    assert (
        client.post("/api/v1/languages/", {"code": "nl", "name": "Dutch", "native_name": "Nederlands"}).status_code
        == 403
    )


def test_staff_with_permissions_create_and_change_languages_and_courses():
    client = staff_client(
        "courses.add_language", "courses.change_language", "courses.add_course", "courses.change_course"
    )
    response = client.post(
        "/api/v1/languages/", {"code": "nl", "name": "Dutch", "native_name": "Nederlands", "flag": "🇳🇱"}
    )
    assert response.status_code == 201
    dutch = Language.objects.get(code="nl")
    assert response.json()["id"] == dutch.pk
    response = client.patch(f"/api/v1/languages/{dutch.pk}/", {"native_name": "Nederlands (NL)"})
    assert (response.status_code, response.json()["native_name"]) == (200, "Nederlands (NL)")
    LanguageFactory(code="en")

    response = client.post("/api/v1/courses/", {"from_language": "en", "to_language": "nl", "title": "Dutch"})
    assert response.status_code == 201, response.content
    course = Course.objects.get(title="Dutch")
    assert (course.is_published, response.json()["to_language"]["code"]) == (False, "nl")
    response = client.patch(f"/api/v1/courses/{course.pk}/", {"is_published": True})
    assert response.json()["is_published"] is True
    audit = SystemAuditLog.objects.filter(source="api", actor=client.user).order_by("id")
    assert [(row.action, row.target_repr) for row in audit] == [
        ("create", "Dutch (nl)"),
        ("change", "Dutch (nl)"),
        ("create", "Dutch"),
        ("change", "Dutch"),
    ]
    assert audit.last().changes == {"is_published": [False, True]}


def test_invalid_course_writes_are_400():
    client = staff_client("courses.add_course")
    LanguageFactory(code="en")
    response = client.post("/api/v1/courses/", {"from_language": "en", "to_language": "en", "title": "Same"})
    assert response.status_code == 400
    assert Course.objects.count() == 0
    response = client.post("/api/v1/courses/", {"from_language": "en", "to_language": "zz", "title": "X"})
    assert response.status_code == 400
    assert "to_language" in response.json()
