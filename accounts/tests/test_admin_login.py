"""The admin login is allauth's login, with the same rate limits as the learners'."""

import pytest
from django.test import override_settings

from accounts.tests.factories import DEFAULT_PASSWORD, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_admin_redirects_to_allauths_login(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/admin/"
    response = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_staff_logs_into_the_admin(client):
    staff = StaffFactory()
    response = client.post("/accounts/login/?next=/admin/", {"login": staff.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_learner_who_logs_in_is_refused_the_admin(client):
    learner = UserFactory()
    client.post("/accounts/login/", {"login": learner.email, "password": DEFAULT_PASSWORD})
    assert client.get("/admin/login/").status_code == 403


@override_settings(ACCOUNT_RATE_LIMITS={"login_failed": "10/m/ip,5/5m/key"})
def test_repeated_failed_admin_logins_are_refused(client):
    staff = StaffFactory()
    for _ in range(5):
        response = client.post("/accounts/login/", {"login": staff.email, "password": "wrong"})
        assert response.status_code == 200
        assert b"not correct" in response.content
    response = client.post("/accounts/login/", {"login": staff.email, "password": DEFAULT_PASSWORD})
    assert b"Too many failed login attempts" in response.content
    assert client.get("/admin/").status_code == 302
