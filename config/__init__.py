"""The project package: settings, URLs, health, error handling and the Celery application."""

from config.celery import app as celery_app

__all__ = ["celery_app"]
