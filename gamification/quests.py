"""Daily quests: which three a learner has on a local day, and what each kind counts.

The day's quests are drawn from the active templates by `rules.quest_draw` (stable for a learner and a date)
and stored on the day's first learning event, after which they stay as they were drawn even when editors
change the templates. A quest's progress is what its kind counts in the day's UserDailyXP row; completion and
rewards are written by `gamification.services.quests_evaluate`.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import connection

from gamification import rules
from gamification.models import QuestTemplate, UserDailyXP, UserQuest
from progress.memory import db_datetime

Kind = QuestTemplate.Kind


def quest_templates_offered() -> list[QuestTemplate]:
    """Active templates of the kinds learners can make progress on."""
    templates = QuestTemplate.objects.filter(is_active=True)
    if not settings.QUEST_PRACTICE_ENABLED:
        templates = templates.exclude(kind=Kind.PRACTICE_SESSIONS)
    return list(templates)


TEMPLATE_COLUMNS = ("id", "code", "name", "description", "kind", "target", "reward", "reward_xp", "is_active")
QUEST_COLUMNS = ("id", "slot", "target", "completed_at", "reward", "reward_xp", "hearts_given", "freezes_given")


def _stored_quests(*, user, day: dt.date) -> list[UserQuest]:
    """The day's stored quests with their templates, in slot order.

    Plain SQL because every learning event and every `me/quests/` reads it: the ORM's join of the same two
    tables cost about three times as long to build and load (bench/README.md).
    """
    quote = connection.ops.quote_name
    columns = [f"q.{name}" for name in QUEST_COLUMNS] + [f"t.{name}" for name in TEMPLATE_COLUMNS]
    sql = (
        f"SELECT {', '.join(columns)} FROM {quote(UserQuest._meta.db_table)} q "  # noqa: S608 (model tables)
        f"JOIN {quote(QuestTemplate._meta.db_table)} t ON t.id = q.template_id "
        "WHERE q.user_id = %s AND q.date = %s ORDER BY q.slot"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk, connection.ops.adapt_datefield_value(day)])
        rows = cursor.fetchall()
    quests = []
    for row in rows:
        fields = dict(zip(QUEST_COLUMNS, row[: len(QUEST_COLUMNS)], strict=True))
        template = QuestTemplate(**dict(zip(TEMPLATE_COLUMNS, row[len(QUEST_COLUMNS) :], strict=True)))
        template._state.adding = False
        quest = UserQuest(user=user, template=template, date=day, **fields)
        quest.completed_at = db_datetime(quest.completed_at)
        quest._state.adding = False
        quests.append(quest)
    return quests


def quests_of_day(*, user, day: dt.date, create: bool) -> list[UserQuest]:
    """The learner's quests of `day`, in slot order: the stored ones, else freshly drawn (saved when `create`,
    which only the XP path does, under the learner's row lock)."""
    stored = _stored_quests(user=user, day=day)
    if stored:
        return stored
    drawn = rules.quest_draw(quest_templates_offered(), user_id=user.pk, day=day, count=settings.QUESTS_PER_DAY)
    quests = [
        UserQuest(user=user, template=template, date=day, slot=slot, target=template.target, reward=template.reward)
        for slot, template in enumerate(drawn)
    ]
    if create and quests:
        UserQuest.objects.bulk_create(quests)
    return quests


def quest_progress(quest: UserQuest, daily: UserDailyXP | None) -> int:
    """How far the quest is: its target once completed, else what its kind counts on its day (capped)."""
    if quest.completed_at is not None:
        return quest.target
    return min(quest_metric(quest.template.kind, daily), quest.target)


def with_progress(day_quests: list[UserQuest], daily: UserDailyXP | None) -> list[UserQuest]:
    """The quests with `progress` set, for serializers."""
    for quest in day_quests:
        quest.progress = quest_progress(quest, daily)
    return day_quests


def quest_metric(kind: str, daily: UserDailyXP | None) -> int:
    """What a quest of `kind` counts on the day, from the day's row."""
    if daily is None:
        return 0
    return {
        Kind.EARN_XP: daily.xp,
        Kind.COMPLETE_LESSONS: daily.lessons_completed,
        Kind.PERFECT_LESSONS: daily.perfect_lessons,
        Kind.CORRECT_IN_A_ROW: daily.best_correct_run,
        Kind.PRACTICE_SESSIONS: daily.practice_sessions,
        Kind.DAILY_GOAL: int(daily.goal_met),
    }[kind]
