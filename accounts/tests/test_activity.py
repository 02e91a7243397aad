"""Authentication and account events leave exactly one learner activity row each, with IP and user agent."""

import pytest
from django.contrib.contenttypes.models import ContentType

from accounts.models import User
from accounts.tests.factories import DEFAULT_PASSWORD, StaffFactory, UserFactory, app_reauthenticate
from audit.models import SystemAuditLog, UserActivityLog
from audit.services import system_audit_record

pytestmark = pytest.mark.django_db

SIGNUP = "/_allauth/app/v1/auth/signup"
LOGIN = "/_allauth/app/v1/auth/login"
SESSION = "/_allauth/app/v1/auth/session"
PASSWORD_CHANGE = "/_allauth/app/v1/account/password/change"
ME = "/api/v1/me/"
EXPORT = "/api/v1/me/export/"

CLIENT = {"REMOTE_ADDR": "203.0.113.5", "HTTP_USER_AGENT": "LingoApp/3.1 (iOS 18)"}
Action = UserActivityLog.Action


def login(api_client, email, password=DEFAULT_PASSWORD):
    response = api_client.post(LOGIN, {"email": email, "password": password}, format="json", **CLIENT)
    assert response.status_code == 200, response.content
    return response.json()["meta"]["session_token"]


def assert_one_row(action, user):
    row = UserActivityLog.objects.get(action=action)
    assert row.user == user
    assert row.ip == "203.0.113.5"
    assert row.user_agent == "LingoApp/3.1 (iOS 18)"
    return row


def test_sign_up_leaves_one_sign_up_row_and_one_login_row(api_client):
    response = api_client.post(
        SIGNUP, {"email": "ana@example.com", "password": "Sup3r-secret-pw"}, format="json", **CLIENT
    )
    assert response.status_code == 200, response.content

    ana = User.objects.get(email="ana@example.com")
    assert assert_one_row(Action.SIGNUP, ana).metadata == {"method": "password"}
    assert_one_row(Action.LOGIN, ana)
    assert UserActivityLog.objects.count() == 2


def test_login_leaves_exactly_one_row(api_client, user):
    login(api_client, user.email)

    row = assert_one_row(Action.LOGIN, user)
    assert row.metadata == {"method": "password"}
    assert UserActivityLog.objects.count() == 1


def test_failed_login_leaves_exactly_one_row_for_the_named_account(api_client, user):
    response = api_client.post(LOGIN, {"email": user.email, "password": "wrong-password"}, format="json", **CLIENT)
    assert response.status_code == 400

    row = assert_one_row(Action.LOGIN_FAILED, user)
    assert row.metadata == {"known_account": True}
    assert UserActivityLog.objects.count() == 1


def test_failed_login_for_an_unknown_address_keeps_no_address(api_client):
    response = api_client.post(
        LOGIN, {"email": "nobody@example.com", "password": "x-Y-z-123456"}, format="json", **CLIENT
    )
    assert response.status_code == 400

    row = assert_one_row(Action.LOGIN_FAILED, None)
    assert row.metadata == {"known_account": False}
    assert "nobody" not in str(row.metadata)


def test_logout_leaves_exactly_one_row(api_client, user):
    token = login(api_client, user.email)

    response = api_client.delete(SESSION, HTTP_X_SESSION_TOKEN=token, **CLIENT)
    assert response.status_code == 401  # allauth headless answers a logout with "not authenticated"

    assert_one_row(Action.LOGOUT, user)
    assert UserActivityLog.objects.count() == 2  # login, logout


def test_password_change_leaves_exactly_one_row(api_client, user):
    token = login(api_client, user.email)

    response = api_client.post(
        PASSWORD_CHANGE,
        {"current_password": DEFAULT_PASSWORD, "new_password": "N3w-Horse-Battery-Staple"},
        format="json",
        HTTP_X_SESSION_TOKEN=token,
        **CLIENT,
    )
    assert response.status_code == 200, response.content

    row = assert_one_row(Action.PASSWORD_CHANGE, user)
    assert row.metadata == {"via": "change"}
    assert "N3w-Horse" not in str(row.metadata)
    assert UserActivityLog.objects.exclude(action=Action.LOGIN).count() == 1


def test_profile_change_leaves_one_row_naming_the_fields(api_client, user):
    token = login(api_client, user.email)

    response = api_client.patch(
        ME, {"display_name": "Ana", "daily_xp_goal": 30}, format="json", HTTP_X_SESSION_TOKEN=token, **CLIENT
    )
    assert response.status_code == 200, response.content

    row = assert_one_row(Action.PROFILE_CHANGE, user)
    assert row.metadata == {"fields": ["daily_xp_goal", "display_name"]}


def test_profile_patch_without_a_change_leaves_no_row(api_client, user):
    token = login(api_client, user.email)

    api_client.patch(ME, {"timezone": user.timezone}, format="json", HTTP_X_SESSION_TOKEN=token, **CLIENT)

    assert not UserActivityLog.objects.filter(action=Action.PROFILE_CHANGE).exists()


def test_data_export_leaves_exactly_one_row(api_client, user):
    token = login(api_client, user.email)

    assert api_client.get(EXPORT, HTTP_X_SESSION_TOKEN=token, **CLIENT).status_code == 200

    assert_one_row(Action.DATA_EXPORT, user)


def test_account_deletion_keeps_the_facts_and_clears_the_personal_fields(api_client):
    staff = StaffFactory()
    other = UserFactory()
    token = login(api_client, staff.email)
    login(api_client, other.email)
    # An admin change the departing staff member made, and one an admin made to their account.
    made = system_audit_record(
        source=SystemAuditLog.Source.ADMIN, action="change", actor=staff, target=other, changes={"x": [1, 2]}
    )
    about = system_audit_record(
        source=SystemAuditLog.Source.ADMIN,
        action="change",
        actor=other,
        target=staff,
        changes={"email": [staff.email, "new@example.com"]},
    )

    app_reauthenticate(api_client, token)
    response = api_client.delete(ME, HTTP_X_SESSION_TOKEN=token, **CLIENT)
    assert response.status_code == 204

    assert not User.objects.filter(pk=staff.pk).exists()
    # The departing user's login is still there, without who, where and which device.
    login_row = UserActivityLog.objects.filter(action=Action.LOGIN, user=None).get()
    assert (login_row.ip, login_row.user_agent) == (None, "")
    deletion = UserActivityLog.objects.get(action=Action.ACCOUNT_DELETE)
    assert (deletion.user, deletion.ip, deletion.user_agent) == (None, None, "")
    assert deletion.metadata == {"user_id": staff.pk}
    # The other learner's rows are untouched.
    assert UserActivityLog.objects.get(user=other).ip == "203.0.113.5"

    made.refresh_from_db()
    assert (made.actor, made.actor_repr, made.ip, made.changes) == (None, "", None, {"x": [1, 2]})
    about.refresh_from_db()
    assert about.actor == other
    assert about.target_type == ContentType.objects.get_for_model(User)
    assert about.target_id == str(staff.pk)
    assert about.target_repr == ""
    assert about.changes == {"email": ["***", "***"]}


@pytest.mark.postgres
def test_account_deletion_passes_the_append_only_trigger_on_postgresql(api_client):
    """Redaction and the FK's SET NULL are the only updates the trigger lets through."""
    learner = UserFactory()
    token = login(api_client, learner.email)
    app_reauthenticate(api_client, token)

    assert api_client.delete(ME, HTTP_X_SESSION_TOKEN=token, **CLIENT).status_code == 204

    assert UserActivityLog.objects.filter(user=None, action=Action.LOGIN).count() == 1
