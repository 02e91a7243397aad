"""The signed-in user's row from the cache (accounts.backends): no query on a warm request, and every change that
matters seen on the very next request: logout, password change, deactivation, deletion, profile change."""

import pytest
from django.core.cache import cache
from django.db import connection
from rest_framework.test import APIClient

from accounts import backends
from accounts.models import User
from accounts.tests.factories import DEFAULT_PASSWORD, UserFactory, app_login, app_reauthenticate

pytestmark = pytest.mark.django_db

ME = "/api/v1/me/"


def signed_in(user, password: str = DEFAULT_PASSWORD) -> tuple[APIClient, str]:
    token = app_login(APIClient(), user.email, password)
    client = APIClient()
    client.credentials(HTTP_X_SESSION_TOKEN=token)
    assert client.get(ME).status_code == 200  # the row is cached from here on
    return client, token


def test_a_warm_signed_in_request_reads_no_database_and_a_cold_one_reads_the_user_twice(django_assert_num_queries):
    client, _ = signed_in(UserFactory())
    with django_assert_num_queries(0):  # the session and the user from the cache; me/ serializes request.user
        assert client.get(ME).status_code == 200
    cache.delete(backends._cache_key(User.objects.get().pk))
    with django_assert_num_queries(2):  # the row, and again to be sure no write raced the store
        assert client.get(ME).status_code == 200
    with django_assert_num_queries(0):
        assert client.get(ME).status_code == 200


def test_a_logged_out_token_is_refused_on_the_next_request():
    client, token = signed_in(UserFactory())
    assert APIClient().delete("/_allauth/app/v1/auth/session", HTTP_X_SESSION_TOKEN=token).status_code == 401
    refused = client.get(ME)
    assert (refused.status_code, refused.json()["code"]) == (401, "authentication_failed")


def test_a_password_change_signs_the_other_sessions_out_on_their_next_request():
    user = UserFactory()
    changer, _ = signed_in(user)
    other, _ = signed_in(user)
    response = changer.post(
        "/_allauth/app/v1/account/password/change",
        {"current_password": "Corr3ct-Horse-Battery", "new_password": "An0ther-Long-secret"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert other.get(ME).status_code == 401
    assert signed_in(user, "An0ther-Long-secret")[0].get(ME).json()["id"] == user.pk


def test_a_deactivated_account_is_refused_on_the_next_request():
    user = UserFactory()
    client, _ = signed_in(user)
    user.is_active = False
    user.save(update_fields=["is_active"])  # as the admin does
    assert client.get(ME).status_code == 401


def test_a_deleted_account_is_refused_on_the_next_request():
    user = UserFactory()
    client, token = signed_in(user)
    other, _ = signed_in(user)
    app_reauthenticate(client, token)
    assert client.delete(ME).status_code == 204
    assert client.get(ME).status_code == 401
    assert other.get(ME).status_code == 401


def test_a_profile_change_is_seen_by_every_session_on_the_next_request():
    user = UserFactory(timezone="UTC", daily_xp_goal=10)
    first, _ = signed_in(user)
    second, _ = signed_in(user)
    changed = first.patch(ME, {"display_name": "Renamed", "timezone": "Asia/Tokyo", "daily_xp_goal": 20})
    assert changed.status_code == 200, changed.content
    for client in (first, second):
        me = client.get(ME).json()
        assert (me["display_name"], me["timezone"], me["daily_xp_goal"]) == ("Renamed", "Asia/Tokyo", 20)


def test_a_write_racing_the_first_read_leaves_no_stale_row(monkeypatch):
    # The row is written (here past the ORM, so no invalidation comes) between the cache miss's read and its store:
    # the read after the store sees it, and the old row is not kept.
    user = UserFactory(display_name="Before")
    client, _ = signed_in(user)
    cache.delete(backends._cache_key(user.pk))
    read = backends._user_row
    reads = []

    def read_then_write(pk):
        row = read(pk)
        reads.append(row.display_name)
        if len(reads) == 1:
            with connection.cursor() as cursor:
                cursor.execute("UPDATE accounts_user SET display_name = %s WHERE id = %s", ["After", pk])
        return row

    monkeypatch.setattr(backends, "_user_row", read_then_write)
    assert client.get(ME).json()["display_name"] == "After"
    assert reads == ["Before", "After"]
    assert cache.get(backends._cache_key(user.pk)) is None
    assert client.get(ME).json()["display_name"] == "After"
