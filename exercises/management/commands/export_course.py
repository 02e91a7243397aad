"""manage.py export_course COURSE: write one course as a course file (YAML)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from courses.models import Course
from exercises.course_files import course_by_reference, course_export


class Command(BaseCommand):
    help = "Export a course (by id or language pair such as en:es) as a YAML course file."

    def add_arguments(self, parser):
        parser.add_argument("course", help="Course id, or from:to language codes (en:es, en-es, en/es).")
        parser.add_argument("-o", "--output", help="Write to this file instead of standard output.")

    def handle(self, *args, course: str, output: str | None = None, **options):
        try:
            found = course_by_reference(course)
        except Course.DoesNotExist:
            raise CommandError(f"No course {course!r} (give an id or a language pair such as en:es).") from None
        text = course_export(course=found)
        if output:
            try:
                Path(output).write_text(text, encoding="utf-8")
            except OSError as exc:
                raise CommandError(f"Cannot write {output}: {exc}") from None
            self.stderr.write(f"Exported course {found.pk} ({found.title}) to {output}")
        else:
            self.stdout.write(text, ending="")
