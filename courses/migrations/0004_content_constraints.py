import courses.models
import django.core.validators
from django.db import migrations, models




class Migration(migrations.Migration):

    dependencies = [
        ('courses', '0003_fill_content_keys'),
    ]

    operations = [
        migrations.RemoveConstraint(model_name='lesson', name='lesson_position_unique'),
        migrations.RemoveConstraint(model_name='section', name='section_position_unique'),
        migrations.RemoveConstraint(model_name='unit', name='unit_position_unique'),
        # Immediate (not deferred) so SQLite enforces them too; reordering writes in two phases (courses.ordering).
        migrations.AddConstraint(
            model_name='lesson',
            constraint=models.UniqueConstraint(fields=('unit', 'position'), name='lesson_position_unique'),
        ),
        migrations.AddConstraint(
            model_name='section',
            constraint=models.UniqueConstraint(fields=('course', 'position'), name='section_position_unique'),
        ),
        migrations.AddConstraint(
            model_name='unit',
            constraint=models.UniqueConstraint(fields=('section', 'position'), name='unit_position_unique'),
        ),
        migrations.AddIndex(
            model_name='course',
            index=models.Index(fields=['to_language', 'from_language'], name='course_to_from_idx'),
        ),
        migrations.AddConstraint(
            model_name='course',
            constraint=models.CheckConstraint(condition=models.Q(('title', ''), _negated=True), name='course_title_not_empty'),
        ),
        migrations.AddConstraint(
            model_name='language',
            constraint=models.CheckConstraint(condition=models.Q(('code__regex', '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$')), name='language_code_bcp47'),
        ),
        migrations.AddConstraint(
            model_name='language',
            constraint=models.CheckConstraint(condition=models.Q(('direction__in', ['ltr', 'rtl'])), name='language_direction_valid'),
        ),
        migrations.AddConstraint(
            model_name='language',
            constraint=models.CheckConstraint(condition=models.Q(('name', ''), _negated=True), name='language_name_not_empty'),
        ),
        migrations.AddConstraint(
            model_name='lesson',
            constraint=models.CheckConstraint(condition=models.Q(('estimated_minutes__gte', 1)), name='lesson_minutes_positive'),
        ),
        migrations.AddConstraint(
            model_name='lesson',
            constraint=models.UniqueConstraint(fields=('unit', 'key'), name='lesson_key_unique'),
        ),
        migrations.AddConstraint(
            model_name='lesson',
            constraint=models.CheckConstraint(condition=models.Q(('key', ''), _negated=True), name='lesson_key_not_empty'),
        ),
        migrations.AddConstraint(
            model_name='lesson',
            constraint=models.CheckConstraint(condition=models.Q(('title', ''), _negated=True), name='lesson_title_not_empty'),
        ),
        migrations.AddConstraint(
            model_name='section',
            constraint=models.UniqueConstraint(fields=('course', 'key'), name='section_key_unique'),
        ),
        migrations.AddConstraint(
            model_name='section',
            constraint=models.CheckConstraint(condition=models.Q(('key', ''), _negated=True), name='section_key_not_empty'),
        ),
        migrations.AddConstraint(
            model_name='section',
            constraint=models.CheckConstraint(condition=models.Q(('title', ''), _negated=True), name='section_title_not_empty'),
        ),
        migrations.AddConstraint(
            model_name='unit',
            constraint=models.UniqueConstraint(fields=('section', 'key'), name='unit_key_unique'),
        ),
        migrations.AddConstraint(
            model_name='unit',
            constraint=models.CheckConstraint(condition=models.Q(('key', ''), _negated=True), name='unit_key_not_empty'),
        ),
        migrations.AddConstraint(
            model_name='unit',
            constraint=models.CheckConstraint(condition=models.Q(('title', ''), _negated=True), name='unit_title_not_empty'),
        ),
    ]
