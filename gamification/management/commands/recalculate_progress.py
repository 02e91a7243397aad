"""`manage.py recalculate_progress [--user EMAIL|ID] [--fix]`: rebuild learner aggregates from the logs.

Exits 0 when there is no drift or --fix repaired all of it, 1 when drift is left (reported, not repaired).
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Q
from tqdm import tqdm

from audit.services import command_audit_record
from gamification.models import LearnerStats
from gamification.recalculation import learner_progress_recalculate
from progress.models import LessonSession, UserCourse


class Command(BaseCommand):
    help = "Rebuild XP, streaks, hearts and achievements from the logs, report drift, and repair it with --fix."

    def add_arguments(self, parser):
        parser.add_argument("--user", help="Only this learner (email or id).")
        parser.add_argument("--fix", action="store_true", help="Repair the drift found (one transaction per learner).")

    def handle(self, *args, user=None, fix=False, **options):
        users = get_user_model().objects.order_by("pk")
        if user is not None:  # an empty --user (an unset shell variable) names nobody; it does not mean everyone
            selected = users.filter(Q(email__iexact=user) | Q(pk=int(user) if user.isdigit() else None))
            if not selected.exists():
                raise CommandError(f"No learner {user!r}.")
            users = selected
        else:
            active = (
                set(LearnerStats.objects.values_list("user_id", flat=True))
                | set(LessonSession.objects.values_list("user_id", flat=True).distinct())
                | set(UserCourse.objects.values_list("user_id", flat=True).distinct())
            )
            users = users.filter(pk__in=active)
        drifted, repaired, unrepaired, checked = [], 0, 0, 0
        # A progress bar only on a terminal: in a log or a pipe it would be a stream of carriage returns.
        show_bar = options.get("verbosity", 1) >= 1 and self.stderr.isatty() and users.count() > 1
        bar_stream = self.stderr._out  # the bare stream: OutputWrapper would end every redraw with a newline
        for learner in tqdm(
            users.iterator(), total=users.count(), disable=not show_bar, file=bar_stream, unit="learner"
        ):
            checked += 1
            drift = learner_progress_recalculate(user=learner, fix=fix)
            if not drift.found:
                continue
            drifted.append(learner.pk)
            name = f"learner {learner.email} (id {learner.pk})"
            for what, (stored, expected) in sorted(drift.changes.items()):
                self.stdout.write(f"{name} {what}: stored {stored}, expected {expected}")
            for problem in drift.problems:
                self.stdout.write(self.style.WARNING(f"{name}: {problem}"))
            repaired += 1 if fix and drift.changes else 0
            # --fix repairs every change; a problem (a hearts log that does not add up) needs a person.
            unrepaired += 1 if not fix or drift.problems else 0
        if fix and repaired:
            with transaction.atomic():
                command_audit_record(
                    command="recalculate_progress",
                    summary={"checked": checked, "drifted_users": drifted, "repaired": repaired},
                )
        if not drifted:
            self.stdout.write(self.style.SUCCESS(f"No drift in {checked} learner(s)."))
        elif not unrepaired:
            self.stdout.write(self.style.SUCCESS(f"Drift in {len(drifted)} of {checked} learner(s), repaired."))
        else:
            advice = "see the problems above" if fix else "run with --fix to repair"
            # Non-zero exit, so a scheduled run that finds drift it did not repair alerts its operator.
            raise CommandError(
                f"Drift in {len(drifted)} of {checked} learner(s), {unrepaired} not repaired ({advice})."
            )
