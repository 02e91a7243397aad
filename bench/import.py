"""Time `import_course` on a large course file: first import, no-op re-import, dry run and export (PostgreSQL).

Generates a course file of SECTIONS x UNITS x LESSONS = 500 lessons of 9 exercises each (4,500 exercises: the
exercise kinds' own examples, options included, each lesson requiring the one before), imports it into a fresh
database and prints the wall time of each step, per round, with the machine's load average (the CPUs may be
shared). See bench/README.md.

    .venv/bin/python bench/import.py [--rounds 3] [--lessons-per-unit 10]
"""

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, admin_connect, django_setup, positive_int

IMPORT_DB = os.environ.get("BENCH_IMPORT_DB", "lingo_bench_import")
EXERCISES_PER_LESSON = 9


def course_file(*, sections: int, units: int, lessons: int) -> str:
    """A course file: every lesson holds EXERCISES_PER_LESSON exercises, the kinds' own examples (those needing no
    audio file) in turn, and requires the lesson before it. Needs Django set up (the kinds' registry)."""
    import yaml

    from exercises.kinds import all_kinds

    kinds = [kind for kind in all_kinds() if not kind.needs_audio]
    n, previous, document_sections = 0, None, []
    for s in range(sections):
        units_data = []
        for u in range(units):
            lessons_data = []
            for number in range(lessons):
                key = f"s{s}-u{u}-l{number}"
                exercises = []
                for position in range(EXERCISES_PER_LESSON):
                    kind = kinds[position % len(kinds)]
                    example = kind.example()
                    exercise = {"key": f"ex-{n}", "type": kind.code, "prompt": f"{example.prompt} ({n})"}
                    if example.content:
                        exercise["content"] = example.content
                    if example.answers:
                        exercise["answers"] = example.answers
                    if example.options:
                        exercise["options"] = [
                            {"text": text, **({"correct": True} if correct else {})}
                            for text, correct in example.options
                        ]
                    exercises.append(exercise)
                    n += 1
                lesson = {"key": key, "title": f"Lesson {key}", **({"requires": [previous]} if previous else {})}
                lessons_data.append({**lesson, "exercises": exercises})
                previous = key
            units_data.append({"key": f"s{s}-u{u}", "title": f"Unit {s}.{u}", "lessons": lessons_data})
        document_sections.append({"key": f"s{s}", "title": f"Section {s}", "units": units_data})
    document = {
        "format": 1,
        "course": {"from_language": "en", "to_language": "fr", "title": "Bench import course", "is_published": True},
        "sections": document_sections,
    }
    return yaml.dump(document, Dumper=yaml.CSafeDumper, sort_keys=False, allow_unicode=True, width=4096)


def fresh_database() -> None:
    with admin_connect() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{IMPORT_DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{IMPORT_DB}"')


def timed(step) -> float:
    started = time.perf_counter()
    step()
    return time.perf_counter() - started


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=positive_int, default=3)
    parser.add_argument("--sections", type=positive_int, default=5)
    parser.add_argument("--units-per-section", type=positive_int, default=10)
    parser.add_argument("--lessons-per-unit", type=positive_int, default=10)
    args = parser.parse_args(argv)

    fresh_database()
    django_setup(IMPORT_DB)
    text = course_file(sections=args.sections, units=args.units_per_section, lessons=args.lessons_per_unit)
    lessons = args.sections * args.units_per_section * args.lessons_per_unit
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False, encoding="utf-8") as handle:
        handle.write(text)
        path = handle.name
    print(
        f"Course file: {lessons} lessons, {lessons * EXERCISES_PER_LESSON} exercises, "
        f"{len(text.splitlines()):,} lines, {len(text.encode()) / 1e6:.1f} MB ({path})"
    )
    import yaml
    from django.core.management import call_command
    from django.db import connection

    from courses.models import Course
    from exercises.models import Exercise

    call_command("migrate", verbosity=0)
    call_command("seed", stdout=io.StringIO())
    print(
        f"libyaml: {yaml.__with_libyaml__}; database: {connection.vendor} {IMPORT_DB}; load before: {os.getloadavg()}"
    )

    rows: dict[str, list[float]] = {"import": [], "no-op re-import": [], "dry run (no-op)": [], "export": []}
    for round_number in range(1, args.rounds + 1):
        if Course.objects.filter(title="Bench import course").exists():
            _reset()
        load = os.getloadavg()[0]
        rows["import"].append(timed(lambda: call_command("import_course", path, stdout=io.StringIO())))
        assert Exercise.objects.count() == lessons * EXERCISES_PER_LESSON
        out = io.StringIO()
        rows["no-op re-import"].append(timed(lambda out=out: call_command("import_course", path, stdout=out)))
        assert "No change to course" in out.getvalue(), out.getvalue()
        rows["dry run (no-op)"].append(
            timed(lambda: call_command("import_course", path, dry_run=True, stdout=io.StringIO()))
        )
        course = Course.objects.get(title="Bench import course")
        rows["export"].append(
            timed(lambda course=course: call_command("export_course", str(course.pk), stdout=io.StringIO()))
        )
        print(
            f"round {round_number} (load {load:.2f}): "
            + ", ".join(f"{name} {values[-1]:.2f} s" for name, values in rows.items())
        )
    print()
    print("| step | best | median |")
    print("| --- | ---: | ---: |")
    for name, values in rows.items():
        print(f"| {name} | {min(values):.2f} s | {statistics.median(values):.2f} s |")
    print(f"load after: {os.getloadavg()}")
    Path(path).unlink()


def _reset() -> None:
    """Empty the content and audit tables between rounds, so every round imports into the same empty course."""
    from django.db import connection

    tables = [
        "exercises_lessonexercise",
        "exercises_exerciseoption",
        "exercises_exercise",
        "courses_lessonprerequisite",
        "courses_lesson",
        "courses_unit",
        "courses_section",
        "courses_course",
    ]
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")


if __name__ == "__main__":
    os.chdir(ROOT)
    main()
