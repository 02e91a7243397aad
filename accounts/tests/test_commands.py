from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import User

pytestmark = pytest.mark.django_db


def test_ensure_local_admin_creates_one_superuser_and_prints_working_credentials(client):
    out = StringIO()
    call_command("ensure_local_admin", stdout=out)
    text = out.getvalue()
    password = text.split("password: ")[1].split()[0]
    admin = User.objects.get()
    assert admin.is_superuser
    assert admin.is_staff
    assert admin.email == "admin@example.com"
    assert admin.check_password(password)

    assert "Local admin created for http://127.0.0.1:8000/admin/" in text

    again = StringIO()
    call_command("ensure_local_admin", stdout=again)
    assert "already exists" in again.getvalue()
    assert User.objects.count() == 1


def test_admin_login_goes_through_allauth_and_works(client):
    out = StringIO()
    call_command("ensure_local_admin", stdout=out)
    password = out.getvalue().split("password: ")[1].split()[0]
    response = client.post("/accounts/login/?next=/admin/", {"login": "admin@example.com", "password": password})
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_ensure_local_admin_names_the_address_it_was_given():
    out = StringIO()
    call_command("ensure_local_admin", "--url", "http://127.0.0.1:8099/admin/", stdout=out)
    assert "Local admin created for http://127.0.0.1:8099/admin/" in out.getvalue()
