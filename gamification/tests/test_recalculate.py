"""recalculate_progress: no drift after real play; reports and repairs corrupted aggregates."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.tests.factories import UserFactory
from audit.models import SystemAuditLog
from exercises.tests.factories import lesson_with_exercises
from gamification.models import Achievement, LearnerStats, UserAchievement, UserDailyXP, UserHeartsLog
from gamification.tests.factories import AchievementFactory
from gamification.tests.helpers import enroll, play_lesson
from progress.models import UserCourse

pytestmark = pytest.mark.django_db

DAY1 = dt.datetime(2026, 4, 1, 12, tzinfo=dt.UTC)
DAY2 = DAY1 + dt.timedelta(days=1)


def run(*args) -> str:
    out = io.StringIO()
    call_command("recalculate_progress", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def run_finding_drift(*args) -> str:
    """A run that leaves drift: the report, with the command's error (its non-zero exit) checked."""
    out = io.StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("recalculate_progress", *args, stdout=out, stderr=io.StringIO())
    assert refused.value.returncode == 1
    return out.getvalue() + str(refused.value)


@pytest.fixture
def learner():
    user = UserFactory()
    lesson = lesson_with_exercises(2)
    enroll(user, lesson)
    AchievementFactory(code="first", kind=Achievement.Kind.LESSONS_COMPLETED, threshold=1, xp_reward=4)
    play_lesson(user, lesson, wrong=1, now=DAY1)
    play_lesson(user, lesson, now=DAY2)
    return user


def test_no_drift_after_real_play(learner):
    assert LearnerStats.objects.get(user=learner).total_xp == 10 + 4 + 15
    assert "No drift in 1 learner(s)." in run()
    assert not SystemAuditLog.objects.exists()


def test_a_corrupted_total_is_reported_then_repaired(learner):
    LearnerStats.objects.filter(user=learner).update(total_xp=999, current_streak=7, longest_streak=7, hearts=1)
    UserDailyXP.objects.filter(user=learner, date=DAY2.date()).update(xp=3)
    UserCourse.objects.filter(user=learner).update(xp=0)

    report = run_finding_drift()
    name = f"learner {learner.email} (id {learner.pk})"
    assert f"{name} total_xp: stored 999, expected 29" in report
    assert f"{name} current_streak: stored 7, expected 2" in report
    assert f"{name} hearts: stored 1, expected 5" in report
    assert f"{name} daily_xp[2026-04-02]: stored 3, expected 15" in report
    assert "Drift in 1 of 1 learner(s), 1 not repaired (run with --fix to repair)." in report
    assert LearnerStats.objects.get(user=learner).total_xp == 999  # a report changes nothing

    repaired = run("--fix", "--user", learner.email)  # returns: every change was repaired, so it exits 0
    assert "Drift in 1 of 1 learner(s), repaired." in repaired
    stats = LearnerStats.objects.get(user=learner)
    assert (stats.total_xp, stats.current_streak, stats.longest_streak, stats.hearts) == (29, 2, 2, 5)
    assert UserDailyXP.objects.get(user=learner, date=DAY2.date()).xp == 15
    assert UserCourse.objects.get(user=learner).xp == 25
    audit = SystemAuditLog.objects.get()
    assert audit.actor_repr == "manage.py recalculate_progress"
    assert audit.summary == {"checked": 1, "drifted_users": [learner.pk], "repaired": 1}
    assert "No drift" in run("--user", str(learner.pk))


def test_a_missing_unlock_is_repaired_once_with_its_xp(learner):
    late = AchievementFactory(code="two", kind=Achievement.Kind.PERFECT_LESSONS, threshold=1, xp_reward=6)
    assert "achievement[two].unlocked: stored False, expected True" in run_finding_drift()
    run("--fix")
    row = UserAchievement.objects.get(user=learner, achievement=late)
    assert row.unlocked_at is not None
    assert row.xp_awarded == 6
    assert LearnerStats.objects.get(user=learner).total_xp == 29 + 6
    assert "No drift" in run()
    run("--fix")
    assert LearnerStats.objects.get(user=learner).total_xp == 29 + 6


def test_unknown_user_is_an_error(db):
    with pytest.raises(CommandError, match=r"^No learner 'nobody@example\.com'\.$"):
        run("--user", "nobody@example.com")


def test_an_empty_user_is_an_error_not_every_learner(learner):
    LearnerStats.objects.filter(user=learner).update(total_xp=1)
    with pytest.raises(CommandError, match=r"^No learner ''\.$"):
        run("--user", "", "--fix")
    assert LearnerStats.objects.get(user=learner).total_xp == 1  # nothing was repaired


def test_drift_that_fix_cannot_repair_exits_non_zero(learner):
    # A hearts log whose balances do not add up is reported for a person to look at: --fix leaves it.
    UserHeartsLog.objects.create(user=learner, delta=-1, reason=UserHeartsLog.Reason.WRONG_ANSWER, balance_after=2)
    report = run_finding_drift("--fix")
    assert f"learner {learner.email} (id {learner.pk}): hearts log does not add up" in report
    assert "Drift in 1 of 1 learner(s), 1 not repaired (see the problems above)." in report


class Terminal(io.StringIO):
    def isatty(self):
        return True


@pytest.fixture
def two_learners(learner):
    other = UserFactory()
    LearnerStats.objects.create(user=other)
    return [learner, other]


def test_the_progress_bar_is_drawn_only_on_a_terminal(two_learners):
    piped, terminal = io.StringIO(), Terminal()
    call_command("recalculate_progress", stdout=io.StringIO(), stderr=piped)
    call_command("recalculate_progress", stdout=io.StringIO(), stderr=terminal)
    assert piped.getvalue() == ""
    assert "2/2" in terminal.getvalue()
    assert "learner/s" in terminal.getvalue()
    assert "\n\r" not in terminal.getvalue()  # redrawn in place, not a line per redraw
