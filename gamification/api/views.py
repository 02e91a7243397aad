"""Catalog endpoint `achievements/`: every active achievement that is not retired, read-only."""

from rest_framework import generics
from rest_framework.permissions import AllowAny

from gamification.api.serializers import AchievementSerializer
from gamification.models import Achievement


class AchievementListView(generics.ListAPIView):
    serializer_class = AchievementSerializer
    permission_classes = [AllowAny]  # the public catalog

    def get_queryset(self):
        return Achievement.objects.live().filter(is_active=True).order_by("kind", "threshold", "code")
