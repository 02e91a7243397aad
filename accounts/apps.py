from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        # Authentication events (sign-up, login, failed login, logout, password) -> activity log.
        from accounts import signals  # noqa: F401
