"""The audit app's section of the learner's data export (me/export/): their activity log, oldest first.

IP address and user agent are the learner's personal data, so they are exported too. accounts registers this
section (audit calls no other app).
"""

from __future__ import annotations

from typing import Any

from audit.models import UserActivityLog


def activity_log(user) -> list[dict[str, Any]]:
    return [
        {
            "action": row.action,
            "created_at": row.created_at.isoformat(),
            "ip": row.ip,
            "user_agent": row.user_agent,
            "metadata": row.metadata,
        }
        for row in UserActivityLog.objects.filter(user=user).order_by("created_at", "id")
    ]


SECTIONS = {"activity_log": activity_log}
