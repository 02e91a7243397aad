"""The learner's league and quests, and the unsubscribe link of streak reminders (thin: call, serialize)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, OpenApiTypes, extend_schema
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from config.openapi import errors
from gamification import reminders, selectors
from gamification.api.engagement_serializers import (
    LeagueHistorySerializer,
    MeLeagueSerializer,
    MeQuestsSerializer,
    UnsubscribeInputSerializer,
    UnsubscribeSerializer,
)
from gamification.models import LeagueMembership


class MeLeagueView(APIView):
    @extend_schema(responses={200: MeLeagueSerializer})
    def get(self, request):
        return Response(MeLeagueSerializer(selectors.me_league(user=request.user)).data)


class MeLeagueHistoryView(ListAPIView):
    serializer_class = LeagueHistorySerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no learner
            return LeagueMembership.objects.none()
        return selectors.league_history(user=self.request.user)


class MeQuestsView(APIView):
    @extend_schema(responses={200: MeQuestsSerializer})
    def get(self, request):
        return Response(MeQuestsSerializer(selectors.me_quests(user=request.user)).data)


class RemindersUnsubscribeView(APIView):
    """The link in every streak reminder: turns the learner's reminders off, without signing in.

    GET is what a mail client opens; POST is RFC 8058 one-click unsubscription (List-Unsubscribe-Post).
    """

    authentication_classes: list = []
    permission_classes = [AllowAny]

    def _unsubscribe(self, request):
        data = UnsubscribeInputSerializer(data=request.query_params)
        data.is_valid(raise_exception=True)
        learner = reminders.reminders_unsubscribe(
            learner_id=data.validated_data["learner"], token=data.validated_data["token"], request=request
        )
        return Response(UnsubscribeSerializer(learner).data)

    @extend_schema(
        parameters=[
            OpenApiParameter("learner", OpenApiTypes.INT, required=True),
            OpenApiParameter("token", OpenApiTypes.STR, required=True),
        ],
        responses={200: UnsubscribeSerializer, **errors(400, 404)},
    )
    def get(self, request):
        return self._unsubscribe(request)

    @extend_schema(
        request=None,
        parameters=[
            OpenApiParameter("learner", OpenApiTypes.INT, required=True),
            OpenApiParameter("token", OpenApiTypes.STR, required=True),
        ],
        responses={200: UnsubscribeSerializer, **errors(400, 404)},
    )
    def post(self, request):
        return self._unsubscribe(request)
