from django.apps import AppConfig


class ExercisesConfig(AppConfig):
    name = "exercises"

    def ready(self):
        from exercises.api import schema  # noqa: F401 (registers the OpenAPI extensions of answer shapes)
