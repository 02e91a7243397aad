import courses.models
import django.core.validators
from django.db import migrations, models




class Migration(migrations.Migration):

    dependencies = [
        ('exercises', '0003_fill_content_keys'),
    ]

    operations = [
        migrations.RemoveConstraint(model_name='exerciseoption', name='option_position_unique'),
        migrations.RemoveConstraint(model_name='lessonexercise', name='lesson_exercise_position_unique'),
        # Immediate (not deferred) so SQLite enforces them too; reordering writes in two phases (courses.ordering).
        migrations.AddConstraint(
            model_name='exerciseoption',
            constraint=models.UniqueConstraint(fields=('exercise', 'position'), name='option_position_unique'),
        ),
        migrations.AddConstraint(
            model_name='lessonexercise',
            constraint=models.UniqueConstraint(fields=('lesson', 'position'), name='lesson_exercise_position_unique'),
        ),
        migrations.AddIndex(
            model_name='exercise',
            index=models.Index(fields=['key'], name='exercise_key_idx'),
        ),
        migrations.AddConstraint(
            model_name='audiofile',
            constraint=models.UniqueConstraint(fields=('language', 'key'), name='audio_key_unique'),
        ),
        migrations.AddConstraint(
            model_name='audiofile',
            constraint=models.CheckConstraint(condition=models.Q(('key', ''), _negated=True), name='audio_key_not_empty'),
        ),
        migrations.AddConstraint(
            model_name='audiofile',
            constraint=models.CheckConstraint(condition=models.Q(('transcript', ''), _negated=True), name='audio_transcript_not_empty'),
        ),
        migrations.AddConstraint(
            model_name='audiofile',
            constraint=models.CheckConstraint(condition=models.Q(('file_high', ''), ('file_low', ''), ('file_medium', ''), ('url_high', ''), ('url_low', ''), ('url_medium', ''), _negated=True), name='audio_has_a_source'),
        ),
        migrations.AddConstraint(
            model_name='exercise',
            constraint=models.CheckConstraint(condition=models.Q(('key', ''), _negated=True), name='exercise_key_not_empty'),
        ),
        migrations.AddConstraint(
            model_name='exercise',
            constraint=models.CheckConstraint(condition=models.Q(('prompt', ''), _negated=True), name='exercise_prompt_not_empty'),
        ),
        migrations.AddConstraint(
            model_name='exerciseoption',
            constraint=models.CheckConstraint(condition=models.Q(('text', ''), _negated=True), name='option_text_not_empty'),
        ),
        migrations.AddConstraint(
            model_name='exercisetype',
            constraint=models.CheckConstraint(condition=models.Q(('code__in', ['translate', 'multiple_choice', 'listen', 'speak', 'match_pairs', 'fill_blank', 'sort_words'])), name='exercise_type_code_known'),
        ),
        migrations.AddConstraint(
            model_name='exercisetype',
            constraint=models.CheckConstraint(condition=models.Q(('name', ''), _negated=True), name='exercise_type_name_not_empty'),
        ),
    ]
