"""The demo course through import, the per-type admin forms and export: the same bytes, prompts included."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import StaffFactory
from exercises.api.serializers import PlayExerciseSerializer
from exercises.course_files import course_export
from exercises.course_import import course_import
from exercises.kinds.widgets import PairListField, TextListField, TextListsField
from exercises.models import Exercise, LessonExercise
from exercises.selectors import exercises_for_play
from tests.admin_forms import admin_form_data

pytestmark = pytest.mark.django_db


def browser_post_data(response) -> dict:
    """What a browser submits for the rendered exercise page: list fields as one input per item."""
    data = admin_form_data(response)
    form = response.context["adminform"].form
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(field, PairListField):
            data.pop(name, None)
            data[f"{name}-left"] = [left for left, _ in value]
            data[f"{name}-right"] = [right for _, right in value]
        elif isinstance(field, TextListsField):
            data.pop(name, None)
            for index, row in enumerate(value):
                data[f"{name}-{index}"] = list(row)
        elif isinstance(field, TextListField):
            data[name] = list(value)
    return data


def test_demo_course_round_trips_byte_identically_with_its_structured_prompts(reference_data, demo_text):
    course = course_import(text=demo_text).course
    asked = Exercise.objects.get(key="travel-left")
    assert asked.content == {"prompt": {"language": "es", "text": "A la izquierda"}}
    payload = PlayExerciseSerializer(LessonExercise(exercise=exercises_for_play().get(pk=asked.pk), position=1)).data
    assert payload["content"]["prompt"] == {"text": "A la izquierda", "language": "es"}
    sort = Exercise.objects.get(key="food-sort-bebo")
    assert sort.content["prompt"] == {"language": "en", "text": "I drink water"}
    assert "          prompt:\n            language: en\n            text: I drink water\n" in demo_text
    assert course_export(course=course) == demo_text


def test_saving_every_demo_exercise_through_its_form_changes_no_byte_of_the_export(reference_data, demo_text):
    course = course_import(text=demo_text).course
    editor = StaffFactory()
    editor.groups.add(Group.objects.get(name="Content editors"))
    client = Client()
    client.force_login(editor)
    exercises = list(Exercise.objects.filter(lesson_links__lesson__unit__section__course=course).order_by("pk"))
    assert len({exercise.type.code for exercise in exercises}) == 7
    for exercise in exercises:
        url = reverse("admin:exercises_exercise_change", args=[exercise.pk])
        response = client.post(url, browser_post_data(client.get(url)))
        assert response.status_code == 302, (exercise.key, response.context["adminform"].form.errors)
    assert course_export(course=course) == demo_text
