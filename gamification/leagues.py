"""League tables: weeks, cohorts and memberships; joining a cohort, weekly XP, and ranking a cohort once its week ended.

Nothing here reads or writes learner stats, so the locks taken here (a tier, a cohort, a week) are never held
while waiting for a learner's row lock: the XP path takes the learner's lock first and these after it, and
the rollover takes only these. Learner-side effects of a result (tier reached, achievements) are applied by
`gamification.services.league_results_apply`, one learner's lock at a time.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, F

from config.exceptions import DomainError
from gamification import rules
from gamification.models import LeagueCohort, LeagueMembership, LeagueTier, LeagueWeek

logger = logging.getLogger(__name__)

Result = LeagueMembership.Result
RESULT_OF_ZONE = {rules.PROMOTION: Result.PROMOTED, rules.SAFE: Result.STAYED, rules.DEMOTION: Result.DEMOTED}


class LeagueWeekNotEnded(DomainError):
    def __init__(self, bounds: rules.LeagueWeekBounds):
        super().__init__(
            f"The league week of {bounds.start.isoformat()} has not ended: it ends at "
            f"{bounds.ends_at:%Y-%m-%d %H:%M} UTC.",
            code="league_week_not_ended",
        )


class NotALeagueWeek(DomainError):
    def __init__(self, start: dt.date):
        weekday = dt.date(2024, 1, 1 + settings.LEAGUE_WEEK_START_WEEKDAY).strftime("%A")  # 2024-01-01: a Monday
        super().__init__(
            f"No league week starts on {start.isoformat()} (a {start:%A}); league weeks start on {weekday}s.",
            code="not_a_league_week",
        )


def tiers_in_order() -> list[LeagueTier]:
    return list(LeagueTier.objects.order_by("order"))


def _neighbours(tiers: list[LeagueTier], tier_id: int) -> tuple[LeagueTier | None, LeagueTier | None]:
    """(the tier below, the tier above) of `tier_id` in `tiers` (ordered)."""
    index = next(i for i, tier in enumerate(tiers) if tier.pk == tier_id)
    return (tiers[index - 1] if index > 0 else None), (tiers[index + 1] if index + 1 < len(tiers) else None)


def league_week_get(*, bounds: rules.LeagueWeekBounds) -> LeagueWeek:
    week, _ = LeagueWeek.objects.get_or_create(
        start=bounds.start, defaults={"starts_at": bounds.starts_at, "ends_at": bounds.ends_at}
    )
    return week


def learner_tier(*, user, before: dt.date, now: dt.datetime) -> LeagueTier | None:
    """The tier a learner plays in the week starting `before`: where their last week's result sent them (a week
    without XP in between changes nothing), the lowest tier for a newcomer, None when no tier exists.

    A last week that has ended but whose cohort the rollover has not ranked yet is ranked here first.
    """
    previous = LeagueMembership.objects.filter(user=user, week_id__lt=before).order_by("-week_id").first()
    if previous is None:
        return LeagueTier.objects.order_by("order").first()
    if previous.rank is None:
        cohort_close(cohort_id=previous.cohort_id, now=now)
        previous.refresh_from_db(fields=["rank", "result", "next_tier"])
    return LeagueTier.objects.get(pk=previous.next_tier_id)


# Every XP award runs it: one plain statement, without building an ORM query each time.
WEEKLY_XP_ADD = (
    f"UPDATE {LeagueMembership._meta.db_table} SET weekly_xp = weekly_xp + %s, xp_reached_at = %s "  # noqa: S608
    "WHERE user_id = %s AND week_id = %s"
)


def league_xp_add(*, user, xp: int, now: dt.datetime) -> bool:
    """Add XP earned at `now` to the learner's membership of that week; the week's first XP joins a cohort.

    Runs in the XP transaction, under the learner's row lock (so a learner joins once; the (user, week) unique
    constraint backs it). False when there is no league to join (no tiers).
    """
    bounds = rules.league_week(now)
    with connection.cursor() as cursor:
        adapt = connection.ops
        params = [xp, adapt.adapt_datetimefield_value(now), user.pk, adapt.adapt_datefield_value(bounds.start)]
        cursor.execute(WEEKLY_XP_ADD, params)
        if cursor.rowcount:
            return True
    return _league_join(user=user, bounds=bounds, xp=xp, now=now) is not None


def _league_join(*, user, bounds: rules.LeagueWeekBounds, xp: int, now: dt.datetime) -> LeagueMembership | None:
    tier = learner_tier(user=user, before=bounds.start, now=now)
    if tier is None:
        return None  # no tiers seeded: leagues are off
    week = league_week_get(bounds=bounds)
    # The tier's row serialises the joins of its cohorts: the open cohort is read, filled or opened by one
    # learner at a time, so no cohort goes over capacity (its check constraint backs that) and none is opened
    # while another has room.
    LeagueTier.objects.select_for_update().filter(pk=tier.pk).values_list("pk", flat=True).get()
    cohort = (
        LeagueCohort.objects.filter(week=week, tier=tier, member_count__lt=F("capacity")).order_by("number").first()
    )
    if cohort is None:
        last = LeagueCohort.objects.filter(week=week, tier=tier).order_by("-number").values_list("number", flat=True)
        cohort = LeagueCohort.objects.create(
            week=week,
            tier=tier,
            number=(last.first() or 0) + 1,
            capacity=settings.LEAGUE_COHORT_SIZE,
            created_at=now,
        )
    LeagueCohort.objects.filter(pk=cohort.pk).update(member_count=F("member_count") + 1)
    return LeagueMembership.objects.create(
        user=user, week=week, cohort=cohort, tier=tier, weekly_xp=xp, joined_at=now, xp_reached_at=now
    )


def cohort_ranking(memberships):
    """A cohort's members best first: more weekly XP, then who reached their XP first, then who joined first."""
    return memberships.order_by("-weekly_xp", "xp_reached_at", "joined_at", "user_id")


@transaction.atomic
def cohort_close(*, cohort_id: int, now: dt.datetime, tiers: list[LeagueTier] | None = None) -> bool:
    """Rank a cohort whose week has ended and record each member's result; once (False if already closed).

    The top `promote_count` of the tier move up a tier, the bottom `demote_count` of the others move down;
    nobody moves up from the highest tier or down from the lowest.
    """
    cohort = LeagueCohort.objects.select_for_update().select_related("week").filter(pk=cohort_id).first()
    if cohort is None or cohort.closed_at is not None:
        return False
    if now < cohort.week.ends_at:
        raise LeagueWeekNotEnded(rules.league_week(cohort.week.starts_at))
    tiers = tiers or tiers_in_order()
    tier = next(t for t in tiers if t.pk == cohort.tier_id)
    lower, higher = _neighbours(tiers, tier.pk)
    members = list(cohort_ranking(LeagueMembership.objects.filter(cohort=cohort)))
    for rank, member in enumerate(members, start=1):
        zone = rules.league_zone(
            rank=rank,
            size=len(members),
            promote=tier.promote_count,
            demote=tier.demote_count,
            has_higher=higher is not None,
            has_lower=lower is not None,
        )
        member.rank, member.result = rank, RESULT_OF_ZONE[zone]
        member.next_tier = {rules.PROMOTION: higher, rules.DEMOTION: lower}.get(zone) or tier
    LeagueMembership.objects.bulk_update(members, ["rank", "result", "next_tier"])
    cohort.closed_at = now
    cohort.save(update_fields=["closed_at"])
    return True


@dataclass
class WeekClosing:
    week: dt.date
    already_closed: bool
    cohorts_closed: int = 0
    results: dict[str, int] = field(default_factory=dict)  # result -> members


def week_bounds_checked(*, start: dt.date, now: dt.datetime) -> rules.LeagueWeekBounds:
    """The league week starting on `start`, refused unless it is one and it has ended."""
    bounds = rules.league_week_starting(start)
    if bounds is None:
        raise NotALeagueWeek(start)
    if now < bounds.ends_at:
        raise LeagueWeekNotEnded(bounds)
    return bounds


@transaction.atomic
def league_week_close(*, start: dt.date, now: dt.datetime) -> WeekClosing:
    """Rank every cohort of an ended week and mark the week closed: once (the week's row lock serialises two
    rollovers; the second finds it closed and changes nothing)."""
    bounds = week_bounds_checked(start=start, now=now)
    league_week_get(bounds=bounds)
    week = LeagueWeek.objects.select_for_update().get(pk=bounds.start)
    if week.closed_at is not None:
        return WeekClosing(week=week.start, already_closed=True)
    tiers = tiers_in_order()
    cohorts = LeagueCohort.objects.filter(week=week, closed_at__isnull=True).order_by("pk")
    closed = sum(cohort_close(cohort_id=pk, now=now, tiers=tiers) for pk in cohorts.values_list("pk", flat=True))
    week.closed_at = now
    week.save(update_fields=["closed_at"])
    results = dict(
        LeagueMembership.objects.filter(week=week).values_list("result").annotate(n=Count("pk")).order_by("result")
    )
    logger.info("League week %s closed: %d cohorts ranked, results %s.", week.start, closed, results)
    return WeekClosing(week=week.start, already_closed=False, cohorts_closed=closed, results=results)


def league_weeks_due(*, now: dt.datetime) -> list[dt.date]:
    """Ended weeks not closed yet, or whose results have not all reached the learners: oldest first."""
    open_weeks = LeagueWeek.objects.filter(closed_at__isnull=True, ends_at__lte=now).values_list("start", flat=True)
    unapplied = (
        LeagueMembership.objects.filter(applied_at__isnull=True, week__ends_at__lte=now)
        .values_list("week_id", flat=True)
        .distinct()
    )
    return sorted(set(open_weeks) | set(unapplied))
