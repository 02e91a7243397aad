from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        # Authentication events (sign-up, login, failed login, logout, password) -> activity log.
        from accounts import export, signals  # noqa: F401
        from audit import export as audit_export

        for name, section in export.SECTIONS.items():
            export.register_export_section(name, section)
        # The activity log is the learner's data too; audit registers nothing itself (it calls no other app).
        activity_log = export.ExportSection(
            rows=audit_export.activity_log, serializer=audit_export.ActivityLogExportSerializer
        )
        export.register_export_section("activity_log", activity_log)
