"""Load benchmark: a WSGI server on PostgreSQL driven by locust, each endpoint against the floor, in one run.

    .venv/bin/python bench/run.py [--users 12] [--duration 15] [--rounds 3] [--workers 3]

1. Populates BENCH_DB (bench/populate.py) unless it already holds the learners and 1M answers.
2. Starts the production server (bench.common.PRODUCTION_SERVER; `--servers` compares several side by side:
   gunicorn sync, gunicorn gthread, Granian WSGI) on config.wsgi, DEBUG=0, Redis cache, no throttling.
3. Runs locust headless from a second process, one phase per scenario (floor, course tree, 200-lesson
   tree, lesson, stats, answer, a batch of 10 offline answers, whole learner flow), each with the same users and
   duration, and prints
   req/s and p50/p95/p99 per endpoint with each endpoint's throughput as a share of the floor's.
4. Copies the database, empties UserExerciseInteraction in the copy, serves both at once and times
   stats and the course trees against each (interleaved requests), then prints EXPLAIN (ANALYZE, BUFFERS)
   of the queries those endpoints run on the full database.
5. Copies the database again keeping only one league cohort (30 learners) and their quests, serves both at
   once and times me/league/ and me/quests/ with 10,000 learners in leagues against 30.
Everything printed is also written to bench/results/report-<time>.md.
"""

import argparse
import contextlib
import csv
import datetime as dt
import io
import json
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (
    BENCH_DB,
    PRODUCTION_SERVER,
    PYTHON,
    RESULTS,
    ROOT,
    SERVERS,
    THREADS,
    admin_connect,
    database_exists,
    django_setup,
    positive_int,
    server_env,
    server_process,
)
from bench.populate import LEAGUE_HISTORY_WEEKS, populate_leagues

VENV_BIN = Path(PYTHON).parent
FLOOR = "GET /health/floor (floor)"


BATCH10 = "POST sessions/{id}/answers/batch/ (batch of 10)"
# Requests that grade several answers: their ratio is answers graded per second ÷ the floor's req/s.
ANSWERS_PER_REQUEST = {BATCH10: 10}


@dataclass(frozen=True)
class Phase:
    """One locust phase: the tag of its task in bench/locustfile.py, and the issue's target for each request it
    measures (request name → minimum share of the floor's throughput). To add a phase, add a tagged task there and
    a row here."""

    tag: str
    what: str
    targets: dict[str, float] = field(default_factory=dict)


PHASE_TABLE = [
    Phase("floor", "GET /health/floor: one primary-key query, no DRF, no sign-in (every ratio's denominator)"),
    Phase("me", "GET me/: the signed-in floor (sign-in, throttle, one serializer)"),
    Phase("tree", "the public course tree, signed out (12 lessons)", {"GET courses/{id}/ (tree, demo course)": 0.85}),
    Phase("tree_big", "the public 200-lesson tree, signed out", {"GET courses/{id}/ (tree, 200 lessons)": 0.85}),
    Phase("tree_304", "the tree revalidated (If-None-Match, 304)", {"GET courses/{id}/ (304)": 0.95}),
    Phase("lesson", "a lesson to play, signed in", {"GET lessons/{id}/ (lesson)": 0.80}),
    Phase("stats", "GET me/stats/", {"GET me/stats/ (stats)": 0.60}),
    Phase("enrollment", "GET enrollments/{id}/ (lesson statuses)", {"GET enrollments/{id}/ (enrollment)": 0.60}),
    Phase("answer", "start a 10-exercise lesson, answer all, complete", {"POST sessions/{id}/answers/ (answer)": 0.30}),
    Phase("batch10", "start the same lesson, its 10 answers in one offline batch, complete", {BATCH10: 1.0}),
    # Hook: practice start is added by its own work, as a task tagged "practice" and a row here.
    Phase("flow", "tree → lesson → start → answers → complete → stats (no targets: a mix)"),
]
PHASES = {phase.tag: phase for phase in PHASE_TABLE}


class Report:
    def __init__(self):
        self.buffer = io.StringIO()

    def __call__(self, text: str = "") -> None:
        print(text, flush=True)
        self.buffer.write(text + "\n")


out = Report()


# Redis databases of the benchmark servers' caches (the main one, and the copy's), overridable for a shared machine.
CACHE_DBS = [int(n) for n in os.environ.get("BENCH_CACHE_DBS", "3,4").split(",")]


@contextlib.contextmanager
def serve(database: str, *, workers: int, cache_db: int = CACHE_DBS[0], server: str = PRODUCTION_SERVER):
    env = server_env(database, CACHE_URL=f"redis://127.0.0.1:6379/{cache_db}")
    extra = ("--log-level", "warning")
    with server_process(env, workers=workers, server=server, extra_args=extra) as (_, url):
        yield url


def prepare_learners(users: int) -> dict:
    """Session tokens of `users` bench learners, the courses, and the answers to the lessons they play."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.test import Client

    from accounts.models import User
    from bench.common import BENCH_EMAIL
    from bench.populate import GENERATED_COURSE_TITLE
    from courses.models import Course, Lesson
    from exercises.models import LessonExercise
    from exercises.tests.factories import correct_answer
    from progress.models import UserCourse
    from progress.selectors import lesson_statuses

    learners = list(User.objects.filter(email__in=[BENCH_EMAIL.format(i + 1) for i in range(users)]).order_by("id"))
    tokens = []
    for user in learners:
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.save()
        tokens.append(session.session_key)
    demo = Course.objects.get(from_language__code="en", to_language__code="es")
    big = Course.objects.get(title=GENERATED_COURSE_TITLE)
    # Lessons every bench learner may play now, so no request of the flow is refused for a locked lesson.
    statuses = [lesson_statuses(user=user, course=demo) or {} for user in learners]
    playable = [
        lesson.pk
        for lesson in Lesson.objects.filter(unit__section__course=demo).order_by(
            "unit__section__position", "unit__position", "position"
        )
        if all(status.get(lesson.pk) in {"available", "completed"} for status in statuses)
    ]
    answer_lesson = (
        Lesson.objects.filter(unit__section__course=big, prerequisite_links__isnull=True)
        .order_by("unit__section__position", "unit__position", "position")
        .first()
    )
    answers = {}
    for lesson_id in [*playable, answer_lesson.pk]:
        links = LessonExercise.objects.filter(lesson_id=lesson_id).select_related("exercise__type")
        answers[str(lesson_id)] = {
            str(link.exercise_id): correct_answer(link.exercise) for link in links.prefetch_related("exercise__options")
        }
    enrollments = dict(UserCourse.objects.filter(user__in=learners, course=demo).values_list("user_id", "id"))
    # The tree's ETag as a client holding it sends it back (the servers render the same bytes, so the same tag).
    tree = Client().get(f"/api/v1/courses/{demo.pk}/")
    assert tree.status_code == 200, tree.content[:300]
    return {
        "tokens": tokens,
        "user_ids": [user.pk for user in learners],
        "enrollments": [enrollments[user.pk] for user in learners],  # each learner's demo-course enrollment
        "demo_course": demo.pk,
        "demo_course_etag": tree["ETag"],
        "big_course": big.pk,
        "flow_lessons": playable,
        "answer_lesson": answer_lesson.pk,
        "answers": answers,
    }


def locust_phase(url: str, tag: str, *, users: int, duration: int, data_file: Path, prefix: Path) -> list[dict]:
    env = dict(os.environ, BENCH_DATA=str(data_file))
    subprocess.run(
        [
            str(VENV_BIN / "locust"),
            "-f",
            str(ROOT / "bench" / "locustfile.py"),
            "--headless",
            "--only-summary",
            "--users",
            str(users),
            "--spawn-rate",
            str(users),
            "--run-time",
            f"{duration}s",
            "--host",
            url,
            "--tags",
            tag,
            "--csv",
            str(prefix),
            "--reset-stats",
            "--stop-timeout",
            "10",
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
        check=False,
        stdout=subprocess.DEVNULL,
        stderr=open(f"{prefix}_locust.log", "w"),  # noqa: SIM115
    )
    with open(f"{prefix}_stats.csv", encoding="utf-8") as handle:
        rows = [row for row in csv.DictReader(handle) if row["Name"] != "Aggregated"]
    return [
        {
            "phase": tag,
            "name": row["Name"],
            "count": int(row["Request Count"]),
            "failures": int(row["Failure Count"]),
            "rps": float(row["Requests/s"]),
            "mean": float(row["Average Response Time"]),
            "p50": float(row["50%"]),
            "p95": float(row["95%"]),
            "p99": float(row["99%"]),
        }
        for row in rows
    ]


def server_label(server: str, workers: int) -> str:
    if server == "gunicorn-gthread":
        return f"gunicorn, {workers} gthread workers x {THREADS} threads"
    return f"gunicorn, {workers} sync workers" if server == "gunicorn" else f"Granian (WSGI), {workers} workers"


def load_part(urls: dict[str, str], args, data_file: Path, run_dir: Path) -> None:
    """Every phase once per round and server, rounds back to back, so a floor is measured next to each endpoint on
    each server; with several servers each round runs them in turn, so noise on the machine falls on all of them."""
    rounds: dict[str, list[list[dict]]] = {server: [] for server in urls}
    for number in range(1, args.rounds + 1):
        for server, url in urls.items():
            results = []
            for tag in args.phases:
                load = os.getloadavg()[0]
                print(
                    f"… round {number}, {server}, phase {tag} ({args.duration}s, {args.users} users)",
                    file=sys.stderr,
                    flush=True,
                )
                prefix = run_dir / f"{server}-{tag}-{number}"
                for row in locust_phase(
                    url, tag, users=args.users, duration=args.duration, data_file=data_file, prefix=prefix
                ):
                    row["load"] = load
                    results.append(row)
            floor = next(r["rps"] for r in results if r["name"] == FLOOR)
            for row in results:
                mixed = sum(1 for r in results if r["phase"] == row["phase"]) > 1
                row["isolated"] = args.users * 1000 / row["mean"] if row["mean"] else 0
                answers = ANSWERS_PER_REQUEST.get(row["name"], 1)
                row["ratio"] = (row["isolated"] if mixed else row["rps"]) * answers / floor
            rounds[server].append(results)
    for server, server_rounds in rounds.items():
        throughput_table(server, server_rounds, args)
    if len(rounds) > 1:
        server_comparison(rounds)


def throughput_table(server: str, rounds: list[list[dict]], args) -> None:
    out(f"## Throughput against the floor: {server_label(server, args.workers)}")
    out()
    out(
        f"{args.users} closed-loop locust users (FastHttpUser, no think time). {args.rounds} rounds; in each round "
        f"every phase runs {args.duration}s, the floor phase first. `ratio` is the endpoint's req/s ÷ the floor's "
        "req/s of the same round and server; the table gives the median over rounds (and each round's ratio); for the "
        "batch of 10 offline answers it is answers graded per second ÷ the floor's req/s. In the phases that mix "
        "endpoints (answer: start + 10 answers + complete; batch10: start + one batch of 10 answers + complete; "
        "flow: the whole learner flow) an "
        "endpoint's own throughput is estimated as users ÷ its mean latency (Little's law: each closed-loop user "
        "always waits on exactly one request) and compared with the floor's. Latencies are medians over rounds of "
        "locust's per-round percentiles. `load` is the 1-minute load average at the start of the phase (other "
        "processes on this 2-CPU machine included)."
    )
    out()
    out(
        "| phase | endpoint | requests | fails | req/s | isolated req/s | ratio to floor (rounds) | p50 ms | p95 ms "
        "| p99 ms | load | target |"
    )
    out("| --- | --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | --- |")
    median = statistics.median
    for index, first in enumerate(rounds[0]):
        rows = [results[index] for results in rounds]
        ratio = median(r["ratio"] for r in rows)
        each = ", ".join(f"{r['ratio']:.2f}" for r in rows)
        target = PHASES[first["phase"]].targets.get(first["name"])
        verdict = "" if target is None else f"≥ {target:.2f}: {'met' if ratio >= target else 'MISSED'}"
        out(
            f"| {first['phase']} | {first['name']} | {sum(r['count'] for r in rows)} | "
            f"{sum(r['failures'] for r in rows)} | {median(r['rps'] for r in rows):.1f} | "
            f"{median(r['isolated'] for r in rows):.1f} | **{ratio:.2f}** "
            f"({each}) | {median(r['p50'] for r in rows):.0f} | "
            f"{median(r['p95'] for r in rows):.0f} | {median(r['p99'] for r in rows):.0f} | "
            f"{median(r['load'] for r in rows):.1f} | {verdict} |"
        )
    out()


def server_comparison(rounds: dict[str, list[list[dict]]]) -> None:
    """Each endpoint's throughput on every server, as a share of the first server's (median of the rounds)."""
    servers = list(rounds)
    base = servers[0]
    out("## Servers side by side (req/s, median of rounds; x the first)")
    out()
    out("| phase | endpoint | " + " | ".join(servers) + " |")
    out("| --- | --- | " + " | ".join("---:" for _ in servers) + " |")
    median = statistics.median
    for index, first in enumerate(rounds[base][0]):
        rps = {
            server: median(
                r["isolated"] if first["phase"] in ("answer", "flow") else r["rps"]
                for r in (results[index] for results in rounds[server])
            )
            for server in servers
        }
        cells = [
            f"{rps[server]:.0f}" + ("" if server == base else f" (x {rps[server] / rps[base]:.2f})")
            for server in servers
        ]
        out(f"| {first['phase']} | {first['name']} | " + " | ".join(cells) + " |")
    out()


def timed(session, url: str, headers: dict, body: dict | None = None) -> float:
    """One request's milliseconds: a GET, or a POST of `body` (a practice start: 201)."""
    start = time.perf_counter()
    if body is None:
        response = session.get(url, headers=headers, timeout=30)
    else:
        response = session.post(url, json=body, headers=headers, timeout=30)
    elapsed = (time.perf_counter() - start) * 1000
    if response.status_code not in (200, 201):
        raise SystemExit(f"{url}: {response.status_code} {response.text[:300]}")
    return elapsed


def compare(full_url: str, empty_url: str, paths: dict, tokens: list[str], *, rounds: int, limit: str):
    """Interleaved sequential requests to two servers; one table row per endpoint. A path is a GET's, or
    (path, body) for a POST."""
    import requests

    labels = limit.split(" ÷ ")
    out(
        f"| endpoint | {labels[0]} p50 ms | {labels[1]} p50 ms | {labels[0]} mean | {labels[1]} mean "
        f"| {labels[0]} p95 | {labels[1]} p95 | {limit} (p50) | ≤ 1.20 |"
    )
    out("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    with requests.Session() as full, requests.Session() as empty:
        for name, target in paths.items():
            path, body = target if isinstance(target, tuple) else (target, None)
            timings = {"full": [], "empty": []}
            for i in range(rounds + 20):
                headers = {"X-Session-Token": tokens[i % len(tokens)]}
                for label, session, base in (("full", full, full_url), ("empty", empty, empty_url)):
                    ms = timed(session, base + path, headers, body)
                    if i >= 20:
                        timings[label].append(ms)
            f, e = timings["full"], timings["empty"]
            f95, e95 = statistics.quantiles(f, n=20)[-1], statistics.quantiles(e, n=20)[-1]
            ratio = statistics.median(f) / statistics.median(e)
            out(
                f"| {name} | {statistics.median(f):.2f} | {statistics.median(e):.2f} | {statistics.mean(f):.2f} | "
                f"{statistics.mean(e):.2f} | {f95:.2f} | {e95:.2f} | {ratio:.2f} | "
                f"{'met' if ratio <= 1.2 else 'MISSED'} |"
            )
    out()


def volume_part(full_url: str, empty_url: str, data: dict, *, rounds: int) -> None:
    paths = {
        "GET me/stats/": "/api/v1/me/stats/",
        "GET courses/{id}/ (demo course)": f"/api/v1/courses/{data['demo_course']}/",
        "GET courses/{id}/ (200 lessons)": f"/api/v1/courses/{data['big_course']}/",
        # Practice reads the memory states (derived from the answers, kept in both copies), never the answers.
        "GET me/practice/": "/api/v1/me/practice/",
        # The 200-lesson course: the answer phases review the demo course's exercises as they play them.
        "POST practice/sessions/ (review, 10)": (
            "/api/v1/practice/sessions/",
            {"course": data["big_course"], "kind": "review", "size": 10},
        ),
    }
    out("## Latency with 1,000,000 interaction rows and with none")
    out()
    out(
        f"Two servers ({PRODUCTION_SERVER}) at once, one on the populated database and one on a copy whose "
        f"UserExerciseInteraction table is empty (its memory states, derived from the answers, are kept: practice "
        f"must not cost more with a longer answer log); {rounds} sequential requests per endpoint per server, "
        "interleaved (full, empty, full, ...), across 10 learners, after 20 warm-up requests each."
    )
    out()
    compare(full_url, empty_url, paths, data["tokens"][:10], rounds=rounds, limit="full ÷ empty")


def league_volume_part(full_url: str, small_url: str, data: dict, *, rounds: int, members: tuple[int, int]) -> None:
    paths = {"GET me/league/": "/api/v1/me/league/", "GET me/quests/": "/api/v1/me/quests/"}
    out(f"## Leagues and quests with {members[0]:,} learners in leagues and with {members[1]:,}")
    out()
    out(
        f"Two servers ({PRODUCTION_SERVER}) at once, one on the populated database ({members[0]:,} learners in this "
        f"week's league, {LEAGUE_HISTORY_WEEKS} closed weeks before it, everyone's quests of today) and one on a copy "
        f"that keeps only the cohort of the signed-in learners ({members[1]:,} learners) and their quests; "
        f"{rounds} sequential requests per endpoint per server, interleaved, across 10 learners of that cohort, "
        "after 20 warm-up requests each."
    )
    out()
    compare(full_url, small_url, paths, data["tokens"][:10], rounds=rounds, limit="10,000 ÷ 30")


def explain_part(data: dict) -> None:
    """EXPLAIN (ANALYZE, BUFFERS) of every query stats and the course trees run, captured from the real views."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_X_SESSION_TOKEN=data["tokens"][0])
    out("## Query plans on the populated database")
    out()
    for name, path in [
        ("GET me/stats/", "/api/v1/me/stats/"),
        ("GET me/practice/", "/api/v1/me/practice/"),
        ("GET courses/{id}/ (demo course)", f"/api/v1/courses/{data['demo_course']}/"),
        ("GET courses/{id}/ (200 lessons)", f"/api/v1/courses/{data['big_course']}/"),
    ]:
        client.get(path)  # warm caches (content types, prepared state)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200, response.content[:300]
        out(f"### {name}: {len(queries)} queries")
        out()
        for query in queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) {sql}")
                plan = "\n".join(row[0] for row in cursor.fetchall())
            shown = sql.replace(data["tokens"][0], "<session token>")  # a bench learner's credential
            out("```")
            out(shown if len(shown) < 600 else shown[:600] + " …")
            out(plan)
            out("```")
        out()


def database_copy(source: str, target: str) -> str:
    """`target` made afresh as a copy of `source` (CREATE DATABASE ... TEMPLATE, which needs the source idle)."""
    with admin_connect() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [source],
        )
        conn.execute(f'CREATE DATABASE "{target}" TEMPLATE "{source}"')
    return target


def make_empty_copy(source: str) -> str:
    target = database_copy(source, f"{source}_empty")
    with admin_connect(target) as conn:
        conn.execute("TRUNCATE progress_userexerciseinteraction")
        conn.execute("VACUUM ANALYZE progress_userexerciseinteraction")
    return target


def make_league_copy(source: str, keep_user_ids: list[int]) -> tuple[str, int]:
    """A copy of `source` whose only league members are the cohort(s) of this week holding `keep_user_ids`."""
    target = database_copy(source, f"{source}_leagues")
    with admin_connect(target) as conn:
        kept = conn.execute(
            "SELECT DISTINCT m.user_id FROM gamification_leaguemembership m WHERE m.cohort_id IN ("
            " SELECT cohort_id FROM gamification_leaguemembership WHERE user_id = ANY(%s)"
            " AND week_id = (SELECT MAX(start) FROM gamification_leagueweek))",
            [keep_user_ids],
        ).fetchall()
        kept_ids = [row[0] for row in kept]
        conn.execute("DELETE FROM gamification_leaguemembership WHERE NOT (user_id = ANY(%s))", [kept_ids])
        conn.execute(
            "DELETE FROM gamification_leaguecohort c WHERE NOT EXISTS "
            "(SELECT 1 FROM gamification_leaguemembership m WHERE m.cohort_id = c.id)"
        )
        conn.execute("DELETE FROM gamification_userquest WHERE NOT (user_id = ANY(%s))", [kept_ids])
        for table in ("gamification_leaguemembership", "gamification_leaguecohort", "gamification_userquest"):
            conn.execute(f"VACUUM ANALYZE {table}")
    return target, len(kept_ids)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default=BENCH_DB)
    parser.add_argument("--users", type=positive_int, default=12, help="concurrent locust users (one learner each)")
    parser.add_argument("--duration", type=positive_int, default=15, help="seconds per phase and round")
    parser.add_argument("--rounds", type=positive_int, default=3, help="rounds of all phases")
    parser.add_argument("--workers", type=positive_int, default=3, help="server worker processes")
    parser.add_argument(
        "--phases", nargs="+", default=list(PHASES), choices=PHASES, help="the floor is always measured, first"
    )
    parser.add_argument(
        "--servers",
        nargs="+",
        default=[PRODUCTION_SERVER],
        choices=SERVERS,
        help=f"WSGI servers measured side by side, every round on each (default: production's, {PRODUCTION_SERVER})",
    )
    parser.add_argument(
        "--requests", type=positive_int, default=300, help="requests per endpoint in the volume comparison"
    )
    parser.add_argument("--skip-volume", action="store_true", help="no volume comparisons (interactions, leagues)")
    parser.add_argument("--skip-interactions", action="store_true", help="no 1M-interactions comparison")
    parser.add_argument("--skip-leagues", action="store_true", help="no leagues comparison")
    args = parser.parse_args(argv)
    # Every ratio is against the floor of its round, so the floor runs first whatever else is asked for.
    args.phases = ["floor", *dict.fromkeys(phase for phase in args.phases if phase != "floor")]
    return args


def main(argv=None) -> None:
    args = parse_args(argv)
    if not database_exists(args.database):
        subprocess.run([PYTHON, str(ROOT / "bench" / "populate.py"), "--database", args.database], check=True)
    django_setup(args.database)
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, interactive=False)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM accounts_user")
        learners = cursor.fetchone()[0]
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = 'progress_userexerciseinteraction'")
        interactions = cursor.fetchone()[0]
    if learners < 10_000 or interactions < 1_000_000:
        connection.close()
        subprocess.run([PYTHON, str(ROOT / "bench" / "populate.py"), "--database", args.database], check=True)
    # A database populated before leagues existed has no tiers; one populated in an earlier week has nobody in this
    # week's league yet.
    call_command("seed", verbosity=0)
    populate_leagues()

    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    run_dir = RESULTS / stamp
    run_dir.mkdir(parents=True, exist_ok=True)
    data = prepare_learners(max(args.users, 10))
    data_file = run_dir / "learners.json"
    data_file.write_text(json.dumps(data), encoding="utf-8")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT COUNT(*) FROM accounts_user), (SELECT COUNT(*) FROM progress_userexerciseinteraction), "
            "(SELECT COUNT(*) FROM progress_lessonsession), (SELECT COUNT(*) FROM courses_lesson), version()"
        )
        users, answers, sessions, lessons, version = cursor.fetchone()
    connection.close()

    out(f"# bench/run.py, {dt.datetime.now():%Y-%m-%d %H:%M}")
    out()
    out(
        f"Database {args.database}: {users:,} learners, {answers:,} interactions, {sessions:,} lesson sessions, "
        f"{lessons:,} lessons. {version.split(',')[0]}; {os.cpu_count()} CPUs shared by the server, PostgreSQL and "
        "locust."
    )
    out()
    with contextlib.ExitStack() as servers:
        urls = {
            server: servers.enter_context(serve(args.database, workers=args.workers, server=server))
            for server in dict.fromkeys(args.servers)
        }
        load_part(urls, args, data_file, run_dir)
    if not args.skip_volume and not args.skip_interactions:
        empty_db = make_empty_copy(args.database)
        with (
            serve(args.database, workers=1, cache_db=CACHE_DBS[0]) as full_url,
            serve(empty_db, workers=1, cache_db=CACHE_DBS[1]) as empty_url,
        ):
            volume_part(full_url, empty_url, data, rounds=args.requests)
        explain_part(data)
        connection.close()
        with admin_connect() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{empty_db}" WITH (FORCE)')
    if not args.skip_volume and not args.skip_leagues:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT COUNT(*) FROM gamification_leaguemembership WHERE week_id = "
                "(SELECT MAX(start) FROM gamification_leagueweek)"
            )
            in_leagues = cursor.fetchone()[0]
        connection.close()
        small_db, kept = make_league_copy(args.database, data["user_ids"][:10])
        with (
            serve(args.database, workers=1, cache_db=CACHE_DBS[0]) as full_url,
            serve(small_db, workers=1, cache_db=CACHE_DBS[1]) as small_url,
        ):
            league_volume_part(full_url, small_url, data, rounds=args.requests, members=(in_leagues, kept))
        with admin_connect() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{small_db}" WITH (FORCE)')
    report = RESULTS / f"report-{stamp}.md"
    report.write_text(out.buffer.getvalue(), encoding="utf-8")
    print(f"\nwritten to {report.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
