"""Milliseconds per request of each benchmarked endpoint, in one process, without HTTP or load.

    .venv/bin/python bench/inprocess.py [--requests 400] [--statements] [--profile ENDPOINT]

Django's test client against the benchmark database (bench/populate.py) with the production settings the load
benchmark uses (PostgreSQL, Redis). It isolates what the server spends on an endpoint from gunicorn, locust and
CPU contention, so changes can be compared quickly and exactly; `--profile` prints a cProfile of one endpoint.

`--statements` also counts each endpoint's round trips to PostgreSQL on the wire (tests/wire.py: BEGIN and COMMIT
included, as psycopg sends them) and replays its SQL, captured from one real request, on a plain psycopg connection
without Django: what the database round trips alone cost, a lower bound for the endpoint. A request that writes is
replayed in its transaction, which is rolled back instead of committed (so the commit's WAL flush is not in it).
`batch10` is one offline batch of the 10 answers of a started lesson (its timings are per batch).
"""

import argparse
import cProfile
import pstats
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import BENCH_DB, django_setup, positive_int

API = "/api/v1"
# GET endpoints: name → (path, signed in, If-None-Match sent); `{...}` is filled from bench/run.py's learner data.
GETS = {
    "floor": ("/health/floor", False, False),
    "me": (f"{API}/me/", True, False),
    "tree": (f"{API}/courses/{{demo_course}}/", False, False),  # the public catalog, signed out
    "tree_big": (f"{API}/courses/{{big_course}}/", False, False),
    "tree_304": (f"{API}/courses/{{demo_course}}/", False, True),  # a client revalidating the tree it holds
    "lesson": (f"{API}/lessons/{{lesson}}/", True, False),
    "lesson_304": (f"{API}/lessons/{{lesson}}/", True, True),
    "stats": (f"{API}/me/stats/", True, False),
    "enrollment": (f"{API}/enrollments/{{enrollment}}/", True, False),
    "league": (f"{API}/me/league/", True, False),
    "quests": (f"{API}/me/quests/", True, False),
    "practice": (f"{API}/me/practice/", True, False),
}
ENDPOINTS = [*GETS, "answer", "batch10", "complete", "practice_start"]


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default=BENCH_DB)
    parser.add_argument(
        "--requests", type=positive_int, default=400, help="timed requests per endpoint (answers, completions: / 10)"
    )
    parser.add_argument("--endpoints", nargs="+", default=ENDPOINTS, choices=ENDPOINTS)
    parser.add_argument("--profile", choices=ENDPOINTS, help="print a cProfile of this endpoint")
    parser.add_argument("--statements", action="store_true", help="also time each endpoint's SQL on its own")
    args = parser.parse_args(argv)

    django_setup(args.database)
    import psycopg
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.run import prepare_learners
    from gamification.answering import lock_and_read_prepare_statement
    from tests.wire import connection_round_trips

    data = prepare_learners(1)
    client = Client(HTTP_X_SESSION_TOKEN=data["tokens"][0])
    anonymous = Client()
    answers = data["answers"][str(data["answer_lesson"])]
    names = {**data, "lesson": data["flow_lessons"][0], "enrollment": data["enrollments"][0]}
    gets = {}
    for name, (path, signed_in, revalidate) in GETS.items():
        if name not in args.endpoints and name != args.profile:
            continue
        caller = client if signed_in else anonymous
        url = path.format(**names)
        headers = {"HTTP_IF_NONE_MATCH": caller.get(url)["ETag"]} if revalidate else {}
        gets[name] = (caller, url, headers, 304 if revalidate else 200)

    def get(name: str) -> float:
        caller, url, headers, expected = gets[name]
        started = time.perf_counter()
        response = caller.get(url, **headers)
        elapsed = time.perf_counter() - started
        assert response.status_code == expected, (name, response.status_code)
        return elapsed

    def start() -> dict:
        return client.post(f"{API}/lessons/{data['answer_lesson']}/sessions/").json()

    def answer(session: dict, exercise: dict) -> float:
        body = {"exercise": exercise["id"], "answer": answers[str(exercise["id"])], "time_ms": 2500}
        started = time.perf_counter()
        response = client.post(f"{API}/sessions/{session['id']}/answers/", body, content_type="application/json")
        elapsed = time.perf_counter() - started
        assert response.status_code == 200, response.content
        return elapsed

    def batch(session: dict) -> float:
        """The session's answers in one offline batch."""
        body = {
            "answers": [
                {
                    "exercise": exercise["id"],
                    "answer": answers[str(exercise["id"])],
                    "time_ms": 2500,
                    "answered_at": session["started_at"],
                    "idempotency_key": f"{session['id']}-{exercise['id']}",
                }
                for exercise in session["exercises"]
            ]
        }
        started = time.perf_counter()
        response = client.post(f"{API}/sessions/{session['id']}/answers/batch/", body, content_type="application/json")
        elapsed = time.perf_counter() - started
        assert response.status_code == 200, response.content
        assert response.json()["accepted"] == len(body["answers"]), response.content
        return elapsed

    def answer_lesson() -> tuple[list[float], float]:
        """Start the 10-exercise lesson, time each right answer and the completion."""
        session = start()
        timings = [answer(session, exercise) for exercise in session["exercises"]]
        started = time.perf_counter()
        response = client.post(f"{API}/sessions/{session['id']}/complete/")
        elapsed = time.perf_counter() - started
        assert response.status_code == 200, response.content
        return timings, elapsed

    def practice_start() -> float:
        """Start a 10-exercise review of the 200-lesson course (each start abandons the one before). Not the demo
        course: the answer phases review its exercises as they play them, so nothing of it may be due."""
        body = {"course": data["big_course"], "kind": "review", "size": 10}
        started = time.perf_counter()
        response = client.post(f"{API}/practice/sessions/", body, content_type="application/json")
        elapsed = time.perf_counter() - started
        assert response.status_code == 201, response.content
        return elapsed

    def run(name: str, count: int) -> list[float]:
        if name == "practice_start":
            return [practice_start() for _ in range(count)]
        if name == "answer":
            return [t for _ in range(max(1, count // 10)) for t in answer_lesson()[0]]
        if name == "complete":
            return [answer_lesson()[1] for _ in range(max(1, count // 10))]
        if name == "batch10":
            return [batch(start()) for _ in range(max(1, count // 10))]
        return [get(name) for _ in range(count)]

    def request_of(name: str):
        """One request of the endpoint, ready to send: an answer is the first of a lesson started now, a batch the
        ten answers of one (the start is not part of what is measured)."""
        if name == "answer":
            session = start()
            return lambda: answer(session, session["exercises"][0])
        if name == "batch10":
            session = start()
            return lambda: batch(session)
        return lambda: get(name)

    def statements_of(name: str) -> list[str]:
        """The SQL one request sends, as Django logs it (BEGIN and COMMIT included)."""
        if name in ("complete", "practice_start"):  # their statements name the rows they created: not replayable
            return []
        send = request_of(name)
        # Rolled back, so a replay can insert the same interaction ids again; inside the block the request's BEGIN
        # and COMMIT show as a savepoint and its release.
        with transaction.atomic():
            with CaptureQueriesContext(connection) as captured:
                send()
            transaction.set_rollback(True)
        renamed = {"SAVEPOINT": "BEGIN", "RELEASE": "COMMIT"}
        return [renamed.get(query["sql"].split()[0], query["sql"]) for query in captured.captured_queries]

    def round_trips_of(name: str) -> int:
        """Round trips of one request to PostgreSQL, counted on the wire."""
        if name in ("complete", "practice_start"):
            return 0
        with connection_round_trips(connection) as wire:
            request_of(name)()  # a new connection: the first answer on it prepares its statement (once)
            send = request_of(name)
            wire.reset()
            send()
            return len(wire.trips)

    def replay(database: psycopg.Connection, statements: list[str]) -> float:
        """Seconds to send the statements, one round trip each; a COMMIT becomes a ROLLBACK."""
        started = time.perf_counter()
        for sql in statements:
            cursor = database.execute("ROLLBACK" if sql == "COMMIT" else sql)  # no parameters: sent as it is
            if cursor.description is not None:
                cursor.fetchall()
        return time.perf_counter() - started

    header = f"{'endpoint':10} {'mean ms':>8} {'p50 ms':>8}"
    header += f" {'statements':>10} {'round trips':>11} {'SQL alone p50 ms':>16}" if args.statements else ""
    print(f"{header}  ({args.requests} requests after 50 warm-up)")
    for name in args.endpoints:
        run(name, 50)
        timings = run(name, args.requests)
        line = f"{name:10} {1000 * statistics.mean(timings):8.2f} {1000 * statistics.median(timings):8.2f}"
        if args.statements:
            # The lock-and-read statement of answers is prepared once per connection (gamification.answering).
            statements = [sql for sql in statements_of(name) if not sql.startswith("PREPARE")]
            with psycopg.connect(**connection.get_connection_params(), autocommit=True) as database:
                database.execute(lock_and_read_prepare_statement())
                replays = [replay(database, statements) for _ in range(50 + args.requests)][50:]
            trips = round_trips_of(name)
            line += f" {len(statements):10} {trips:11} {1000 * statistics.median(replays):16.2f}"
        print(line)
    if args.profile:
        profiler = cProfile.Profile()
        profiler.runcall(run, args.profile, args.requests)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(50)


if __name__ == "__main__":
    main()
