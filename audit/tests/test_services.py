"""The audit write services: IP and user agent, rows' fields, redaction of a departing user."""

import pytest
from django.test import RequestFactory, override_settings

from accounts.tests.factories import UserFactory
from audit.models import SystemAuditLog, UserActivityLog
from audit.services import (
    activity_forget_user,
    activity_record,
    client_ip,
    command_audit_record,
    system_audit_record,
)
from courses.models import Lesson

pytestmark = pytest.mark.django_db


def request(**meta):
    return RequestFactory().get("/", **meta)


def test_client_ip_is_remote_addr_and_ignores_forwarded_for_without_proxies():
    forged = request(REMOTE_ADDR="198.51.100.1", HTTP_X_FORWARDED_FOR="10.9.9.9")

    assert client_ip(forged) == "198.51.100.1"


@override_settings(PROXY_COUNT=1)
def test_client_ip_takes_the_address_the_last_proxy_saw():
    behind_proxy = request(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="10.9.9.9, 203.0.113.50")

    assert client_ip(behind_proxy) == "203.0.113.50"


@override_settings(PROXY_COUNT=2)
def test_client_ip_counts_proxies_from_the_right():
    assert client_ip(request(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.50, 10.0.0.1")) == (
        "203.0.113.50"
    )


@override_settings(PROXY_COUNT=2)
def test_client_ip_falls_back_to_remote_addr_when_the_header_is_short():
    assert client_ip(request(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.50")) == "10.0.0.2"


def test_client_ip_without_request_is_none():
    assert client_ip(None) is None


@override_settings(PROXY_COUNT=1)
def test_forwarded_for_is_honoured_over_http_when_a_proxy_is_configured(learner_client):
    learner_client.get("/api/v1/me/export/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.77")

    assert UserActivityLog.objects.get().ip == "203.0.113.77"


def test_forwarded_for_is_ignored_over_http_without_a_proxy(learner_client):
    learner_client.get("/api/v1/me/export/", REMOTE_ADDR="198.51.100.3", HTTP_X_FORWARDED_FOR="203.0.113.77")

    assert UserActivityLog.objects.get().ip == "198.51.100.3"


def test_activity_record_writes_every_field(user):
    row = activity_record(
        user=user,
        action=UserActivityLog.Action.ENROLL,
        request=request(REMOTE_ADDR="2001:db8::1", HTTP_USER_AGENT="x" * 600),
        metadata={"course": 7},
    )

    row.refresh_from_db()
    assert (row.user, row.action, row.ip, row.metadata) == (user, "enroll", "2001:db8::1", {"course": 7})
    assert row.user_agent == "x" * 512


def test_command_audit_record():
    row = command_audit_record(command="seed", summary={"languages": 3})

    assert (row.source, row.action, row.actor, row.actor_repr, row.summary) == (
        "command",
        "command",
        None,
        "manage.py seed",
        {"languages": 3},
    )


def test_activity_forget_user_clears_only_that_users_personal_fields(lesson):
    leaving, staying = UserFactory(), UserFactory()
    meta = request(REMOTE_ADDR="203.0.113.1", HTTP_USER_AGENT="UA")
    activity_record(user=leaving, action=UserActivityLog.Action.LOGIN, request=meta, metadata={"method": "password"})
    kept = activity_record(user=staying, action=UserActivityLog.Action.LOGIN, request=meta)
    on_lesson = system_audit_record(
        source="admin", action="change", actor=leaving, target=lesson, changes={"title": ["a", "b"]}, request=meta
    )

    activity_forget_user(user=leaving)

    row = UserActivityLog.objects.get(metadata={"method": "password"})
    assert (row.user, row.ip, row.user_agent, row.action) == (None, None, "", "login")
    kept.refresh_from_db()
    assert (kept.user, kept.ip) == (staying, "203.0.113.1")
    on_lesson.refresh_from_db()
    assert (on_lesson.actor, on_lesson.actor_repr, on_lesson.ip) == (None, "", None)
    # A lesson is not personal data: its values stay.
    assert (on_lesson.target_repr, on_lesson.changes) == ("Old", {"title": ["a", "b"]})
    assert Lesson.objects.filter(pk=on_lesson.target_id).exists()
    assert SystemAuditLog.objects.count() == 1
