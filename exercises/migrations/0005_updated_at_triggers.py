from django.db import migrations

from courses.db_triggers import updated_at_trigger_operation


class Migration(migrations.Migration):

    dependencies = [
        ('courses', '0005_updated_at_triggers'),
        ('exercises', '0004_content_constraints'),
    ]

    operations = [
        updated_at_trigger_operation(
            "exercises_exercisetype",
            "exercises_audiofile",
            "exercises_exercise",
            "exercises_exerciseoption",
            "exercises_lessonexercise",
        ),
    ]
