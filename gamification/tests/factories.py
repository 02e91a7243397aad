"""Factories of gamification's models (achievements, learner stats, league tiers, quest templates) and its reference
data."""

from __future__ import annotations

from pathlib import Path

import factory
from django.conf import settings

from courses.reference_data import reference_data_load
from gamification.models import Achievement, LeagueTier, LearnerStats, QuestTemplate

FIXTURES = Path(settings.BASE_DIR) / "fixtures"


def seeded_tiers() -> list[LeagueTier]:
    """The ten tiers of fixtures/league_tiers.yaml (Bronze … Diamond), lowest first."""
    reference_data_load(paths=[FIXTURES / "league_tiers.yaml"])
    return list(LeagueTier.objects.order_by("order"))


def seeded_achievements() -> None:
    reference_data_load(paths=[FIXTURES / "achievements.yaml"])


class LeagueTierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LeagueTier
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"tier-{n}")
    name = factory.Sequence(lambda n: f"Tier {n}")
    order = factory.Sequence(lambda n: n + 1)
    promote_count = 3
    demote_count = 2


class QuestTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuestTemplate
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"quest-{n}")
    name = factory.Sequence(lambda n: f"Quest {n}")
    kind = QuestTemplate.Kind.EARN_XP
    target = 20
    reward = QuestTemplate.Reward.XP
    reward_xp = 10


class AchievementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Achievement
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"achievement-{n}")
    name = factory.Sequence(lambda n: f"Achievement {n}")
    kind = Achievement.Kind.LESSONS_COMPLETED
    threshold = 1
    xp_reward = 0


class LearnerStatsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LearnerStats
        django_get_or_create = ("user",)
