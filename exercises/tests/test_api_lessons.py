import json

import pytest
from django.contrib.auth.models import Permission
from rest_framework.test import APIClient

from accounts.tests.factories import StaffFactory
from courses.models import Course, Lesson
from courses.tests.factories import CourseFactory, LessonFactory, UnitFactory
from exercises.models import Exercise

from .factories import ExerciseFactory, ExerciseTypeFactory, LessonExerciseFactory

pytestmark = pytest.mark.django_db

ALL_TYPES = ["translate", "multiple_choice", "listen", "speak", "match_pairs", "fill_blank", "sort_words"]


def lesson_with(count: int, **lesson_fields) -> Lesson:
    lesson = LessonFactory(**lesson_fields)
    for position in range(1, count + 1):
        code = ALL_TYPES[(position - 1) % len(ALL_TYPES)]
        LessonExerciseFactory(
            lesson=lesson, position=position, exercise=ExerciseFactory(type=ExerciseTypeFactory(code=code))
        )
    return lesson


def test_lesson_to_play_has_every_exercise_and_no_answers(learner_client):
    lesson = lesson_with(7, title="Hello", estimated_minutes=4)
    response = learner_client.get(f"/api/v1/lessons/{lesson.pk}/")
    assert response.status_code == 200
    body = response.json()
    unit = lesson.unit
    assert {
        key: body[key] for key in ("id", "course", "section", "unit", "position", "title", "estimated_minutes")
    } == {
        "id": lesson.pk,
        "course": unit.section.course_id,
        "section": unit.section_id,
        "unit": unit.pk,
        "position": lesson.position,
        "title": "Hello",
        "estimated_minutes": 4,
    }
    # translate 2 + mc 1 + listen 2 + speak 2 + pairs 1 + fill 1 + sort 2
    assert body["xp_reward"] == 11
    assert [exercise["type"] for exercise in body["exercises"]] == ALL_TYPES
    assert [exercise["position"] for exercise in body["exercises"]] == [1, 2, 3, 4, 5, 6, 7]
    assert all(exercise["is_required"] for exercise in body["exercises"])
    text = json.dumps(body, ensure_ascii=False)
    for secret in ("answers", "is_correct", "transcript", "El niño come una manzana", "Yo bebo agua", "bebo agua"):
        assert secret not in text
    assert body["exercises"][2]["content"] == {"slow_audio": False}  # listen: the audio only


def test_lesson_audio_quality_is_chosen_by_the_learner(learner_client):
    lesson = LessonFactory()
    link = LessonExerciseFactory(lesson=lesson, exercise=ExerciseFactory(type=ExerciseTypeFactory(code="listen")))
    key = link.exercise.audio.key
    body = learner_client.get(f"/api/v1/lessons/{lesson.pk}/?audio_quality=low").json()
    assert body["exercises"][0]["audio_url"] == f"https://cdn.example/{key}-low.mp3"
    body = learner_client.get(f"/api/v1/lessons/{lesson.pk}/").json()
    assert body["exercises"][0]["audio_url"] == f"https://cdn.example/{key}-medium.mp3"
    response = learner_client.get(f"/api/v1/lessons/{lesson.pk}/?audio_quality=ultra")
    assert response.status_code == 400
    assert response.json() == {"audio_quality": ['"ultra" is not a valid choice.']}


def test_lesson_of_an_unpublished_course_is_hidden_from_learners(learner_client):
    lesson = LessonFactory(unit=UnitFactory(section__course=CourseFactory(is_published=False)))
    assert learner_client.get(f"/api/v1/lessons/{lesson.pk}/").status_code == 404
    assert learner_client.get("/api/v1/lessons/999999/").status_code == 404
    assert learner_client.get("/api/v1/lessons/99999999999999999999999/").status_code == 404
    assert learner_client.get("/api/v1/lessons/null/").status_code == 404


def test_anonymous_cannot_read_a_lesson(api_client):
    lesson = lesson_with(1)
    assert api_client.get(f"/api/v1/lessons/{lesson.pk}/").status_code == 401


@pytest.mark.parametrize("exercise_count", [3, 60])
def test_lesson_makes_the_same_number_of_queries_for_3_or_60_exercises(
    learner_client, django_assert_num_queries, exercise_count
):
    lesson = lesson_with(exercise_count)
    # content revision; lesson with unit/section/course; lesson exercises with exercise/type/audio; options
    with django_assert_num_queries(4):
        cold = learner_client.get(f"/api/v1/lessons/{lesson.pk}/")
    assert len(cold.json()["exercises"]) == exercise_count
    # Cached until the content changes: only the content revision is read.
    with django_assert_num_queries(1):
        warm = learner_client.get(f"/api/v1/lessons/{lesson.pk}/")
    assert warm.json() == cold.json()


def test_a_content_edit_by_any_path_reaches_the_cached_lesson(learner_client):
    lesson = lesson_with(3)
    assert learner_client.get(f"/api/v1/lessons/{lesson.pk}/").json()["title"] == lesson.title
    # QuerySet.update() sends no signal and calls no save(): the database trigger bumps the content revision.
    Exercise.objects.filter(lesson_links__lesson=lesson).update(prompt="Changed prompt")
    Lesson.objects.filter(pk=lesson.pk).update(title="Changed title")
    body = learner_client.get(f"/api/v1/lessons/{lesson.pk}/").json()
    assert body["title"] == "Changed title"
    assert {exercise["prompt"] for exercise in body["exercises"]} == {"Changed prompt"}


def test_unpublishing_a_course_hides_its_cached_lesson(learner_client):
    lesson = lesson_with(3)
    assert learner_client.get(f"/api/v1/lessons/{lesson.pk}/").status_code == 200
    Course.objects.filter(pk=lesson.unit.section.course_id).update(is_published=False)
    assert learner_client.get(f"/api/v1/lessons/{lesson.pk}/").status_code == 404


def test_learners_cannot_create_or_change_lessons(learner_client):
    lesson = LessonFactory()
    assert learner_client.patch(f"/api/v1/lessons/{lesson.pk}/", {"title": "Hacked"}).status_code == 403
    assert learner_client.post("/api/v1/lessons/", {"unit": lesson.unit_id, "title": "New"}).status_code == 403


def test_staff_with_permissions_create_and_change_lessons():
    staff = StaffFactory()
    staff.user_permissions.add(*Permission.objects.filter(codename__in=["add_lesson", "change_lesson"]))
    client = APIClient()
    client.force_authenticate(staff)
    unit = UnitFactory(section__course=CourseFactory(is_published=False))
    LessonFactory(unit=unit, position=1)
    response = client.post("/api/v1/lessons/", {"unit": unit.pk, "title": "Numbers", "estimated_minutes": 3})
    assert response.status_code == 201, response.content
    lesson = Lesson.objects.get(title="Numbers")
    assert (lesson.position, response.json()["position"], response.json()["exercises"]) == (2, 2, [])
    response = client.patch(f"/api/v1/lessons/{lesson.pk}/", {"title": "Numbers 1-10", "xp_reward": 12})
    assert (response.status_code, response.json()["title"], response.json()["xp_reward"]) == (200, "Numbers 1-10", 12)
    response = client.patch(f"/api/v1/lessons/{lesson.pk}/", {"estimated_minutes": 0})
    assert response.status_code == 400


def test_exercise_types_can_be_changed_by_staff_with_permission():
    exercise_type = ExerciseTypeFactory(code="speak")
    staff = StaffFactory()
    client = APIClient()
    client.force_authenticate(staff)
    assert client.patch(f"/api/v1/exercise-types/{exercise_type.pk}/", {"default_xp": 3}).status_code == 403
    staff.user_permissions.add(Permission.objects.get(codename="change_exercisetype"))
    staff = type(staff).objects.get(pk=staff.pk)
    client.force_authenticate(staff)
    response = client.patch(f"/api/v1/exercise-types/{exercise_type.pk}/", {"default_xp": 3})
    assert (response.status_code, response.json()["default_xp"]) == (200, 3)
