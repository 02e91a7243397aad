"""bench/populate.py's leagues: every learner in this week's league, closed weeks ranked by the tiers' rules, the
signed-in learners in one cohort, today's quests; what me/league/ then serves (PostgreSQL: it writes with COPY)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from rest_framework.test import APIClient

from accounts.tests.factories import UserFactory
from bench.populate import LEAGUE_HISTORY_WEEKS, LEAGUE_SHARED_COHORT, populate_leagues
from gamification.models import LeagueCohort, LeagueMembership, QuestTemplate, UserQuest

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

NOW = dt.datetime(2026, 3, 4, 12, 0, tzinfo=dt.UTC)


def test_populate_leagues_places_everyone_and_ranks_the_closed_weeks(reference_data):
    QuestTemplate.objects.update(is_active=True)  # the seeded ones, which the test worlds leave off
    learners = [UserFactory() for _ in range(LEAGUE_SHARED_COHORT + 25)]
    assert populate_leagues(now=NOW) is True
    assert populate_leagues(now=NOW) is False  # this week has members: nothing more
    this_week = LeagueMembership.objects.filter(week_id=dt.date(2026, 3, 2))
    assert this_week.count() == len(learners)
    assert LeagueMembership.objects.count() == len(learners) * (LEAGUE_HISTORY_WEEKS + 1)
    shared = this_week.get(user=learners[0]).cohort
    assert (shared.tier.code, shared.member_count) == ("silver", LEAGUE_SHARED_COHORT)
    assert set(shared.memberships.values_list("user", flat=True)) == {u.pk for u in learners[:LEAGUE_SHARED_COHORT]}
    for cohort in LeagueCohort.objects.all():
        assert cohort.member_count == cohort.memberships.count() <= cohort.capacity
    last_silver = LeagueMembership.objects.filter(week_id=dt.date(2026, 2, 23), user=learners[0]).get()
    ranked = list(last_silver.cohort.memberships.order_by("rank").values_list("result", flat=True))
    assert ranked == ["promoted"] * 10 + ["stayed"] * 15 + ["demoted"] * 5
    assert not this_week.filter(rank__isnull=False).exists()
    assert UserQuest.objects.filter(user=learners[0]).count() == 3

    client = APIClient()
    client.force_authenticate(learners[0])
    with time_machine.travel(NOW, tick=False):
        body = client.get("/api/v1/me/league/").json()
        quests = client.get("/api/v1/me/quests/").json()
    assert (body["joined"], body["tier"]["code"], len(body["members"])) == (True, "silver", LEAGUE_SHARED_COHORT)
    assert len(quests["quests"]) == 3
