"""The Celery application of the project: configuration from Django's settings (CELERY_*), tasks from every app."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("lingo")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
