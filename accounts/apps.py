from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        # Authentication events (sign-up, login, failed login, logout, password) -> activity log.
        from accounts import signals  # noqa: F401
        from accounts.export import register_export_section
        from audit import export as audit_export

        # The activity log is the learner's data too; audit registers nothing itself (it calls no other app).
        for name, build in audit_export.SECTIONS.items():
            register_export_section(name, build)
