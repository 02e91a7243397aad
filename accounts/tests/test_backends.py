"""The session's user is found as Django's ModelBackend finds it, by both configured backends."""

import pytest
from django.contrib.auth import backends as django_backends
from rest_framework.test import APIClient

from accounts.backends import AuthenticationBackend, ModelBackend
from accounts.tests.factories import UserFactory, app_login

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("backend", [ModelBackend(), AuthenticationBackend()], ids=["model", "allauth"])
def test_get_user_answers_as_djangos_model_backend(backend):
    user, inactive = UserFactory(display_name="Ana"), UserFactory(is_active=False)
    found = backend.get_user(str(user.pk))  # the session holds the id as text
    assert (found.pk, found.email, found.display_name, found.timezone) == (user.pk, user.email, "Ana", "UTC")
    assert found.get_session_auth_hash() == user.get_session_auth_hash()
    reference = django_backends.ModelBackend()
    for user_id in [user.pk + 1000, str(inactive.pk)]:
        assert backend.get_user(user_id) is None
        assert reference.get_user(user_id) is None
    # Sessions are server-side, so a malformed id is not expected; Django's backend raises on one, this is no user.
    assert backend.get_user("not-a-number") is None


def test_a_deactivated_learners_session_token_stops_working():
    user = UserFactory()
    client = APIClient()
    client.credentials(HTTP_X_SESSION_TOKEN=app_login(APIClient(), user.email))
    assert client.get("/api/v1/me/").json()["id"] == user.pk
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert client.get("/api/v1/me/").status_code == 401
