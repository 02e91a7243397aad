"""Google and TikTok logins against fake providers on loopback."""

from urllib.parse import parse_qs, urlparse

import pytest
import time_machine
from allauth.socialaccount.models import SocialAccount
from allauth.socialaccount.providers.google import views as google_views
from allauth.socialaccount.providers.tiktok.views import TikTokOAuth2Adapter
from django.test import override_settings
from django.utils import timezone

from accounts.models import User
from accounts.tests.fake_providers import FakeProviderServer, GoogleSigner

pytestmark = pytest.mark.django_db

GOOGLE_CLIENT_ID = "google-client.apps.example"
TIKTOK_CLIENT_ID = "tiktok-client-key"
PROVIDERS = {
    "google": {"APPS": [{"client_id": GOOGLE_CLIENT_ID, "secret": "g-secret"}], "SCOPE": ["openid", "email"]},
    "tiktok": {
        "APPS": [{"client_id": TIKTOK_CLIENT_ID, "secret": "t-secret"}],
        "provider_class": "accounts.social.TikTokProvider",
    },
}
TIKTOK_USER = {"open_id": "tt-open-42", "union_id": "u-1", "display_name": "Tik Toker", "avatar_url": ""}


@pytest.fixture
def google(monkeypatch):
    signer = GoogleSigner()
    with FakeProviderServer() as server:
        server.handlers["/oauth2/v1/certs"] = lambda headers, body: (200, signer.certs)
        monkeypatch.setattr(google_views, "CERTS_URL", f"{server.url}/oauth2/v1/certs")
        with override_settings(SOCIALACCOUNT_PROVIDERS=PROVIDERS):
            yield signer


def tiktok_user_info(headers, body):
    if headers.get("Authorization") != "Bearer good-token":
        return 401, {"data": {}, "error": {"code": "access_token_invalid", "message": "The access token is invalid."}}
    return 200, {"data": {"user": TIKTOK_USER}, "error": {"code": "ok", "message": ""}}


@pytest.fixture
def tiktok(monkeypatch):
    with FakeProviderServer() as server:
        server.handlers["/v2/user/info/"] = tiktok_user_info
        server.handlers["/v2/oauth/token/"] = lambda headers, body: (
            200,
            {"access_token": "good-token", "expires_in": 86400, "open_id": "tt-open-42", "token_type": "Bearer"},
        )
        monkeypatch.setattr(TikTokOAuth2Adapter, "access_token_url", f"{server.url}/v2/oauth/token/")
        monkeypatch.setattr(TikTokOAuth2Adapter, "profile_url", f"{server.url}/v2/user/info/")
        with override_settings(SOCIALACCOUNT_PROVIDERS=PROVIDERS, TIKTOK_USER_INFO_URL=f"{server.url}/v2/user/info/"):
            yield server


def test_providers_without_credentials_are_not_offered(api_client):
    config = api_client.get("/_allauth/app/v1/config").json()
    assert config["data"]["socialaccount"]["providers"] == []


def test_configured_providers_are_offered_with_token_support(api_client, google):
    providers = api_client.get("/_allauth/app/v1/config").json()["data"]["socialaccount"]["providers"]
    assert {p["id"]: p.get("flows") for p in providers} == {
        "google": ["provider_redirect", "provider_token"],
        "tiktok": ["provider_redirect", "provider_token"],
    }


def test_google_id_token_login_creates_the_learner_and_returns_a_session_token(api_client, google):
    token = google.id_token(client_id=GOOGLE_CLIENT_ID, sub="g-1001", email="Ana@Example.com", name="Ana Lima")
    response = api_client.post(
        "/_allauth/app/v1/auth/provider/token",
        {"provider": "google", "process": "login", "token": {"client_id": GOOGLE_CLIENT_ID, "id_token": token}},
        format="json",
    )
    assert response.status_code == 200, response.content
    session_token = response.json()["meta"]["session_token"]
    me = api_client.get("/api/v1/me/", HTTP_X_SESSION_TOKEN=session_token)
    assert me.status_code == 200
    assert me.json()["email"].lower() == "ana@example.com"
    assert me.json()["display_name"] == "Ana Lima"
    assert SocialAccount.objects.get(provider="google").uid == "g-1001"


def test_a_provider_email_over_254_characters_is_not_cut_short_but_asked_for(api_client, google):
    too_long = "a" * 60 + "@" + "b" * 63 + "." + "c" * 63 + "." + "d" * 63 + ".com"  # 255 characters
    token = google.id_token(client_id=GOOGLE_CLIENT_ID, sub="g-3003", email=too_long)
    response = api_client.post(
        "/_allauth/app/v1/auth/provider/token",
        {"provider": "google", "process": "login", "token": {"client_id": GOOGLE_CLIENT_ID, "id_token": token}},
        format="json",
    )
    # No address to use: allauth holds a pending provider sign-up, as for TikTok, and creates no account.
    assert response.status_code == 401, response.content
    assert [f["id"] for f in response.json()["data"]["flows"] if f.get("is_pending")] == ["provider_signup"]
    assert not User.objects.exists()
    session_token = response.json()["meta"]["session_token"]

    refused = api_client.post(
        "/_allauth/app/v1/auth/provider/signup", {"email": too_long}, format="json", HTTP_X_SESSION_TOKEN=session_token
    )
    assert refused.status_code == 400
    assert [(e["param"], e["code"]) for e in refused.json()["errors"]] == [("email", "email_too_long")]

    accepted = api_client.post(
        "/_allauth/app/v1/auth/provider/signup",
        {"email": "ana@example.com"},
        format="json",
        HTTP_X_SESSION_TOKEN=session_token,
    )
    assert accepted.status_code == 200, accepted.content
    assert User.objects.get().email == "ana@example.com"


def test_a_learner_without_a_password_deletes_the_account_only_soon_after_signing_in(api_client, google):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        token = google.id_token(client_id=GOOGLE_CLIENT_ID, sub="g-4004", email="ana@example.com")
        response = api_client.post(
            "/_allauth/app/v1/auth/provider/token",
            {"provider": "google", "process": "login", "token": {"client_id": GOOGLE_CLIENT_ID, "id_token": token}},
            format="json",
        )
        assert response.status_code == 200, response.content
        session_token = response.json()["meta"]["session_token"]
    with time_machine.travel(start.timestamp() + 301, tick=False):
        stale = api_client.delete("/api/v1/me/", HTTP_X_SESSION_TOKEN=session_token)
    assert (stale.status_code, stale.json()["code"]) == (401, "reauthentication_required")
    with time_machine.travel(start.timestamp() + 60, tick=False):
        assert api_client.delete("/api/v1/me/", HTTP_X_SESSION_TOKEN=session_token).status_code == 204
    assert not User.objects.exists()


def test_google_login_reaches_an_existing_account_with_the_same_email(api_client, google):
    existing = User.objects.create_user(email="ana@example.com", password="x-Very-secret-1")
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=existing, email=existing.email, verified=True, primary=True)
    token = google.id_token(client_id=GOOGLE_CLIENT_ID, sub="g-2002", email="ana@example.com")
    response = api_client.post(
        "/_allauth/app/v1/auth/provider/token",
        {"provider": "google", "process": "login", "token": {"client_id": GOOGLE_CLIENT_ID, "id_token": token}},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert User.objects.count() == 1
    assert SocialAccount.objects.get().user == existing


@pytest.mark.parametrize(
    "claims",
    [
        {"aud": "someone-else"},
        {"iss": "https://evil.example"},
        {"exp": 1_000_000_000},
    ],
)
def test_google_token_with_wrong_audience_issuer_or_expiry_is_refused(api_client, google, claims):
    token = google.id_token(client_id=GOOGLE_CLIENT_ID, sub="g-1", email="x@example.com", **claims)
    response = api_client.post(
        "/_allauth/app/v1/auth/provider/token",
        {"provider": "google", "process": "login", "token": {"client_id": GOOGLE_CLIENT_ID, "id_token": token}},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "invalid_token"
    assert User.objects.count() == 0


def test_google_token_signed_by_another_key_is_refused(api_client, google):
    forged = GoogleSigner(kid=google.kid).id_token(client_id=GOOGLE_CLIENT_ID, sub="g-1", email="x@example.com")
    response = api_client.post(
        "/_allauth/app/v1/auth/provider/token",
        {"provider": "google", "process": "login", "token": {"client_id": GOOGLE_CLIENT_ID, "id_token": forged}},
        format="json",
    )
    assert response.status_code == 400
    assert User.objects.count() == 0


def test_tiktok_access_token_login_asks_for_an_email_then_signs_up(api_client, tiktok):
    response = api_client.post(
        "/_allauth/app/v1/auth/provider/token",
        {
            "provider": "tiktok",
            "process": "login",
            "token": {"client_id": TIKTOK_CLIENT_ID, "access_token": "good-token"},
        },
        format="json",
    )
    # TikTok gives no email, and email is the login: allauth holds a pending provider sign-up.
    assert response.status_code == 401, response.content
    body = response.json()
    pending = [flow for flow in body["data"]["flows"] if flow.get("is_pending")]
    assert pending == [{"id": "provider_signup", "provider": pending[0]["provider"], "is_pending": True}]
    assert pending[0]["provider"]["id"] == "tiktok"
    session_token = body["meta"]["session_token"]

    response = api_client.post(
        "/_allauth/app/v1/auth/provider/signup",
        {"email": "toker@example.com"},
        format="json",
        HTTP_X_SESSION_TOKEN=session_token,
    )
    assert response.status_code == 200, response.content
    token = response.json()["meta"]["session_token"]
    me = api_client.get("/api/v1/me/", HTTP_X_SESSION_TOKEN=token).json()
    assert me["email"] == "toker@example.com"
    assert me["display_name"] == "Tik Toker"
    account = SocialAccount.objects.get(provider="tiktok")
    assert account.uid == "tt-open-42"
    # The access token was checked against the user-info endpoint with a Bearer header.
    assert any(h.get("Authorization") == "Bearer good-token" for _, _, h in tiktok.requests)

    # The second time, the same TikTok account logs straight in.
    response = api_client.post(
        "/_allauth/app/v1/auth/provider/token",
        {
            "provider": "tiktok",
            "process": "login",
            "token": {"client_id": TIKTOK_CLIENT_ID, "access_token": "good-token"},
        },
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["data"]["user"]["email"] == "toker@example.com"


@pytest.mark.parametrize("token", [{"access_token": "revoked-token"}, {}])
def test_tiktok_invalid_or_missing_access_token_is_refused(api_client, tiktok, token):
    response = api_client.post(
        "/_allauth/app/v1/auth/provider/token",
        {"provider": "tiktok", "process": "login", "token": {"client_id": TIKTOK_CLIENT_ID, **token}},
        format="json",
    )
    assert response.status_code == 400
    assert User.objects.count() == 0


def test_tiktok_unreachable_user_info_endpoint_is_a_400_not_a_500(api_client, tiktok):
    with override_settings(TIKTOK_USER_INFO_URL="http://127.0.0.1:9/v2/user/info/"):
        response = api_client.post(
            "/_allauth/app/v1/auth/provider/token",
            {"provider": "tiktok", "process": "login", "token": {"client_id": TIKTOK_CLIENT_ID, "access_token": "x"}},
            format="json",
        )
    assert response.status_code == 400


def test_tiktok_browser_redirect_flow_signs_up(client, tiktok):
    response = client.post(
        "/_allauth/browser/v1/auth/provider/redirect",
        {"provider": "tiktok", "callback_url": "/after-login", "process": "login"},
    )
    assert response.status_code == 302
    authorize = urlparse(response["Location"])
    query = parse_qs(authorize.query)
    assert authorize.netloc == "www.tiktok.com"
    assert query["client_key"] == [TIKTOK_CLIENT_ID]

    response = client.get("/accounts/tiktok/login/callback/", {"code": "auth-code", "state": query["state"][0]})
    assert response.status_code == 302
    session = client.get("/_allauth/browser/v1/auth/session").json()
    assert [f["id"] for f in session["data"]["flows"] if f.get("is_pending")] == ["provider_signup"]

    response = client.post(
        "/_allauth/browser/v1/auth/provider/signup", {"email": "browser@example.com"}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert client.get("/api/v1/me/").json()["email"] == "browser@example.com"
    assert SocialAccount.objects.get(provider="tiktok").user.email == "browser@example.com"


@pytest.mark.parametrize("provider", ["google", "tiktok"])
@pytest.mark.parametrize("page", ["login/", "login/callback/"])
def test_pages_of_a_provider_without_credentials_are_404_not_500(client, provider, page):
    with override_settings(SOCIALACCOUNT_PROVIDERS={**PROVIDERS, provider: {**PROVIDERS[provider], "APPS": []}}):
        response = client.get(f"/accounts/{provider}/{page}")
    assert response.status_code == 404


def test_the_login_page_of_a_configured_provider_still_answers(client):
    with override_settings(SOCIALACCOUNT_PROVIDERS=PROVIDERS):
        response = client.get("/accounts/google/login/")
    assert response.status_code == 200
    assert b"google" in response.content.lower()
