"""Writes to achievements, authored content like courses: validated, locked and audited through courses.content.

Retiring an achievement that learners have earned or progressed on archives it: it is no longer earned or listed,
and their records, with the XP it gave, stay.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.db.models import Count

from audit.services import AuditContext
from courses.content import History, Removal, content_create, content_remove, content_restore, content_update
from gamification.models import Achievement, UserAchievement


def achievement_history(pks: Sequence[int]) -> dict[int, History]:
    """Learner rows (UserAchievement) per achievement: each row is one learner."""
    rows = (
        UserAchievement.objects.filter(achievement_id__in=pks)
        .values("achievement_id")
        .annotate(rows=Count("id"))
        .values_list("achievement_id", "rows")
    )
    return {pk: History(learners=count, rows=count) for pk, count in rows}


@transaction.atomic
def achievement_create(*, by: AuditContext, **fields) -> Achievement:
    return content_create(Achievement(**fields), by=by)


@transaction.atomic
def achievement_update(*, achievement: Achievement, by: AuditContext, **fields) -> Achievement:
    content_update(achievement, fields, by=by)
    return achievement


@transaction.atomic
def achievement_retire(*, achievement: Achievement, by: AuditContext) -> Removal:
    """Archive an achievement learners hold (kept on their records), else delete it."""
    return content_remove(achievement, by=by)


@transaction.atomic
def achievement_restore(*, achievement: Achievement, by: AuditContext) -> bool:
    return content_restore(achievement, by=by)
