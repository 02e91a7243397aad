"""manage.py prune_audit --before DATE: deletes only older rows, in both tables, and logs itself."""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from audit.models import SystemAuditLog, UserActivityLog
from audit.tests.factories import SystemAuditLogFactory, UserActivityLogFactory

pytestmark = pytest.mark.django_db(transaction=True)


def at(day: str, hour: int = 12) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(hour)))


@pytest.fixture
def history():
    return {
        "old_activity": UserActivityLogFactory(created_at=at("2024-12-31", 23)),
        "new_activity": UserActivityLogFactory(created_at=at("2025-01-01", 0)),
        "old_system": SystemAuditLogFactory(created_at=at("2024-06-01")),
        "new_system": SystemAuditLogFactory(created_at=at("2025-03-01")),
    }


def prune(*args):
    out = StringIO()
    call_command("prune_audit", *args, stdout=out)
    return out.getvalue()


def test_deletes_only_rows_older_than_the_date_and_logs_itself(history):
    output = prune("--before", "2025-01-01")

    assert output.strip() == "Deleted 1 activity row(s) and 1 system audit row(s) created before 2025-01-01."
    assert set(UserActivityLog.objects.values_list("pk", flat=True)) == {history["new_activity"].pk}
    kept = SystemAuditLog.objects.exclude(actor_repr="manage.py prune_audit")
    assert set(kept.values_list("pk", flat=True)) == {history["new_system"].pk}
    log = SystemAuditLog.objects.get(actor_repr="manage.py prune_audit")
    assert (log.source, log.action, log.actor) == ("command", "command", None)
    assert log.summary == {"before": "2025-01-01", "activity_deleted": 1, "system_deleted": 1}


def test_dry_run_deletes_nothing_and_logs_nothing(history):
    output = prune("--before", "2025-01-01", "--dry-run")

    assert output.strip() == "Would delete 1 activity row(s) and 1 system audit row(s) created before 2025-01-01."
    assert UserActivityLog.objects.count() == 2
    assert SystemAuditLog.objects.count() == 2


def test_nothing_to_prune_still_logs_the_run(history):
    prune("--before", "2020-01-01")

    assert UserActivityLog.objects.count() == 2
    assert SystemAuditLog.objects.get(actor_repr="manage.py prune_audit").summary == {
        "before": "2020-01-01",
        "activity_deleted": 0,
        "system_deleted": 0,
    }


@pytest.mark.parametrize("value", ["2025-13-01", "yesterday", "01/02/2025", ""])
def test_a_bad_date_is_a_command_error(db, value):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        prune("--before", value)


def test_the_date_is_required(db):
    with pytest.raises(CommandError, match="--before"):
        prune()


def test_a_future_date_is_refused(history):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    with pytest.raises(CommandError, match="future"):
        prune("--before", tomorrow.isoformat())
    assert UserActivityLog.objects.count() == 2
