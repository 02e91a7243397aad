"""Fill the benchmark PostgreSQL database with realistic volume.

    .venv/bin/python bench/populate.py [--learners 10000] [--interactions 1000000] [--lessons-per-unit 10] [--fresh]

Creates the database (BENCH_DB, default lingo_bench) if needed, migrates, seeds the reference data,
imports the demo course, generates a course of 5 x 4 x 10 = 200 lessons, then writes learners with their
enrollments, lesson sessions, lesson progress, answers (UserExerciseInteraction), the memory states they derive
(progress.memory's replay), daily XP, stats and activity rows with PostgreSQL COPY, and places every learner in
this week's league (with four closed weeks of history) with today's quests. Progress bars on stderr (tqdm).
"""

import argparse
import datetime as dt
import itertools
import json
import random
import sys
import zoneinfo
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (
    BENCH_DB,
    BENCH_EMAIL,
    BENCH_PASSWORD,
    DEMO_COURSE_FILE,
    admin_connect,
    django_setup,
    positive_int,
)

GENERATED_COURSE_TITLE = "French for English speakers (bench)"
BENCH_ACTIVE = 1000
LESSON_SIZE = 10  # exercises per generated lesson


def ensure_database(name: str, *, fresh: bool) -> None:
    with admin_connect() as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and fresh:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def lesson_mix() -> list:
    """One lesson's exercise kinds: every kind that needs no audio file, in registry order, cycled to LESSON_SIZE."""
    from exercises.kinds import all_kinds

    kinds = [kind for kind in all_kinds() if not kind.needs_audio]
    return list(itertools.islice(itertools.cycle(kinds), LESSON_SIZE))


def generate_course(
    *, sections: int = 5, units_per_section: int = 4, lessons_per_unit: int = 10, title: str = GENERATED_COURSE_TITLE
):
    """A published en→fr course (sections x units x lessons), each lesson requiring the one before it.

    Each lesson has ten exercises, each its kind's example (lesson_mix). Needs the seeded languages and exercise types.
    """
    from django.db import transaction

    from courses.models import Course, Language, Lesson, LessonPrerequisite, Section, Unit
    from exercises.models import Exercise, ExerciseOption, ExerciseType, LessonExercise
    from exercises.validation import exercise_content_errors

    en = Language.objects.get(code="en")
    fr, _ = Language.objects.get_or_create(
        code="fr", defaults={"name": "French", "native_name": "Français", "flag": "🇫🇷"}
    )
    course, created = Course.objects.get_or_create(
        from_language=en, to_language=fr, defaults={"title": title, "is_published": True}
    )
    if not created and Lesson.objects.filter(unit__section__course=course).exists():
        return course
    types = {t.code: t for t in ExerciseType.objects.all()}
    with transaction.atomic():
        sections = Section.objects.bulk_create(
            Section(course=course, position=s, key=f"section-{s}", title=f"Section {s + 1}") for s in range(sections)
        )
        units = Unit.objects.bulk_create(
            Unit(section=section, position=u, key=f"unit-{section.position}-{u}", title=f"Unit {u + 1}")
            for section in sections
            for u in range(units_per_section)
        )
        lesson_rows = Lesson.objects.bulk_create(
            Lesson(unit=unit, position=p, key=f"lesson-{unit.key}-{p}", title=f"Lesson {unit.key}-{p + 1}")
            for unit in units
            for p in range(lessons_per_unit)
        )
        exercises, options, links = [], [], []
        mix = lesson_mix()
        for index, lesson in enumerate(lesson_rows):
            for position, kind in enumerate(mix):
                n = index * len(mix) + position
                example = kind.example()
                opts = list(example.options)
                errors = exercise_content_errors(
                    kind.code,
                    example.content,
                    example.answers,
                    options=[{"text": t, "is_correct": c} for t, c in opts] if kind.uses_options else None,
                )
                assert not errors, errors
                exercise = Exercise(
                    type=types[kind.code],
                    key=f"ex-{n}",
                    prompt=f"{example.prompt} ({n})",
                    content=example.content,
                    answers=example.answers,
                )
                exercises.append(exercise)
                links.append((lesson, exercise, position, opts))
        Exercise.objects.bulk_create(exercises)
        for _lesson, exercise, _position, opts in links:
            options.extend(
                ExerciseOption(exercise=exercise, position=i, text=text, is_correct=ok)
                for i, (text, ok) in enumerate(opts)
            )
        ExerciseOption.objects.bulk_create(options)
        LessonExercise.objects.bulk_create(
            LessonExercise(lesson=lesson, exercise=exercise, position=position)
            for lesson, exercise, position, _ in links
        )
        LessonPrerequisite.objects.bulk_create(
            LessonPrerequisite(lesson=later, requires=earlier) for earlier, later in itertools.pairwise(lesson_rows)
        )
    return course


class Copier:
    """COPY rows into a model's table, filling unspecified columns with the model field's default."""

    def __init__(self, cursor, model):
        from django.utils import timezone

        self.cursor, self.model = cursor, model
        self.fields = list(model._meta.concrete_fields)
        self.now = timezone.now()

    def value(self, field, row):
        if field.attname in row:
            value = row[field.attname]
        elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value = self.now
        else:
            value = field.get_default()  # the default, else "" for text columns, else None
        if field.get_internal_type() == "JSONField" and value is not None:
            return json.dumps(value)
        return value

    def copy(self, rows, *, total=None, desc=None):
        from tqdm import tqdm

        table = self.model._meta.db_table
        columns = ", ".join(f'"{f.column}"' for f in self.fields)
        count = 0
        with self.cursor.copy(f'COPY "{table}" ({columns}) FROM STDIN') as copy:
            for row in tqdm(rows, total=total, desc=desc or table, unit="rows", mininterval=1, file=sys.stderr):
                copy.write_row([self.value(f, row) for f in self.fields])
                count += 1
        return count


def next_id(cursor, model) -> int:
    cursor.execute(f'SELECT COALESCE(MAX(id), 0) + 1 FROM "{model._meta.db_table}"')  # noqa: S608 (model table)
    return cursor.fetchone()[0]


def populate_learners(*, learners: int, interactions: int, seed: int = 7) -> None:
    from allauth.account.models import EmailAddress
    from django.contrib.auth.hashers import make_password
    from django.core.management.color import no_style
    from django.db import connection, transaction
    from django.utils import timezone

    from accounts.models import User
    from audit.models import UserActivityLog
    from courses.models import Course, Lesson
    from exercises.tests.factories import correct_answer  # after django_setup: it imports models
    from gamification.models import LearnerStats, UserDailyXP
    from progress.memory import LoggedAnswer, memory_replay
    from progress.models import LessonSession, MemoryState, UserCourse, UserExerciseInteraction, UserLessonProgress

    rng = random.Random(seed)
    if User.objects.filter(email=BENCH_EMAIL.format(1)).exists():
        print("learners already there; use --fresh to rebuild", file=sys.stderr)
        return

    # Every published course with its lessons in learning order and each lesson's exercises.
    courses, type_of = [], {}
    for course in Course.objects.filter(is_published=True).order_by("id"):
        lessons = list(
            Lesson.objects.filter(unit__section__course=course)
            .order_by("unit__section__position", "unit__position", "position")
            .prefetch_related("lesson_exercises__exercise__type", "lesson_exercises__exercise__options")
        )
        if not lessons:
            continue
        plan = []
        for lesson in lessons:
            exercises = [link.exercise for link in lesson.lesson_exercises.all()]
            xp = lesson.xp_reward if lesson.xp_reward is not None else sum(e.xp for e in exercises)
            plan.append((lesson.id, xp, [(e.id, correct_answer(e)) for e in exercises]))
            type_of.update((e.id, e.type.code) for e in exercises)
        courses.append((course.id, plan))
    if not courses:
        raise SystemExit("no published course with lessons: import the demo course first")

    now = timezone.now()
    password = make_password(BENCH_PASSWORD)
    per_learner = max(1, interactions // learners)

    with connection.cursor() as cursor, transaction.atomic():
        raw = cursor.cursor  # psycopg cursor for COPY
        first_user = next_id(cursor, User)
        ids = {m: next_id(cursor, m) for m in (LessonSession, UserExerciseInteraction, UserActivityLog)}

        users, emails, stats, enrollments, sessions, progress_rows, answers, daily, activity, memories = (
            [] for _ in range(10)
        )
        for i in range(learners):
            uid = first_user + i
            joined = now - dt.timedelta(days=rng.randint(30, 365), seconds=rng.randint(0, 86399))
            email = BENCH_EMAIL.format(i + 1)
            users.append(
                {
                    "id": uid,
                    "email": email,
                    "password": password,
                    "display_name": f"Learner {i + 1}",
                    "timezone": rng.choice(["UTC", "Europe/Madrid", "America/New_York", "Asia/Tokyo"]),
                    "daily_xp_goal": rng.choice([10, 20, 30, 50]),
                    "created_at": joined,
                    "updated_at": joined,
                    "is_active": True,
                    "is_staff": False,
                    "is_superuser": False,
                }
            )
            emails.append({"user_id": uid, "email": email, "primary": True, "verified": True})
            # Every learner learns the demo course, a third also the generated one; the first BENCH_ACTIVE
            # (those bench/run.py signs in) learn both.
            both = i < BENCH_ACTIVE or rng.random() < 0.33
            my_courses = courses[:2] if both else courses[:1]
            spent = 0
            day = (now - dt.timedelta(days=rng.randint(20, 60))).date()
            xp_by_day: dict[dt.date, list[int]] = defaultdict(lambda: [0, 0])
            total_xp = lessons_done = perfect = 0
            learner_answers, course_of_session = len(answers), {}
            for course_number, (course_id, plan) in enumerate(my_courses):
                course_xp, lesson_stats = 0, {}
                position = 0
                # The answers budget is shared between the learner's courses; past the last lesson they practise again.
                while spent < per_learner * (course_number + 1) // len(my_courses):
                    lesson_id, xp, exercises = plan[position % len(plan)]
                    position += 1
                    started = timezone.make_aware(
                        dt.datetime.combine(day, dt.time(rng.randint(6, 22), rng.randint(0, 59))), dt.UTC
                    )
                    mistakes = rng.choice([0, 0, 0, 1, 2])
                    session_id = ids[LessonSession]
                    ids[LessonSession] += 1
                    course_of_session[session_id] = course_id
                    at = started
                    for n, (exercise_id, answer) in enumerate(exercises + exercises[:mistakes]):
                        wrong = n >= len(exercises)
                        at += dt.timedelta(seconds=rng.randint(3, 20))
                        answers.append(
                            {
                                "id": ids[UserExerciseInteraction],
                                "user_id": uid,
                                "session_id": session_id,
                                "exercise_id": exercise_id,
                                "answer": answer if not wrong else {"text": "???"},
                                "is_correct": not wrong,
                                "feedback": "wrong" if wrong else "correct",
                                "time_ms": rng.randint(1500, 20000),
                                "created_at": at,
                            }
                        )
                        ids[UserExerciseInteraction] += 1
                        spent += 1
                    earned = xp + (5 if mistakes == 0 else 0)
                    score = round(100 * len(exercises) / (len(exercises) + mistakes)) if exercises else 100
                    sessions.append(
                        {
                            "id": session_id,
                            "user_id": uid,
                            "lesson_id": lesson_id,
                            "course_id": course_id,
                            "status": "completed",
                            "lesson_xp": xp,
                            "mistakes": mistakes,
                            "hearts_lost": mistakes,
                            "xp_awarded": earned,
                            "is_perfect": mistakes == 0,
                            "score": score,
                            "started_at": started,
                            "last_activity_at": at,
                            "finished_at": at,
                            "completed_on": day,
                        }
                    )
                    activity.append(
                        {
                            "id": ids[UserActivityLog],
                            "user_id": uid,
                            "action": "lesson_complete",
                            "ip": "127.0.0.1",
                            "metadata": {"session": session_id, "lesson": lesson_id, "xp": earned},
                            "created_at": at,
                        }
                    )
                    ids[UserActivityLog] += 1
                    entry = lesson_stats.setdefault(lesson_id, {"attempts": 0, "first": at, "best": 0})
                    entry.update(
                        attempts=entry["attempts"] + 1, last=at, last_score=score, best=max(entry["best"], score)
                    )
                    course_xp += earned
                    total_xp += earned
                    lessons_done += 1
                    perfect += mistakes == 0
                    xp_by_day[day][0] += earned
                    xp_by_day[day][1] += 1
                    if rng.random() < 0.6 and day < now.date():
                        day += dt.timedelta(days=rng.choice([1, 1, 1, 2]))
                for lesson_id, entry in lesson_stats.items():
                    progress_rows.append(
                        {
                            "user_id": uid,
                            "lesson_id": lesson_id,
                            "course_id": course_id,
                            "status": "completed",
                            "attempts": entry["attempts"],
                            "completions": entry["attempts"],
                            "best_score": entry["best"],
                            "last_score": entry["last_score"],
                            "first_completed_at": entry["first"],
                            "last_completed_at": entry["last"],
                            "time_spent_seconds": 60 * entry["attempts"],
                        }
                    )
                last = max((e["last"] for e in lesson_stats.values()), default=None)
                enrollments.append(
                    {
                        "user_id": uid,
                        "course_id": course_id,
                        "xp": course_xp,
                        "enrolled_at": joined,
                        "last_activity_at": last,
                    }
                )
            for date, (xp, count) in xp_by_day.items():
                daily.append(
                    {
                        "user_id": uid,
                        "date": date,
                        "xp": xp,
                        "goal": users[-1]["daily_xp_goal"],
                        "lessons_completed": count,
                    }
                )
            # Memory states are derived from the answers, as the answer path writes them (progress.memory).
            replayed = memory_replay(
                (
                    LoggedAnswer(
                        row["session_id"],
                        course_of_session[row["session_id"]],
                        row["exercise_id"],
                        type_of[row["exercise_id"]],
                        row["is_correct"],
                        row["feedback"],
                        row["time_ms"],
                        row["created_at"],
                    )
                    for row in answers[learner_answers:]
                ),
                retention_for=lambda exercise_id: 0.9,
            )
            for exercise_id, (course_id, memory) in replayed.items():
                memories.append({"user_id": uid, "exercise_id": exercise_id, "course_id": course_id, **vars(memory)})
            streak = 0
            cursor_day = max(xp_by_day, default=None)
            while cursor_day in xp_by_day:
                streak += 1
                cursor_day -= dt.timedelta(days=1)
            stats.append(
                {
                    "user_id": uid,
                    "total_xp": total_xp,
                    "hearts": 5,
                    "hearts_updated_at": now,
                    "current_streak": streak,
                    "longest_streak": streak + rng.randint(0, 10),
                    "last_active_date": max(xp_by_day, default=None),
                    "lessons_completed": lessons_done,
                    "perfect_lessons": perfect,
                    "updated_at": now,
                }
            )

        for model, rows in [
            (User, users),
            (EmailAddress, emails),
            (LearnerStats, stats),
            (UserCourse, enrollments),
            (LessonSession, sessions),
            (UserLessonProgress, progress_rows),
            (UserExerciseInteraction, answers),
            (MemoryState, memories),
            (UserDailyXP, daily),
            (UserActivityLog, activity),
        ]:
            if model is not User and "id" in {f.attname for f in model._meta.concrete_fields}:
                start = next_id(cursor, model)
                for offset, row in enumerate(r for r in rows if "id" not in r):
                    row["id"] = start + offset
            Copier(raw, model).copy(rows, total=len(rows), desc=model._meta.label)
        for sql in connection.ops.sequence_reset_sql(
            no_style(),
            [
                User,
                EmailAddress,
                UserCourse,
                LessonSession,
                UserLessonProgress,
                UserExerciseInteraction,
                MemoryState,
                UserDailyXP,
                UserActivityLog,
            ],
        ):
            cursor.execute(sql)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


LEAGUE_HISTORY_WEEKS = 4
# The first learners (those bench/run.py signs in) share one cohort, which the league comparison keeps.
LEAGUE_SHARED_COHORT = 30


def populate_leagues(*, now=None, seed: int = 11) -> bool:
    """Place every learner in the current league week (and LEAGUE_HISTORY_WEEKS closed weeks before it) and give
    each their quests of today. Does nothing when the current week already has members; returns whether it wrote.

    Tiers are spread as a league of that size would be (most learners in the low tiers); cohorts hold
    LEAGUE_COHORT_SIZE learners of one tier; closed weeks are ranked with the tiers' rules.
    """
    from django.conf import settings
    from django.core.management.color import no_style
    from django.db import connection, transaction
    from django.utils import timezone

    from accounts.models import User
    from gamification import quests, rules
    from gamification.models import LeagueCohort, LeagueMembership, LeagueTier, LeagueWeek, UserQuest

    now = now or timezone.now()
    current = rules.league_week(now)
    if LeagueMembership.objects.filter(week_id=current.start).exists():
        return False
    rng = random.Random(seed)
    tiers = list(LeagueTier.objects.order_by("order"))
    if not tiers:
        raise SystemExit("no league tiers: run manage.py seed first")
    learners = list(User.objects.filter(is_staff=False).order_by("id").values_list("id", "timezone"))
    weights = [max(1, 40 - 4 * index) for index in range(len(tiers))]
    tier_of = {uid: rng.choices(range(len(tiers)), weights)[0] for uid, _ in learners}
    shared = {uid for uid, _ in learners[:LEAGUE_SHARED_COHORT]}
    for uid in shared:
        tier_of[uid] = 1  # Silver: promotion, safe and demotion zones all occur
    size = settings.LEAGUE_COHORT_SIZE
    weeks, cohorts, memberships = [], [], []
    cohort_id = next_id_of(LeagueCohort)
    membership_id = next_id_of(LeagueMembership)
    for back in range(LEAGUE_HISTORY_WEEKS, -1, -1):
        bounds = rules.league_week(current.starts_at - dt.timedelta(weeks=back))
        closed = back > 0
        weeks.append(
            {
                "start": bounds.start,
                "starts_at": bounds.starts_at,
                "ends_at": bounds.ends_at,
                "closed_at": bounds.ends_at if closed else None,
            }
        )
        by_tier: dict[int, list[int]] = defaultdict(list)
        for uid, _ in learners:
            by_tier[tier_of[uid]].append(uid)
        for index, members in sorted(by_tier.items()):
            tier = tiers[index]
            for number, start in enumerate(range(0, len(members), size), start=1):
                chunk = members[start : start + size]
                cohorts.append(
                    {
                        "id": cohort_id,
                        "week_id": bounds.start,
                        "tier_id": tier.pk,
                        "number": number,
                        "capacity": size,
                        "member_count": len(chunk),
                        "created_at": bounds.starts_at,
                        "closed_at": bounds.ends_at if closed else None,
                    }
                )
                rows = []
                for uid in chunk:
                    joined = bounds.starts_at + dt.timedelta(minutes=rng.randint(0, 3 * 24 * 60))
                    rows.append(
                        {
                            "id": membership_id,
                            "user_id": uid,
                            "week_id": bounds.start,
                            "cohort_id": cohort_id,
                            "tier_id": tier.pk,
                            "weekly_xp": rng.randint(10, 600),
                            "joined_at": joined,
                            "xp_reached_at": joined + dt.timedelta(hours=rng.randint(0, 90)),
                        }
                    )
                    membership_id += 1
                if closed:
                    rows.sort(key=lambda r: (-r["weekly_xp"], r["xp_reached_at"], r["joined_at"], r["user_id"]))
                    for rank, row in enumerate(rows, start=1):
                        zone = rules.league_zone(
                            rank=rank,
                            size=len(rows),
                            promote=tier.promote_count,
                            demote=tier.demote_count,
                            has_higher=index + 1 < len(tiers),
                            has_lower=index > 0,
                        )
                        step = {rules.PROMOTION: 1, rules.DEMOTION: -1}.get(zone, 0)
                        row.update(
                            rank=rank,
                            result={1: "promoted", 0: "stayed", -1: "demoted"}[step],
                            next_tier_id=tiers[index + step].pk,
                            applied_at=bounds.ends_at,
                        )
                        if row["user_id"] not in shared:
                            tier_of[row["user_id"]] = index + step
                memberships.extend(rows)
                cohort_id += 1

    templates = quests.quest_templates_offered()
    quest_rows = []
    quest_id = next_id_of(UserQuest)
    for uid, zone in learners:
        day = timezone.localtime(now, zoneinfo.ZoneInfo(zone)).date()
        for slot, template in enumerate(rules.quest_draw(templates, user_id=uid, day=day, count=3)):
            quest_rows.append(
                {
                    "id": quest_id,
                    "user_id": uid,
                    "template_id": template.pk,
                    "date": day,
                    "slot": slot,
                    "target": template.target,
                    "reward": template.reward,
                }
            )
            quest_id += 1

    with connection.cursor() as cursor, transaction.atomic():
        raw = cursor.cursor
        Copier(raw, LeagueWeek).copy(
            [w for w in weeks if not LeagueWeek.objects.filter(start=w["start"]).exists()], desc="league weeks"
        )
        Copier(raw, LeagueCohort).copy(cohorts, total=len(cohorts), desc="league cohorts")
        Copier(raw, LeagueMembership).copy(memberships, total=len(memberships), desc="league memberships")
        Copier(raw, UserQuest).copy(quest_rows, total=len(quest_rows), desc="quests")
        for sql in connection.ops.sequence_reset_sql(no_style(), [LeagueCohort, LeagueMembership, UserQuest]):
            cursor.execute(sql)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return True


def next_id_of(model) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        return next_id(cursor, model)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default=BENCH_DB)
    parser.add_argument("--learners", type=positive_int, default=10_000)
    parser.add_argument("--interactions", type=positive_int, default=1_000_000)
    parser.add_argument("--lessons-per-unit", type=positive_int, default=10, help="5 sections x 4 units x this")
    parser.add_argument("--fresh", action="store_true", help="drop and recreate the database first")
    args = parser.parse_args(argv)

    ensure_database(args.database, fresh=args.fresh)
    django_setup(args.database)
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    call_command("seed", verbosity=0)
    call_command("import_course", str(DEMO_COURSE_FILE), verbosity=0)
    generate_course(lessons_per_unit=args.lessons_per_unit)
    populate_learners(learners=args.learners, interactions=args.interactions)
    populate_leagues()
    from django.db import connection

    with connection.cursor() as cursor:
        for table in [
            "accounts_user",
            "progress_userexerciseinteraction",
            "progress_memorystate",
            "progress_lessonsession",
            "gamification_leaguemembership",
            "gamification_userquest",
        ]:
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 (fixed names)
            print(f"{table}: {cursor.fetchone()[0]:,} rows")


if __name__ == "__main__":
    main()
