"""manage.py import_course FILE: create or update one course from a course file, atomically."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from audit.services import command_audit_record
from exercises.course_files import CourseFileError, course_import


class Command(BaseCommand):
    help = "Import a course from a YAML course file. Re-importing updates the course in place."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path of the course file (YAML).")
        parser.add_argument("--dry-run", action="store_true", help="Validate and report, then roll back.")

    def handle(self, *args, file: str, dry_run: bool = False, **options):
        path = Path(file)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from None
        self.stdout.write(f"Importing {path} ...")
        try:
            with transaction.atomic():
                report = course_import(text=text)
                command_audit_record(command="import_course", summary={"file": str(path), **report.summary()})
                if dry_run:
                    transaction.set_rollback(True)
        except CourseFileError as exc:
            raise CommandError(
                f"{path}: {len(exc.problems)} problem(s), nothing imported:\n" + "\n".join(exc.problems)
            ) from None
        summary = report.summary()
        for name in ("created", "updated", "unchanged", "deleted"):
            counts = summary[name]
            if counts:
                self.stdout.write(f"  {name}: " + ", ".join(f"{count} {kind}" for kind, count in counts.items()))
        verb = "Checked (dry run, nothing saved)" if dry_run else "Imported"
        self.stdout.write(self.style.SUCCESS(f"{verb} course {report.course.pk}: {report.course.title}"))
