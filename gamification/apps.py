from django.apps import AppConfig


class GamificationConfig(AppConfig):
    name = "gamification"
    verbose_name = "Gamification"

    def ready(self):
        from accounts.export import register_export_section
        from accounts.profile import register_profile_change
        from courses.content import register_history_counter
        from gamification import export, services
        from gamification.content import achievement_history
        from gamification.models import Achievement

        register_history_counter(Achievement, achievement_history)
        for name, section in export.SECTIONS.items():
            register_export_section(name, section)
        register_profile_change(services.daily_goal_today_update)
