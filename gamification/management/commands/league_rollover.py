"""`manage.py league_rollover [--week YYYY-MM-DD]`: close ended league weeks (rank, promote, demote) once."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from audit.services import command_audit_record
from config.exceptions import DomainError
from gamification import services
from gamification.tasks import rollover_summary


def _week(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--week {value!r} is not a date (YYYY-MM-DD).") from None


class Command(BaseCommand):
    help = (
        "Rank every cohort of an ended league week, promote and demote per the tiers' rules, record the results and "
        "unlock league achievements. Without --week: every ended week not rolled over yet. Running it again "
        "changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--week", help="The week starting on this date (YYYY-MM-DD); it must have ended.")

    def handle(self, *args, week=None, **options):
        try:
            done = [services.league_rollover(week=_week(week))] if week else services.league_rollover_due()
        except DomainError as exc:
            raise CommandError(exc.message) from None
        if not done:
            self.stdout.write("Nothing to roll over: every ended league week is closed.")
            return
        for rollover in done:
            summary = rollover_summary(rollover)
            if summary["already_closed"] and not summary["results_applied"]:
                self.stdout.write(f"Week {summary['week']}: already closed; nothing changed.")
                continue
            with transaction.atomic():
                command_audit_record(command="league_rollover", summary=summary)
            results = ", ".join(f"{count} {result}" for result, count in sorted(summary["results"].items()))
            self.stdout.write(
                self.style.SUCCESS(
                    f"Week {summary['week']}: {summary['cohorts_closed']} cohorts ranked ({results or 'no members'}), "
                    f"{summary['results_applied']} results applied."
                )
            )
