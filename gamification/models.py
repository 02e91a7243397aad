"""Gamification: achievements, XP, streak and hearts state, weekly leagues, daily quests and streak reminders."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from courses.models import ArchivableModel, TimestampedModel


class Achievement(ArchivableModel, TimestampedModel):
    """A badge. Retiring one archives it (gamification.content): no longer earned or listed, kept on learners'
    records with the XP it gave."""

    class Kind(models.TextChoices):
        LESSONS_COMPLETED = "lessons_completed", "Lessons completed"
        STREAK_DAYS = "streak_days", "Streak days"
        TOTAL_XP = "total_xp", "Total XP"
        PERFECT_LESSONS = "perfect_lessons", "Perfect lessons"
        COURSES_COMPLETED = "courses_completed", "Courses completed"
        # The threshold is a tier's order (LeagueTier.order): reaching that tier or a higher one.
        LEAGUE_TIER_REACHED = "league_tier_reached", "League tier reached"
        LEAGUE_FIRST_PLACES = "league_first_places", "League weeks finished first"

    code = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    kind = models.CharField(max_length=32, choices=Kind.choices)
    threshold = models.PositiveIntegerField()
    xp_reward = models.PositiveIntegerField(default=0)
    icon = models.CharField(max_length=64, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["kind", "threshold"]
        constraints = [models.CheckConstraint(condition=Q(threshold__gte=1), name="achievement_threshold_positive")]

    def __str__(self) -> str:
        return self.name


def hearts_max() -> int:
    return settings.HEARTS_MAX


class LearnerStats(models.Model):
    """One row per learner, locked (select_for_update) by every write of XP, hearts or streak."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.CASCADE, related_name="learner_stats"
    )
    total_xp = models.PositiveIntegerField(default=0)
    # Hearts as stored; the current count adds the hearts regenerated since hearts_updated_at.
    hearts = models.PositiveSmallIntegerField(default=hearts_max)
    hearts_updated_at = models.DateTimeField(default=timezone.now)
    current_streak = models.PositiveIntegerField(default=0)
    longest_streak = models.PositiveIntegerField(default=0)
    last_active_date = models.DateField(null=True, blank=True)
    streak_freezes = models.PositiveSmallIntegerField(default=0)
    lessons_completed = models.PositiveIntegerField(default=0)
    perfect_lessons = models.PositiveIntegerField(default=0)
    courses_completed = models.PositiveIntegerField(default=0)
    # From the league results applied so far: the highest tier order reached, and weeks finished first.
    league_best_tier = models.PositiveSmallIntegerField(default=0)
    league_first_places = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "learner stats"
        constraints = [
            models.CheckConstraint(
                condition=Q(longest_streak__gte=F("current_streak")), name="stats_longest_ge_current"
            ),
        ]

    def __str__(self) -> str:
        return f"Stats of {self.user_id}"


class UserHeartsLog(models.Model):
    class Reason(models.TextChoices):
        WRONG_ANSWER = "wrong_answer", "Wrong answer"
        REGENERATION = "regeneration", "Regeneration"
        QUEST_REWARD = "quest_reward", "Quest reward"
        PRACTICE_REWARD = "practice_reward", "Practice completed"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="hearts_log")
    delta = models.SmallIntegerField()
    reason = models.CharField(max_length=32, choices=Reason.choices)
    balance_after = models.PositiveSmallIntegerField()
    session = models.ForeignKey(
        "progress.LessonSession", null=True, blank=True, on_delete=models.SET_NULL, related_name="hearts_log"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.CheckConstraint(condition=~Q(delta=0), name="hearts_log_delta_not_zero")]
        indexes = [models.Index(fields=["user", "created_at"], name="hearts_log_user_time_idx")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.delta:+d} ({self.reason}) → {self.balance_after}"


class UserDailyXP(models.Model):
    """XP earned on one of the learner's local days, with the daily goal in force that day."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="daily_xp")
    date = models.DateField()
    xp = models.PositiveIntegerField(default=0)
    goal = models.PositiveSmallIntegerField()
    lessons_completed = models.PositiveIntegerField(default=0)
    # What the day's quests count besides XP and lessons.
    perfect_lessons = models.PositiveIntegerField(default=0)
    best_correct_run = models.PositiveIntegerField(default=0, help_text="Longest run of right answers in a session.")
    practice_sessions = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["user_id", "date"]  # by the column: ordering by "user" would join accounts_user
        constraints = [models.UniqueConstraint(fields=["user", "date"], name="daily_xp_user_date_unique")]
        verbose_name = "daily XP"
        verbose_name_plural = "daily XP"

    def __str__(self) -> str:
        return f"{self.user_id} {self.date}: {self.xp}/{self.goal}"

    @property
    def goal_met(self) -> bool:
        return self.xp >= self.goal


class UserAchievement(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="achievements")
    achievement = models.ForeignKey(Achievement, on_delete=models.PROTECT, related_name="user_achievements")
    progress = models.PositiveIntegerField(default=0)
    unlocked_at = models.DateTimeField(null=True, blank=True)
    # The learner's local date of the unlock and the XP it gave, so totals can be rebuilt exactly.
    unlocked_on = models.DateField(null=True, blank=True)
    xp_awarded = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["user_id", "achievement"]  # by the column: ordering by "user" would join accounts_user
        constraints = [
            models.UniqueConstraint(fields=["user", "achievement"], name="user_achievement_unique"),
            models.CheckConstraint(
                condition=Q(unlocked_at__isnull=True, unlocked_on__isnull=True, xp_awarded=0)
                | Q(unlocked_at__isnull=False, unlocked_on__isnull=False),
                name="user_achievement_unlock_consistent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.achievement_id} ({'unlocked' if self.unlocked_at else self.progress})"


class IdempotencyRecord(models.Model):
    """The first response to a request sent with an Idempotency-Key; replays get it back unchanged."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of method, path and body.")
    response_status = models.PositiveSmallIntegerField()
    response_body = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_user_key_unique")]
        indexes = [models.Index(fields=["created_at"], name="idempotency_created_idx")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.key}"


# --- Weekly leagues ---------------------------------------------------------------------------------


class LeagueTier(TimestampedModel):
    """A league tier (Bronze … Diamond): reference data, edited by staff."""

    code = models.SlugField(max_length=32, unique=True)
    name = models.CharField(max_length=60)
    order = models.PositiveSmallIntegerField(unique=True, help_text="1 is the lowest tier; learners start there.")
    promote_count = models.PositiveSmallIntegerField(help_text="The top N of a cohort move up a tier.")
    demote_count = models.PositiveSmallIntegerField(help_text="The bottom M of a cohort move down a tier.")
    icon = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["order"]
        constraints = [models.CheckConstraint(condition=Q(order__gte=1), name="league_tier_order_positive")]

    def __str__(self) -> str:
        return self.name


class LeagueWeek(models.Model):
    """A league week (UTC); its start date is its key. The rollover closes it once."""

    start = models.DateField(primary_key=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-start"]
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="league_week_ends_after")]

    def __str__(self) -> str:
        return f"League week of {self.start.isoformat()}"


class LeagueCohort(models.Model):
    """Up to `capacity` learners of one tier competing for one week."""

    week = models.ForeignKey(LeagueWeek, on_delete=models.PROTECT, related_name="cohorts")
    tier = models.ForeignKey(LeagueTier, on_delete=models.PROTECT, related_name="cohorts")
    number = models.PositiveIntegerField()
    capacity = models.PositiveSmallIntegerField()
    member_count = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["week", "tier__order", "number"]
        constraints = [
            models.UniqueConstraint(fields=["week", "tier", "number"], name="league_cohort_number_unique"),
            models.CheckConstraint(condition=Q(member_count__lte=F("capacity")), name="league_cohort_not_over"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="league_cohort_capacity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.tier_id} #{self.number} of {self.week_id}"


class LeagueMembership(models.Model):
    """A learner's place in one week's league: weekly XP, and once the week is closed, the result."""

    class Result(models.TextChoices):
        PROMOTED = "promoted", "Promoted"
        STAYED = "stayed", "Stayed"
        DEMOTED = "demoted", "Demoted"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="league_memberships")
    week = models.ForeignKey(LeagueWeek, on_delete=models.PROTECT, related_name="memberships")
    cohort = models.ForeignKey(LeagueCohort, on_delete=models.PROTECT, related_name="memberships")
    tier = models.ForeignKey(LeagueTier, on_delete=models.PROTECT, related_name="memberships")
    weekly_xp = models.PositiveIntegerField(default=0)
    joined_at = models.DateTimeField()
    # When weekly_xp last changed: of two learners with the same XP, the one who got there first ranks higher.
    xp_reached_at = models.DateTimeField()
    rank = models.PositiveSmallIntegerField(null=True, blank=True)
    result = models.CharField(max_length=16, choices=Result.choices, blank=True)
    next_tier = models.ForeignKey(
        LeagueTier, null=True, blank=True, on_delete=models.PROTECT, related_name="memberships_entering"
    )
    # When the result reached the learner's stats and achievements (the rollover, once per membership).
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-week", "cohort_id", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["user", "week"], name="league_membership_one_per_week"),
            models.CheckConstraint(
                condition=Q(rank__isnull=True, result="", next_tier__isnull=True)
                | Q(rank__gte=1, result__in=["promoted", "stayed", "demoted"], next_tier__isnull=False),
                name="league_membership_result_complete",
            ),
            models.CheckConstraint(
                condition=Q(applied_at__isnull=True) | Q(rank__isnull=False), name="league_membership_applied_closed"
            ),
        ]
        indexes = [
            models.Index(fields=["cohort", "weekly_xp"], name="league_member_cohort_xp_idx"),
            models.Index(fields=["week", "applied_at"], name="league_member_week_applied_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.cohort_id}: {self.weekly_xp} XP"


# --- Daily quests -----------------------------------------------------------------------------------


class QuestTemplate(TimestampedModel):
    """What a daily quest asks and gives: reference data, edited by staff."""

    class Kind(models.TextChoices):
        EARN_XP = "earn_xp", "Earn XP"
        COMPLETE_LESSONS = "complete_lessons", "Complete lessons"
        PERFECT_LESSONS = "perfect_lessons", "Perfect lessons"
        CORRECT_IN_A_ROW = "correct_in_a_row", "Correct answers in a row"
        PRACTICE_SESSIONS = "practice_sessions", "Practice sessions"
        DAILY_GOAL = "daily_goal", "Reach the daily goal"

    class Reward(models.TextChoices):
        XP = "xp", "XP"
        HEART_REFILL = "heart_refill", "Heart refill"
        STREAK_FREEZE = "streak_freeze", "Streak freeze"

    code = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=120)
    description = models.CharField(max_length=240, blank=True)
    kind = models.CharField(max_length=32, choices=Kind.choices)
    target = models.PositiveIntegerField()
    reward = models.CharField(max_length=16, choices=Reward.choices)
    reward_xp = models.PositiveIntegerField(default=0, help_text="XP given when the reward is XP.")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["kind", "target", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(target__gte=1), name="quest_template_target_positive"),
            models.CheckConstraint(
                condition=Q(reward="xp", reward_xp__gte=1) | (~Q(reward="xp") & Q(reward_xp=0)),
                name="quest_template_reward_xp_iff_xp",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class UserQuest(models.Model):
    """One of a learner's quests of one local day, and once completed, the reward it gave.

    Its progress is not stored: it is what its kind counts in the day's UserDailyXP row (quests.quest_progress),
    which the same events update, so the common event writes nothing here.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quests")
    template = models.ForeignKey(QuestTemplate, on_delete=models.PROTECT, related_name="user_quests")
    date = models.DateField()
    slot = models.PositiveSmallIntegerField()
    target = models.PositiveIntegerField(help_text="The template's target when the quest was given.")
    completed_at = models.DateTimeField(null=True, blank=True)
    # The reward as given (a full stock gives no freeze, full hearts no heart), so the logs can be replayed.
    reward = models.CharField(max_length=16, choices=QuestTemplate.Reward.choices)
    reward_xp = models.PositiveIntegerField(default=0)
    hearts_given = models.PositiveSmallIntegerField(default=0)
    freezes_given = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["user_id", "-date", "slot"]
        constraints = [
            models.UniqueConstraint(fields=["user", "date", "slot"], name="user_quest_slot_unique"),
            models.UniqueConstraint(fields=["user", "date", "template"], name="user_quest_template_unique"),
            models.CheckConstraint(
                condition=Q(completed_at__isnull=False) | Q(reward_xp=0, hearts_given=0, freezes_given=0),
                name="user_quest_reward_only_when_completed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.date}: {self.template_id} ({'completed' if self.completed_at else 'open'})"


# --- Streak reminders -------------------------------------------------------------------------------


class StreakReminder(models.Model):
    """The reminder of one learner's local day: written before it is sent, so no day gets two."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="streak_reminders")
    date = models.DateField(help_text="The learner's local day the reminder is for.")
    due_at = models.DateTimeField()
    send_before = models.DateTimeField(help_text="The end of that local day: not sent later.")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-date", "user_id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "date"], name="streak_reminder_one_per_day"),
            models.CheckConstraint(
                condition=Q(status="sent", sent_at__isnull=False) | (~Q(status="sent") & Q(sent_at__isnull=True)),
                name="streak_reminder_sent_at_iff_sent",
            ),
        ]
        indexes = [
            models.Index(fields=["send_before"], condition=Q(status="pending"), name="streak_reminder_pending_idx")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.date}: {self.status}"
