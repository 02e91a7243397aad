"""`manage.py prune_idempotency_keys`: delete Idempotency-Key records past IDEMPOTENCY_KEY_TTL_SECONDS."""

from django.core.management.base import BaseCommand
from django.db import transaction

from audit.services import command_audit_record
from gamification.idempotency import idempotency_records_prune


class Command(BaseCommand):
    help = "Delete stored Idempotency-Key responses older than IDEMPOTENCY_KEY_TTL_SECONDS."

    def handle(self, *args, **options):
        with transaction.atomic():
            deleted = idempotency_records_prune()
            if deleted:
                command_audit_record(command="prune_idempotency_keys", summary={"deleted": deleted})
        self.stdout.write(f"Deleted {deleted} expired idempotency record(s).")
