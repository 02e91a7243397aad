"""Query budgets: every learner endpoint runs the same, exact number of queries on a small and on a large world.

Counted through the real authentication (allauth's X-Session-Token, the session and the user from the cache: see
AUTH). gamification/tests/test_query_counts.py already holds start/answer/complete constant in the size
of the lesson (force-authenticated); here they are held constant in the size of the learner's history
and of the course.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from accounts.tests.factories import UserFactory, app_reauthenticate, token_client
from audit.models import UserActivityLog
from bench.populate import generate_course
from courses.selectors import course_lessons
from courses.tests.factories import CourseFactory
from exercises.models import ExerciseType
from gamification import answering
from gamification.leagues import league_xp_add
from gamification.models import Achievement, QuestTemplate, UserAchievement, UserDailyXP
from gamification.rules import league_week
from gamification.services import league_rollover
from progress.models import LessonSession, MemoryState, UserExerciseInteraction
from tests.learners import play

pytestmark = pytest.mark.django_db

# allauth's session-token lookup: the session comes from the cache (SESSION_ENGINE cached_db), and so does the user
# (accounts.backends): no query once the learner's row is cached. The first request after the row was written (it
# is dropped on every save) reads it twice: see test_signin_cache.py.
AUTH = 0

BUDGETS = {  # queries besides AUTH; in tests every atomic block adds SAVEPOINT and RELEASE (two queries)
    "GET languages/": AUTH + 2,
    "GET exercise-types/": AUTH + 2,
    "GET languages/{id}/": AUTH + 1,
    "GET exercise-types/{id}/": AUTH + 1,
    "GET achievements/": AUTH + 2,
    "GET courses/": AUTH + 2,
    # Content is cached under the content revision: first call (cold) and every later one (cached). The tree is
    # the same for everyone (no learner data): the content revision, then course, sections, units, lessons, links.
    "GET courses/{id}/": AUTH + 6,
    "GET courses/{id}/ (cached)": AUTH + 1,
    # The public catalog signed out: no session to read.
    "GET languages/ (anonymous)": 2,
    "GET courses/ (anonymous)": 2,
    "GET courses/{id}/ (anonymous, cached)": 1,
    # A client revalidating what it holds: the content revision, then the cached ETag (nothing rendered).
    "GET courses/{id}/ (anonymous, 304)": 1,
    "GET lessons/{id}/": AUTH + 4,
    "GET lessons/{id}/ (cached)": AUTH + 1,
    "GET lessons/{id}/ (304)": AUTH + 1,
    # The page and its count, then the current lesson of the page's courses: their lessons and prerequisites
    # (content: the revision, then from the cache) and the learner's progress in them, for any number of enrollments.
    "GET enrollments/": AUTH + 4,
    # The detail adds each live unit's strength: the units, the learner's memory states and their live lessons.
    "GET enrollments/{id}/": AUTH + 6,
    "GET sessions/{id}/": AUTH + 1,
    # An active session brings its exercises (a reload): the lesson's exercises with types, audio and options.
    "GET sessions/{id}/ (active)": AUTH + 3,
    "GET me/": AUTH,
    "GET me/stats/": AUTH + 1,  # the stats with the day's row joined
    "GET me/xp-history/": AUTH + 1,
    "GET me/achievements/": AUTH + 2,
    "GET me/activity/": AUTH + 2,
    # One query per section, the activity log included; quests' progress reads the days.
    "GET me/export/": AUTH + 20,
    "GET me/league/": AUTH + 3,
    "GET me/league/history/": AUTH + 2,  # the count and the page
    "GET me/quests/": AUTH + 2,  # the day's quests and the day's row (their progress)
    "POST lessons/{id}/sessions/": AUTH + 19,
    # An answer on PostgreSQL: one lock-and-read statement, one write statement (gamification.answering); on SQLite
    # the same reads (learner, session, exercise, options, next interaction id) and writes (interaction, session,
    # learner, and for a first answer to an exercise in the session the learner's memory state of it) one by one.
    # A batch of two: the same, with their keys' stored responses read and theirs written, and SQLite reads each
    # exercise on its own.
    "POST sessions/{id}/answers/": AUTH + (4 if connection.vendor == "postgresql" else 11),
    "POST sessions/{id}/answers/batch/": AUTH + (4 if connection.vendor == "postgresql" else 15),
    # Practice: the enrollments, the learner's memory states, their live lessons, the units, the completed
    # lessons, the weakest items' prompts.
    "GET me/practice/": AUTH + 6,
    "POST practice/sessions/": AUTH + 15,
    "POST sessions/{id}/answers/ (practice)": AUTH + (4 if connection.vendor == "postgresql" else 11),
    "POST sessions/{id}/complete/ (practice)": AUTH + 19,
    # Completion: the day's row in one statement (an upsert), the achievements with the learner's rows of them in
    # one; XP to the course and to this week's league membership; the day's quests.
    "POST sessions/{id}/complete/": AUTH + 20,
    # The profile's check constraints are validated by a query each (SAVEPOINT, SELECT, RELEASE in tests).
    "PATCH me/": AUTH + 13,
    # Completion is derived on read (progress.selectors), so enrolling reads no lesson counts; the answer is the
    # enrollment's detail (its lessons' statuses: the content revision, the new course's lessons and prerequisites,
    # not cached yet, and the learner's progress; its units' strength).
    "POST enrollments/": AUTH + 18,
    "DELETE enrollments/{id}/": AUTH + 7,
    # Deleting the account: one statement per table of the learner's data (Django's cascade), whatever its size;
    # on PostgreSQL two more tell the audit tables' append-only trigger that this transaction may redact them.
    "DELETE me/": AUTH + 35 + (2 if connection.vendor == "postgresql" else 0),
}

SIZES = {
    # sections, units per section, lessons per unit, lessons the learner completed, extra history rows
    "small": {"course": (1, 1, 3), "played": 1, "history": 0},
    "large": {"course": (3, 3, 5), "played": 6, "history": 400},
}


def add_history(user, course, rows: int) -> None:
    """Bulk history as a long-time learner has it: answers, days of XP, activity, and other learners' rows."""
    if not rows:
        return
    session = LessonSession.objects.filter(user=user, status="completed").first()
    exercise_id = UserExerciseInteraction.objects.filter(session=session).values_list("exercise_id", flat=True)[0]
    now = timezone.now()
    UserExerciseInteraction.objects.bulk_create(
        UserExerciseInteraction(
            user=user,
            session=session,
            exercise_id=exercise_id,
            answer={"text": "x"},
            is_correct=False,
            feedback="wrong",
            created_at=now - dt.timedelta(minutes=i),
        )
        for i in range(rows)
    )
    today = user.local_date(now)
    UserDailyXP.objects.bulk_create(
        UserDailyXP(user=user, date=today - dt.timedelta(days=day), xp=day % 40, goal=20) for day in range(1, 90)
    )
    UserActivityLog.objects.bulk_create(
        UserActivityLog(user=user, action="login", created_at=now - dt.timedelta(hours=i)) for i in range(rows)
    )
    for _ in range(5):
        someone = UserFactory()
        UserActivityLog.objects.bulk_create(UserActivityLog(user=someone, action="login") for _ in range(20))
        UserDailyXP.objects.create(user=someone, date=today, xp=5, goal=10)


@pytest.fixture(params=list(SIZES))
def world(request, reference_data):
    size = SIZES[request.param]
    sections, units, lessons_per_unit = size["course"]
    course = generate_course(sections=sections, units_per_section=units, lessons_per_unit=lessons_per_unit)
    # Three quests the measured completion moves on without finishing them, whatever the day's draw.
    QuestTemplate.objects.update(is_active=False)
    for kind in (QuestTemplate.Kind.EARN_XP, QuestTemplate.Kind.COMPLETE_LESSONS, QuestTemplate.Kind.PERFECT_LESSONS):
        QuestTemplate.objects.create(code=f"q-{kind}", name=kind, kind=kind, target=10**6, reward="xp", reward_xp=1)
    lessons = list(course_lessons(course=course))
    client = token_client(UserFactory())
    enrolled = client.post("/api/v1/enrollments/", {"course": course.pk})
    assert enrolled.status_code == 201
    completed = [play(client, lesson)["id"] for lesson in lessons[: size["played"]]]
    add_history(client.user, course, size["history"])
    # A closed league week last week, so the history has a page to read.
    last_week = timezone.now() - dt.timedelta(days=7)
    league_xp_add(user=client.user, xp=40, now=last_week)
    league_rollover(week=league_week(last_week).start)
    # Every badge already earned, so the measured completion unlocks none in either world.
    UserAchievement.objects.bulk_create(
        UserAchievement(
            user=client.user,
            achievement=a,
            progress=a.threshold,
            unlocked_at=timezone.now(),
            unlocked_on=timezone.localdate(),
        )
        for a in Achievement.objects.exclude(user_achievements__user=client.user)
    )
    UserAchievement.objects.filter(user=client.user).update(
        unlocked_at=timezone.now(), unlocked_on=timezone.localdate()
    )
    return {
        "size": request.param,
        "client": client,
        "course": course,
        "enrollment": enrolled.json()["id"],
        "completed_session": completed[-1],
        "next_lesson": lessons[size["played"]],
        "other_course": CourseFactory(),
    }


def count(client, method: str, path: str, body=None, **headers) -> tuple[int, object, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = (
            getattr(client, method)(path, body, format="json", **headers)
            if body is not None
            else getattr(client, method)(path, **headers)
        )
    expected = 304 if "HTTP_IF_NONE_MATCH" in headers else 299
    assert response.status_code <= expected, (method, path, response.status_code, response.content[:300])
    return len(queries), response, [q["sql"] for q in queries]


def test_every_learner_endpoint_keeps_its_budget(world):
    client = world["client"]
    measured: dict[str, tuple[int, list[str]]] = {}

    def measure(name: str, method: str, path: str, body=None, client=client, **headers):
        n, response, sql = count(client, method, path, body, **headers)
        measured[name] = (n, sql)
        return response

    measure("GET languages/", "get", "/api/v1/languages/")
    measure("GET exercise-types/", "get", "/api/v1/exercise-types/")
    measure("GET languages/{id}/", "get", f"/api/v1/languages/{world['course'].from_language_id}/")
    measure("GET exercise-types/{id}/", "get", f"/api/v1/exercise-types/{ExerciseType.objects.first().pk}/")
    measure("GET achievements/", "get", "/api/v1/achievements/")
    measure("GET courses/", "get", "/api/v1/courses/")
    measure("GET courses/{id}/", "get", f"/api/v1/courses/{world['course'].pk}/")
    measure("GET courses/{id}/ (cached)", "get", f"/api/v1/courses/{world['course'].pk}/")
    anonymous = APIClient()
    measure("GET languages/ (anonymous)", "get", "/api/v1/languages/", client=anonymous)
    measure("GET courses/ (anonymous)", "get", "/api/v1/courses/", client=anonymous)
    tree = measure(
        "GET courses/{id}/ (anonymous, cached)", "get", f"/api/v1/courses/{world['course'].pk}/", client=anonymous
    )
    measure(
        "GET courses/{id}/ (anonymous, 304)",
        "get",
        f"/api/v1/courses/{world['course'].pk}/",
        client=anonymous,
        HTTP_IF_NONE_MATCH=tree["ETag"],
    )
    measure("GET lessons/{id}/", "get", f"/api/v1/lessons/{world['next_lesson'].pk}/")
    lesson = measure("GET lessons/{id}/ (cached)", "get", f"/api/v1/lessons/{world['next_lesson'].pk}/")
    measure(
        "GET lessons/{id}/ (304)",
        "get",
        f"/api/v1/lessons/{world['next_lesson'].pk}/",
        HTTP_IF_NONE_MATCH=lesson["ETag"],
    )
    client.get("/api/v1/enrollments/")  # the world's last content write (other_course) left the courses uncached
    measure("GET enrollments/", "get", "/api/v1/enrollments/")
    measure("GET enrollments/{id}/", "get", f"/api/v1/enrollments/{world['enrollment']}/")
    measure("GET sessions/{id}/", "get", f"/api/v1/sessions/{world['completed_session']}/")
    measure("GET me/", "get", "/api/v1/me/")
    measure("GET me/stats/", "get", "/api/v1/me/stats/")
    measure("GET me/xp-history/", "get", "/api/v1/me/xp-history/?days=30")
    measure("GET me/achievements/", "get", "/api/v1/me/achievements/")
    measure("GET me/activity/", "get", "/api/v1/me/activity/")
    measure("GET me/export/", "get", "/api/v1/me/export/")
    measure("GET me/league/", "get", "/api/v1/me/league/")
    measure("GET me/league/history/", "get", "/api/v1/me/league/history/")
    measure("GET me/quests/", "get", "/api/v1/me/quests/")

    session = measure("POST lessons/{id}/sessions/", "post", f"/api/v1/lessons/{world['next_lesson'].pk}/sessions/")
    session_id = session.json()["id"]
    measure("GET sessions/{id}/ (active)", "get", f"/api/v1/sessions/{session_id}/")
    from exercises.models import Exercise
    from exercises.tests.factories import correct_answer

    items = session.json()["exercises"]
    exercises = {e.pk: e for e in Exercise.objects.filter(pk__in=[i["id"] for i in items])}
    offline = [
        {
            "exercise": item["id"],
            "answer": correct_answer(exercises[item["id"]]),
            "answered_at": session.json()["started_at"],
            "idempotency_key": f"offline-{item['id']}",
        }
        for item in items[:2]
    ]
    answering.lock_and_read_prepare()  # once per connection (the first answer on it would do it)
    batch = measure(
        "POST sessions/{id}/answers/batch/",
        "post",
        f"/api/v1/sessions/{session_id}/answers/batch/",
        {"answers": offline},
    )
    assert batch.json()["accepted"] == 2
    for item in items[2:-1]:
        body = {"exercise": item["id"], "answer": correct_answer(exercises[item["id"]])}
        assert client.post(f"/api/v1/sessions/{session_id}/answers/", body, format="json").status_code == 200
    last = items[-1]["id"]
    measure(
        "POST sessions/{id}/answers/",
        "post",
        f"/api/v1/sessions/{session_id}/answers/",
        {"exercise": last, "answer": correct_answer(exercises[last]), "time_ms": 800},
    )
    measure("POST sessions/{id}/complete/", "post", f"/api/v1/sessions/{session_id}/complete/")
    # Practice: every exercise learned so far is due (as days later), a review session of all of them.
    MemoryState.objects.filter(user=client.user).update(due=timezone.now() - dt.timedelta(hours=1))
    measure("GET me/practice/", "get", "/api/v1/me/practice/")
    practice = measure(
        "POST practice/sessions/",
        "post",
        "/api/v1/practice/sessions/",
        {"course": world["course"].pk, "kind": "review", "size": 5},
    )
    practice_id = practice.json()["id"]
    items = practice.json()["exercises"]
    exercises = {e.pk: e for e in Exercise.objects.filter(pk__in=[i["id"] for i in items])}
    for item in items[:-1]:
        body = {"exercise": item["id"], "answer": correct_answer(exercises[item["id"]])}
        assert client.post(f"/api/v1/sessions/{practice_id}/answers/", body, format="json").status_code == 200
    last = items[-1]["id"]
    measure(
        "POST sessions/{id}/answers/ (practice)",
        "post",
        f"/api/v1/sessions/{practice_id}/answers/",
        {"exercise": last, "answer": correct_answer(exercises[last]), "time_ms": 800},
    )
    measure("POST sessions/{id}/complete/ (practice)", "post", f"/api/v1/sessions/{practice_id}/complete/")
    measure("PATCH me/", "patch", "/api/v1/me/", {"display_name": "Budget"})
    client.get("/api/v1/me/")  # the changed row back in the sign-in cache
    other = measure("POST enrollments/", "post", "/api/v1/enrollments/", {"course": world["other_course"].pk})
    measure("DELETE enrollments/{id}/", "delete", f"/api/v1/enrollments/{other.json()['id']}/")
    ContentType.objects.get_for_model(User)  # cached by the process after its first use, as in production
    app_reauthenticate(client, client.token)
    measure("DELETE me/", "delete", "/api/v1/me/")  # last: the learner and their history are gone

    report = {name: n for name, (n, _) in measured.items()}
    wrong = {name: (n, BUDGETS.get(name)) for name, n in report.items() if n != BUDGETS.get(name)}
    detail = "\n\n".join(
        f"{name}: {n} queries (budget {b})\n" + "\n".join(measured[name][1]) for name, (n, b) in wrong.items()
    )
    assert not wrong, f"{world['size']} world: {wrong}\n{detail}"
    assert set(report) == set(BUDGETS)
