"""TikTok login for app clients: a TikTok access token is checked against TikTok's user-info endpoint.

allauth's TikTok provider only knows the browser redirect flow. An app client that already holds
a TikTok access token posts it to `/_allauth/app/v1/auth/provider/token`; we ask TikTok who the
token belongs to and log that account in. TikTok sends no email address, so a new learner
goes through allauth's `provider_signup` step and gives one (email is our login).
"""

from __future__ import annotations

import requests
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.providers.tiktok.provider import TikTokProvider as BaseTikTokProvider
from django.conf import settings


class TikTokProvider(BaseTikTokProvider):
    supports_token_authentication = True
    # URLs and templates stay allauth's own.
    package = "allauth.socialaccount.providers.tiktok"

    def verify_token(self, request, token):
        access_token = token.get("access_token")
        if not access_token:
            raise get_adapter().validation_error("invalid_token")
        try:
            with get_adapter().get_requests_session() as session:
                response = session.get(
                    settings.TIKTOK_USER_INFO_URL,
                    headers={"Authorization": f"Bearer {access_token}"},
                    params={"fields": "open_id,union_id,display_name,avatar_url,username"},
                    timeout=10,
                )
            response.raise_for_status()
            payload = response.json()
        except (requests.RequestException, ValueError) as exc:
            raise get_adapter().validation_error("invalid_token") from exc
        error = payload.get("error") or {}
        user_info = (payload.get("data") or {}).get("user") or {}
        if error.get("code") not in (None, "ok") or not user_info.get("open_id"):
            raise get_adapter().validation_error("invalid_token")
        return self.sociallogin_from_response(request, user_info)


provider_classes = [TikTokProvider]
