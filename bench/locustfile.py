"""Locust scenarios of the learner flow; bench/run.py runs each tag as its own headless phase.

BENCH_DATA names a JSON file written by bench/run.py: session tokens of pre-created learners, the
course ids, and for each benchmarked lesson its exercises' correct answers (a learner who knows them).
Each locust user plays one learner, so one learner's row lock never serialises two users.
"""

import itertools
import json
import os

from locust import FastHttpUser, constant, tag, task

DATA = json.loads(open(os.environ["BENCH_DATA"], encoding="utf-8").read())  # noqa: SIM115
LEARNERS = itertools.cycle(zip(DATA["tokens"], DATA["enrollments"], strict=True))  # each with their demo enrollment
API = "/api/v1"
BATCH10 = "POST sessions/{id}/answers/batch/ (batch of 10)"


class Learner(FastHttpUser):
    # No think time: closed-loop users that keep the server saturated.
    wait_time = constant(0)

    def on_start(self):
        token, self.enrollment = next(LEARNERS)
        self.headers = {"X-Session-Token": token}

    # Every request, the floor's too, is checked the same way: its status, and its body is decoded only where
    # the scenario needs it (a started session's exercises). Decoding a 30 KB tree that is then thrown away
    # would spend the shared CPUs on the load generator, and count against the endpoint, not the floor.
    def get(self, path, name, *, headers=None, expect=200):
        with self.client.get(
            path, headers=self.headers if headers is None else headers, name=name, catch_response=True
        ) as response:
            if response.status_code != expect:
                response.failure(f"{response.status_code}: {response.text[:200]}")
            return response

    def post(self, path, body, name, *, expect=(200, 201), parse=False):
        with self.client.post(path, json=body, headers=self.headers, name=name, catch_response=True) as response:
            if response.status_code not in expect:
                response.failure(f"{response.status_code}: {response.text[:200]}")
                return None
            return response.json() if parse else None

    def play(self, lesson_id: int, *, complete: bool = True):
        """Start the lesson, answer every exercise correctly, complete it."""
        answers = DATA["answers"][str(lesson_id)]
        session = self.post(
            f"{API}/lessons/{lesson_id}/sessions/", None, "POST lessons/{id}/sessions/ (start)", parse=True
        )
        if session is None:
            return
        for exercise in session["exercises"]:
            self.post(
                f"{API}/sessions/{session['id']}/answers/",
                {"exercise": exercise["id"], "answer": answers[str(exercise["id"])], "time_ms": 2500},
                "POST sessions/{id}/answers/ (answer)",
            )
        if complete:
            self.post(f"{API}/sessions/{session['id']}/complete/", None, "POST sessions/{id}/complete/ (complete)")

    @tag("floor")
    @task
    def floor(self):
        self.get("/health/floor", "GET /health/floor (floor)", headers={})

    @tag("me")
    @task
    def me(self):
        # The cheapest learner endpoint: DRF, the X-Session-Token sign-in, throttling, one primary-key query.
        self.get(f"{API}/me/", "GET me/ (signed-in floor)")

    # The course tree is the public catalog: fetched signed out, as a visitor's app does before sign-up.
    @tag("tree")
    @task
    def course_tree(self):
        self.get(f"{API}/courses/{DATA['demo_course']}/", "GET courses/{id}/ (tree, demo course)", headers={})

    @tag("tree_big")
    @task
    def course_tree_big(self):
        self.get(f"{API}/courses/{DATA['big_course']}/", "GET courses/{id}/ (tree, 200 lessons)", headers={})

    @tag("tree_304")
    @task
    def course_tree_revalidated(self):
        # A client holding the current tree asks whether it changed (the ETag from bench/run.py's set-up).
        headers = {"If-None-Match": DATA["demo_course_etag"]}
        self.get(f"{API}/courses/{DATA['demo_course']}/", "GET courses/{id}/ (304)", headers=headers, expect=304)

    @tag("lesson")
    @task
    def lesson(self):
        self.get(f"{API}/lessons/{DATA['flow_lessons'][0]}/", "GET lessons/{id}/ (lesson)")

    @tag("stats")
    @task
    def stats(self):
        self.get(f"{API}/me/stats/", "GET me/stats/ (stats)")

    @tag("enrollment")
    @task
    def enrollment(self):
        self.get(f"{API}/enrollments/{self.enrollment}/", "GET enrollments/{id}/ (enrollment)")

    @tag("answer")
    @task
    def answer(self):
        # A 10-exercise lesson, so answers are most of this phase's requests.
        self.play(DATA["answer_lesson"])

    @tag("batch10")
    @task
    def batch10(self):
        # The same 10-exercise lesson played offline: its 10 answers in one batch, then the completion.
        lesson_id = DATA["answer_lesson"]
        answers = DATA["answers"][str(lesson_id)]
        session = self.post(
            f"{API}/lessons/{lesson_id}/sessions/", None, "POST lessons/{id}/sessions/ (start)", parse=True
        )
        if session is None:
            return
        batch = [
            {
                "exercise": exercise["id"],
                "answer": answers[str(exercise["id"])],
                "time_ms": 2500,
                "answered_at": session["started_at"],
                "idempotency_key": f"{session['id']}-{exercise['id']}",
            }
            for exercise in session["exercises"]
        ]
        self.post(f"{API}/sessions/{session['id']}/answers/batch/", {"answers": batch}, BATCH10)
        self.post(f"{API}/sessions/{session['id']}/complete/", None, "POST sessions/{id}/complete/ (complete)")

    @tag("flow")
    @task
    def learner_flow(self):
        self.get(f"{API}/courses/{DATA['demo_course']}/", "GET courses/{id}/ (tree, demo course)")
        lesson_id = DATA["flow_lessons"][self.flow_step % len(DATA["flow_lessons"])]
        self.flow_step += 1
        self.get(f"{API}/lessons/{lesson_id}/", "GET lessons/{id}/ (lesson)")
        self.play(lesson_id)
        self.get(f"{API}/me/stats/", "GET me/stats/ (stats)")

    flow_step = 0
