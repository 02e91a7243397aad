"""A language's character lists are edited in the admin as plain text (characters separated by spaces), not JSON."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import SuperuserFactory
from courses.models import Language
from courses.tests.factories import LanguageFactory
from tests.admin_forms import admin_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client() -> Client:
    client = Client()
    client.force_login(SuperuserFactory())
    return client


def change_url(language: Language) -> str:
    return reverse("admin:courses_language_change", args=[language.pk])


def test_the_change_page_shows_the_lists_as_text_and_saves_them_as_lists(superuser_client):
    mohawk = LanguageFactory(code="moh", name="Mohawk", special_characters=["’", ":"])
    page = superuser_client.get(change_url(mohawk))
    assert 'name="special_characters" value="’ :"' in page.content.decode()
    data = admin_form_data(page)
    data.update(special_characters=" ’  :  ḗ ", punctuation_letters="’ :")
    response = superuser_client.post(change_url(mohawk), data)
    assert response.status_code == 302
    mohawk.refresh_from_db()
    assert (mohawk.special_characters, mohawk.punctuation_letters) == (["’", ":", "ḗ"], ["’", ":"])


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("ɔɛɔɛɔɛɔɛɔ", "Separate the characters with spaces; each is at most 8 long (got 'ɔɛɔɛɔɛɔɛɔ')."),
        ("ɔ ɛ ɔ", "Listed twice: ɔ."),
    ],
)
def test_a_bad_list_is_refused_at_its_field_and_nothing_changes(superuser_client, typed, error):
    twi = LanguageFactory(code="tw", name="Twi", special_characters=["ɔ"])
    data = admin_form_data(superuser_client.get(change_url(twi)))
    data["special_characters"] = typed
    response = superuser_client.post(change_url(twi), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"special_characters": [error]}
    twi.refresh_from_db()
    assert twi.special_characters == ["ɔ"]


def test_emptied_lists_are_saved_empty(superuser_client):
    twi = LanguageFactory(code="tw", name="Twi", special_characters=["ɔ"], punctuation_letters=["’"])
    data = admin_form_data(superuser_client.get(change_url(twi)))
    data.update(special_characters="", punctuation_letters="  ")
    assert superuser_client.post(change_url(twi), data).status_code == 302
    twi.refresh_from_db()
    assert (twi.special_characters, twi.punctuation_letters) == ([], [])
