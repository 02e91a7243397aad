"""Serializers of leagues, quests and reminder unsubscription: the bodies of `me/league/`, `me/league/history/`,
`me/quests/` and `reminders/unsubscribe/`, and the quests in a lesson completion."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from gamification import rules
from gamification.models import LeagueMembership, LeagueTier, QuestTemplate

ZONES = [rules.PROMOTION, rules.SAFE, rules.DEMOTION]


class QuestRewardGivenSerializer(serializers.Serializer):
    xp = serializers.IntegerField(source="reward_xp")
    hearts = serializers.IntegerField(source="hearts_given")
    freezes = serializers.IntegerField(source="freezes_given")


class QuestSerializer(serializers.Serializer):
    code = serializers.CharField(source="template.code")
    name = serializers.CharField(source="template.name")
    description = serializers.CharField(source="template.description")
    kind = serializers.ChoiceField(source="template.kind", choices=QuestTemplate.Kind.choices)
    target = serializers.IntegerField()
    progress = serializers.IntegerField()
    completed = serializers.SerializerMethodField()
    completed_at = serializers.DateTimeField(allow_null=True)
    reward = serializers.ChoiceField(choices=QuestTemplate.Reward.choices)
    reward_xp = serializers.SerializerMethodField(help_text="XP the reward gives (XP rewards), or gave.")
    reward_given = serializers.SerializerMethodField(help_text="What the reward gave, once the quest is completed.")

    def get_completed(self, quest) -> bool:
        return quest.completed_at is not None

    def get_reward_xp(self, quest) -> int:
        return quest.reward_xp if quest.completed_at else quest.template.reward_xp

    @extend_schema_field(QuestRewardGivenSerializer(allow_null=True))
    def get_reward_given(self, quest):
        return QuestRewardGivenSerializer(quest).data if quest.completed_at is not None else None


class MeQuestsSerializer(serializers.Serializer):
    date = serializers.DateField(help_text="The learner's local day.")
    resets_at = serializers.DateTimeField(help_text="When the next day's quests begin (local midnight).")
    quests = QuestSerializer(many=True)


class LeagueTierSerializer(serializers.ModelSerializer):
    class Meta:
        model = LeagueTier
        fields = ["code", "name", "order", "promote_count", "demote_count", "icon"]


class LeagueWeekSerializer(serializers.Serializer):
    start = serializers.DateField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()


class LeagueStandingRowSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    display_name = serializers.CharField()
    avatar = serializers.CharField(allow_null=True)
    weekly_xp = serializers.IntegerField()
    zone = serializers.ChoiceField(choices=ZONES)
    is_me = serializers.BooleanField()
    anonymous = serializers.BooleanField(help_text="The learner hides from leaderboards: no name or avatar.")


class LeagueCohortSerializer(serializers.Serializer):
    number = serializers.IntegerField(source="cohort_number")
    capacity = serializers.IntegerField(source="cohort_capacity")
    size = serializers.SerializerMethodField()

    def get_size(self, standing) -> int:
        return len(standing.members)


class MeLeagueSerializer(serializers.Serializer):
    week = LeagueWeekSerializer()
    time_left_seconds = serializers.IntegerField()
    tier = LeagueTierSerializer(allow_null=True, help_text="This week's tier, or the one the learner will join.")
    joined = serializers.BooleanField(help_text="False until the learner's first XP of the week.")
    cohort = serializers.SerializerMethodField()
    members = LeagueStandingRowSerializer(many=True)
    me = LeagueStandingRowSerializer(allow_null=True)

    @extend_schema_field(LeagueCohortSerializer(allow_null=True))
    def get_cohort(self, standing):
        return LeagueCohortSerializer(standing).data if standing.joined else None


class LeagueHistorySerializer(serializers.ModelSerializer):
    week = serializers.DateField(source="week_id")
    tier = LeagueTierSerializer()
    next_tier = LeagueTierSerializer()
    cohort_size = serializers.IntegerField(source="cohort.member_count")
    result = serializers.ChoiceField(choices=LeagueMembership.Result.choices)

    class Meta:
        model = LeagueMembership
        fields = ["week", "tier", "rank", "result", "next_tier", "weekly_xp", "cohort_size"]


class UnsubscribeInputSerializer(serializers.Serializer):
    learner = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    token = serializers.CharField(max_length=500)


class UnsubscribeSerializer(serializers.Serializer):
    """The learner whose reminders the link turned off."""

    detail = serializers.SerializerMethodField()
    reminders_enabled = serializers.BooleanField()

    def get_detail(self, learner) -> str:
        return "Streak reminders are off."
