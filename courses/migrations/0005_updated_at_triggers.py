from django.db import migrations

from courses.db_triggers import updated_at_trigger_operation


class Migration(migrations.Migration):

    dependencies = [
        ('courses', '0004_content_constraints'),
    ]

    operations = [
        updated_at_trigger_operation(
            "courses_language",
            "courses_course",
            "courses_section",
            "courses_unit",
            "courses_lesson",
            "courses_lessonprerequisite",
        ),
    ]
