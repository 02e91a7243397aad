"""League, quest and reminder records: in the data export, deleted with the account, protected references, the
admin pages (tiers and quest templates edited and audited; learners' records read-only) and the commands."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import ProtectedError
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.services import user_delete
from accounts.tests.factories import SuperuserFactory, UserFactory
from audit.models import SystemAuditLog
from gamification import services
from gamification.models import (
    LeagueCohort,
    LeagueMembership,
    LeagueTier,
    LeagueWeek,
    QuestTemplate,
    StreakReminder,
    UserQuest,
)
from gamification.tests.factories import QuestTemplateFactory, seeded_tiers
from gamification.tests.helpers import earn_xp

pytestmark = pytest.mark.django_db

UTC = dt.UTC
DURING = dt.datetime(2026, 3, 4, 12, 0, tzinfo=UTC)
AFTER = dt.datetime(2026, 3, 9, 1, 0, tzinfo=UTC)


@pytest.fixture
def learner_with_records():
    seeded_tiers()
    QuestTemplateFactory(code="earn-10", kind=QuestTemplate.Kind.EARN_XP, target=10, reward_xp=3)
    learner = UserFactory()
    earn_xp(learner, 12, now=DURING)
    services.league_rollover(week=dt.date(2026, 3, 2), now=AFTER)
    StreakReminder.objects.create(
        user=learner,
        date=dt.date(2026, 3, 4),
        due_at=dt.datetime(2026, 3, 4, 18, tzinfo=UTC),
        send_before=dt.datetime(2026, 3, 5, tzinfo=UTC),
        status="sent",
        attempts=1,
        sent_at=dt.datetime(2026, 3, 4, 18, 1, tzinfo=UTC),
    )
    return learner


def test_the_export_holds_league_weeks_quests_and_reminders(learner_with_records):
    client = APIClient()
    client.force_authenticate(learner_with_records)
    data = client.get("/api/v1/me/export/").json()
    assert data["league_weeks"] == [
        {
            "week": "2026-03-02",
            "tier": "bronze",
            "weekly_xp": 15,
            "joined_at": "2026-03-04T12:00:00Z",
            "rank": 1,
            "result": "promoted",
            "next_tier": "silver",
        }
    ]
    assert data["quests"] == [
        {
            "date": "2026-03-04",
            "quest": "earn-10",
            "target": 10,
            "progress": 10,
            "completed_at": "2026-03-04T12:00:00Z",
            "reward": "xp",
            "reward_xp": 3,
            "hearts_given": 0,
            "freezes_given": 0,
        }
    ]
    assert data["streak_reminders"] == [
        {
            "date": "2026-03-04",
            "status": "sent",
            "due_at": "2026-03-04T18:00:00Z",
            "sent_at": "2026-03-04T18:01:00Z",
        }
    ]
    assert data["stats"]["league_best_tier"] == 2
    assert data["daily_xp"][0]["best_correct_run"] == 0


def test_the_records_go_with_the_account_and_league_history_stays_protected(learner_with_records):
    user_delete(user=learner_with_records)  # what DELETE me/ does once the learner has re-authenticated
    assert not LeagueMembership.objects.exists()
    assert not UserQuest.objects.exists()
    assert not StreakReminder.objects.exists()
    # Cohorts and weeks stay (others' history points at them); tiers and templates in use cannot be deleted.
    assert LeagueCohort.objects.count() == 1
    assert LeagueWeek.objects.count() == 1
    other = UserFactory()
    earn_xp(other, 12, now=DURING + dt.timedelta(days=14))
    with pytest.raises(ProtectedError):
        LeagueTier.objects.get(code="bronze").delete()
    with pytest.raises(ProtectedError):
        QuestTemplate.objects.get(code="earn-10").delete()


@pytest.mark.parametrize(
    "model",
    [
        "gamification_leaguetier",
        "gamification_leagueweek",
        "gamification_leaguecohort",
        "gamification_leaguemembership",
        "gamification_questtemplate",
        "gamification_userquest",
        "gamification_streakreminder",
        "django_celery_beat_periodictask",
    ],
)
def test_admin_pages_open(client, learner_with_records, model):
    client.force_login(SuperuserFactory())
    assert client.get(reverse(f"admin:{model}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:{model}_changelist"), {"q": "learner"}).status_code == 200


def test_tiers_and_templates_are_edited_in_admin_and_audited_learner_records_are_not(client, learner_with_records):
    client.force_login(SuperuserFactory())
    silver = LeagueTier.objects.get(code="silver")
    response = client.post(
        reverse("admin:gamification_leaguetier_change", args=[silver.pk]),
        {"code": "silver", "name": "Silver", "order": 2, "promote_count": 8, "demote_count": 5, "icon": ""},
    )
    assert response.status_code == 302, response.content[:500]
    silver.refresh_from_db()
    assert silver.promote_count == 8
    audit = SystemAuditLog.objects.filter(target_repr="Silver").latest("id")
    assert audit.changes["promote_count"] == [10, 8]
    membership = LeagueMembership.objects.get()
    assert client.get(reverse("admin:gamification_leaguemembership_add")).status_code == 403
    assert client.get(reverse("admin:gamification_leaguemembership_delete", args=[membership.pk])).status_code == 403
    assert client.get(reverse("admin:gamification_userquest_add")).status_code == 403


def test_send_reminders_command_reports_and_audits():
    learner = UserFactory()
    with time_machine.travel(dt.datetime(2026, 3, 4, 8, tzinfo=UTC), tick=False):
        APIClient().force_authenticate(learner)
        client = APIClient()
        client.force_authenticate(learner)
        client.patch("/api/v1/me/", {"reminders_enabled": True, "reminder_time": "09:00"})
    out = io.StringIO()
    with time_machine.travel(dt.datetime(2026, 3, 4, 9, 1, tzinfo=UTC), tick=False):
        call_command("send_reminders", stdout=out)
    assert out.getvalue().strip() == (
        "1 due, 0 goal met, 0 late, 0 already reminded, 1 scheduled, 1 sent, 0 failed, 0 expired"
    )
    assert SystemAuditLog.objects.get(actor_repr="manage.py send_reminders").summary["sent"] == 1
    out = io.StringIO()
    with time_machine.travel(dt.datetime(2026, 3, 4, 9, 2, tzinfo=UTC), tick=False):
        call_command("send_reminders", stdout=out)
    assert SystemAuditLog.objects.filter(actor_repr="manage.py send_reminders").count() == 1
