"""The audit app's section of the learner's data export (me/export/): their activity log, oldest first.

IP address and user agent are the learner's personal data, so they are exported too. accounts registers this
section (audit calls no other app).
"""

from __future__ import annotations

from rest_framework import serializers

from audit.api.serializers import ActivityMetadataField
from audit.models import UserActivityLog


class ActivityLogExportSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=UserActivityLog.Action.choices)
    created_at = serializers.DateTimeField()
    ip = serializers.CharField(allow_null=True)
    user_agent = serializers.CharField()
    metadata = ActivityMetadataField()


def activity_log(user):
    return UserActivityLog.objects.filter(user=user).order_by("created_at", "id")
