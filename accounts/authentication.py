"""DRF authentication by the session cookie, answering 401 (not 403) to anonymous callers."""

from rest_framework import authentication


class SessionAuthentication(authentication.SessionAuthentication):
    def authenticate_header(self, request):
        # A WWW-Authenticate value makes DRF answer 401 for missing credentials, as DESIGN.md asks.
        return 'Session realm="api"'
