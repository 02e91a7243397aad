"""DRF authentication by allauth's X-Session-Token header, answering 401 (not 403) to anonymous callers.

Its OpenAPI description lives here too, so it is registered whenever DRF loads its authentication classes.
The session cookie (DRF's SessionAuthentication) is the other accepted scheme.
"""

from allauth.headless.contrib.rest_framework.authentication import XSessionTokenAuthentication
from drf_spectacular.extensions import OpenApiAuthenticationExtension


class SessionTokenAuthentication(XSessionTokenAuthentication):
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
