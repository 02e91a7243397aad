"""Admin for learner and staff accounts."""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.db import transaction
from django.utils import timezone

from accounts import services
from accounts.models import User
from accounts.profile import profile_changed
from audit.admin_mixins import AuditedModelAdmin


class EmailUserCreationForm(UserCreationForm):
    class Meta:
        model = User
        fields = ("email",)


class EmailUserChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(AuditedModelAdmin, DjangoUserAdmin):
    # The password hash never reaches the audit trail (AuditedModelAdmin masks "password").
    form = EmailUserChangeForm
    add_form = EmailUserCreationForm
    ordering = ("email",)
    list_display = ("email", "display_name", "timezone", "daily_xp_goal", "is_staff", "is_active", "created_at")
    list_filter = ("is_staff", "is_superuser", "is_active", "daily_xp_goal", "groups")
    search_fields = ("email", "display_name")
    date_hierarchy = "created_at"
    readonly_fields = ("created_at", "updated_at", "last_login")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Profile", {"fields": ("display_name", "avatar", "timezone", "daily_xp_goal")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Dates", {"fields": ("last_login", "created_at", "updated_at")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)

    @transaction.atomic
    def user_change_password(self, request, id, form_url=""):
        # Django's password view saves without save_form(): remember the stored values first so the
        # audit row says the password changed (masked), in the same transaction as the change.
        if request.method == "POST":
            user = self.get_object(request, unquote(id))
            if user is not None and self.has_change_permission(request, user):
                self.audit_remember(request, user)
        return super().user_change_password(request, id, form_url)

    def save_model(self, request, obj, form, change):
        if change and services.REMINDER_FIELDS & set(form.changed_data):  # a new timezone moves the next reminder
            obj.next_reminder_at = obj.reminder_due_after(timezone.now())
        super().save_model(request, obj, form, change)
        changed = set(form.changed_data) & set(services.PROFILE_FIELDS)
        if change and changed:
            profile_changed(user=obj, fields=changed)  # in the admin's transaction, as the API's update does

    def delete_model(self, request, obj):
        # Through the account deletion service, so the user's audit rows are redacted, not blocked.
        services.user_delete(user=obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for user in queryset:
                services.user_delete(user=user)
