"""The default schedules of the periodic tasks, in django-celery-beat's tables (operators edit them in the admin).

Created once, by name: a schedule an operator changed or disabled is left as it is.
"""

from django.conf import settings
from django.db import migrations
from django.utils import timezone

DEFAULT_TASKS = [
    (
        "League rollover",
        "gamification.league_rollover",
        "LEAGUE_ROLLOVER_TASK_EVERY_MINUTES",
        "Closes every ended league week not closed yet (idempotent: a closed week is left alone).",
    ),
    (
        "Streak reminders",
        "gamification.send_streak_reminders",
        "REMINDER_TASK_EVERY_MINUTES",
        "Emails today's reminder to learners whose reminder time has come and whose daily goal is not met.",
    ),
]


def create_periodic_tasks(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    created = False
    for name, task, setting, description in DEFAULT_TASKS:
        if PeriodicTask.objects.filter(name=name).exists():
            continue
        interval, _ = IntervalSchedule.objects.get_or_create(every=getattr(settings, setting), period="minutes")
        PeriodicTask.objects.create(name=name, task=task, interval=interval, description=description)
        created = True
    if created:
        # Tells a running beat (DatabaseScheduler) to reload its schedule.
        PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove_periodic_tasks(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[name for name, *_ in DEFAULT_TASKS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("gamification", "0006_leagues_quests_reminders"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_periodic_tasks, remove_periodic_tasks)]
