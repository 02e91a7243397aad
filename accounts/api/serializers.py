"""The learner's profile (`me/`) and the re-authentication refusal of `DELETE me/`."""

from drf_spectacular.utils import extend_schema_field
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
            "desired_retention",
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


# allauth's own objects, passed through as allauth writes them (its spec: /_allauth/openapi.html).
ALLAUTH_USER = {
    "type": "object",
    "description": "allauth's User object.",
    "properties": {
        "id": {"type": "integer"},
        "display": {"type": "string"},
        "email": {"type": "string"},
        "has_usable_password": {"type": "boolean"},
    },
    "required": ["id", "display", "has_usable_password"],
}
ALLAUTH_METHOD = {
    "type": "object",
    "description": "allauth's AuthenticationMethod: how and when the session authenticated.",
    "properties": {"method": {"type": "string"}, "at": {"type": "number"}},
    "required": ["method", "at"],
}
ALLAUTH_FLOW = {
    "type": "object",
    "description": "allauth's Flow: a way to re-authenticate (reauthenticate: POST the password to "
    "/_allauth/{app|browser}/v1/auth/reauthenticate; provider_token/provider_redirect: sign in with a provider).",
    "properties": {
        "id": {"type": "string", "enum": ["reauthenticate", "provider_token", "provider_redirect"]},
        "providers": {"type": "array", "items": {"type": "string"}},
    },
    "required": ["id"],
}


@extend_schema_field(ALLAUTH_USER)
class AllauthUserField(serializers.DictField):
    pass


@extend_schema_field(ALLAUTH_METHOD)
class AllauthMethodField(serializers.DictField):
    pass


@extend_schema_field(ALLAUTH_FLOW)
class AllauthFlowField(serializers.DictField):
    pass


@extend_schema_field({"type": "string", "enum": ["reauthentication_required"]})
class ReauthenticationCodeField(serializers.CharField):
    pass


class ReauthenticationDataSerializer(serializers.Serializer):
    user = AllauthUserField()
    methods = serializers.ListField(child=AllauthMethodField())
    flows = serializers.ListField(child=AllauthFlowField())


class ReauthenticationMetaSerializer(serializers.Serializer):
    is_authenticated = serializers.BooleanField()


class ReauthenticationRequiredSerializer(serializers.Serializer):
    """401 reauthentication_required: allauth's shape (`data.flows` names the way to re-authenticate) with the
    error's `detail` and `code` (accounts.reauthentication)."""

    detail = serializers.CharField()
    code = ReauthenticationCodeField()
    status = serializers.IntegerField()
    data = ReauthenticationDataSerializer()
    meta = ReauthenticationMetaSerializer()
