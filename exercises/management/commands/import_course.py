"""manage.py import_course FILE | --format librelingo DIR: create or update one course atomically, saying how."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from audit.services import command_audit_record
from courses.models import Course
from exercises.course_files import CourseFileError, course_file_read
from exercises.course_import import IMPORT_COMMAND, course_import
from exercises.librelingo import librelingo_read


class Command(BaseCommand):
    help = (
        "Import a course from a YAML course file (or a LibreLingo course directory with --format librelingo). "
        "Re-importing updates the course in place; rows the file no longer names are archived when learners have "
        "history in them, deleted otherwise. Prints what it does (with --dry-run: what it would do)."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="The course file (YAML), or the LibreLingo course directory.")
        parser.add_argument(
            "--format", choices=["course", "librelingo"], default="course", help="What SOURCE is (default: course)."
        )
        parser.add_argument("--dry-run", action="store_true", help="Print the plan and write nothing.")
        parser.add_argument(
            "--if-absent", action="store_true", help="Import only when the course (its language pair) is not there yet."
        )
        parser.add_argument(
            "--no-new-languages",
            action="store_true",
            help="Refuse a file whose languages are not in the database yet, instead of creating them.",
        )
        parser.add_argument(
            "--image-base-url", help="LibreLingo: reference pictures as URL/<name>.jpg when the files are not in DIR."
        )
        parser.add_argument("--audio-base-url", help="LibreLingo with audio: where its recordings are (<id>.mp3).")
        parser.add_argument("--publish", action="store_true", help="LibreLingo: publish the course.")

    def handle(self, *args, source: str, format: str = "course", dry_run: bool = False, **options):
        path = Path(source)
        try:
            plan = self._read(path, format, options)
        except CourseFileError as exc:
            raise CommandError(_problems(path, exc.problems)) from None
        if options.get("if_absent"):
            existing = Course.objects.filter(
                from_language__code=plan.course["from_language"], to_language__code=plan.course["to_language"]
            ).first()
            if existing is not None:
                self.stdout.write(
                    f"Course {existing.pk} ({existing.title}) is already there; not imported (--if-absent keeps "
                    "editors' changes). Import without --if-absent to update it from the file."
                )
                return
        self.stdout.write(f"{'Planning' if dry_run else 'Importing'} {path} ...")
        try:
            with transaction.atomic():
                report = course_import(plan=plan, by=IMPORT_COMMAND, dry_run=dry_run)
                command_audit_record(
                    command="import_course", summary={"source": str(path), "format": format, **report.summary()}
                )
                if dry_run:
                    transaction.set_rollback(True)
        except CourseFileError as exc:
            raise CommandError(_problems(path, exc.problems)) from None
        for line in report.lines():
            self.stdout.write(line)
        course = "a new course" if report.created["course"] else f"course {report.course.pk}"
        if dry_run:
            done = f"Dry run, nothing written: that is what importing would do to {course}"
        else:
            done = f"Imported {course}" if report.changed else f"No change to {course}"
        self.stdout.write(self.style.SUCCESS(f"{done}: {report.course.title}"))

    def _read(self, path: Path, format: str, options: dict):
        allow_new = not options.get("no_new_languages")
        if format == "librelingo":
            return librelingo_read(
                path,
                allow_new_languages=allow_new,
                image_base_url=options.get("image_base_url"),
                audio_base_url=options.get("audio_base_url"),
                publish=bool(options.get("publish")),
            )
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from None
        return course_file_read(text, allow_new_languages=allow_new)


def _problems(path: Path, problems: list[str]) -> str:
    """One problem: one line. Several: a count, then one line each."""
    if len(problems) == 1:
        return f"{path}: nothing imported: {problems[0]}"
    return f"{path}: {len(problems)} problems, nothing imported:\n" + "\n".join(problems)
