"""Learners and signed-in clients for every app's tests: users, staff, and sessions made through allauth."""

import factory
from allauth.account.models import EmailAddress
from rest_framework.test import APIClient

from accounts.models import User

DEFAULT_PASSWORD = "Corr3ct-Horse-Battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"learner{n}@example.com")
    display_name = factory.Faker("name")
    timezone = "UTC"
    password = factory.django.Password(DEFAULT_PASSWORD)

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        if create:
            EmailAddress.objects.create(user=self, email=self.email, primary=True, verified=True)


class StaffFactory(UserFactory):
    is_staff = True


class SuperuserFactory(UserFactory):
    is_staff = True
    is_superuser = True


def app_login(client: APIClient, email: str, password: str = DEFAULT_PASSWORD) -> str:
    """Log in through allauth's headless app API and return the session token."""
    response = client.post("/_allauth/app/v1/auth/login", {"email": email, "password": password}, format="json")
    assert response.status_code == 200, response.content
    return response.json()["meta"]["session_token"]


def app_reauthenticate(client: APIClient, token: str, password: str = DEFAULT_PASSWORD) -> None:
    """Confirm the password in the app session `token` names (allauth's reauthentication), as DELETE me/ needs."""
    response = client.post(
        "/_allauth/app/v1/auth/reauthenticate", {"password": password}, format="json", HTTP_X_SESSION_TOKEN=token
    )
    assert response.status_code == 200, response.content


def token_client(user) -> APIClient:
    """A client signed in the way the mobile app is: allauth's X-Session-Token header."""
    client = APIClient()
    client.token = app_login(APIClient(), user.email)
    client.credentials(HTTP_X_SESSION_TOKEN=client.token)
    client.user = user
    return client
