"""The authoring console in a real browser: Playwright driving Debian's Chromium (the root conftest's
`browser_page`) against a live server.

A content editor creates a lesson, adds one exercise of each type through the per-type forms, reorders two
lessons by drag and drop, and opens the learner preview; a screenshot of the preview is written under the
test's output folder and copied to test-results/.
"""

from __future__ import annotations

import importlib
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

from accounts.tests.factories import StaffFactory
from courses.models import Language, Lesson
from courses.tests.factories import CourseFactory, LessonFactory, SectionFactory, UnitFactory
from exercises.kinds import all_kinds
from exercises.models import Exercise
from exercises.tests.factories import AudioFileFactory

# The live server reads committed data: a transactional test.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def content_editors_group() -> Group:
    """The group migration exercises/0006 creates, made again by that migration's own function when an earlier
    transactional test flushed the database (a flush keeps no migration data)."""
    migration = "0006_content_editors_group"
    create_group = importlib.import_module(f"exercises.migrations.{migration}").create_group
    state = MigrationExecutor(connection).loader.project_state(("exercises", migration))
    create_group(state.apps, None)
    return Group.objects.get(name="Content editors")


@pytest.fixture
def editor_session(live_server):
    call_command("seed", verbosity=0)
    editor = StaffFactory()
    editor.groups.add(content_editors_group())
    client = Client()
    client.force_login(editor)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def fill_list(page, name: str, values: list[str]) -> None:
    inputs = page.locator(f'input[name="{name}"]')
    for index, value in enumerate(values):
        if index >= inputs.count():
            page.locator(f'.kind-rows[data-name="{name.split("-")[0]}"] .kind-add-row').click()
        inputs.nth(index).fill(value)


def add_exercise(page, label: str, fill) -> None:
    page.get_by_role("link", name=label, exact=True).click()
    page.fill('input[name="key"]', f"new-{label.lower().replace(' ', '-')}")
    page.fill('textarea[name="prompt"]', f"{label}: do it")
    fill(page)
    page.click('input[name="_save"]')
    page.wait_for_selector("text=was added at the end of the lesson")


def choose_audio(page, search: str) -> None:
    page.locator("#id_audio + .select2 .select2-selection").click()
    page.locator(".select2-search__field").fill(search)
    page.locator(".select2-results__option", has_text=search).first.click()


FILLERS = {
    "translate": lambda page: (
        page.fill('textarea[name="source_text"]', "Good night"),
        fill_list(page, "answers", ["Buenas noches", "Buena noche"]),
    ),
    "multiple_choice": lambda page: (
        page.fill('input[name="prompt_text"]', "thank you"),
        page.select_option('select[name="prompt_language"]', "en"),
        page.fill('input[name="options-0-text"]', "Gracias"),
        page.check('input[name="options-0-is_correct"]'),
        page.fill('input[name="options-1-text"]', "Perdón"),
        page.fill('input[name="options-2-text"]', "Hola"),
    ),
    "listen": lambda page: (
        choose_audio(page, "Buenas noches"),
        page.check('input[name="slow_audio"]'),
        fill_list(page, "answers", ["Buenas noches"]),
    ),
    "speak": lambda page: (
        page.fill('input[name="phrase"]', "Buenas noches"),
        fill_list(page, "answers", ["Buenas noches"]),
    ),
    "match_pairs": lambda page: (
        fill_list(page, "pairs-left", ["la noche", "el día", "la tarde"]),
        fill_list(page, "pairs-right", ["the night", "the day", "the afternoon"]),
    ),
    "fill_blank": lambda page: (
        page.fill('input[name="text"]', "Buenas ___."),
        fill_list(page, "blanks-0", ["noches", "tardes"]),
    ),
    "sort_words": lambda page: (
        page.fill('input[name="prompt_text"]', "Good night, Ana"),
        page.select_option('select[name="prompt_language"]', "en"),
        fill_list(page, "tiles", ["Buenas", "noches,", "Ana", "días"]),
        fill_list(page, "answers", ["Buenas noches, Ana"]),
    ),
}


def test_an_editor_authors_a_lesson_in_the_browser(live_server, browser_page, editor_session, tmp_path):
    page = browser_page
    english, spanish = Language.objects.get(code="en"), Language.objects.get(code="es")
    course = CourseFactory(is_published=False, from_language=english, to_language=spanish)
    unit = UnitFactory(section=SectionFactory(course=course), title="Evening")
    LessonFactory(unit=unit, position=1, title="Earlier lesson", key="earlier")
    AudioFileFactory(transcript="Buenas noches", key="buenas-noches")
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": editor_session, "url": live_server.url}])

    # A new lesson in the unit.
    page.goto(f"{live_server.url}/admin/courses/lesson/add/?unit={unit.pk}")
    page.fill('input[name="title"]', "Good evening")
    page.fill('input[name="key"]', "good-evening")
    page.fill('input[name="position"]', "2")
    page.click('input[name="_continue"]')
    page.wait_for_selector("text=was added successfully")
    lesson = Lesson.objects.get(key="good-evening")

    # One exercise of each type, each through its own form, from the lesson's "add" links.
    for kind in all_kinds():
        add_exercise(page, kind.label, FILLERS[kind.code])
        assert page.url.endswith(f"/admin/courses/lesson/{lesson.pk}/change/")
    added = list(lesson.lesson_exercises.order_by("position").values_list("exercise__type__code", flat=True))
    assert added == [kind.code for kind in all_kinds()]
    assert Exercise.objects.get(key="new-match-pairs").content == {
        "pairs": [["la noche", "the night"], ["el día", "the day"], ["la tarde", "the afternoon"]]
    }
    assert Exercise.objects.get(key="new-fill-in-the-blank").answers == [["noches", "tardes"]]
    assert Exercise.objects.get(key="new-multiple-choice").content == {
        "prompt": {"language": "en", "text": "thank you"}
    }

    # Drag the new lesson above the earlier one on the unit's page, then save.
    page.goto(f"{live_server.url}/admin/courses/unit/{unit.pk}/change/")
    rows = page.locator("tr.has_original")
    rows.nth(1).locator("td.original p").drag_to(rows.nth(0).locator("td.original p"))
    page.click('input[name="_save"]')
    page.wait_for_selector("text=was changed successfully")
    assert list(unit.lessons.order_by("position").values_list("title", flat=True)) == ["Good evening", "Earlier lesson"]

    # The learner preview shows each exercise as a learner would: no answers, options and tiles to pick.
    page.goto(f"{live_server.url}/admin/courses/lesson/{lesson.pk}/change/")
    page.get_by_role("link", name="Preview as a learner").click()
    preview = page.locator("#lesson-preview")
    assert preview.locator("section.learner-exercise").count() == 7
    multiple_choice = preview.locator('section[data-type="multiple_choice"]')
    assert multiple_choice.locator(".asked").inner_text() == "thank you"
    assert sorted(multiple_choice.locator(".choice").all_inner_texts()) == ["Gracias", "Hola", "Perdón"]
    assert sorted(preview.locator('section[data-type="sort_words"] .tile').all_inner_texts()) == [
        "Ana",
        "Buenas",
        "días",
        "noches,",
    ]
    assert preview.locator('section[data-type="fill_blank"] input.blank').count() == 1
    assert preview.locator('section[data-type="match_pairs"] .right .tile').count() == 3
    text = preview.inner_text()
    assert "Buena noche" not in text  # an accepted answer is never shown
    assert "Good night" in text

    screenshot = tmp_path / "learner-preview.png"
    page.screenshot(path=str(screenshot), full_page=True)
    assert screenshot.stat().st_size > 10_000
    results = Path(settings.BASE_DIR) / "test-results"
    results.mkdir(exist_ok=True)
    shutil.copy(screenshot, results / screenshot.name)
