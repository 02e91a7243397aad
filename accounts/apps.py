from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        # Authentication events (sign-up, login, failed login, logout, password) -> activity log.
        from django.db.models.signals import post_delete, post_save

        from accounts import export, signals  # noqa: F401
        from accounts.backends import user_cache_forget
        from accounts.models import User
        from audit import export as audit_export

        # The signed-in user's cached row goes with any write of it (accounts.backends): cache coherence, not
        # business logic, and the one hook every write path (API, allauth, admin, commands) passes.
        post_save.connect(user_cache_forget, sender=User, dispatch_uid="user_cache_forget_save")
        post_delete.connect(user_cache_forget, sender=User, dispatch_uid="user_cache_forget_delete")

        for name, section in export.SECTIONS.items():
            export.register_export_section(name, section)
        # The activity log is the learner's data too; audit registers nothing itself (it calls no other app).
        activity_log = export.ExportSection(
            rows=audit_export.activity_log, serializer=audit_export.ActivityLogExportSerializer
        )
        export.register_export_section("activity_log", activity_log)
