"""Streak reminders: the local reminder time (DST-safe), the profile fields, the task (one email a learner a day,
also when it runs twice at once), failed sends, and the signed unsubscribe link."""

from __future__ import annotations

import datetime as dt
import re
import smtplib
import threading
from urllib.parse import parse_qs, urlparse

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import connection
from django.test import override_settings
from rest_framework.test import APIClient

from accounts.models import User
from accounts.tests.factories import UserFactory, token_client
from audit.models import UserActivityLog
from gamification import reminders, tasks
from gamification.models import StreakReminder, UserDailyXP

pytestmark = pytest.mark.django_db

UTC = dt.UTC
EVENING = dt.datetime(2026, 3, 4, 19, 0, tzinfo=UTC)


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def learner_with_reminder(at: str | None, *, now=EVENING, timezone="UTC", xp: int | None = None, **fields):
    """A learner who chose a reminder time `at` (HH:MM) before `now`, with `xp` earned on that day if given."""
    user = UserFactory(timezone=timezone, **fields)
    if at is not None:
        with time_machine.travel(now - dt.timedelta(hours=12), tick=False):
            response = client_for(user).patch("/api/v1/me/", {"reminders_enabled": True, "reminder_time": at})
        assert response.status_code == 200, response.content
        user.refresh_from_db()
    if xp is not None:
        UserDailyXP.objects.create(user=user, date=user.local_date(now), xp=xp, goal=user.daily_xp_goal)
    return user


def send(now=EVENING) -> dict:
    with time_machine.travel(now, tick=False):
        return tasks.send_streak_reminders.delay().get()


# --- the reminder's time -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "at", "after", "expected"),
    [
        # New York, 19:00 local: 00:00 UTC the next day (EST, UTC-5).
        ("America/New_York", "19:00", dt.datetime(2026, 3, 4, 23, 59, tzinfo=UTC), dt.datetime(2026, 3, 5, 0, 0)),
        ("America/New_York", "19:00", dt.datetime(2026, 3, 5, 0, 0, tzinfo=UTC), dt.datetime(2026, 3, 6, 0, 0)),
        # Across midnight in Tokyo (UTC+9): 08:00 local is 23:00 UTC the day before.
        ("Asia/Tokyo", "08:00", dt.datetime(2026, 3, 4, 22, 0, tzinfo=UTC), dt.datetime(2026, 3, 4, 23, 0)),
        # Berlin springs forward on 2026-03-29 (02:00 CET -> 03:00 CEST): 02:30 does not exist that day and falls
        # just after the gap, 03:30 CEST = 01:30 UTC; the day before and after it is 02:30 local as usual.
        ("Europe/Berlin", "02:30", dt.datetime(2026, 3, 28, 0, 0, tzinfo=UTC), dt.datetime(2026, 3, 28, 1, 30)),
        ("Europe/Berlin", "02:30", dt.datetime(2026, 3, 28, 12, 0, tzinfo=UTC), dt.datetime(2026, 3, 29, 1, 30)),
        ("Europe/Berlin", "02:30", dt.datetime(2026, 3, 29, 1, 30, tzinfo=UTC), dt.datetime(2026, 3, 30, 0, 30)),
        # Berlin falls back on 2026-10-25 (03:00 CEST -> 02:00 CET): 02:30 happens twice; the first one counts.
        ("Europe/Berlin", "02:30", dt.datetime(2026, 10, 24, 12, 0, tzinfo=UTC), dt.datetime(2026, 10, 25, 0, 30)),
        ("Europe/Berlin", "02:30", dt.datetime(2026, 10, 25, 0, 30, tzinfo=UTC), dt.datetime(2026, 10, 26, 1, 30)),
        # Evening reminders around the same changes keep their local time.
        ("Europe/Berlin", "19:00", dt.datetime(2026, 3, 29, 0, 0, tzinfo=UTC), dt.datetime(2026, 3, 29, 17, 0)),
        ("Europe/Berlin", "19:00", dt.datetime(2026, 3, 28, 0, 0, tzinfo=UTC), dt.datetime(2026, 3, 28, 18, 0)),
    ],
)
def test_the_next_reminder_is_the_local_time_in_utc_across_dst(zone, at, after, expected):
    user = User(timezone=zone, reminders_enabled=True, reminder_time=dt.time.fromisoformat(at))
    assert user.reminder_due_after(after) == expected.replace(tzinfo=UTC)


def test_no_reminder_when_reminders_are_off():
    assert User(reminders_enabled=False, reminder_time=dt.time(19)).reminder_due_after(EVENING) is None


# --- the profile -----------------------------------------------------------------------------------------


def test_choosing_a_reminder_time_schedules_the_next_reminder():
    learner = UserFactory(timezone="Europe/Berlin")
    client = client_for(learner)
    with time_machine.travel(EVENING, tick=False):  # 20:00 in Berlin
        response = client.patch("/api/v1/me/", {"reminders_enabled": True, "reminder_time": "21:15"})
        assert response.status_code == 200, response.content
        body = response.json()
        assert (body["reminders_enabled"], body["reminder_time"], body["next_reminder_at"]) == (
            True,
            "21:15",
            "2026-03-04T20:15:00Z",
        )
        # Moving to another timezone moves the next reminder; so does an earlier time (tomorrow, then).
        assert client.patch("/api/v1/me/", {"timezone": "Asia/Tokyo"}).json()["next_reminder_at"] == (
            "2026-03-05T12:15:00Z"
        )
        assert client.patch("/api/v1/me/", {"reminder_time": "04:00"}).json()["next_reminder_at"] == (
            "2026-03-05T19:00:00Z"
        )
        off = client.patch("/api/v1/me/", {"reminders_enabled": False}).json()
        assert (off["reminders_enabled"], off["reminder_time"], off["next_reminder_at"]) == (False, "04:00", None)
        hidden = client.patch("/api/v1/me/", {"hide_from_leaderboards": True}).json()
        assert hidden["hide_from_leaderboards"] is True
    changes = UserActivityLog.objects.filter(user=learner, action="profile_change").order_by("id")
    assert [row.metadata["fields"] for row in changes] == [
        ["reminder_time", "reminders_enabled"],
        ["timezone"],
        ["reminder_time"],
        ["reminders_enabled"],
        ["hide_from_leaderboards"],
    ]


@pytest.mark.parametrize(
    "body",
    [
        {"reminders_enabled": True, "reminder_time": "25:00"},
        {"reminders_enabled": True, "reminder_time": "19:60"},
        {"reminders_enabled": True, "reminder_time": "7pm"},
        {"reminders_enabled": True, "reminder_time": "19:00:30"},
        {"reminders_enabled": True, "reminder_time": ""},
        {"reminders_enabled": True, "reminder_time": 1900},
        {"reminders_enabled": True},
        {"reminders_enabled": True, "reminder_time": None},
    ],
)
def test_a_reminder_time_that_is_not_a_local_time_is_refused_naming_the_field(body):
    learner = UserFactory()
    response = client_for(learner).patch("/api/v1/me/", body, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["reminder_time"]
    learner.refresh_from_db()
    assert (learner.reminders_enabled, learner.reminder_time, learner.next_reminder_at) == (False, None, None)
    assert not UserActivityLog.objects.filter(user=learner, action="profile_change").exists()


def test_clearing_the_time_while_reminders_are_on_is_refused():
    learner = learner_with_reminder("18:00")
    response = client_for(learner).patch("/api/v1/me/", {"reminder_time": None}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["reminder_time"]
    learner.refresh_from_db()
    assert learner.reminder_time == dt.time(18)


def test_reminders_enabled_must_be_a_boolean():
    response = client_for(UserFactory()).patch("/api/v1/me/", {"reminders_enabled": "sometimes"}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["reminders_enabled"]


# --- the task ------------------------------------------------------------------------------------------


def test_due_learners_whose_goal_is_not_met_get_one_email_a_day():
    behind = learner_with_reminder("18:00", xp=5, display_name="Ana")
    no_xp_yet = learner_with_reminder("18:30")
    met = learner_with_reminder("18:00", xp=25)
    off = learner_with_reminder(None, xp=0)
    later = learner_with_reminder("20:00")
    mail.outbox.clear()

    assert send() == {
        "due": 3,
        "goal_met": 1,
        "late": 0,
        "already_reminded": 0,
        "scheduled": 2,
        "sent": 2,
        "failed": 0,
        "expired": 0,
    }
    assert sorted(message.to[0] for message in mail.outbox) == sorted([behind.email, no_xp_yet.email])
    message = next(m for m in mail.outbox if m.to == [behind.email])
    assert message.subject == "Keep your streak: today's goal is not met yet"
    assert "Hello Ana," in message.body
    assert "You have earned 5 of your 20 XP today." in message.body
    link = re.search(r"open (\S+)", message.body).group(1)
    assert link.startswith("http://127.0.0.1:8000/api/v1/reminders/unsubscribe/?learner=")
    assert message.extra_headers["List-Unsubscribe"] == f"<{link}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    row = StreakReminder.objects.get(user=behind)
    assert (row.date, row.status, row.attempts, row.due_at, row.sent_at) == (
        dt.date(2026, 3, 4),
        "sent",
        1,
        dt.datetime(2026, 3, 4, 18, tzinfo=UTC),
        EVENING,
    )
    assert row.send_before == dt.datetime(2026, 3, 5, tzinfo=UTC)
    for learner in (behind, met):
        learner.refresh_from_db()
        assert learner.next_reminder_at == dt.datetime(2026, 3, 5, 18, tzinfo=UTC)
    assert not StreakReminder.objects.filter(user__in=[met, off, later]).exists()

    # Again the same evening (a second beat, a retry): nothing more.
    assert send(EVENING + dt.timedelta(minutes=5))["sent"] == 0
    # The learner moves the reminder later the same day: still one email that day.
    with time_machine.travel(EVENING + dt.timedelta(minutes=6), tick=False):
        client_for(behind).patch("/api/v1/me/", {"reminder_time": "19:30"})
    assert send(EVENING + dt.timedelta(minutes=40))["already_reminded"] == 1
    assert len(mail.outbox) == 2
    # The next evening: the ones still behind are reminded again; "later" at 20:00 the evening before.
    assert send(EVENING + dt.timedelta(hours=1))["sent"] == 1
    assert mail.outbox[-1].to == [later.email]
    # behind at 19:30, no_xp_yet, met (no XP that day); later's is at 20:00.
    assert send(EVENING + dt.timedelta(days=1, minutes=45))["sent"] == 3
    assert StreakReminder.objects.filter(status="sent").count() == 6


def test_a_signed_in_learner_sees_the_next_reminder_the_run_moved():
    learner = learner_with_reminder("18:00")
    client = token_client(learner)
    assert client.get("/api/v1/me/").json()["next_reminder_at"] == "2026-03-04T18:00:00Z"  # now in the sign-in cache
    send()
    assert client.get("/api/v1/me/").json()["next_reminder_at"] == "2026-03-05T18:00:00Z"


def test_a_reminder_the_task_could_not_send_that_day_is_not_sent_the_next():
    learner = learner_with_reminder("18:00")
    # The worker was down from before 18:00 on March 4 until 10:00 on March 5.
    assert send(dt.datetime(2026, 3, 5, 10, tzinfo=UTC))["late"] == 1
    assert mail.outbox == []
    learner.refresh_from_db()
    assert learner.next_reminder_at == dt.datetime(2026, 3, 5, 18, tzinfo=UTC)


def test_the_day_is_the_learners_local_day():
    # 23:30 in New York on March 4 is 04:30 UTC on March 5; the goal of March 4 is met, so no email.
    learner = learner_with_reminder(
        "23:30", now=dt.datetime(2026, 3, 5, 4, 30, tzinfo=UTC), timezone="America/New_York", xp=30
    )
    assert UserDailyXP.objects.get(user=learner).date == dt.date(2026, 3, 4)
    assert send(dt.datetime(2026, 3, 5, 4, 31, tzinfo=UTC))["goal_met"] == 1
    assert mail.outbox == []


class RefusingBackend(LocmemBackend):
    """Refuses the addresses in `refused`, delivers the others to the locmem outbox."""

    refused: set[str] = set()

    def send_messages(self, messages):
        for message in messages:
            if set(message.to) & self.refused:
                raise smtplib.SMTPRecipientsRefused({message.to[0]: (550, b"mailbox unavailable")})
        return super().send_messages(messages)


@override_settings(EMAIL_BACKEND="gamification.tests.test_reminders.RefusingBackend", REMINDER_MAX_ATTEMPTS=3)
def test_a_refused_send_is_tried_again_by_later_runs_and_then_given_up():
    flaky, fine, broken = (learner_with_reminder("18:00") for _ in range(3))
    RefusingBackend.refused = {flaky.email, broken.email}
    mail.outbox.clear()
    first = send()
    assert (first["sent"], first["failed"]) == (1, 2)
    row = StreakReminder.objects.get(user=flaky)
    assert (row.status, row.attempts) == ("pending", 1)
    assert row.error.startswith("SMTPRecipientsRefused")
    RefusingBackend.refused = {broken.email}
    assert send(EVENING + dt.timedelta(minutes=5))["sent"] == 1
    assert send(EVENING + dt.timedelta(minutes=10))["failed"] == 1
    assert send(EVENING + dt.timedelta(minutes=15)) == {
        "due": 0,
        "goal_met": 0,
        "late": 0,
        "already_reminded": 0,
        "scheduled": 0,
        "sent": 0,
        "failed": 0,
        "expired": 0,
    }
    states = {r.user_id: (r.status, r.attempts) for r in StreakReminder.objects.all()}
    assert states == {flaky.pk: ("sent", 2), fine.pk: ("sent", 1), broken.pk: ("failed", 3)}
    assert sorted(m.to[0] for m in mail.outbox) == sorted([fine.email, flaky.email])
    RefusingBackend.refused = set()


def test_a_reminder_being_sent_when_its_process_died_is_not_sent_again_and_a_past_day_expires():
    learner = learner_with_reminder("18:00")
    other = learner_with_reminder("18:00")
    StreakReminder.objects.create(
        user=learner,
        date=dt.date(2026, 3, 4),
        due_at=dt.datetime(2026, 3, 4, 18, tzinfo=UTC),
        send_before=dt.datetime(2026, 3, 5, tzinfo=UTC),
        status="sending",
        attempts=1,
    )
    StreakReminder.objects.create(
        user=other,
        date=dt.date(2026, 3, 3),
        due_at=dt.datetime(2026, 3, 3, 18, tzinfo=UTC),
        send_before=dt.datetime(2026, 3, 4, tzinfo=UTC),
    )
    result = send()
    assert (result["already_reminded"], result["expired"], result["sent"]) == (1, 1, 1)
    assert [m.to for m in mail.outbox] == [[other.email]]
    assert StreakReminder.objects.get(user=learner).status == "sending"
    assert StreakReminder.objects.get(user=other, date=dt.date(2026, 3, 3)).status == "failed"


# --- the unsubscribe link ------------------------------------------------------------------------------


def _link_of(learner) -> tuple[str, dict[str, str]]:
    url = reminders.unsubscribe_url(user_id=learner.pk)
    parsed = urlparse(url)
    return parsed.path, {key: values[0] for key, values in parse_qs(parsed.query).items()}


def test_the_link_in_the_email_turns_reminders_off_without_signing_in():
    learner = learner_with_reminder("18:00")
    send()
    link = re.search(r"open (\S+)", mail.outbox[0].body).group(1)
    response = APIClient().get(link.removeprefix("http://127.0.0.1:8000"))
    assert response.status_code == 200, response.content
    assert response.json() == {"detail": "Streak reminders are off.", "reminders_enabled": False}
    learner.refresh_from_db()
    assert (learner.reminders_enabled, learner.next_reminder_at, learner.reminder_time) == (False, None, dt.time(18))
    assert UserActivityLog.objects.filter(user=learner, action="profile_change").order_by("id").last().metadata == {
        "fields": ["reminders_enabled"]
    }
    # Opening it again is harmless; the one-click POST (List-Unsubscribe-Post) does the same.
    path, query = _link_of(learner)
    assert APIClient().post(f"{path}?learner={query['learner']}&token={query['token']}").status_code == 200
    assert send(EVENING + dt.timedelta(days=1))["due"] == 0


def test_an_altered_link_or_one_made_for_another_learner_is_refused():
    learner, other = learner_with_reminder("18:00"), learner_with_reminder("18:00")
    path, query = _link_of(learner)
    _, others = _link_of(other)
    client = APIClient()
    altered = query["token"][:-2] + ("AA" if not query["token"].endswith("AA") else "BB")
    cases = [
        ({"learner": query["learner"], "token": altered}, "This unsubscribe link is not valid: it was altered."),
        (
            {"learner": query["learner"], "token": others["token"]},
            "This unsubscribe link was made for another learner.",
        ),
        ({"learner": query["learner"], "token": "nonsense"}, "This unsubscribe link is not valid: it was altered."),
    ]
    for params, message in cases:
        response = client.get(path, params)
        assert response.status_code == 400
        assert response.json() == {"token": [message]}
    assert client.get(path, {"learner": query["learner"]}).json() == {"token": ["This field is required."]}
    assert list(client.get(path, {"learner": "me", "token": query["token"]}).json()) == ["learner"]
    learner.refresh_from_db()
    other.refresh_from_db()
    assert learner.reminders_enabled
    assert other.reminders_enabled
    # A valid link of a learner who has since deleted their account.
    gone = UserFactory()
    _, gone_query = _link_of(gone)
    gone.delete()
    response = client.get(path, gone_query)
    assert (response.status_code, response.json()["code"]) == (404, "not_found")


# --- PostgreSQL: two runs at once, the index --------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@override_settings(REMINDER_BATCH_SIZE=3)
def test_two_runs_at_once_send_one_email_per_due_learner():
    due = [learner_with_reminder("18:00", xp=index % 10) for index in range(14)]
    met = [learner_with_reminder("18:00", xp=40) for _ in range(3)]
    off = [learner_with_reminder(None) for _ in range(2)]
    mail.outbox.clear()
    barrier, results, errors = threading.Barrier(2), [], []

    def run():
        try:
            barrier.wait(timeout=30)
            results.append(reminders.reminders_send_due(now=EVENING))
        except Exception as exc:  # re-raised below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in due)
    assert sum(r.sent for r in results) == 14
    assert sum(r.goal_met for r in results) == 3
    assert StreakReminder.objects.filter(status="sent").count() == 14
    assert not StreakReminder.objects.filter(user__in=met + off).exists()


@pytest.mark.postgres
def test_due_learners_are_found_through_the_index():
    learner_with_reminder("18:00")
    query = User.objects.filter(reminders_enabled=True, next_reminder_at__lte=EVENING).order_by("next_reminder_at")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = query.explain()
    assert "user_reminder_due_idx" in plan


def test_a_timezone_changed_in_the_admin_moves_the_next_reminder(client):
    from accounts.tests.factories import SuperuserFactory

    learner = learner_with_reminder("18:00")
    assert learner.next_reminder_at == dt.datetime(2026, 3, 4, 18, tzinfo=UTC)
    client.force_login(SuperuserFactory())
    with time_machine.travel(dt.datetime(2026, 3, 4, 12, tzinfo=UTC), tick=False):
        response = client.post(
            f"/admin/accounts/user/{learner.pk}/change/",
            {
                "email": learner.email,
                "display_name": learner.display_name,
                "timezone": "Asia/Tokyo",
                "daily_xp_goal": learner.daily_xp_goal,
                "is_active": "on",
                "last_login_0": "",
                "last_login_1": "",
            },
        )
    assert response.status_code == 302, response.context["adminform"].form.errors
    learner.refresh_from_db()
    # 18:00 in Tokyo is 09:00 UTC: today's has passed at noon UTC, so tomorrow's.
    assert learner.next_reminder_at == dt.datetime(2026, 3, 5, 9, tzinfo=UTC)
    assert (learner.reminders_enabled, learner.reminder_time) == (True, dt.time(18))
