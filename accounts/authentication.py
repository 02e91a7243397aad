"""DRF authentication by allauth's X-Session-Token header, answering 401 (not 403) to anonymous callers.

A request without credentials is refused with `not_authenticated`; one whose X-Session-Token names no live
session (unknown, expired, signed out) with `authentication_failed`, so a client knows to sign in again.

Its OpenAPI description lives here too, so it is registered whenever DRF loads its authentication classes.
The session cookie (DRF's SessionAuthentication) is the other accepted scheme.
"""

from importlib import import_module

from allauth.headless.contrib.rest_framework.authentication import XSessionTokenAuthentication
from allauth.headless.tokens.strategies.sessions import SessionTokenStrategy as AllauthSessionTokenStrategy
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.base import VALID_KEY_CHARS, SessionBase
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.exceptions import AuthenticationFailed

SESSION_KEY_CHARS = frozenset(VALID_KEY_CHARS)
SESSION_KEY_MAX_LENGTH = 40  # django_session.session_key


class SessionTokenStrategy(AllauthSessionTokenStrategy):
    """allauth's session tokens, looked up in one session-store read instead of `exists()` and then a load.

    With sessions in the cache that is one round trip per authenticated request instead of two. A token that
    Django could not have made (other characters, too long) is no session, without any round trip: a bogus
    token would otherwise miss the cache and cost a database query, and control characters in it would
    become part of a cache key.
    """

    def lookup_session(self, session_token: str) -> SessionBase | None:
        if len(session_token) > SESSION_KEY_MAX_LENGTH or not SESSION_KEY_CHARS.issuperset(session_token):
            return None
        session = import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_token)
        session.get(SESSION_KEY)  # loads it; a missing, expired or malformed key leaves no session_key
        return session if session.session_key else None


class SessionTokenAuthentication(XSessionTokenAuthentication):
    def authenticate(self, request):
        token = self.get_session_token(request)
        if not token:
            return None
        authenticated = super().authenticate(request)
        if authenticated is None:
            raise AuthenticationFailed("The session token is invalid or has expired; sign in again.")
        return authenticated

    def authenticate_header(self, request):
        # A WWW-Authenticate value makes DRF answer 401 for missing credentials, as DESIGN.md asks.
        return "X-Session-Token"


class SessionTokenScheme(OpenApiAuthenticationExtension):
    target_class = SessionTokenAuthentication
    name = "sessionToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "X-Session-Token",
            "description": "Session token from allauth's headless app API (/_allauth/app/v1/auth/login).",
        }
