"""manage.py seed: load reference data (languages, exercise types, achievements, league tiers, quest templates)."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from audit.services import command_audit_record
from courses.reference_data import ReferenceDataError, reference_data_load


class Command(BaseCommand):
    help = (
        "Load languages, exercise types, achievements, league tiers and quest templates from fixtures/. Never "
        "duplicates; keeps edits unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Overwrite rows edited since they were seeded.")

    def handle(self, *args, force: bool = False, **options):
        try:
            with transaction.atomic():
                report = reference_data_load(force=force)
                command_audit_record(command="seed", summary={"force": force, **report.summary()})
        except ReferenceDataError as exc:
            raise CommandError(str(exc)) from None
        for label, counts in report.summary()["models"].items():
            self.stdout.write(f"{label}: " + ", ".join(f"{count} {name}" for name, count in counts.items()))
        totals = report.totals()
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded: {totals['created']} created, {totals['updated']} updated, {totals['unchanged']} unchanged, "
                f"{totals['kept']} kept as edited (use --force to overwrite)."
            )
        )
