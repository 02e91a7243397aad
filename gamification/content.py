"""Achievements are authored content like courses: written (admin, seed) through courses.content, which validates,
locks and audits. This module tells courses.content what learner history an achievement has, so removing one that
learners have earned or progressed on archives it: it is no longer earned or listed, and their records, with the XP
it gave, stay.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Count

from courses.content import History
from gamification.models import UserAchievement


def achievement_history(pks: Sequence[int]) -> dict[int, History]:
    """Learner rows (UserAchievement) per achievement: each row is one learner."""
    rows = (
        UserAchievement.objects.filter(achievement_id__in=pks)
        .values("achievement_id")
        .annotate(rows=Count("id"))
        .values_list("achievement_id", "rows")
    )
    return {pk: History(learners=count, rows=count) for pk, count in rows}
