"""me/export/ holds every table of the learner's: the list below must name each model that points at a user."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.conf import settings

from accounts.tests.factories import DEFAULT_PASSWORD
from audit.models import UserActivityLog
from tests.learners import first_lessons

pytestmark = pytest.mark.django_db

# Every model with a foreign key to the user, and the export section holding its rows. Add a learner model
# here with its section (and export it), or under NOT_EXPORTED with the reason it is not the learner's data.
EXPORTED = {
    "account.EmailAddress": "email_addresses",
    "socialaccount.SocialAccount": "social_accounts",
    "audit.UserActivityLog": "activity_log",
    "progress.UserCourse": "enrollments",
    "progress.LessonSession": "lesson_sessions",
    "progress.UserLessonProgress": "lesson_progress",
    "progress.UserExerciseInteraction": "exercise_interactions",
    "progress.MemoryState": "memory_states",
    "gamification.LearnerStats": "stats",
    "gamification.UserHeartsLog": "hearts_log",
    "gamification.UserDailyXP": "daily_xp",
    "gamification.UserAchievement": "achievements",
    "gamification.LeagueMembership": "league_weeks",
    "gamification.UserQuest": "quests",
    "gamification.StreakReminder": "streak_reminders",
}
NOT_EXPORTED = {
    "admin.LogEntry": "staff's own history of admin changes",
    "audit.SystemAuditLog": "what staff and operators changed (its actor is staff)",
    "gamification.IdempotencyRecord": "stored replies to retried requests, kept a day; their facts are exported",
}
# The sections holding one object rather than a list of rows.
SINGLE = {"stats"}


def models_pointing_at_the_user() -> set[str]:
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    return {
        model._meta.label
        for model in apps.get_models()  # not the auto-created many-to-many tables (groups, permissions)
        for field in model._meta.get_fields()
        if field.is_relation and field.concrete and field.related_model is user_model
    }


def test_every_model_of_the_learners_is_exported_or_said_why_not():
    found = models_pointing_at_the_user()
    unlisted = found - set(EXPORTED) - set(NOT_EXPORTED)
    assert not unlisted, f"Export these learner models (or list them in NOT_EXPORTED with a reason): {unlisted}"
    assert set(EXPORTED) | set(NOT_EXPORTED) == found  # no stale entries either


def test_each_exported_section_holds_every_row_of_the_learners(owner, other):
    import datetime as dt

    from django.utils import timezone

    from gamification.models import QuestTemplate, StreakReminder, UserHeartsLog, UserQuest

    UserHeartsLog.objects.create(user=owner.user, delta=-1, reason=UserHeartsLog.Reason.WRONG_ANSWER, balance_after=4)
    # The worlds' quests are off (tests/conftest.py) and no reminder is due: one of each, so the sections are compared.
    now, today = timezone.now(), owner.user.local_date()
    template = QuestTemplate.objects.create(
        code="export", name="Q", kind="earn_xp", target=99, reward="xp", reward_xp=1
    )
    UserQuest.objects.create(user=owner.user, template=template, date=today, slot=0, target=9, reward="xp")
    StreakReminder.objects.create(user=owner.user, date=today, due_at=now, send_before=now + dt.timedelta(hours=1))
    response = owner.get("/api/v1/me/export/")
    assert response.status_code == 200
    data = response.json()
    for label, section in EXPORTED.items():
        model = apps.get_model(label)
        rows = model._default_manager.filter(user=owner.user).count()
        exported = (1 if data[section] is not None else 0) if section in SINGLE else len(data[section])
        assert (label, exported) == (label, rows)
        assert rows or label == "socialaccount.SocialAccount", f"the owner has no {label} rows to compare"


def test_the_export_includes_the_activity_log_with_address_and_device(api_client, user):
    device = {"REMOTE_ADDR": "203.0.113.7", "HTTP_USER_AGENT": "LingoApp/3.1 (Android 15)"}
    login = {"email": user.email, "password": DEFAULT_PASSWORD}
    token = api_client.post("/_allauth/app/v1/auth/login", login, format="json", **device).json()["meta"][
        "session_token"
    ]
    api_client.patch("/api/v1/me/", {"display_name": "Ana"}, format="json", HTTP_X_SESSION_TOKEN=token, **device)

    data = api_client.get("/api/v1/me/export/", HTTP_X_SESSION_TOKEN=token, **device).json()

    rows = UserActivityLog.objects.filter(user=user).order_by("created_at", "id")
    assert data["activity_log"] == [
        {
            "action": row.action,
            "created_at": row.created_at.isoformat().replace("+00:00", "Z"),
            "ip": "203.0.113.7",
            "user_agent": "LingoApp/3.1 (Android 15)",
            "metadata": row.metadata,
        }
        for row in rows
    ]
    assert [(e["action"], e["metadata"]) for e in data["activity_log"]] == [
        ("login", {"method": "password"}),
        ("profile_change", {"fields": ["display_name"]}),
        ("data_export", {}),
    ]


def test_the_export_of_a_lesson_played_with_a_mistake_then_the_account_deleted(owner):
    from accounts.services import user_delete
    from progress.models import LessonSession, UserCourse

    lesson = first_lessons(owner.course, 2)[1]
    session = owner.post(f"/api/v1/lessons/{lesson.pk}/sessions/").json()
    first = session["exercises"][0]["id"]
    owner.post(
        f"/api/v1/sessions/{session['id']}/answers/", {"exercise": first, "answer": {"text": "?"}}, format="json"
    )
    data = owner.get("/api/v1/me/export/").json()
    assert data["stats"]["hearts"] == 4
    assert [row["delta"] for row in data["hearts_log"]] == [-1]
    assert data["exercise_interactions"][-1] == {
        "session": session["id"],
        "exercise": first,
        "answer": {"text": "?"},
        "is_correct": False,
        "feedback": "wrong",
        "time_ms": None,
        "hints_used": 0,
        "created_at": data["exercise_interactions"][-1]["created_at"],
        "answered_at": None,
    }
    assert [(row["lesson"], row["status"]) for row in data["lesson_sessions"]][-1] == (lesson.pk, "active")
    assert data["enrollments"][0]["course"] == owner.course.pk

    user_delete(user=owner.user)
    assert not UserCourse.objects.exists()
    assert not LessonSession.objects.exists()
