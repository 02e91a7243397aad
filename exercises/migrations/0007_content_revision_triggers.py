from django.db import migrations

from courses.db_triggers import content_revision_trigger_operation


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0006_content_revision"),
        ("exercises", "0006_content_editors_group"),
    ]

    operations = [
        content_revision_trigger_operation(
            "exercises_exercisetype",
            "exercises_audiofile",
            "exercises_exercise",
            "exercises_exerciseoption",
            "exercises_lessonexercise",
        ),
    ]
