"""manage.py prune_audit --before YYYY-MM-DD: delete audit rows older than a date, and log that."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from audit.services import audit_prune


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--before must be a date as YYYY-MM-DD, not {value!r}.") from None


class Command(BaseCommand):
    help = (
        "Delete activity and system audit rows created before the given date (00:00 in TIME_ZONE), "
        "in one transaction, and append a system audit row that records the prune."
    )

    def add_arguments(self, parser):
        parser.add_argument("--before", required=True, help="Delete rows created before this date (YYYY-MM-DD).")
        parser.add_argument("--dry-run", action="store_true", help="Only count the rows that would be deleted.")

    def handle(self, *args, before: str, dry_run: bool, **options):
        day = _date(before)
        if day > timezone.localdate():
            raise CommandError(f"--before {day} is in the future; refusing to delete today's audit rows.")
        result = audit_prune(before=day, dry_run=dry_run)
        verb = "Would delete" if dry_run else "Deleted"
        self.stdout.write(
            f"{verb} {result.activity_deleted} activity row(s) and {result.system_deleted} system audit row(s) "
            f"created before {day.isoformat()}."
        )
