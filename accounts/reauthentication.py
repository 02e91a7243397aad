"""Account actions that a stolen session token must not be enough for (deleting the account) need a recent
re-authentication: allauth's own, in the session that signed the request in.

A learner with a password re-authenticates with allauth's headless flow
(`POST /_allauth/{app,browser}/v1/auth/reauthenticate {"password"}`), which marks the session; allauth's check
then holds for ACCOUNT_REAUTHENTICATION_TIMEOUT seconds. allauth offers no re-authentication at a social
provider, so a learner without a password must have signed in with the provider within that time (a fresh sign-in
gives a fresh session token).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from http import HTTPStatus
from types import SimpleNamespace
from typing import Any

from allauth.account import app_settings as account_settings
from allauth.account.authentication import get_authentication_records
from allauth.account.internal.flows.reauthentication import did_recently_reauthenticate, get_reauthentication_flows
from allauth.headless.adapter import get_adapter as get_headless_adapter
from django.contrib.sessions.backends.base import SessionBase
from rest_framework.request import Request


def _signed_in_session(request: Request) -> SimpleNamespace:
    """The request as allauth's checks read it: the user, and the session that authenticated this request (the
    one an X-Session-Token names, else the cookie's)."""
    session = request.auth if isinstance(request.auth, SessionBase) else request._request.session
    return SimpleNamespace(user=request.user, session=session)


def _provider_flows(user) -> list[dict[str, Any]]:
    providers = sorted({account.provider for account in user.socialaccount_set.all()})
    if not providers:
        return []
    return [{"id": "provider_token", "providers": providers}, {"id": "provider_redirect", "providers": providers}]


def recently_authenticated(request: Request) -> bool:
    signed_in = _signed_in_session(request)
    if get_reauthentication_flows(signed_in.user):
        return did_recently_reauthenticate(signed_in)
    records = get_authentication_records(signed_in, signed_in.user)
    return bool(records) and time.time() - records[-1]["at"] < account_settings.REAUTHENTICATION_TIMEOUT


@dataclass(frozen=True)
class ReauthenticationRequired:
    """allauth's headless 401 for a session that must re-authenticate (`data.flows` says how), with our error
    shape's `detail` and `code` (accounts.api.serializers.ReauthenticationRequiredSerializer writes it)."""

    detail: str
    data: dict[str, Any]
    code: str = "reauthentication_required"
    status: int = HTTPStatus.UNAUTHORIZED
    meta: dict[str, Any] = field(default_factory=lambda: {"is_authenticated": True})


def reauthentication_required(request: Request, *, action: str) -> ReauthenticationRequired:
    signed_in = _signed_in_session(request)
    flows = get_reauthentication_flows(signed_in.user) or _provider_flows(signed_in.user)
    if any(flow["id"] == "reauthenticate" for flow in flows):
        how = "confirm your password (POST /_allauth/{app|browser}/v1/auth/reauthenticate)"
    else:
        how = "sign in again with your provider"
    return ReauthenticationRequired(
        detail=f"To {action}, {how} and try again within {account_settings.REAUTHENTICATION_TIMEOUT} seconds.",
        data={
            "user": get_headless_adapter().serialize_user(signed_in.user),
            "methods": get_authentication_records(signed_in, signed_in.user),
            "flows": flows,
        },
    )
