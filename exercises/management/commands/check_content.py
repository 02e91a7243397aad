"""manage.py check_content: validate every exercise and every course's prerequisite graph."""

from django.core.management.base import BaseCommand, CommandError

from exercises.content_checks import content_problems


class Command(BaseCommand):
    help = "Validate all exercises and prerequisite graphs; exits non-zero and lists the problems."

    def handle(self, *args, **options):
        problems = content_problems()
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(f"{len(problems)} content problem(s) found.")
        self.stdout.write(self.style.SUCCESS("Content OK: every exercise and prerequisite graph is valid."))
