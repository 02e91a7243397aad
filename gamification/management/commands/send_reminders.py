"""`manage.py send_reminders`: send the streak reminders that are due now (what the periodic task does)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from audit.services import command_audit_record
from gamification.reminders import reminders_send_due


class Command(BaseCommand):
    help = "Email today's streak reminder to learners whose reminder time has come and whose goal is not met."

    def handle(self, *args, **options):
        run = vars(reminders_send_due())
        if run["scheduled"] or run["sent"] or run["failed"] or run["expired"]:
            with transaction.atomic():
                command_audit_record(command="send_reminders", summary=run)
        self.stdout.write(", ".join(f"{count} {name.replace('_', ' ')}" for name, count in run.items()))
