from django.apps import AppConfig


class GamificationConfig(AppConfig):
    name = "gamification"
    verbose_name = "Gamification"

    def ready(self):
        from accounts.export import register_export_section
        from gamification import export

        for name, build in export.SECTIONS.items():
            register_export_section(name, build)
