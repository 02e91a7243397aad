"""allauth's phone-number endpoints are not offered: 404 in allauth's shape, for every caller and method."""

import pytest

from accounts.tests.factories import app_login

pytestmark = pytest.mark.django_db

ROUTES = ["account/phone", "auth/phone/verify", "auth/phone/verify/resend"]
NOT_OFFERED = {
    "status": 404,
    "errors": [{"code": "phone_not_offered", "message": "This service identifies accounts by email only."}],
}


@pytest.mark.parametrize("client_kind", ["app", "browser"])
@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete", "options"])
def test_anonymous_callers_get_404(api_client, client_kind, route, method):
    response = getattr(api_client, method)(f"/_allauth/{client_kind}/v1/{route}", {"phone": "+31612345678"})
    assert response.status_code == 404
    assert response.json() == NOT_OFFERED


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("method", ["get", "post", "put", "delete"])
def test_signed_in_learners_get_404(api_client, user, route, method):
    token = app_login(api_client, user.email)
    response = getattr(api_client, method)(
        f"/_allauth/app/v1/{route}", {"phone": "+31612345678"}, format="json", HTTP_X_SESSION_TOKEN=token
    )
    assert response.status_code == 404
    assert response.json() == NOT_OFFERED


def test_the_email_endpoints_next_to_them_still_work(api_client, user):
    token = app_login(api_client, user.email)
    response = api_client.get("/_allauth/app/v1/account/email", HTTP_X_SESSION_TOKEN=token)
    assert response.status_code == 200
    assert [address["email"] for address in response.json()["data"]] == [user.email]
