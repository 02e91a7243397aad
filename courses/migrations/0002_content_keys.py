import courses.models
import django.core.validators
from django.db import migrations, models




class Migration(migrations.Migration):

    dependencies = [
        ('courses', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='lesson',
            name='key',
            field=models.CharField(default=courses.models.new_content_key, help_text='Stable identifier used by course import/export; unique within the course.', max_length=64, validators=[django.core.validators.RegexValidator('^[a-z0-9]+(?:[-_.][a-z0-9]+)*$', 'Use lowercase letters, digits and - _ . between them, e.g. greetings-1.')]),
        ),
        migrations.AddField(
            model_name='section',
            name='key',
            field=models.CharField(default=courses.models.new_content_key, help_text='Stable identifier used by course import/export; unique within the course.', max_length=64, validators=[django.core.validators.RegexValidator('^[a-z0-9]+(?:[-_.][a-z0-9]+)*$', 'Use lowercase letters, digits and - _ . between them, e.g. greetings-1.')]),
        ),
        migrations.AddField(
            model_name='unit',
            name='key',
            field=models.CharField(default=courses.models.new_content_key, help_text='Stable identifier used by course import/export; unique within the course.', max_length=64, validators=[django.core.validators.RegexValidator('^[a-z0-9]+(?:[-_.][a-z0-9]+)*$', 'Use lowercase letters, digits and - _ . between them, e.g. greetings-1.')]),
        ),
    ]
