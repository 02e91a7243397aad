"""The audit console: read-only for everyone, superusers included; filters; CSV export of the filtered list."""

import csv
import datetime
import io

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from accounts.tests.factories import StaffFactory, UserFactory
from audit.models import SystemAuditLog, UserActivityLog
from audit.services import system_audit_record
from audit.tests.factories import SystemAuditLogFactory, UserActivityLogFactory

pytestmark = pytest.mark.django_db

ACTIVITY = "/admin/audit/useractivitylog/"
SYSTEM = "/admin/audit/systemauditlog/"


@pytest.fixture
def rows(lesson, superuser):
    ana = UserFactory(email="ana@example.com")
    activity = [
        UserActivityLogFactory(user=ana, action="login", ip="203.0.113.1"),
        UserActivityLogFactory(user=ana, action="login_failed", ip="203.0.113.2"),
        UserActivityLogFactory(
            user=UserFactory(email="bo@example.com"),
            action="login",
            ip="203.0.113.3",
            created_at=timezone.now() - datetime.timedelta(days=400),
        ),
    ]
    system = [
        system_audit_record(
            source="admin", action="change", actor=superuser, target=lesson, changes={"title": ["A", "B"]}
        ),
        SystemAuditLogFactory(summary={"created": 2}),
    ]
    return activity, system


def csv_rows(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


@pytest.mark.parametrize("base", [ACTIVITY, SYSTEM])
def test_superuser_can_view_but_not_add_change_or_delete(admin_client, rows, base):
    model = UserActivityLog if base == ACTIVITY else SystemAuditLog
    row = model.objects.first()
    count = model.objects.count()

    changelist = admin_client.get(base)
    assert changelist.status_code == 200
    assert b"delete_selected" not in changelist.content
    assert b"Export CSV" in changelist.content
    assert admin_client.get(f"{base}{row.pk}/change/").status_code == 200  # read-only view

    assert admin_client.get(f"{base}add/").status_code == 403
    assert admin_client.post(f"{base}add/", {"action": "login"}).status_code == 403
    assert admin_client.post(f"{base}{row.pk}/change/", {"action": "logout"}).status_code == 403
    assert admin_client.get(f"{base}{row.pk}/delete/").status_code == 403
    assert admin_client.post(f"{base}{row.pk}/delete/", {"post": "yes"}).status_code == 403
    admin_client.post(base, {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"})

    assert model.objects.count() == count
    row_after = model.objects.get(pk=row.pk)
    assert row_after.action == row.action


def test_the_model_admins_deny_every_write_permission(rf, superuser):
    from django.contrib import admin as django_admin

    request = rf.get("/")
    request.user = superuser
    for model in (UserActivityLog, SystemAuditLog):
        model_admin = django_admin.site._registry[model]
        assert not model_admin.has_add_permission(request)
        assert not model_admin.has_change_permission(request)
        assert not model_admin.has_delete_permission(request)
        assert model_admin.has_view_permission(request)
        assert "delete_selected" not in model_admin.get_actions(request)


def test_staff_without_view_permission_gets_403(client, rows):
    client.force_login(StaffFactory())

    for url in (ACTIVITY, SYSTEM, f"{ACTIVITY}export-csv/", f"{SYSTEM}export-csv/"):
        assert client.get(url).status_code == 403


def test_staff_with_view_permission_can_read_and_export(client, rows):
    staff = StaffFactory()
    staff.user_permissions.add(Permission.objects.get(codename="view_useractivitylog"))
    client.force_login(staff)

    assert client.get(ACTIVITY).status_code == 200
    assert len(csv_rows(client.get(f"{ACTIVITY}export-csv/"))) == 3
    assert client.get(f"{ACTIVITY}add/").status_code == 403
    assert client.get(SYSTEM).status_code == 403


def test_activity_filters_and_search(admin_client, rows, django_assert_max_num_queries):
    def listed(params):
        return {r.pk for r in admin_client.get(ACTIVITY, params).context["cl"].result_list}

    login, failed, old = rows[0]
    assert listed({"action__exact": "login"}) == {login.pk, old.pk}
    assert listed({"user_email": "ANA@example.com"}) == {login.pk, failed.pk}
    assert listed({"user__id__exact": old.user_id}) == {old.pk}
    assert listed({"q": "bo@example"}) == {old.pk}
    assert listed({"created_at__year": old.created_at.year}) == {old.pk} | (
        {login.pk, failed.pk} if old.created_at.year == login.created_at.year else set()
    )
    with django_assert_max_num_queries(12):  # user rows joined, not one query per row
        admin_client.get(ACTIVITY)


def test_system_filters(admin_client, rows, lesson):
    def listed(params):
        return {r.pk for r in admin_client.get(SYSTEM, params).context["cl"].result_list}

    change, command = rows[1]
    assert listed({"source__exact": "command"}) == {command.pk}
    assert listed({"action__exact": "change"}) == {change.pk}
    assert listed({"actor_email": "root@example.com"}) == {change.pk}
    assert listed({"target_type__id__exact": change.target_type_id, "target_id": str(lesson.pk)}) == {change.pk}
    assert listed({"q": "manage.py seed"}) == {command.pk}


def test_csv_export_of_the_filtered_activity_list(admin_client, rows):
    login, _failed, old = rows[0]

    exported = csv_rows(admin_client.get(f"{ACTIVITY}export-csv/", {"action__exact": "login"}))

    assert [r["id"] for r in exported] == [str(login.pk), str(old.pk)]  # the changelist's order: newest first
    assert exported[0] == {
        "id": str(login.pk),
        "created_at": str(login.created_at),
        "action": "login",
        "user_id": str(login.user_id),
        "user_email": "ana@example.com",
        "ip": "203.0.113.1",
        "user_agent": "TestAgent/1.0",
        "metadata": "{}",
    }


def test_csv_export_of_the_system_log(admin_client, rows, superuser, lesson):
    change, _command = rows[1]

    exported = csv_rows(admin_client.get(f"{SYSTEM}export-csv/", {"q": "Old"}))

    assert exported == [
        {
            "id": str(change.pk),
            "created_at": str(change.created_at),
            "source": "admin",
            "action": "change",
            "actor_id": str(superuser.pk),
            "actor_repr": "root@example.com",
            "ip": "",
            "target_type": "Courses | lesson",
            "target_id": str(lesson.pk),
            "target_repr": "Old",
            "changes": '{"title": ["A", "B"]}',
            "summary": "{}",
        }
    ]


def test_csv_cells_that_a_spreadsheet_would_run_are_written_as_text(admin_client, db):
    UserActivityLogFactory(user=None, user_agent='=HYPERLINK("http://evil")')

    exported = csv_rows(admin_client.get(f"{ACTIVITY}export-csv/"))

    assert exported[0]["user_agent"] == '\'=HYPERLINK("http://evil")'


def test_csv_export_with_a_bad_filter_goes_back_to_the_list(admin_client, rows):
    response = admin_client.get(f"{ACTIVITY}export-csv/", {"created_at__gte": "not-a-date"})

    assert response.status_code == 302
    assert response["Location"] == ACTIVITY
