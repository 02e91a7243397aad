"""The learner's account over HTTP: sign-up, profile, deletion, export, rate limits."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.test import override_settings
from rest_framework.test import APIClient

from accounts.models import User
from accounts.tests.factories import UserFactory, app_login, app_reauthenticate

pytestmark = pytest.mark.django_db

SIGNUP = "/_allauth/app/v1/auth/signup"
LOGIN = "/_allauth/app/v1/auth/login"
ME = "/api/v1/me/"


def signup(client, email, password="Sup3r-secret-pw"):
    return client.post(SIGNUP, {"email": email, "password": password}, format="json")


def test_signup_returns_a_session_token_that_authenticates_the_api(api_client):
    response = signup(api_client, "ana@example.com")
    assert response.status_code == 200, response.content
    token = response.json()["meta"]["session_token"]

    me = api_client.get(ME, HTTP_X_SESSION_TOKEN=token)
    assert me.status_code == 200
    body = me.json()
    assert body["email"] == "ana@example.com"
    assert body["timezone"] == "UTC"
    assert body["daily_xp_goal"] == 20
    assert set(body) == {
        "id",
        "email",
        "display_name",
        "avatar",
        "timezone",
        "daily_xp_goal",
        "reminders_enabled",
        "reminder_time",
        "next_reminder_at",
        "hide_from_leaderboards",
        "desired_retention",
        "created_at",
        "updated_at",
    }
    assert (body["reminders_enabled"], body["reminder_time"], body["next_reminder_at"]) == (False, None, None)
    assert body["hide_from_leaderboards"] is False
    assert body["desired_retention"] is None


def test_api_without_credentials_is_401(api_client):
    response = api_client.get(ME)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "X-Session-Token"


def test_api_with_a_bogus_session_token_is_401(api_client):
    assert api_client.get(ME, HTTP_X_SESSION_TOKEN="not-a-token").status_code == 401


@pytest.mark.parametrize(
    "token", ["not-a-token", "abcd\tefgh12345678", "ABCDEFGH12345678", "a" * 41, "é" * 32, "a b c d e f g h"]
)
def test_a_token_django_could_not_have_made_is_refused_without_a_lookup(api_client, token, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = api_client.get(ME, HTTP_X_SESSION_TOKEN=token)
    assert response.status_code == 401


def test_an_unknown_token_of_the_right_form_is_looked_up_and_refused(api_client, django_assert_num_queries):
    with django_assert_num_queries(1):  # the cache misses, the session table has no such row
        response = api_client.get(ME, HTTP_X_SESSION_TOKEN="a" * 32)
    assert response.status_code == 401


def test_session_cookie_also_authenticates(client, user, password):
    assert client.login(email=user.email, password=password)
    assert client.get(ME).json()["email"] == user.email


def test_email_is_unique_regardless_of_case(api_client):
    assert signup(api_client, "ana@example.com").status_code == 200
    api_client.credentials()
    response = signup(api_client, "Ana@Example.com")
    assert response.status_code == 400
    assert response.json()["errors"][0]["param"] == "email"
    assert User.objects.count() == 1


def test_database_refuses_a_case_variant_email_too():
    from django.db import IntegrityError, transaction

    User.objects.create_user(email="ana@example.com", password="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(email="ANA@example.com")


def test_login_is_case_insensitive_on_email(api_client):
    UserFactory(email="ana@example.com")
    assert app_login(api_client, "ANA@Example.COM")


def test_weak_password_is_refused_at_signup(api_client):
    response = signup(api_client, "ana@example.com", password="123")
    assert response.status_code == 400
    assert response.json()["errors"][0]["param"] == "password"


def test_patch_me_updates_the_profile(learner_client):
    response = learner_client.patch(
        ME,
        {
            "display_name": "Ana",
            "timezone": "Pacific/Auckland",
            "daily_xp_goal": 50,
            "avatar": "https://cdn.example/a.png",
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    learner_client.user.refresh_from_db()
    assert (learner_client.user.display_name, learner_client.user.timezone, learner_client.user.daily_xp_goal) == (
        "Ana",
        "Pacific/Auckland",
        50,
    )


def test_patch_me_cannot_change_email_or_id(learner_client):
    original = learner_client.user.email
    response = learner_client.patch(ME, {"email": "other@example.com", "id": 999}, format="json")
    assert response.status_code == 200
    assert response.json()["email"] == original


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"timezone": ""}, "timezone"),
        ({"daily_xp_goal": 15}, "daily_xp_goal"),
        ({"daily_xp_goal": "lots"}, "daily_xp_goal"),
        ({"avatar": "not a url"}, "avatar"),
        ({"display_name": "x" * 81}, "display_name"),
    ],
)
def test_patch_me_bad_input_is_a_400_naming_the_field(learner_client, payload, field):
    response = learner_client.patch(ME, payload, format="json")
    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_patch_me_with_malformed_json_is_400(learner_client):
    response = learner_client.generic("PATCH", ME, "{not json", content_type="application/json")
    assert response.status_code == 400


def test_delete_me_removes_the_account_and_its_token(api_client):
    token = signup(api_client, "gone@example.com").json()["meta"]["session_token"]
    app_reauthenticate(api_client, token, "Sup3r-secret-pw")
    response = api_client.delete(ME, HTTP_X_SESSION_TOKEN=token)
    assert response.status_code == 204
    assert not User.objects.filter(email="gone@example.com").exists()
    assert not EmailAddress.objects.filter(email="gone@example.com").exists()
    assert api_client.get(ME, HTTP_X_SESSION_TOKEN=token).status_code == 401
    # The address is free again.
    api_client.credentials()
    assert signup(api_client, "gone@example.com").status_code == 200


def test_export_contains_the_learners_data_and_only_theirs(learner_client):
    UserFactory(email="someone-else@example.com")
    learner_client.patch(ME, {"display_name": "Exporter"}, format="json")
    response = learner_client.get("/api/v1/me/export/")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="lingo-export.json"'
    data = response.json()
    assert data["profile"]["email"] == learner_client.user.email
    assert data["profile"]["display_name"] == "Exporter"
    assert data["email_addresses"] == [{"email": learner_client.user.email, "verified": True, "primary": True}]
    assert data["social_accounts"] == []
    assert "someone-else@example.com" not in response.content.decode()


@override_settings(ACCOUNT_RATE_LIMITS={"login_failed": "10/m/ip,5/5m/key"})
def test_repeated_failed_logins_are_refused_after_allauths_limit(api_client):
    UserFactory(email="ana@example.com")
    codes = []
    for _ in range(6):
        response = api_client.post(LOGIN, {"email": "ana@example.com", "password": "wrong-password"}, format="json")
        codes.append(response.json()["errors"][0]["code"])
    assert codes == ["email_password_mismatch"] * 5 + ["too_many_login_attempts"]
    # Even the right password is refused while the limit holds.
    response = api_client.post(LOGIN, {"email": "ana@example.com", "password": "Corr3ct-Horse-Battery"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "too_many_login_attempts"


def test_signup_is_rate_limited_per_ip(api_client):
    with override_settings(ACCOUNT_RATE_LIMITS={"signup": "3/m/ip"}):
        statuses = [signup(api_client, f"s{i}@example.com").status_code for i in range(4)]

    assert statuses == [200, 200, 200, 429]


def test_password_change_through_allauth(api_client):
    UserFactory(email="ana@example.com")
    token = app_login(api_client, "ana@example.com")
    response = api_client.post(
        "/_allauth/app/v1/account/password/change",
        {"current_password": "Corr3ct-Horse-Battery", "new_password": "An0ther-Long-secret"},
        format="json",
        HTTP_X_SESSION_TOKEN=token,
    )
    assert response.status_code == 200, response.content
    # The changer's session goes on under the new token allauth hands back; the old token is refused.
    renewed = response.json()["meta"]["session_token"]
    assert renewed != token
    assert APIClient().get("/api/v1/me/", HTTP_X_SESSION_TOKEN=renewed).json()["email"] == "ana@example.com"
    assert APIClient().get("/api/v1/me/", HTTP_X_SESSION_TOKEN=token).status_code == 401
    api_client.credentials()
    assert app_login(api_client, "ana@example.com", "An0ther-Long-secret")


def test_password_reset_by_code(api_client, mailoutbox):
    UserFactory(email="ana@example.com")
    response = api_client.post("/_allauth/app/v1/auth/password/request", {"email": "ana@example.com"}, format="json")
    # A code is mailed; the app session holds the pending reset until the code comes back.
    assert response.status_code == 401
    assert [f["id"] for f in response.json()["data"]["flows"] if f.get("is_pending")] == ["password_reset_by_code"]
    token = response.json()["meta"]["session_token"]
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["ana@example.com"]
    code = re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", mailoutbox[0].body, re.MULTILINE).group(1)

    response = api_client.post(
        "/_allauth/app/v1/auth/password/reset",
        {"key": code, "password": "Brand-new-Secret-9"},
        format="json",
        HTTP_X_SESSION_TOKEN=token,
    )
    assert response.status_code == 401, response.content  # reset, not signed in (no LOGIN_ON_PASSWORD_RESET)
    api_client.credentials()
    assert app_login(api_client, "ana@example.com", "Brand-new-Secret-9")


def test_logout_ends_the_app_session(api_client):
    UserFactory(email="ana@example.com")
    token = app_login(api_client, "ana@example.com")
    assert api_client.delete("/_allauth/app/v1/auth/session", HTTP_X_SESSION_TOKEN=token).status_code == 401
    assert api_client.get(ME, HTTP_X_SESSION_TOKEN=token).status_code == 401
