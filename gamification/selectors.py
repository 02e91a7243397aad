"""Reads of the learner's gamification state: stats, XP history, achievements, league, quests (constant queries)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from gamification import leagues, quests, rules
from gamification.models import (
    Achievement,
    LeagueMembership,
    LeagueTier,
    LearnerStats,
    UserAchievement,
    UserDailyXP,
    UserQuest,
)


def learner_stats(*, user) -> LearnerStats:
    """The learner's stats, or a fresh unsaved row (all zero, full hearts) before their first lesson."""
    return LearnerStats.objects.filter(user=user).first() or LearnerStats(
        user=user, hearts=settings.HEARTS_MAX, hearts_updated_at=timezone.now()
    )


@dataclass(frozen=True)
class DayXp:
    """A local day's XP against the goal in force that day (a UserDailyXP row, or a day without one)."""

    date: dt.date
    xp: int
    goal: int

    @property
    def goal_met(self) -> bool:
        return self.xp >= self.goal


@dataclass(frozen=True)
class StreakNow:
    current: int
    longest: int
    freezes: int
    freezes_max: int
    last_active_date: dt.date | None
    extended_today: bool


@dataclass(frozen=True)
class MeStats:
    total_xp: int
    streak: StreakNow
    hearts: rules.Hearts
    today: DayXp
    lessons_completed: int
    perfect_lessons: int
    courses_completed: int


def _stats_and_day(*, user, date: dt.date) -> tuple[LearnerStats, tuple[int, int] | None]:
    """The learner's stats and the (xp, goal) of one local day, in one query once the learner has stats (always,
    after a first lesson): the stats row with the day's row joined, read in plain SQL since me/stats/ is read often
    and building the two ORM queries cost more than running them. Before a first lesson, learner_stats' fresh row
    and the day read on its own."""
    stats_table = connection.ops.quote_name(LearnerStats._meta.db_table)
    daily_table = connection.ops.quote_name(UserDailyXP._meta.db_table)
    sql = (
        f"SELECT s.*, d.xp AS day_xp, d.goal AS day_goal FROM {stats_table} s "  # noqa: S608 (model tables)
        f"LEFT JOIN {daily_table} d ON d.user_id = s.user_id AND d.date = %s WHERE s.user_id = %s"
    )
    stats = next(iter(LearnerStats.objects.raw(sql, [date, user.pk])), None)
    if stats is None:
        daily = UserDailyXP.objects.filter(user=user, date=date).values_list("xp", "goal").first()
        return learner_stats(user=user), daily
    return stats, (stats.day_xp, stats.day_goal) if stats.day_xp is not None else None


def me_stats(*, user, now: dt.datetime | None = None) -> MeStats:
    """`me/stats/`: total XP, streak, hearts with the next heart's time, and today's XP against the goal."""
    now = now or timezone.now()
    today = user.local_date(now)
    stats, daily = _stats_and_day(user=user, date=today)
    streak = rules.Streak(stats.current_streak, stats.longest_streak, stats.last_active_date, stats.streak_freezes)
    return MeStats(
        total_xp=stats.total_xp,
        streak=StreakNow(
            current=rules.streak_as_of(streak, today),
            longest=stats.longest_streak,
            freezes=stats.streak_freezes,
            freezes_max=settings.STREAK_FREEZE_MAX,
            last_active_date=stats.last_active_date,
            extended_today=stats.last_active_date == today,
        ),
        hearts=rules.hearts_at(stored=stats.hearts, updated_at=stats.hearts_updated_at, now=now),
        today=DayXp(today, *daily) if daily else DayXp(today, 0, user.daily_xp_goal),
        lessons_completed=stats.lessons_completed,
        perfect_lessons=stats.perfect_lessons,
        courses_completed=stats.courses_completed,
    )


@dataclass(frozen=True)
class XpHistory:
    days: int
    timezone: str
    results: list[DayXp]


def xp_history(*, user, days: int, now: dt.datetime | None = None) -> XpHistory:
    """One entry per local day, oldest first, ending today; days without XP included with 0."""
    today = user.local_date(now or timezone.now())
    first = today - dt.timedelta(days=days - 1)
    rows = {row.date: row for row in UserDailyXP.objects.filter(user=user, date__gte=first, date__lte=today)}
    history = []
    for offset in range(days):
        day = first + dt.timedelta(days=offset)
        row = rows.get(day)
        history.append(DayXp(day, row.xp, row.goal) if row else DayXp(day, 0, user.daily_xp_goal))
    return XpHistory(days=days, timezone=user.timezone, results=history)


@dataclass
class AchievementProgress:
    achievement: Achievement
    progress: int
    unlocked_at: dt.datetime | None


def achievement_list_for_learner(*, user) -> list[AchievementProgress]:
    """Every active achievement with the learner's progress and unlock time, and the retired (archived) ones the
    learner unlocked: a badge earned stays earned (two queries)."""
    earned_and_retired = Q(
        archived_at__isnull=False, user_achievements__user=user, user_achievements__unlocked_at__isnull=False
    )
    achievements: QuerySet[Achievement] = (
        Achievement.objects.filter(Q(is_active=True, archived_at__isnull=True) | earned_and_retired)
        .distinct()
        .prefetch_related(
            Prefetch("user_achievements", queryset=UserAchievement.objects.filter(user=user), to_attr="mine")
        )
    )
    result = []
    for achievement in achievements:
        row = achievement.mine[0] if achievement.mine else None
        result.append(
            AchievementProgress(
                achievement=achievement,
                progress=row.progress if row else 0,
                unlocked_at=row.unlocked_at if row else None,
            )
        )
    return result


# --- leagues ---------------------------------------------------------------------------------------

ANONYMOUS_NAME = "Anonymous learner"
DEFAULT_NAME = "Learner"


@dataclass
class LeagueStandingRow:
    rank: int
    display_name: str
    avatar: str | None
    weekly_xp: int
    zone: str
    is_me: bool
    anonymous: bool


@dataclass
class LeagueStanding:
    week: rules.LeagueWeekBounds
    time_left_seconds: int
    tier: LeagueTier | None
    joined: bool
    cohort_number: int | None
    cohort_capacity: int | None
    members: list[LeagueStandingRow]
    me: LeagueStandingRow | None


def _remembered_tier(*, user, before, tiers: list[LeagueTier]) -> LeagueTier | None:
    """The tier a learner who has not joined this week's league will play in (their last week's outcome; if that
    week is not ranked yet, the tier they played in)."""
    previous = LeagueMembership.objects.filter(user=user, week_id__lt=before).order_by("-week_id").first()
    tier_id = (previous.next_tier_id or previous.tier_id) if previous else None
    by_id = {tier.pk: tier for tier in tiers}
    return by_id.get(tier_id) if tier_id else (tiers[0] if tiers else None)


def me_league(*, user, now: dt.datetime | None = None) -> LeagueStanding:
    """`me/league/`: this week's cohort ranked live, with zones, or the learner's tier before they join (3 queries).

    Learners hidden from leaderboards appear to others without name or avatar.
    """
    now = now or timezone.now()
    week = rules.league_week(now)
    time_left = max(int((week.ends_at - now).total_seconds()), 0)
    tiers = leagues.tiers_in_order()
    mine = LeagueMembership.objects.filter(user=user, week_id=week.start).select_related("cohort").first()
    if mine is None:
        tier = _remembered_tier(user=user, before=week.start, tiers=tiers)
        return LeagueStanding(week, time_left, tier, False, None, None, [], None)
    tier = next(t for t in tiers if t.pk == mine.tier_id)
    index = tiers.index(tier)
    members = list(
        leagues.cohort_ranking(LeagueMembership.objects.filter(cohort_id=mine.cohort_id))
        .select_related("user")
        .only(
            "user_id",
            "weekly_xp",
            "xp_reached_at",
            "joined_at",
            "user__display_name",
            "user__avatar",
            "user__hide_from_leaderboards",
        )
    )
    rows, me = [], None
    for rank, member in enumerate(members, start=1):
        is_me = member.user_id == user.pk
        anonymous = member.user.hide_from_leaderboards and not is_me
        row = LeagueStandingRow(
            rank=rank,
            display_name=ANONYMOUS_NAME if anonymous else (member.user.display_name or DEFAULT_NAME),
            avatar=None if anonymous else (member.user.avatar or None),
            weekly_xp=member.weekly_xp,
            zone=rules.league_zone(
                rank=rank,
                size=len(members),
                promote=tier.promote_count,
                demote=tier.demote_count,
                has_higher=index + 1 < len(tiers),
                has_lower=index > 0,
            ),
            is_me=is_me,
            anonymous=anonymous,
        )
        rows.append(row)
        me = row if is_me else me
    return LeagueStanding(week, time_left, tier, True, mine.cohort.number, mine.cohort.capacity, rows, me)


def league_history(*, user):
    """The learner's closed league weeks, latest first."""
    return (
        LeagueMembership.objects.filter(user=user, rank__isnull=False)
        .select_related("tier", "next_tier", "cohort")
        .order_by("-week_id")
    )


# --- quests ----------------------------------------------------------------------------------------


@dataclass
class DayQuests:
    date: dt.date
    resets_at: dt.datetime
    quests: list[UserQuest]


def me_quests(*, user, now: dt.datetime | None = None) -> DayQuests:
    """`me/quests/`: today's quests (the stored ones, or the draw they will be) with their progress, read from the
    day's row (2 or 3 queries)."""
    now = now or timezone.now()
    today = user.local_date(now)
    day_quests = quests.quests_of_day(user=user, day=today, create=False)
    if day_quests:
        quests.with_progress(day_quests, UserDailyXP.objects.filter(user=user, date=today).first())
    tomorrow = dt.datetime.combine(today + dt.timedelta(days=1), dt.time(), tzinfo=user.tz)
    return DayQuests(date=today, resets_at=tomorrow.astimezone(dt.UTC), quests=day_quests)
