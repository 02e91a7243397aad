"""Weekly leagues: joining on the week's first XP, cohorts, the rollover, `me/league/` and its history."""

from __future__ import annotations

import datetime as dt
import io
import threading

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings
from rest_framework.test import APIClient

from accounts.tests.factories import UserFactory
from gamification import rules, services, tasks
from gamification.models import (
    LeagueCohort,
    LeagueMembership,
    LeagueTier,
    LeagueWeek,
    LearnerStats,
    UserAchievement,
    UserDailyXP,
)
from gamification.tests.factories import LeagueTierFactory, seeded_achievements, seeded_tiers
from gamification.tests.helpers import earn_xp

pytestmark = pytest.mark.django_db

UTC = dt.UTC
PREVIOUS = dt.date(2026, 2, 23)
WEEK = dt.date(2026, 3, 2)  # a Monday: league weeks start on Mondays at 00:00 UTC by default
NEXT = dt.date(2026, 3, 9)
DURING = dt.datetime(2026, 3, 4, 12, 0, tzinfo=UTC)
AFTER = dt.datetime(2026, 3, 9, 0, 5, tzinfo=UTC)


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def place(user, tier: LeagueTier, *, week: dt.date = PREVIOUS) -> LeagueMembership:
    """A closed week before `WEEK` whose result put the learner in `tier`, applied to their stats (the tier's
    achievements are left out: the tests count only what the week under test unlocks)."""
    bounds = rules.league_week_starting(week)
    league_week, _ = LeagueWeek.objects.get_or_create(
        start=week, defaults={"starts_at": bounds.starts_at, "ends_at": bounds.ends_at, "closed_at": bounds.ends_at}
    )
    cohort, _ = LeagueCohort.objects.get_or_create(
        week=league_week, tier=tier, number=1, defaults={"capacity": 1000, "closed_at": bounds.ends_at}
    )
    LeagueCohort.objects.filter(pk=cohort.pk).update(member_count=cohort.memberships.count() + 1)
    at = bounds.starts_at + dt.timedelta(hours=1)
    LearnerStats.objects.update_or_create(user=user, defaults={"league_best_tier": tier.order})
    return LeagueMembership.objects.create(
        user=user,
        week=league_week,
        cohort=cohort,
        tier=tier,
        weekly_xp=1,
        joined_at=at,
        xp_reached_at=at,
        rank=cohort.memberships.count() + 1,
        result=LeagueMembership.Result.STAYED,
        next_tier=tier,
        applied_at=bounds.ends_at,
    )


def rollover(*args) -> str:
    out = io.StringIO()
    call_command("league_rollover", *args, stdout=out)
    return out.getvalue()


# --- rules -------------------------------------------------------------------------------------------


def test_league_weeks_are_utc_weeks_from_the_configured_weekday_and_hour():
    assert rules.league_week(dt.datetime(2026, 3, 8, 23, 59, 59, tzinfo=UTC)) == rules.LeagueWeekBounds(
        WEEK, dt.datetime(2026, 3, 2, tzinfo=UTC), dt.datetime(2026, 3, 9, tzinfo=UTC)
    )
    assert rules.league_week(dt.datetime(2026, 3, 9, tzinfo=UTC)).start == NEXT
    # A learner's local time does not matter: 01:00 in Tokyo on Monday is still Sunday in UTC.
    tokyo = dt.datetime(2026, 3, 9, 1, 0, tzinfo=dt.timezone(dt.timedelta(hours=9)))
    assert rules.league_week(tokyo).start == WEEK
    assert rules.league_week_starting(WEEK) == rules.league_week(DURING)
    assert rules.league_week_starting(dt.date(2026, 3, 3)) is None
    with override_settings(LEAGUE_WEEK_START_WEEKDAY=6, LEAGUE_WEEK_START_HOUR=18):  # Sundays at 18:00 UTC
        before = rules.league_week(dt.datetime(2026, 3, 8, 17, 59, tzinfo=UTC))
        assert (before.start, before.starts_at) == (dt.date(2026, 3, 1), dt.datetime(2026, 3, 1, 18, tzinfo=UTC))
        assert rules.league_week(dt.datetime(2026, 3, 8, 18, 0, tzinfo=UTC)).start == dt.date(2026, 3, 8)
        assert rules.league_week_starting(dt.date(2026, 3, 8)).ends_at == dt.datetime(2026, 3, 15, 18, tzinfo=UTC)


@pytest.mark.parametrize(
    ("size", "promote", "demote", "higher", "lower", "zones"),
    [
        (6, 2, 2, True, True, "PPSSDD"),
        (6, 2, 2, False, True, "SSSSDD"),  # the highest tier promotes nobody
        (6, 2, 2, True, False, "PPSSSS"),  # the lowest demotes nobody
        (3, 2, 2, True, True, "PPD"),  # demotion only among those not promoted
        (2, 5, 5, True, True, "PP"),
        (30, 10, 5, True, True, "P" * 10 + "S" * 15 + "D" * 5),
    ],
)
def test_zones_follow_the_tier_rules(size, promote, demote, higher, lower, zones):
    letter = {rules.PROMOTION: "P", rules.SAFE: "S", rules.DEMOTION: "D"}
    got = "".join(
        letter[
            rules.league_zone(rank=rank, size=size, promote=promote, demote=demote, has_higher=higher, has_lower=lower)
        ]
        for rank in range(1, size + 1)
    )
    assert got == zones


# --- joining and weekly XP ---------------------------------------------------------------------------


def test_the_first_xp_of_the_week_joins_the_lowest_tier_and_later_xp_adds_up():
    bronze, *_ = seeded_tiers()
    learner = UserFactory()
    earn_xp(learner, 15, now=DURING)
    earn_xp(learner, 7, now=DURING + dt.timedelta(hours=2))
    membership = LeagueMembership.objects.get(user=learner)
    assert (membership.week_id, membership.tier, membership.weekly_xp) == (WEEK, bronze, 22)
    assert (membership.joined_at, membership.xp_reached_at) == (DURING, DURING + dt.timedelta(hours=2))
    cohort = membership.cohort
    assert (cohort.tier, cohort.number, cohort.member_count, cohort.capacity) == (bronze, 1, 1, 30)
    assert LeagueWeek.objects.get(start=WEEK).ends_at == dt.datetime(2026, 3, 9, tzinfo=UTC)
    # Zero XP joins nothing; no tiers, no league (and no error).
    other = UserFactory()
    earn_xp(other, 0, now=DURING)
    assert not LeagueMembership.objects.filter(user=other).exists()


def test_without_tiers_there_is_no_league():
    learner = UserFactory()
    earn_xp(learner, 15, now=DURING)
    assert not LeagueMembership.objects.exists()
    assert UserDailyXP.objects.get(user=learner).xp == 15


@override_settings(LEAGUE_COHORT_SIZE=3)
def test_a_cohort_fills_up_before_the_next_one_opens():
    seeded_tiers()
    learners = [UserFactory() for _ in range(7)]
    for index, learner in enumerate(learners):
        earn_xp(learner, 10, now=DURING + dt.timedelta(minutes=index))
    cohorts = list(LeagueCohort.objects.order_by("number").values_list("number", "member_count", "capacity"))
    assert cohorts == [(1, 3, 3), (2, 3, 3), (3, 1, 3)]
    by_cohort = [
        list(LeagueMembership.objects.filter(cohort__number=n).order_by("joined_at").values_list("user", flat=True))
        for n in (1, 2, 3)
    ]
    assert by_cohort == [[u.pk for u in learners[0:3]], [u.pk for u in learners[3:6]], [learners[6].pk]]


# --- the rollover ------------------------------------------------------------------------------------


def _snapshot():
    return (
        list(
            LeagueMembership.objects.order_by("pk").values_list(
                "pk", "cohort_id", "weekly_xp", "rank", "result", "next_tier_id", "applied_at"
            )
        ),
        list(LeagueCohort.objects.order_by("pk").values_list("pk", "member_count", "closed_at")),
        list(LeagueWeek.objects.order_by("start").values_list("start", "closed_at")),
        list(
            LearnerStats.objects.order_by("pk").values_list("pk", "total_xp", "league_best_tier", "league_first_places")
        ),
        list(UserAchievement.objects.order_by("pk").values_list("pk", "progress", "unlocked_at", "xp_awarded")),
        list(UserDailyXP.objects.order_by("pk").values_list("pk", "xp")),
    )


def test_a_week_of_100_learners_in_three_tiers_is_rolled_over_exactly_once():
    bronze, silver, gold, sapphire, *_ = seeded_tiers()
    seeded_achievements()
    groups = {bronze: 45, silver: 30, gold: 25}
    learners: dict[LeagueTier, list] = {}
    for tier, count in groups.items():
        learners[tier] = [UserFactory() for _ in range(count)]
        if tier != bronze:
            for learner in learners[tier]:
                place(learner, tier)
    # Within each tier, the later a learner joins, the more XP they earn (no ties); they join in list order.
    # Each also unlocks "XP collector" (100 XP) on the way: 5 XP more, this week; Silver and Gold learners also
    # "Moving up" (reach Silver), which their stats already show: 10 more.
    minute = 0
    for group in learners.values():
        for index, learner in enumerate(group):
            earn_xp(learner, 100 + 3 * index, now=DURING + dt.timedelta(minutes=minute))
            minute += 1
    assert LeagueMembership.objects.filter(week_id=WEEK).count() == 100
    cohorts = list(
        LeagueCohort.objects.filter(week_id=WEEK).order_by("tier__order", "number").values_list("tier", "member_count")
    )
    assert cohorts == [(bronze.pk, 30), (bronze.pk, 15), (silver.pk, 30), (gold.pk, 25)]

    with time_machine.travel(AFTER, tick=False):
        output = rollover("--week", "2026-03-02")
    assert (
        output.strip() == "Week 2026-03-02: 4 cohorts ranked (10 demoted, 40 promoted, 50 stayed), 100 results applied."
    )

    def ids(group):
        return {learner.pk for learner in group}

    b, s, g = learners[bronze], learners[silver], learners[gold]
    expected = {
        # Bronze (promote 10, demote 0): cohort 1 is the first 30 to join, cohort 2 the next 15.
        "promoted": ids(b[20:30]) | ids(b[35:45]) | ids(s[20:30]) | ids(g[15:25]),
        "demoted": ids(s[0:5]) | ids(g[0:5]),
    }
    members = LeagueMembership.objects.filter(week_id=WEEK)
    assert set(members.filter(result="promoted").values_list("user", flat=True)) == expected["promoted"]
    assert set(members.filter(result="demoted").values_list("user", flat=True)) == expected["demoted"]
    assert members.filter(result="stayed").count() == 100 - 40 - 10
    assert set(members.filter(result="promoted", tier=gold).values_list("next_tier", flat=True)) == {sapphire.pk}
    assert set(members.filter(result="demoted", tier=gold).values_list("next_tier", flat=True)) == {silver.pk}
    assert set(members.filter(result="stayed", tier=silver).values_list("next_tier", flat=True)) == {silver.pk}
    ranks = members.filter(cohort__tier=gold).order_by("rank").values_list("user", "rank", "weekly_xp")
    assert list(ranks)[:2] == [(g[24].pk, 1, 187), (g[23].pk, 2, 184)]
    assert not members.filter(applied_at__isnull=True).exists()
    assert LeagueWeek.objects.get(start=WEEK).closed_at == AFTER

    # Results reach the learners: the tier reached, first places, league achievements with their XP through the
    # XP path (their day, their total and next week's league, which that XP joins at their new tier).
    top_bronze = b[29]
    stats = LearnerStats.objects.get(user=top_bronze)
    assert (stats.league_best_tier, stats.league_first_places) == (2, 1)
    unlocked = UserAchievement.objects.filter(user=top_bronze, unlocked_at=AFTER)
    assert sorted(unlocked.values_list("achievement__code", "xp_awarded")) == [
        ("league-first", 20),
        ("league-silver", 10),
    ]
    assert stats.total_xp == 100 + 3 * 29 + 5 + 30
    assert UserDailyXP.objects.get(user=top_bronze, date=AFTER.date()).xp == 30
    next_week = LeagueMembership.objects.get(user=top_bronze, week_id=NEXT)
    assert (next_week.tier, next_week.weekly_xp) == (silver, 30)
    stayed_silver = LearnerStats.objects.get(user=s[10])
    assert (stayed_silver.league_best_tier, stayed_silver.league_first_places) == (2, 0)
    assert not LeagueMembership.objects.filter(user=s[10], week_id=NEXT).exists()

    # Running it again, as the command or as the task, changes nothing.
    before = _snapshot()
    with time_machine.travel(AFTER + dt.timedelta(hours=1), tick=False):
        assert rollover("--week", "2026-03-02").strip() == "Week 2026-03-02: already closed; nothing changed."
        assert tasks.league_rollover.delay("2026-03-02").get() == {
            "weeks": [
                {
                    "week": "2026-03-02",
                    "already_closed": True,
                    "cohorts_closed": 0,
                    "results": {},
                    "results_applied": 0,
                }
            ]
        }
        assert rollover().strip() == "Nothing to roll over: every ended league week is closed."
    assert _snapshot() == before

    # me/league/history/ shows the week (and the one before), latest first.
    history = client_for(s[29]).get("/api/v1/me/league/history/").json()
    assert history["count"] == 2
    assert history["results"][0] == {
        "week": "2026-03-02",
        "tier": {
            "code": "silver",
            "name": "Silver",
            "order": 2,
            "promote_count": 10,
            "demote_count": 5,
            "icon": "league-silver",
        },
        "rank": 1,
        "result": "promoted",
        "next_tier": {
            "code": "gold",
            "name": "Gold",
            "order": 3,
            "promote_count": 10,
            "demote_count": 5,
            "icon": "league-gold",
        },
        "weekly_xp": 202,
        "cohort_size": 30,
    }
    assert history["results"][1]["week"] == "2026-02-23"
    demoted = client_for(g[0]).get("/api/v1/me/league/history/").json()["results"][0]
    assert (demoted["rank"], demoted["result"], demoted["next_tier"]["code"]) == (25, "demoted", "silver")


def test_ties_go_to_who_reached_the_xp_first():
    seeded_tiers()
    first, second, third = UserFactory(), UserFactory(), UserFactory()
    earn_xp(second, 30, now=DURING)
    earn_xp(first, 50, now=DURING + dt.timedelta(hours=1))
    earn_xp(second, 20, now=DURING + dt.timedelta(hours=2))  # 50 too, reached later
    earn_xp(third, 50, now=DURING + dt.timedelta(hours=3))
    services.league_rollover(week=WEEK, now=AFTER)
    ranked = LeagueMembership.objects.filter(week_id=WEEK).order_by("rank").values_list("user", "rank", "weekly_xp")
    assert list(ranked) == [(first.pk, 1, 50), (second.pk, 2, 50), (third.pk, 3, 50)]


def test_a_week_that_has_not_ended_is_refused_with_one_line():
    seeded_tiers()
    learner = UserFactory()
    earn_xp(learner, 10, now=DURING)
    with time_machine.travel(DURING, tick=False):
        with pytest.raises(CommandError) as refused:
            rollover("--week", "2026-03-02")
        assert str(refused.value) == "The league week of 2026-03-02 has not ended: it ends at 2026-03-09 00:00 UTC."
        assert tasks.league_rollover.delay("2026-03-02").get() == {"refused": str(refused.value)}
        with pytest.raises(CommandError, match=r"^No league week starts on 2026-03-03 \(a Tuesday\); league weeks "):
            rollover("--week", "2026-03-03")
        with pytest.raises(CommandError, match=r"^--week 'last week' is not a date \(YYYY-MM-DD\)\.$"):
            rollover("--week", "last week")
        assert rollover().strip() == "Nothing to roll over: every ended league week is closed."
    assert "\n" not in str(refused.value)
    membership = LeagueMembership.objects.get(user=learner)
    assert (membership.rank, membership.result, membership.applied_at) == (None, "", None)
    assert LeagueWeek.objects.get(start=WEEK).closed_at is None


def test_a_learner_without_xp_drops_out_and_comes_back_at_the_remembered_tier():
    _, silver, *_ = seeded_tiers()
    learner, rival = UserFactory(), UserFactory()
    earn_xp(learner, 40, now=DURING)
    earn_xp(rival, 10, now=DURING)
    services.league_rollover(week=WEEK, now=AFTER)  # both promoted: Bronze promotes its top 10
    # No XP in the week of March 9: no membership; its rollover has nobody to rank.
    services.league_rollover(week=NEXT, now=dt.datetime(2026, 3, 16, 1, tzinfo=UTC))
    assert not LeagueMembership.objects.filter(user=learner, week_id=NEXT).exists()
    with time_machine.travel(dt.datetime(2026, 3, 17, 9, tzinfo=UTC), tick=False):
        standing = client_for(learner).get("/api/v1/me/league/").json()
        assert (standing["joined"], standing["tier"]["code"], standing["members"], standing["me"]) == (
            False,
            "silver",
            [],
            None,
        )
        assert standing["cohort"] is None
    earn_xp(learner, 5, now=dt.datetime(2026, 3, 17, 9, tzinfo=UTC))
    back = LeagueMembership.objects.get(user=learner, week_id=dt.date(2026, 3, 16))
    assert (back.tier, back.weekly_xp) == (silver, 5)


def test_xp_in_a_new_week_before_the_rollover_ranks_the_last_week_first():
    _, silver, *_ = seeded_tiers()
    seeded_achievements()
    winner, runner_up = UserFactory(), UserFactory()
    earn_xp(winner, 40, now=DURING)
    earn_xp(runner_up, 10, now=DURING)
    earn_xp(winner, 5, now=AFTER)  # the new week starts; the rollover has not run
    last = LeagueMembership.objects.get(user=winner, week_id=WEEK)
    assert (last.rank, last.result, last.next_tier, last.applied_at) == (1, "promoted", silver, None)
    assert LeagueMembership.objects.get(user=runner_up, week_id=WEEK).rank == 2
    assert LeagueMembership.objects.get(user=winner, week_id=NEXT).tier == silver
    assert LeagueWeek.objects.get(start=WEEK).closed_at is None
    # The periodic task closes the week and applies both results, once.
    with time_machine.travel(AFTER + dt.timedelta(minutes=10), tick=False):
        result = tasks.league_rollover.delay().get()
        assert result["weeks"][0]["results_applied"] == 2
        assert result["weeks"][0]["cohorts_closed"] == 0
        assert tasks.league_rollover.delay().get() == {"weeks": []}
    assert LearnerStats.objects.get(user=winner).league_first_places == 1
    assert UserAchievement.objects.get(user=winner, achievement__code="league-first").xp_awarded == 20
    # 5 XP earned, 10 (reaching Silver) and 20 (first place) from the rollover.
    assert LeagueMembership.objects.get(user=winner, week_id=NEXT).weekly_xp == 35


def test_a_learner_alone_in_a_cohort_does_not_finish_first():
    seeded_tiers()
    seeded_achievements()
    learner = UserFactory()
    earn_xp(learner, 40, now=DURING)
    services.league_rollover(week=WEEK, now=AFTER)
    assert LearnerStats.objects.get(user=learner).league_first_places == 0
    assert not UserAchievement.objects.filter(user=learner, achievement__code="league-first", unlocked_at__isnull=False)


# --- me/league/ --------------------------------------------------------------------------------------


@pytest.fixture
def three_tiers():
    return [
        LeagueTierFactory(code="low", name="Low", order=1, promote_count=1, demote_count=1),
        LeagueTierFactory(code="mid", name="Mid", order=2, promote_count=1, demote_count=1),
        LeagueTierFactory(code="high", name="High", order=3, promote_count=1, demote_count=1),
    ]


def test_me_league_ranks_the_cohort_live_with_zones_and_anonymous_learners(three_tiers):
    mid = three_tiers[1]
    viewer = UserFactory(display_name="Ana", avatar="https://example.com/ana.png")
    hidden = UserFactory(display_name="Secret", avatar="https://example.com/s.png", hide_from_leaderboards=True)
    plain = UserFactory(display_name="")
    top = UserFactory(display_name="Bo")
    for learner, xp in [(viewer, 30), (hidden, 40), (plain, 10), (top, 90)]:
        place(learner, mid)
        earn_xp(learner, xp, now=DURING)
    with time_machine.travel(DURING, tick=False):
        body = client_for(viewer).get("/api/v1/me/league/").json()
    assert body["week"] == {
        "start": "2026-03-02",
        "starts_at": "2026-03-02T00:00:00Z",
        "ends_at": "2026-03-09T00:00:00Z",
    }
    assert body["time_left_seconds"] == 4 * 86400 + 12 * 3600
    assert (body["joined"], body["tier"]["code"], body["cohort"]) == (
        True,
        "mid",
        {"number": 1, "capacity": 30, "size": 4},
    )
    keys = ("rank", "display_name", "avatar", "weekly_xp", "zone", "is_me", "anonymous")
    assert body["members"] == [
        dict(zip(keys, (1, "Bo", None, 90, "promotion", False, False), strict=True)),
        dict(zip(keys, (2, "Anonymous learner", None, 40, "safe", False, True), strict=True)),
        dict(zip(keys, (3, "Ana", "https://example.com/ana.png", 30, "safe", True, False), strict=True)),
        dict(zip(keys, (4, "Learner", None, 10, "demotion", False, False), strict=True)),
    ]
    assert body["me"] == body["members"][2]
    # Hidden learners still play and see themselves.
    with time_machine.travel(DURING, tick=False):
        own = client_for(hidden).get("/api/v1/me/league/").json()["me"]
    assert (own["display_name"], own["anonymous"], own["rank"]) == ("Secret", False, 2)


def test_me_league_runs_the_same_queries_for_3_or_30_members(three_tiers, django_assert_num_queries):
    counts = []
    for size in (3, 30):
        learners = [UserFactory() for _ in range(size)]
        for learner in learners:
            earn_xp(learner, 10, now=DURING)
        client = client_for(learners[0])
        with time_machine.travel(DURING, tick=False), django_assert_num_queries(3) as queries:
            assert len(client.get("/api/v1/me/league/").json()["members"]) == size
        counts.append(len(queries))
        LeagueMembership.objects.all().delete()
        LeagueCohort.objects.all().delete()
    assert counts == [3, 3]


def test_me_league_before_any_league_and_without_tiers():
    learner = UserFactory()
    with time_machine.travel(DURING, tick=False):
        body = client_for(learner).get("/api/v1/me/league/").json()
    assert (body["tier"], body["joined"], body["members"], body["me"], body["cohort"]) == (None, False, [], None, None)
    seeded_tiers()
    with time_machine.travel(DURING, tick=False):
        assert client_for(learner).get("/api/v1/me/league/").json()["tier"]["code"] == "bronze"
    assert client_for(learner).get("/api/v1/me/league/history/").json() == {
        "count": 0,
        "next": None,
        "previous": None,
        "results": [],
    }


# --- concurrency (PostgreSQL) ------------------------------------------------------------------------


def run_in_threads(work, count):
    barrier = threading.Barrier(count)
    errors = []

    def target(index):
        try:
            barrier.wait(timeout=30)
            work(index)
        except Exception as exc:  # collected and re-raised in the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_50_first_xp_events_at_once_fill_cohorts_of_at_most_30():
    bronze, *_ = seeded_tiers()
    learners = [UserFactory() for _ in range(50)]
    run_in_threads(lambda i: earn_xp(learners[i], 10 + i, now=DURING), 50)
    memberships = LeagueMembership.objects.filter(week_id=WEEK)
    assert sorted(memberships.values_list("user", flat=True)) == sorted(learner.pk for learner in learners)
    cohorts = list(LeagueCohort.objects.filter(week_id=WEEK, tier=bronze).order_by("number"))
    assert [(c.number, c.member_count) for c in cohorts] == [(1, 30), (2, 20)]
    for cohort in cohorts:
        assert memberships.filter(cohort=cohort).count() == cohort.member_count
    assert sum(memberships.values_list("weekly_xp", flat=True)) == sum(10 + i for i in range(50))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_rollovers_at_once_close_the_week_once():
    seeded_tiers()
    seeded_achievements()
    learners = [UserFactory() for _ in range(12)]
    for index, learner in enumerate(learners):
        earn_xp(learner, 10 + index, now=DURING)
    run_in_threads(lambda i: services.league_rollover(week=WEEK, now=AFTER), 2)
    top = LearnerStats.objects.get(user=learners[-1])
    assert (top.league_first_places, top.league_best_tier) == (1, 2)
    assert UserAchievement.objects.filter(user=learners[-1], unlocked_at__isnull=False).count() == 2
    assert LeagueMembership.objects.get(user=learners[-1], week_id=NEXT).weekly_xp == 30
    assert not LeagueMembership.objects.filter(week_id=WEEK, applied_at__isnull=True).exists()
    assert list(LeagueMembership.objects.filter(week_id=WEEK).order_by("rank").values_list("rank", flat=True)) == list(
        range(1, 13)
    )
