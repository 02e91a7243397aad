"""WSGI entry point: `granian --interface wsgi config.wsgi:application` in production (docs/operations.md), or
`gunicorn config.wsgi`."""

import os

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

if not settings.DEBUG and settings.SECRET_KEY == settings.DEVELOPMENT_SECRET_KEY:
    raise ImproperlyConfigured("Set the SECRET_KEY environment variable: the development key cannot serve production.")
