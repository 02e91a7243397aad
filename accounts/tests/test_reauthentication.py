"""DELETE me/ needs a recent re-authentication (allauth's), over allauth's real endpoints, app and browser."""

import pytest
import time_machine
from allauth.socialaccount.models import SocialAccount
from django.utils import timezone

from accounts.models import User
from accounts.tests.factories import DEFAULT_PASSWORD, UserFactory, app_login, app_reauthenticate

pytestmark = pytest.mark.django_db

ME = "/api/v1/me/"


def reauthentication_required(user, *, methods):
    return {
        "detail": "To delete your account, confirm your password (POST /_allauth/{app|browser}/v1/auth/reauthenticate)"
        " and try again within 300 seconds.",
        "code": "reauthentication_required",
        "status": 401,
        "data": {
            "user": {"id": user.pk, "display": user.email, "email": user.email, "has_usable_password": True},
            "methods": methods,
            "flows": [{"id": "reauthenticate"}],
        },
        "meta": {"is_authenticated": True},
    }


def test_an_app_session_must_reauthenticate_before_deleting_the_account(api_client):
    learner = UserFactory(display_name="")
    token = app_login(api_client, learner.email)

    refused = api_client.delete(ME, HTTP_X_SESSION_TOKEN=token)
    assert refused.status_code == 401
    assert refused["WWW-Authenticate"] == "X-Session-Token"
    body = refused.json()
    assert [m["method"] for m in body["data"]["methods"]] == ["password"]
    assert body == reauthentication_required(learner, methods=body["data"]["methods"])
    assert User.objects.filter(pk=learner.pk).exists()

    app_reauthenticate(api_client, token)
    assert api_client.delete(ME, HTTP_X_SESSION_TOKEN=token).status_code == 204
    assert not User.objects.filter(pk=learner.pk).exists()


def test_a_browser_session_must_reauthenticate_before_deleting_the_account(client):
    learner = UserFactory()
    login = client.post(
        "/_allauth/browser/v1/auth/login",
        {"email": learner.email, "password": DEFAULT_PASSWORD},
        content_type="application/json",
    )
    assert login.status_code == 200, login.content

    refused = client.delete(ME)
    assert (refused.status_code, refused.json()["code"]) == (401, "reauthentication_required")
    assert refused.json()["data"]["flows"] == [{"id": "reauthenticate"}]

    wrong = client.post(
        "/_allauth/browser/v1/auth/reauthenticate", {"password": "not-it"}, content_type="application/json"
    )
    assert wrong.status_code == 400
    assert client.delete(ME).status_code == 401

    again = client.post(
        "/_allauth/browser/v1/auth/reauthenticate", {"password": DEFAULT_PASSWORD}, content_type="application/json"
    )
    assert again.status_code == 200, again.content
    assert client.delete(ME).status_code == 204
    assert not User.objects.filter(pk=learner.pk).exists()


def test_a_reauthentication_counts_for_five_minutes_only(api_client):
    learner = UserFactory()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        token = app_login(api_client, learner.email)
        app_reauthenticate(api_client, token)
    with time_machine.travel(start.timestamp() + 301, tick=False):
        refused = api_client.delete(ME, HTTP_X_SESSION_TOKEN=token)
    assert (refused.status_code, refused.json()["code"]) == (401, "reauthentication_required")
    assert User.objects.filter(pk=learner.pk).exists()


def test_reauthenticating_one_session_does_not_unlock_another(api_client):
    learner = UserFactory()
    stolen = app_login(api_client, learner.email)
    api_client.credentials()
    own = app_login(api_client, learner.email)
    app_reauthenticate(api_client, own)
    assert api_client.delete(ME, HTTP_X_SESSION_TOKEN=stolen).status_code == 401
    assert api_client.delete(ME, HTTP_X_SESSION_TOKEN=own).status_code == 204


def test_a_learner_without_a_password_must_have_signed_in_recently(learner_client):
    # allauth cannot re-authenticate at a social provider: a sign-in within the timeout is what counts, and
    # the answer names the provider flows to sign in again with.
    learner = learner_client.user
    learner.set_unusable_password()
    learner.save()
    SocialAccount.objects.create(user=learner, provider="google", uid="g-42")
    refused = learner_client.delete(ME)  # force_authenticate: a session with no sign-in at all
    assert refused.status_code == 401
    assert refused.json()["detail"] == (
        "To delete your account, sign in again with your provider and try again within 300 seconds."
    )
    assert refused.json()["data"]["flows"] == [
        {"id": "provider_token", "providers": ["google"]},
        {"id": "provider_redirect", "providers": ["google"]},
    ]
    assert User.objects.filter(pk=learner.pk).exists()
