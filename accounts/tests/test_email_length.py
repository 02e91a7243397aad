"""An email address longer than 254 characters is refused on every path that creates a user, never cut short."""

import pytest
from django.db import DataError, IntegrityError, transaction

from accounts.models import User
from accounts.tests.factories import SuperuserFactory, app_login

pytestmark = pytest.mark.django_db


def address(length: int) -> str:
    """A well-formed address of exactly `length` characters (Django's validator accepts up to 320)."""
    domain_labels = ["b" * 63, "c" * 63, "d" * 63]
    fixed = len("@") + len(".".join(domain_labels)) + len(".com")
    local = "a" * (length - fixed)
    assert 1 <= len(local) <= 64
    return f"{local}@{'.'.join(domain_labels)}.com"


LONGEST = address(254)
TOO_LONG = address(255)
TOO_LONG_ERROR = {
    "message": "Enter an email address of at most 254 characters.",
    "code": "email_too_long",
    "param": "email",
}


@pytest.mark.parametrize("client_kind", ["app", "browser"])
def test_signup_refuses_an_email_over_254_characters_with_a_field_error(client, client_kind):
    response = client.post(
        f"/_allauth/{client_kind}/v1/auth/signup",
        {"email": TOO_LONG, "password": "Sup3r-secret-pw"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [TOO_LONG_ERROR]
    assert not User.objects.exists()


def test_a_254_character_email_signs_up_and_logs_in_as_given(api_client):
    response = api_client.post(
        "/_allauth/app/v1/auth/signup", {"email": LONGEST, "password": "Sup3r-secret-pw"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert User.objects.get().email == LONGEST
    api_client.credentials()
    assert app_login(api_client, LONGEST, "Sup3r-secret-pw")


def test_the_admin_refuses_an_email_over_254_characters(client):
    client.force_login(SuperuserFactory())
    response = client.post(
        "/admin/accounts/user/add/",
        {"email": TOO_LONG, "password1": "An0ther-Secret-Phrase", "password2": "An0ther-Secret-Phrase"},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["email"] == [
        "Ensure this value has at most 254 characters (it has 255)."
    ]
    assert not User.objects.filter(email=TOO_LONG).exists()


def test_the_database_refuses_an_email_over_254_characters():
    # PostgreSQL's varchar(254) refuses it first (DataError); on SQLite the check constraint does (IntegrityError).
    with pytest.raises((DataError, IntegrityError)), transaction.atomic():
        User.objects.create_user(email=TOO_LONG, password="x")
    assert not User.objects.exists()
