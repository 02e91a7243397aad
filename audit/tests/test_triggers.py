"""On PostgreSQL the database itself keeps both audit tables append-only."""

import datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from accounts.tests.factories import UserFactory
from audit.models import SystemAuditLog, UserActivityLog
from audit.services import activity_forget_user, audit_prune
from audit.tests.factories import SystemAuditLogFactory, UserActivityLogFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture
def activity_row():
    return UserActivityLogFactory(created_at=timezone.now() - datetime.timedelta(days=100))


@pytest.fixture
def system_row():
    return SystemAuditLogFactory(created_at=timezone.now() - datetime.timedelta(days=100))


def raw(sql, params=()):
    # A savepoint, so the rejected statement does not poison the test's transaction.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_raw_update_of_an_activity_row_raises(activity_row):
    with pytest.raises(IntegrityError, match="append-only"):
        raw("UPDATE audit_useractivitylog SET action = 'logout' WHERE id = %s", [activity_row.pk])
    activity_row.refresh_from_db()
    assert activity_row.action == "login"


def test_raw_delete_of_an_activity_row_raises(activity_row):
    with pytest.raises(IntegrityError, match="append-only"):
        raw("DELETE FROM audit_useractivitylog WHERE id = %s", [activity_row.pk])
    assert UserActivityLog.objects.filter(pk=activity_row.pk).exists()


def test_raw_update_of_a_system_row_raises(system_row):
    with pytest.raises(IntegrityError, match="append-only"):
        raw("UPDATE audit_systemauditlog SET summary = '{}'::jsonb WHERE id = %s", [system_row.pk])
    system_row.refresh_from_db()
    assert system_row.summary == {"created": 1}


def test_raw_delete_of_a_system_row_raises(system_row):
    with pytest.raises(IntegrityError, match="append-only"):
        raw("DELETE FROM audit_systemauditlog WHERE id = %s", [system_row.pk])
    assert SystemAuditLog.objects.filter(pk=system_row.pk).exists()


def test_orm_update_and_delete_raise_too(activity_row, system_row):
    for queryset, change in (
        (UserActivityLog.objects.all(), {"ip": None}),
        (SystemAuditLog.objects.all(), {"actor_repr": ""}),
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            queryset.update(**change)
        with pytest.raises(IntegrityError), transaction.atomic():
            queryset.delete()


def test_the_redaction_flag_allows_only_that_users_personal_fields():
    leaving, other = UserFactory(), UserFactory()
    mine = UserActivityLogFactory(user=leaving)
    theirs = UserActivityLogFactory(user=other)
    with transaction.atomic():
        raw("SELECT set_config('audit.redact_user', %s, true)", [str(leaving.pk)])
        with pytest.raises(IntegrityError):  # another user's row
            raw("UPDATE audit_useractivitylog SET ip = NULL WHERE id = %s", [theirs.pk])
        with pytest.raises(IntegrityError):  # a fact, not a personal field
            raw("UPDATE audit_useractivitylog SET action = 'logout' WHERE id = %s", [mine.pk])
        with pytest.raises(IntegrityError):  # personal fields may be cleared, not rewritten
            raw("UPDATE audit_useractivitylog SET ip = '10.0.0.1' WHERE id = %s", [mine.pk])
        raw("UPDATE audit_useractivitylog SET user_id = NULL, ip = NULL, user_agent = '' WHERE id = %s", [mine.pk])
    mine.refresh_from_db()
    assert (mine.user, mine.ip, mine.user_agent, mine.action) == (None, None, "", "login")


def test_the_redaction_flag_ends_with_its_transaction():
    leaving = UserFactory()
    row = UserActivityLogFactory(user=leaving)
    with transaction.atomic():
        activity_forget_user(user=UserFactory())  # sets the flag for someone else, in a nested block
    with pytest.raises(IntegrityError):
        raw("UPDATE audit_useractivitylog SET ip = NULL WHERE id = %s", [row.pk])


def test_the_prune_flag_allows_deleting_only_rows_older_than_the_cutoff(activity_row):
    recent = UserActivityLogFactory()
    with transaction.atomic():
        raw("SELECT set_config('audit.allow_prune', 'on', true)")
        raw(
            "SELECT set_config('audit.prune_before', %s, true)",
            [(timezone.now() - datetime.timedelta(days=1)).isoformat()],
        )
        with pytest.raises(IntegrityError):
            raw("DELETE FROM audit_useractivitylog WHERE id = %s", [recent.pk])
        raw("DELETE FROM audit_useractivitylog WHERE id = %s", [activity_row.pk])
    assert list(UserActivityLog.objects.values_list("pk", flat=True)) == [recent.pk]


def test_after_a_prune_the_transaction_cannot_delete_any_more(activity_row, system_row):
    newer = UserActivityLogFactory(created_at=timezone.now() - datetime.timedelta(days=50))
    with transaction.atomic():
        result = audit_prune(before=timezone.localdate() - datetime.timedelta(days=60))
        assert (result.activity_deleted, result.system_deleted) == (1, 1)
        with pytest.raises(IntegrityError):
            raw("DELETE FROM audit_useractivitylog WHERE id = %s", [newer.pk])
    assert SystemAuditLog.objects.get().actor_repr == "manage.py prune_audit"
