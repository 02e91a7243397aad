from django.apps import AppConfig


class ProgressConfig(AppConfig):
    name = "progress"
    verbose_name = "Progress"

    def ready(self):
        from accounts.export import register_export_section
        from progress import export, history

        history.register()
        for name, section in export.SECTIONS.items():
            register_export_section(name, section)
