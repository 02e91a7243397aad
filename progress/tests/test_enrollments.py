"""Enrollments API, lesson statuses and the current lesson."""

import itertools

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from audit.models import UserActivityLog
from courses.tests.factories import CourseFactory, LessonPrerequisiteFactory, UnitFactory
from exercises.tests.factories import course_with_lessons
from progress import selectors, services
from progress.models import LessonSession, UserCourse, UserLessonProgress

pytestmark = pytest.mark.django_db


def test_enroll_twice_returns_the_same_enrollment(learner_client, user):
    course = CourseFactory()
    first = learner_client.post("/api/v1/enrollments/", {"course": course.pk})
    second = learner_client.post("/api/v1/enrollments/", {"course": course.pk})
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert first.json()["course"]["id"] == course.pk
    assert UserCourse.objects.count() == 1
    assert UserActivityLog.objects.filter(user=user, action="enroll").count() == 1


@pytest.mark.parametrize("body", [{}, {"course": 999999}, {"course": "x"}])
def test_enroll_needs_a_published_course(learner_client, body):
    assert learner_client.post("/api/v1/enrollments/", body).status_code == 400


def test_unpublished_course_cannot_be_enrolled(learner_client):
    course = CourseFactory(is_published=False)
    assert learner_client.post("/api/v1/enrollments/", {"course": course.pk}).status_code == 400


def test_list_and_detail_are_the_learners_own(learner_client, user, django_assert_num_queries):
    for _ in range(3):
        services.user_course_enroll(user=user, course=CourseFactory())
    services.user_course_enroll(user=UserFactory(), course=CourseFactory())
    # the page and its count; the content revision, the enrolled courses' lessons and prerequisites (content, then
    # cached under the revision) and the learner's progress in them
    with django_assert_num_queries(6):
        body = learner_client.get("/api/v1/enrollments/").json()
    assert body["count"] == 3
    with django_assert_num_queries(4):
        assert learner_client.get("/api/v1/enrollments/").json() == body
    theirs = UserCourse.objects.exclude(user=user).get()
    assert learner_client.get(f"/api/v1/enrollments/{theirs.pk}/").status_code == 404
    assert learner_client.delete(f"/api/v1/enrollments/{theirs.pk}/").status_code == 404


def test_unenroll_abandons_active_sessions_and_keeps_history(learner_client, user):
    course, (first, second) = course_with_lessons(2, 1)
    enrollment, _ = services.user_course_enroll(user=user, course=course)
    now = timezone.now()
    done = services.lesson_session_create(user=user, lesson=first, enrollment=enrollment, lesson_xp=10, now=now)
    services.lesson_session_complete_record(
        session=done, xp_awarded=15, score=100, perfect=True, day=now.date(), now=now
    )
    active = services.lesson_session_create(user=user, lesson=second, enrollment=enrollment, lesson_xp=10, now=now)
    assert learner_client.delete(f"/api/v1/enrollments/{enrollment.pk}/").status_code == 204
    assert not UserCourse.objects.exists()
    assert LessonSession.objects.get(pk=active.pk).status == "abandoned"
    assert UserActivityLog.objects.filter(user=user, action="unenroll").count() == 1
    again = learner_client.post("/api/v1/enrollments/", {"course": course.pk}).json()
    assert (again["xp"], again["completion_percent"]) == (15, 50)


def test_lesson_statuses_in_constant_queries(user, django_assert_num_queries):
    unit = UnitFactory()
    course = unit.section.course
    services.user_course_enroll(user=user, course=course)
    from courses.tests.factories import LessonFactory

    lessons = [LessonFactory(unit=unit, position=i) for i in range(12)]
    for before, after in itertools.pairwise(lessons):
        LessonPrerequisiteFactory(lesson=after, requires=before)
    LessonPrerequisiteFactory(lesson=lessons[3], requires=lessons[0])
    for lesson in lessons[:2]:
        UserLessonProgress.objects.create(
            user=user, lesson=lesson, course=course, status="completed", attempts=1, completions=1
        )
    with django_assert_num_queries(4):  # the content revision, the lessons, their prerequisites, the progress
        statuses = selectors.lesson_statuses(user=user, course=course)
    with django_assert_num_queries(2):  # the course's lessons and prerequisites are cached until its content changes
        assert selectors.lesson_statuses(user=user, course=course) == statuses
    assert [statuses[lesson.pk] for lesson in lessons[:4]] == ["completed", "completed", "available", "locked"]
    assert set(list(statuses.values())[4:]) == {"locked"}
    assert selectors.lesson_is_unlocked(user=user, lesson=lessons[2])
    assert not selectors.lesson_is_unlocked(user=user, lesson=lessons[3])


def test_a_change_to_the_courses_lessons_is_seen_on_the_next_request(learner_client, user):
    # The lessons and prerequisites behind the statuses are cached content: any write of them (here raw SQL, past
    # every service) shows on the next request.
    from django.db import connection

    course, (first, second) = course_with_lessons(2, 1, chained=False)
    enrollment, _ = services.user_course_enroll(user=user, course=course)
    url = f"/api/v1/enrollments/{enrollment.pk}/"
    assert learner_client.get(url).json()["lessons"] == {str(first.pk): "available", str(second.pk): "available"}
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO courses_lessonprerequisite (lesson_id, requires_id, created_at, updated_at) "
            "VALUES (%s, %s, %s, %s)",
            [second.pk, first.pk, timezone.now(), timezone.now()],
        )
    assert learner_client.get(url).json()["lessons"] == {str(first.pk): "available", str(second.pk): "locked"}
    with connection.cursor() as cursor:
        cursor.execute("UPDATE courses_lesson SET archived_at = %s WHERE id = %s", [timezone.now(), first.pk])
    assert learner_client.get(url).json()["lessons"] == {str(second.pk): "available"}
