"""AuditedModelAdmin: one system audit row per object added, changed or deleted in the admin."""

import pytest
from django.contrib.contenttypes.models import ContentType

from accounts.models import User
from accounts.tests.factories import UserFactory
from audit.models import SystemAuditLog
from courses.models import Lesson, LessonPrerequisite
from tests.admin_forms import admin_form_data

pytestmark = [pytest.mark.django_db, pytest.mark.urls("audit.tests.admin_site")]

BASE = "/test-admin/courses/lesson/"
META = {"REMOTE_ADDR": "198.51.100.9", "HTTP_USER_AGENT": "EditorBrowser/2.0"}


def change_form(client, obj):
    response = client.get(f"{BASE}{obj.pk}/change/")
    assert response.status_code == 200
    return admin_form_data(response)


def post_change(client, obj, data):
    response = client.post(f"{BASE}{obj.pk}/change/", data, **META)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    return response


def test_changing_only_the_title_leaves_exactly_one_row_with_the_title_change(admin_client, superuser, lesson):
    data = change_form(admin_client, lesson)
    data["title"] = "New"

    post_change(admin_client, lesson, data)

    row = SystemAuditLog.objects.get()
    assert row.changes == {"title": ["Old", "New"]}
    assert row.source == SystemAuditLog.Source.ADMIN
    assert row.action == SystemAuditLog.Action.CHANGE
    assert row.actor == superuser
    assert row.actor_repr == "root@example.com"
    assert row.ip == "198.51.100.9"
    assert row.target_type == ContentType.objects.get_for_model(Lesson)
    assert row.target_id == str(lesson.pk)
    assert row.target_repr == "New"


def test_several_fields_and_json_safe_values(admin_client, lesson):
    data = change_form(admin_client, lesson)
    data.update(title="Hola", xp_reward="15", estimated_minutes="7")

    post_change(admin_client, lesson, data)

    assert SystemAuditLog.objects.get().changes == {
        "title": ["Old", "Hola"],
        "xp_reward": [None, 15],
        "estimated_minutes": [5, 7],
    }


def test_saving_without_changes_leaves_no_row(admin_client, lesson):
    post_change(admin_client, lesson, change_form(admin_client, lesson))

    assert not SystemAuditLog.objects.exists()


def test_add_leaves_one_create_row_with_the_new_values(admin_client, superuser, unit):
    response = admin_client.post(
        f"{BASE}add/",
        {
            "unit": unit.pk,
            "position": 3,
            "key": "numbers",
            "title": "Numbers",
            "xp_reward": "",
            "estimated_minutes": 4,
            "prerequisite_links-TOTAL_FORMS": 0,
            "prerequisite_links-INITIAL_FORMS": 0,
        },
        **META,
    )
    assert response.status_code == 302

    lesson = Lesson.objects.get(key="numbers")
    row = SystemAuditLog.objects.get()
    assert row.action == SystemAuditLog.Action.CREATE
    assert row.target_id == str(lesson.pk)
    assert row.actor == superuser
    assert row.changes["title"] == [None, "Numbers"]
    assert row.changes["unit"] == [None, unit.pk]
    assert row.changes["estimated_minutes"] == [None, 4]
    assert row.changes["created_at"][0] is None  # timestamps as ISO strings
    assert isinstance(row.changes["created_at"][1], str)
    assert "updated_at" not in row.changes  # auto_now moves on every save: noise, not a change


def test_delete_view_leaves_one_delete_row_with_the_old_values(admin_client, lesson):
    response = admin_client.post(f"{BASE}{lesson.pk}/delete/", {"post": "yes"}, **META)
    assert response.status_code == 302

    assert not Lesson.objects.exists()
    row = SystemAuditLog.objects.get()
    assert row.action == SystemAuditLog.Action.DELETE
    assert row.target_id == str(lesson.pk)
    assert row.target_repr == "Old"
    assert row.changes["title"] == ["Old", None]
    assert row.ip == "198.51.100.9"


def test_bulk_delete_action_leaves_one_row_per_object(admin_client, lesson, unit):
    other = Lesson.objects.create(unit=unit, position=2, key="bye", title="Bye")

    response = admin_client.post(
        BASE, {"action": "delete_selected", "_selected_action": [lesson.pk, other.pk], "post": "yes"}, **META
    )
    assert response.status_code == 302

    assert not Lesson.objects.exists()
    rows = SystemAuditLog.objects.order_by("target_repr")
    assert [(r.action, r.target_id, r.target_repr) for r in rows] == [
        ("delete", str(other.pk), "Bye"),
        ("delete", str(lesson.pk), "Old"),
    ]


def test_list_editable_change_is_audited(admin_client, lesson):
    response = admin_client.post(
        BASE,
        {
            "form-TOTAL_FORMS": 1,
            "form-INITIAL_FORMS": 1,
            "form-0-id": lesson.pk,
            "form-0-position": 9,
            "_save": "Save",
        },
        **META,
    )
    assert response.status_code == 302

    assert SystemAuditLog.objects.get().changes == {"position": [1, 9]}


def test_inline_add_change_and_delete_each_leave_a_row_for_the_inline_object(admin_client, lesson, unit):
    first = Lesson.objects.create(unit=unit, position=2, key="a", title="A")
    second = Lesson.objects.create(unit=unit, position=3, key="b", title="B")

    data = change_form(admin_client, lesson)
    data.update(
        {
            "prerequisite_links-TOTAL_FORMS": "1",
            "prerequisite_links-0-lesson": str(lesson.pk),
            "prerequisite_links-0-requires": str(first.pk),
        }
    )
    post_change(admin_client, lesson, data)
    link = LessonPrerequisite.objects.get()
    created = SystemAuditLog.objects.get()
    assert created.action == SystemAuditLog.Action.CREATE
    assert created.target_type == ContentType.objects.get_for_model(LessonPrerequisite)
    assert created.target_id == str(link.pk)
    assert created.changes["requires"] == [None, first.pk]

    data = change_form(admin_client, lesson)
    data["prerequisite_links-0-requires"] = str(second.pk)
    post_change(admin_client, lesson, data)
    changed = SystemAuditLog.objects.latest("id")
    assert changed.action == SystemAuditLog.Action.CHANGE
    assert changed.changes == {"requires": [first.pk, second.pk]}

    data = change_form(admin_client, lesson)
    data["prerequisite_links-0-DELETE"] = "on"
    post_change(admin_client, lesson, data)
    deleted = SystemAuditLog.objects.latest("id")
    assert deleted.action == SystemAuditLog.Action.DELETE
    assert deleted.target_id == str(link.pk)
    assert deleted.changes["requires"] == [second.pk, None]
    assert not LessonPrerequisite.objects.exists()
    # Only the inline objects changed: no row for the lesson itself.
    assert SystemAuditLog.objects.count() == 3


# --- UserAdmin (the real admin site) -----------------------------------------------------------


@pytest.mark.urls("config.urls")
def test_user_admin_change_is_audited_without_password_hash(admin_client, superuser):
    learner = UserFactory(display_name="Ana")
    response = admin_client.get(f"/admin/accounts/user/{learner.pk}/change/")
    data = admin_form_data(response)
    data["display_name"] = "Ana María"

    response = admin_client.post(f"/admin/accounts/user/{learner.pk}/change/", data, **META)
    assert response.status_code == 302

    row = SystemAuditLog.objects.get()
    assert row.changes == {"display_name": ["Ana", "Ana María"]}
    assert row.target_repr == learner.email


@pytest.mark.urls("config.urls")
def test_user_admin_password_change_records_only_that_it_changed(admin_client):
    learner = UserFactory()
    old_hash = learner.password

    response = admin_client.post(
        f"/admin/accounts/user/{learner.pk}/password/",
        {"password1": "An0ther-Secret-Phrase", "password2": "An0ther-Secret-Phrase", "usable_password": "true"},
        **META,
    )
    assert response.status_code == 302, response.context["form"].errors

    learner.refresh_from_db()
    assert learner.password != old_hash
    row = SystemAuditLog.objects.get()
    assert row.changes == {"password": ["***", "***"]}
    assert old_hash not in str(row.changes)
    assert learner.password not in str(row.changes)


@pytest.mark.urls("config.urls")
def test_user_admin_add_masks_the_password(admin_client):
    response = admin_client.post(
        "/admin/accounts/user/add/",
        {"email": "new@example.com", "password1": "An0ther-Secret-Phrase", "password2": "An0ther-Secret-Phrase"},
        **META,
    )
    assert response.status_code == 302

    row = SystemAuditLog.objects.get()
    assert row.action == SystemAuditLog.Action.CREATE
    assert row.changes["password"] == [None, "***"]
    assert row.changes["email"] == [None, "new@example.com"]


@pytest.mark.urls("config.urls")
def test_user_admin_delete_goes_through_the_account_deletion_service(admin_client):
    learner = UserFactory()

    response = admin_client.post(f"/admin/accounts/user/{learner.pk}/delete/", {"post": "yes"}, **META)
    assert response.status_code == 302

    assert not User.objects.filter(pk=learner.pk).exists()
    row = SystemAuditLog.objects.get(action=SystemAuditLog.Action.DELETE)
    # The row keeps the fact (an admin deleted account #pk, which fields it had), not the personal values.
    assert row.target_id == str(learner.pk)
    assert row.target_repr == ""
    assert row.changes["email"] == ["***", "***"]
    assert learner.email not in str(row.changes)


def test_a_change_without_known_before_values_records_djangos_message(rf, superuser, lesson):
    from audit.tests.admin_site import site

    request = rf.post("/", REMOTE_ADDR="198.51.100.9")
    request.user = superuser
    site._registry[Lesson].log_change(request, lesson, [{"changed": {"fields": ["Title"]}}])

    row = SystemAuditLog.objects.get()
    assert (row.action, row.changes, row.summary) == ("change", {}, {"message": [{"changed": {"fields": ["Title"]}}]})
