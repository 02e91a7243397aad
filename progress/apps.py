from django.apps import AppConfig


class ProgressConfig(AppConfig):
    name = "progress"
    verbose_name = "Progress"

    def ready(self):
        from accounts.export import register_export_section
        from courses.lesson_status import register_lesson_status_provider
        from progress import export, history, selectors

        register_lesson_status_provider(selectors.lesson_statuses)
        history.register()
        for name, build in export.SECTIONS.items():
            register_export_section(name, build)
