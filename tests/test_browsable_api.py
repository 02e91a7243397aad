"""DRF's browsable API (Accept: text/html) renders every page of the learner API, with its forms.

The HTML renderer builds a form for each write the caller may make from the view's serializer class, which
JSON clients never exercise: a view whose serializer cannot stand alone answers 500 here only.
"""

import pytest

from accounts.tests.factories import UserFactory, token_client
from tests.learners import first_lessons

pytestmark = pytest.mark.django_db


def pages(owner, course, *, own: bool) -> list[str]:
    """The API's pages; with `own`, also the owner's enrollment and session (no one else may see them)."""
    lesson = first_lessons(course, 1)[0]
    private = [f"enrollments/{owner.enrollment_id}/", f"sessions/{owner.completed_session}/"] if own else []
    return [
        *private,
        "languages/",
        "exercise-types/",
        "achievements/",
        "courses/",
        f"courses/{course.pk}/",
        f"lessons/{lesson.pk}/",
        "enrollments/",
        "me/",
        "me/stats/",
        "me/xp-history/",
        "me/achievements/",
        "me/activity/",
    ]


@pytest.mark.parametrize("caller", ["learner", "superuser"])
def test_every_page_renders_as_html_for_learners_and_staff(owner, demo_course, caller):
    client = owner if caller == "learner" else token_client(UserFactory(is_staff=True, is_superuser=True))
    for page in pages(owner, demo_course, own=caller == "learner"):
        response = client.get(f"/api/v1/{page}", HTTP_ACCEPT="text/html")
        assert (page, response.status_code) == (page, 200)
        assert response["Content-Type"].startswith("text/html")


def test_a_lesson_page_offers_staff_the_lesson_input_form(demo_course):
    staff = token_client(UserFactory(is_staff=True, is_superuser=True))
    lesson = first_lessons(demo_course, 1)[0]
    response = staff.get(f"/api/v1/lessons/{lesson.pk}/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    form_fields = {"unit", "key", "position", "title", "xp_reward", "estimated_minutes"}
    assert all(f'name="{field}"' in response.content.decode() for field in form_fields)
