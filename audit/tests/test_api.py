"""`me/activity/`: the learner's own activity, newest first, filterable by action."""

import datetime

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from audit.models import UserActivityLog
from audit.tests.factories import UserActivityLogFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/me/activity/"


def test_lists_only_my_rows_newest_first_with_the_contract_fields(learner_client, django_assert_num_queries):
    me = learner_client.user
    now = timezone.now()
    older = UserActivityLogFactory(user=me, action="login", created_at=now - datetime.timedelta(hours=2))
    newer = UserActivityLogFactory(
        user=me, action="enroll", created_at=now - datetime.timedelta(hours=1), metadata={"course": 3}
    )
    UserActivityLogFactory(user=UserFactory(), action="login")
    UserActivityLogFactory(user=None, action="login_failed")

    with django_assert_num_queries(2):  # count + page
        response = learner_client.get(URL)

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [row["id"] for row in body["results"]] == [newer.pk, older.pk]
    assert body["results"][0] == {
        "id": newer.pk,
        "action": "enroll",
        "created_at": newer.created_at.isoformat().replace("+00:00", "Z"),
        "ip": "203.0.113.7",
        "user_agent": "TestAgent/1.0",
        "metadata": {"course": 3},
    }


def test_filters_by_action(learner_client):
    UserActivityLogFactory(user=learner_client.user, action="login")
    enroll = UserActivityLogFactory(user=learner_client.user, action="enroll")

    body = learner_client.get(URL, {"action": "enroll"}).json()

    assert [row["id"] for row in body["results"]] == [enroll.pk]


def test_an_unknown_action_is_400(learner_client):
    assert learner_client.get(URL, {"action": "hack"}).status_code == 400


def test_is_paginated(learner_client):
    UserActivityLogFactory.create_batch(3, user=learner_client.user)

    body = learner_client.get(URL, {"page_size": 2}).json()

    assert body["count"] == 3
    assert len(body["results"]) == 2
    assert body["next"]


def test_anonymous_is_401(api_client):
    assert api_client.get(URL).status_code == 401


def test_is_read_only(learner_client):
    assert learner_client.post(URL, {"action": "login"}).status_code == 405
    assert UserActivityLog.objects.count() == 0
