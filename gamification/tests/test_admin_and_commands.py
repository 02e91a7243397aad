"""Admin pages of the learning engine's models open, and the small operator commands work."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.tests.factories import SuperuserFactory
from audit.models import SystemAuditLog
from exercises.tests.factories import lesson_with_exercises
from gamification.models import IdempotencyRecord
from gamification.tests.factories import AchievementFactory
from gamification.tests.helpers import enroll, play_lesson

pytestmark = pytest.mark.django_db

MODELS = [
    "progress_usercourse",
    "progress_lessonsession",
    "progress_userlessonprogress",
    "progress_userexerciseinteraction",
    "gamification_achievement",
    "gamification_learnerstats",
    "gamification_userheartslog",
    "gamification_userdailyxp",
    "gamification_userachievement",
]


@pytest.mark.parametrize("model", MODELS)
def test_admin_changelists_and_read_only_change_pages_open(client, user, model):
    lesson = lesson_with_exercises(2)
    enroll(user, lesson)
    AchievementFactory(code="first")
    play_lesson(user, lesson, wrong=1)
    client.force_login(SuperuserFactory())
    changelist = client.get(reverse(f"admin:{model}_changelist"))
    assert changelist.status_code == 200
    assert client.get(reverse(f"admin:{model}_changelist"), {"q": "learner"}).status_code == 200


def test_learner_state_cannot_be_added_in_admin(client):
    client.force_login(SuperuserFactory())
    assert client.get(reverse("admin:gamification_learnerstats_add")).status_code == 403
    assert client.get(reverse("admin:progress_lessonsession_add")).status_code == 403


def test_prune_idempotency_keys(user):
    old = IdempotencyRecord.objects.create(user=user, key="old", fingerprint="f", response_status=200, response_body={})
    IdempotencyRecord.objects.filter(pk=old.pk).update(created_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    IdempotencyRecord.objects.create(user=user, key="new", fingerprint="f", response_status=200, response_body={})
    out = io.StringIO()
    call_command("prune_idempotency_keys", stdout=out)
    assert "Deleted 1 expired" in out.getvalue()
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]
    assert SystemAuditLog.objects.get().summary == {"deleted": 1}
