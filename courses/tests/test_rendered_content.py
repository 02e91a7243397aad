"""The course tree and the lesson to play served as cached bytes with validators: ETag, Cache-Control, 304, and a
content write seen on the very next request (whichever way it is written)."""

import re

import pytest
from django.db import connection

from audit.models import SystemAuditLog
from audit.services import AuditContext
from courses import services
from courses.api import rendered
from courses.content import content_update
from courses.models import Course, Lesson
from exercises.models import Exercise

from .test_api_catalog import build_course, staff_client

pytestmark = pytest.mark.django_db

BY = AuditContext(source=SystemAuditLog.Source.API)


def urls(course: Course) -> tuple[str, str, Lesson]:
    lesson = Lesson.objects.filter(unit__section__course=course).order_by("position").first()
    return f"/api/v1/courses/{course.pk}/", f"/api/v1/lessons/{lesson.pk}/", lesson


def test_the_tree_and_the_lesson_carry_an_etag_and_no_cache(api_client, learner_client):
    tree_url, lesson_url, _ = urls(build_course(2))
    tree, lesson = api_client.get(tree_url), learner_client.get(lesson_url)
    assert (tree.status_code, tree["Cache-Control"], tree["Content-Type"]) == (
        200,
        "public, no-cache",
        "application/json",
    )
    assert (lesson.status_code, lesson["Cache-Control"]) == (200, "private, no-cache")
    for response in (tree, lesson):
        assert re.fullmatch(r'"[0-9a-f]{32}"', response["ETag"])
    assert tree.json()["id"] == int(tree_url.split("/")[-2])


def test_a_draft_shown_to_staff_is_private(api_client):
    course = build_course(1)
    Course.objects.filter(pk=course.pk).update(is_published=False)
    response = staff_client("courses.change_course").get(f"/api/v1/courses/{course.pk}/")
    assert (response.status_code, response["Cache-Control"]) == (200, "private, no-cache")
    assert api_client.get(f"/api/v1/courses/{course.pk}/").status_code == 404


def test_a_304_is_answered_from_the_cache_without_rendering(api_client, learner_client, monkeypatch):
    tree_url, lesson_url, _ = urls(build_course(2))
    tree_etag, lesson_etag = api_client.get(tree_url)["ETag"], learner_client.get(lesson_url)["ETag"]

    def no_rendering(*args, **kwargs):
        raise AssertionError("rendered again")

    monkeypatch.setattr(rendered, "content_render", no_rendering)
    monkeypatch.setattr(rendered.ORJSONRenderer, "render", no_rendering)
    for client, url, etag in ((api_client, tree_url, tree_etag), (learner_client, lesson_url, lesson_etag)):
        again = client.get(url, HTTP_IF_NONE_MATCH=etag)
        assert (again.status_code, again.content, again["ETag"], again["Cache-Control"]) == (
            304,
            b"",
            etag,
            "public, no-cache" if url == tree_url else "private, no-cache",
        )
        assert client.get(url).status_code == 200  # the cached bytes, not rendered again either


def test_the_lesson_answers_304_after_one_query(learner_client, django_assert_num_queries):
    _, lesson_url, _ = urls(build_course(2))
    etag = learner_client.get(lesson_url)["ETag"]
    with django_assert_num_queries(1):  # the content revision (the user is force-authenticated here)
        again = learner_client.get(lesson_url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert learner_client.get(lesson_url, HTTP_IF_NONE_MATCH='"other"').status_code == 200


def test_a_lesson_of_a_hidden_course_is_not_revealed_by_a_304(learner_client):
    course = build_course(1)
    _, lesson_url, _ = urls(course)
    etag = learner_client.get(lesson_url)["ETag"]
    Course.objects.filter(pk=course.pk).update(is_published=False)
    assert learner_client.get(lesson_url, HTTP_IF_NONE_MATCH=etag).status_code == 404


def raw_sql(model, column: str, value: str, pk: int) -> None:
    table, column = connection.ops.quote_name(model._meta.db_table), connection.ops.quote_name(column)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {column} = %s WHERE id = %s", [value, pk])  # noqa: S608 (model names)


@pytest.mark.parametrize("how", ["content service", "raw SQL"])
def test_a_content_write_is_seen_on_the_next_request(api_client, learner_client, how):
    course = build_course(2)
    tree_url, lesson_url, lesson = urls(course)
    exercise = Exercise.objects.filter(lesson_links__lesson=lesson).get()
    tree, play = api_client.get(tree_url), learner_client.get(lesson_url)
    assert api_client.get(tree_url, HTTP_IF_NONE_MATCH=tree["ETag"]).status_code == 304
    if how == "content service":
        services.course_update(course=course, by=BY, title="Renamed course")
        services.lesson_update(lesson=lesson, by=BY, title="Renamed lesson")
        content_update(exercise, {"prompt": "A new prompt"}, by=BY)
    else:
        raw_sql(Course, "title", "Renamed course", course.pk)
        raw_sql(Lesson, "title", "Renamed lesson", lesson.pk)
        raw_sql(Exercise, "prompt", "A new prompt", exercise.pk)
    new_tree = api_client.get(tree_url, HTTP_IF_NONE_MATCH=tree["ETag"])
    new_play = learner_client.get(lesson_url, HTTP_IF_NONE_MATCH=play["ETag"])
    assert (new_tree.status_code, new_play.status_code) == (200, 200)
    assert new_tree["ETag"] != tree["ETag"]
    assert new_play["ETag"] != play["ETag"]
    lessons = new_tree.json()["sections"][0]["units"][0]["lessons"]
    assert (new_tree.json()["title"], lessons[0]["title"]) == ("Renamed course", "Renamed lesson")
    assert new_play.json()["title"] == "Renamed lesson"
    assert [item["prompt"] for item in new_play.json()["exercises"]] == ["A new prompt"]
