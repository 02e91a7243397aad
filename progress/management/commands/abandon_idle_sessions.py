"""`manage.py abandon_idle_sessions`: mark sessions idle longer than SESSION_IDLE_ABANDON_SECONDS abandoned."""

from django.core.management.base import BaseCommand
from django.db import transaction

from audit.services import command_audit_record
from progress.services import lesson_sessions_abandon_idle


class Command(BaseCommand):
    help = "Abandon active lesson sessions idle longer than SESSION_IDLE_ABANDON_SECONDS."

    def handle(self, *args, **options):
        with transaction.atomic():
            count = lesson_sessions_abandon_idle()
            if count:
                command_audit_record(command="abandon_idle_sessions", summary={"abandoned": count})
        self.stdout.write(f"Abandoned {count} idle session(s).")
