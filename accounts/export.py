"""The learner data export (`me/export/`): each app contributes its own sections, so accounts depends on no one.

An app registers its sections from its AppConfig.ready() with `register_export_section(name, ExportSection(rows=...,
serializer=...))`: `rows(user)` reads the learner's rows (a queryset or list; with `many=False`, one object or None)
and `serializer` writes one row. `export_serializer()` is the serializer of the whole export, its fields the
registered sections: the one definition of the body and of its schema.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rest_framework import serializers


@dataclass(frozen=True)
class ExportSection:
    rows: Callable[[Any], Any]
    serializer: type[serializers.Serializer]
    many: bool = True


_sections: dict[str, ExportSection] = {}
_export_serializer: type[serializers.Serializer] | None = None


def register_export_section(name: str, section: ExportSection) -> None:
    global _export_serializer
    _sections[name] = section
    _export_serializer = None


def export_sections() -> dict[str, ExportSection]:
    return dict(sorted(_sections.items()))


def export_data(user) -> dict[str, Any]:
    """Every section's rows of the learner, by section name (what ExportSerializer writes)."""
    return {name: section.rows(user) for name, section in export_sections().items()}


def export_serializer() -> type[serializers.Serializer]:
    """The serializer of the whole export, made of the registered sections (built on first use, after every app's
    ready())."""
    global _export_serializer
    if _export_serializer is None:
        fields: dict[str, Any] = {
            "exported_at": serializers.DateTimeField(),
            **{
                name: section.serializer(many=section.many, allow_null=not section.many, read_only=True)
                for name, section in export_sections().items()
            },
        }
        _export_serializer = type(
            "ExportSerializer",
            (serializers.Serializer,),
            {"__module__": __name__, "__doc__": "Everything held about the learner, by section.", **fields},
        )
    return _export_serializer


# --- accounts' own sections ---------------------------------------------------------------------------------


class ProfileExportSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    display_name = serializers.CharField()
    avatar = serializers.CharField()
    timezone = serializers.CharField()
    daily_xp_goal = serializers.IntegerField()
    reminders_enabled = serializers.BooleanField()
    reminder_time = serializers.TimeField(format="%H:%M", allow_null=True)
    hide_from_leaderboards = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    last_login = serializers.DateTimeField(allow_null=True)


class EmailAddressExportSerializer(serializers.Serializer):
    email = serializers.EmailField()
    verified = serializers.BooleanField()
    primary = serializers.BooleanField()


class SocialAccountExportSerializer(serializers.Serializer):
    provider = serializers.CharField()
    uid = serializers.CharField()
    date_joined = serializers.DateTimeField()


SECTIONS = {
    "profile": ExportSection(rows=lambda user: user, serializer=ProfileExportSerializer, many=False),
    "email_addresses": ExportSection(
        rows=lambda user: user.emailaddress_set.order_by("pk"), serializer=EmailAddressExportSerializer
    ),
    "social_accounts": ExportSection(
        rows=lambda user: user.socialaccount_set.order_by("pk"), serializer=SocialAccountExportSerializer
    ),
}
