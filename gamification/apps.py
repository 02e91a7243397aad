from django.apps import AppConfig


class GamificationConfig(AppConfig):
    name = "gamification"
    verbose_name = "Gamification"

    def ready(self):
        from accounts.export import register_export_section
        from accounts.profile import register_profile_change
        from gamification import export, services

        for name, build in export.SECTIONS.items():
            register_export_section(name, build)
        register_profile_change(services.daily_goal_today_update)
