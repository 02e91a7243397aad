"""Health endpoints for load balancers and operators, and the checks `manage.py health` runs too."""

import platform
import uuid

import django
from django.contrib.auth import get_user_model
from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAdminUser
from rest_framework.response import Response
from rest_framework.views import APIView

from config.openapi import errors


@never_cache
@require_GET
def health(request):
    return JsonResponse({"status": "ok"})


def database_health() -> dict:
    """A round trip to the default database and no unapplied migrations: {"status": "ok", ...} or the problem."""
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as exc:  # any database failure means "not healthy", never a 500
        return {"status": "error", "database": "unreachable", "error": exc.__class__.__name__}
    if pending:
        return {
            "status": "error",
            "database": "ok",
            "unapplied_migrations": [f"{m.app_label}.{m.name}" for m, _ in pending],
        }
    return {"status": "ok", "database": "ok", "vendor": connection.vendor}


def cache_health() -> dict:
    """A value written to the default cache (Redis in production), read back and deleted."""
    cache = caches[DEFAULT_CACHE_ALIAS]
    key, value = f"health:{uuid.uuid4().hex}", uuid.uuid4().hex
    try:
        cache.set(key, value, timeout=10)
        stored = cache.get(key)
        cache.delete(key)
    except Exception as exc:  # an unreachable cache is "not healthy" too
        return {"status": "error", "cache": "unreachable", "error": exc.__class__.__name__}
    if stored != value:
        return {"status": "error", "cache": "not storing", "backend": cache.__class__.__name__}
    return {"status": "ok", "cache": "ok", "backend": cache.__class__.__name__}


@never_cache
@require_GET
def health_database(request):
    result = database_health()
    return JsonResponse(result, status=200 if result["status"] == "ok" else 503)


@never_cache
@require_GET
def health_floor(request):
    """The cheapest database-backed answer this server gives: one primary-key lookup, no auth, no DRF.

    bench/ measures it alongside the learner endpoints as the throughput floor they are compared with.
    It reveals nothing (the answer is the same whether or not the row exists).
    """
    get_user_model().objects.filter(pk=1).exists()
    return JsonResponse({"status": "ok"})


class VersionsSerializer(serializers.Serializer):
    python = serializers.CharField()
    django = serializers.CharField()
    database = serializers.CharField(help_text="Vendor, driver and server version.")


class SystemHealthSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["ok"])
    versions = VersionsSerializer()
    counts = serializers.DictField(child=serializers.IntegerField(), help_text="Rows per model (app.Model).")


@method_decorator(never_cache, name="dispatch")
class SystemHealthView(APIView):
    """Versions and row counts, for staff only; an API view so a refusal is JSON (401 anonymous, 403 non-staff)
    like every other, whether the caller signs in with the session cookie or an X-Session-Token."""

    permission_classes = [IsAdminUser]

    @extend_schema(tags=["health"], responses={200: SystemHealthSerializer, **errors(403)})
    def get(self, request):
        """Staff only: Python, Django and database versions and row counts (docs/operations.md)."""
        return Response(SystemHealthSerializer(system_health()).data)


def system_health() -> dict:
    from django.apps import apps

    counts = {}
    for label, model_name in [
        ("accounts", "User"),
        ("courses", "Course"),
        ("courses", "Lesson"),
        ("exercises", "Exercise"),
        ("progress", "UserCourse"),
        ("progress", "UserExerciseInteraction"),
    ]:
        try:
            model = apps.get_model(label, model_name)
        except LookupError:
            continue
        counts[f"{label}.{model_name}"] = model.objects.count()
    connection = connections[DEFAULT_DB_ALIAS]
    return {
        "status": "ok",
        "versions": {
            "python": platform.python_version(),
            "django": django.get_version(),
            "database": f"{connection.vendor} {connection.Database.__name__} "
            + ".".join(map(str, connection.get_database_version())),
        },
        "counts": counts,
    }
