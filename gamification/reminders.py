"""Streak reminders: finding learners whose reminder time has come, one email per local day at most, and the
signed unsubscribe link.

A run has two steps. Scheduling locks a batch of due learners (`next_reminder_at <= now`, an indexed column,
`SKIP LOCKED` so two runs at once take different learners), writes a `StreakReminder` row for each learner whose
goal of the day is not met (unique per learner and local day: a second run or a retry cannot add another) and
moves `next_reminder_at` to the next day. Delivery then claims pending rows (again `SKIP LOCKED`), marks them
`sending` and commits before sending, then records `sent`, or on a refused send puts the row back to be tried
by a later run (up to REMINDER_MAX_ATTEMPTS). A row left `sending` (the process died while sending) is never
sent again: a lost reminder is preferred to a second one.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.backends import users_cache_forget
from accounts.services import user_profile_update
from config.exceptions import NotFound
from gamification.models import LearnerStats, StreakReminder, UserDailyXP

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "gamification.reminders.unsubscribe"
Status = StreakReminder.Status


# --- the unsubscribe link --------------------------------------------------------------------------


def unsubscribe_token(*, user_id: int) -> str:
    return signing.dumps({"learner": user_id}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_url(*, user_id: int) -> str:
    query = urlencode({"learner": user_id, "token": unsubscribe_token(user_id=user_id)})
    return f"{settings.SITE_URL}{reverse('v1:reminders-unsubscribe')}?{query}"


def reminders_unsubscribe(*, learner_id: int, token: str, request=None):
    """Turn the learner's reminders off from the link in a reminder (no sign-in): 400 for a token that was
    altered or signed for another learner, 404 for a learner who no longer exists."""
    try:
        signed = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        raise ValidationError({"token": "This unsubscribe link is not valid: it was altered."}) from None
    if not isinstance(signed, dict) or signed.get("learner") != learner_id:
        raise ValidationError({"token": "This unsubscribe link was made for another learner."})
    user = get_user_model().objects.filter(pk=learner_id).first()
    if user is None:
        raise NotFound("No such learner.")
    return user_profile_update(user=user, data={"reminders_enabled": False}, request=request)


# --- sending ---------------------------------------------------------------------------------------


@dataclass
class ReminderRun:
    due: int = 0  # learners whose reminder time had come
    goal_met: int = 0  # ... whose goal of the day was met: no email
    late: int = 0  # ... whose reminder was for a day already over (the task did not run): no email
    already_reminded: int = 0  # ... reminded earlier that day (the reminder time was moved later): no email
    scheduled: int = 0  # rows written to be sent
    sent: int = 0
    failed: int = 0  # sends refused (tried again by a later run unless out of attempts)
    expired: int = 0  # pending rows whose day ended before they could be sent


def _day_end(user, day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=user.tz).astimezone(dt.UTC)


def _schedule_batch(*, now: dt.datetime, run: ReminderRun) -> bool:
    """Lock one batch of due learners, write their reminder rows, move their next reminder. False when none."""
    with transaction.atomic():
        users = list(
            get_user_model()
            .objects.filter(reminders_enabled=True, next_reminder_at__lte=now)
            .order_by("next_reminder_at", "pk")
            .select_for_update(skip_locked=True)[: settings.REMINDER_BATCH_SIZE]
        )
        if not users:
            return False
        today = {user.pk: user.local_date(now) for user in users}
        dailies = {
            (row.user_id, row.date): row
            for row in UserDailyXP.objects.filter(user_id__in=today, date__in=set(today.values()))
        }
        reminded = StreakReminder.objects.filter(user_id__in=today, date__in=set(today.values()))
        already = set(reminded.values_list("user_id", "date"))
        rows = []
        for user in users:
            run.due += 1
            day, due_at = today[user.pk], user.reminder_at(today[user.pk])
            daily = dailies.get((user.pk, day))
            if due_at > now:
                run.late += 1
            elif daily is not None and daily.goal_met:
                run.goal_met += 1
            elif (user.pk, day) in already:
                run.already_reminded += 1
            else:
                rows.append(StreakReminder(user=user, date=day, due_at=due_at, send_before=_day_end(user, day)))
            user.next_reminder_at = user.reminder_due_after(now)
        # The learners are locked, so `already` is exact; the unique constraint still backs "one a day".
        StreakReminder.objects.bulk_create(rows, ignore_conflicts=True)
        run.scheduled += len(rows)
        get_user_model().objects.bulk_update(users, ["next_reminder_at"])
        users_cache_forget(pks=[user.pk for user in users])  # me/ shows the moved reminder on the next request
    return True


def _message(reminder: StreakReminder, *, daily: UserDailyXP | None, streak: int) -> EmailMessage:
    user = reminder.user
    url = unsubscribe_url(user_id=user.pk)
    xp, goal = (daily.xp, daily.goal) if daily else (0, user.daily_xp_goal)
    streak_line = f"Your {streak}-day streak is waiting for today's lesson." if streak else "Start a streak today."
    body = (
        f"Hello {user.display_name or 'there'},\n\n"
        f"You have earned {xp} of your {goal} XP today. {streak_line}\n\n"
        f"To stop these reminders, open {url}\n"
    )
    return EmailMessage(
        subject="Keep your streak: today's goal is not met yet",
        body=body,
        to=[user.email],
        headers={"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    )


def _deliver_batch(*, now: dt.datetime, run: ReminderRun, seen: set[int]) -> bool:
    """Claim a batch of pending reminders, send them, record each outcome. False when none is left."""
    with transaction.atomic():
        claimed = list(
            StreakReminder.objects.filter(status=Status.PENDING, send_before__gt=now)
            .exclude(pk__in=seen)
            .select_related("user")
            .order_by("send_before", "pk")
            .select_for_update(skip_locked=True, of=("self",))[: settings.REMINDER_BATCH_SIZE]
        )
        if not claimed:
            return False
        for reminder in claimed:
            reminder.status, reminder.attempts = Status.SENDING, reminder.attempts + 1
            seen.add(reminder.pk)
        StreakReminder.objects.bulk_update(claimed, ["status", "attempts"])
    user_ids = [reminder.user_id for reminder in claimed]
    dailies = {
        (row.user_id, row.date): row
        for row in UserDailyXP.objects.filter(user_id__in=user_ids, date__in={r.date for r in claimed})
    }
    streaks = dict(LearnerStats.objects.filter(user_id__in=user_ids).values_list("user_id", "current_streak"))
    connection = get_connection()
    for reminder in claimed:
        message = _message(
            reminder, daily=dailies.get((reminder.user_id, reminder.date)), streak=streaks.get(reminder.user_id, 0)
        )
        message.connection = connection
        try:
            message.send()
        except Exception as exc:  # SMTP refusals, network errors, a bad address: recorded, the batch goes on
            run.failed += 1
            out_of_attempts = reminder.attempts >= settings.REMINDER_MAX_ATTEMPTS
            reminder.status = Status.FAILED if out_of_attempts else Status.PENDING
            reminder.error = f"{type(exc).__name__}: {exc}"[:500]
            logger.warning("Reminder %s to learner %s not sent: %s", reminder.pk, reminder.user_id, reminder.error)
        else:
            run.sent += 1
            reminder.status, reminder.sent_at, reminder.error = Status.SENT, timezone.now(), ""
    StreakReminder.objects.bulk_update(claimed, ["status", "sent_at", "error"])
    return True


def reminders_send_due(*, now: dt.datetime | None = None) -> ReminderRun:
    """Send today's reminder to every learner whose reminder time has come and whose daily goal is not met."""
    now = now or timezone.now()
    run = ReminderRun()
    while _schedule_batch(now=now, run=run):
        pass
    run.expired = StreakReminder.objects.filter(status=Status.PENDING, send_before__lte=now).update(
        status=Status.FAILED, error="The learner's day ended before the reminder could be sent."
    )
    seen: set[int] = set()
    while _deliver_batch(now=now, run=run, seen=seen):
        pass
    logger.info(
        "Streak reminders: %d due, %d goal met, %d late, %d already reminded, %d scheduled, %d sent, %d failed, "
        "%d expired.",
        run.due,
        run.goal_met,
        run.late,
        run.already_reminded,
        run.scheduled,
        run.sent,
        run.failed,
        run.expired,
    )
    return run
