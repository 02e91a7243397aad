from rest_framework import serializers

from accounts.models import User


class ProfileSerializer(serializers.ModelSerializer):
    reminder_time = serializers.TimeField(
        format="%H:%M",
        input_formats=["%H:%M"],
        required=False,
        allow_null=True,
        help_text="Local time of the daily streak reminder, HH:MM (24-hour clock) in the learner's timezone.",
    )

    class Meta:
        model = User
        fields = [
            "id",
            "email",
            "display_name",
            "avatar",
            "timezone",
            "daily_xp_goal",
            "reminders_enabled",
            "reminder_time",
            "next_reminder_at",
            "hide_from_leaderboards",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "email", "next_reminder_at", "created_at", "updated_at"]

    def validate(self, attrs):
        enabled = attrs.get("reminders_enabled", self.instance.reminders_enabled if self.instance else False)
        time = attrs.get("reminder_time", self.instance.reminder_time if self.instance else None)
        if enabled and time is None:
            raise serializers.ValidationError({"reminder_time": ["Choose the local time to be reminded at (HH:MM)."]})
        return attrs
