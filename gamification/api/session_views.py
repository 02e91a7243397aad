"""Lesson sessions and the learner's own gamification views (thin: validate, call a service, serialize)."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, OpenApiTypes, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response
from rest_framework.views import APIView

from config.openapi import errors
from exercises.kinds.base import flat_errors
from gamification import answering, selectors, services
from gamification.api.session_serializers import (
    AnswerBatchInputSerializer,
    AnswerBatchResultSerializer,
    AnswerInputSerializer,
    AnswerResultSerializer,
    CompletionSerializer,
    LearnerAchievementListSerializer,
    MeStatsSerializer,
    PracticeStartSerializer,
    SessionDetailSerializer,
    SessionStartQuerySerializer,
    SessionStartSerializer,
    XpHistoryQuerySerializer,
    XpHistorySerializer,
    idempotency_key_validate,
)
from gamification.idempotency import idempotent_call, request_fingerprint
from progress import selectors as progress_selectors
from progress import services as progress_services
from progress.models import LessonSession


def _idempotency_key(request) -> str | None:
    key = request.headers.get("Idempotency-Key")
    if key is not None:
        try:
            idempotency_key_validate(key)
        except ValidationError as error:
            raise ValidationError({"Idempotency-Key": error.detail}) from None
    return key


def _idempotent_response(request, produce) -> Response:
    """`produce()` under the request's Idempotency-Key (a completion); an idle session found on the way ends up
    abandoned."""
    try:
        status_code, body, replayed = idempotent_call(
            user=request.user,
            key=_idempotency_key(request),
            fingerprint=request_fingerprint(method=request.method, path=request.path, body=request.data),
            produce=produce,
        )
    except services.SessionIdle:
        # The refusal rolled the transaction back; the abandonment is committed on its own.
        progress_services.lesson_sessions_abandon_idle(user=request.user)
        raise
    response = Response(body, status=status_code)
    if replayed:
        response["Idempotent-Replayed"] = "true"
    return response


IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="1 to 255 printable characters. A retry with the same key and body replays the first answer (with "
    "Idempotent-Replayed: true) and changes nothing; the same key with another body is 422 idempotency_key_reused. "
    "Keys are kept IDEMPOTENCY_KEY_TTL_SECONDS.",
)


class LessonSessionStartView(APIView):
    @extend_schema(
        request=None,
        parameters=[OpenApiParameter("audio_quality", OpenApiTypes.STR, enum=["low", "medium", "high"])],
        responses={
            201: SessionStartSerializer,
            **errors(
                400,
                conflict=[
                    "not_enrolled",
                    "course_unavailable",
                    "lesson_unavailable",
                    "lesson_locked",
                    "no_hearts",
                    "lesson_empty",
                ],
            ),
        },
    )
    def post(self, request, lesson_id: int):
        """Start an attempt at a lesson: 201 with the session, the learner's hearts and the exercises to play (in
        this session's order). Starting again abandons the lesson's active attempt."""
        query = SessionStartQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        start = services.lesson_session_start(user=request.user, lesson_id=lesson_id, request=request)
        context = {
            "hearts": start.hearts,
            "exercises": start.exercises,
            "audio_quality": query.validated_data["audio_quality"],
        }
        return Response(SessionStartSerializer(start.session, context=context).data, status=status.HTTP_201_CREATED)


class PracticeSessionStartView(APIView):
    @extend_schema(
        request=PracticeStartSerializer,
        parameters=[OpenApiParameter("audio_quality", OpenApiTypes.STR, enum=["low", "medium", "high"])],
        responses={201: SessionStartSerializer, **errors(400, 404, conflict=["course_unavailable", "nothing_due"])},
    )
    def post(self, request):
        """Start a practice session in an enrolled course (404 when not enrolled): `review` holds due exercises of
        completed lessons, most forgotten first, types mixed; `mistakes` the exercises whose latest first try was
        wrong. 201 with the session and its exercises, played with `sessions/{id}/answers/` and `complete/`; 409
        nothing_due when there is nothing to practise. It needs no hearts and wrong answers cost none."""
        query = SessionStartQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = PracticeStartSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        start = services.practice_session_start(
            user=request.user,
            course_id=data.validated_data["course"],
            kind=data.validated_data["kind"],
            size=data.validated_data["size"],
            request=request,
        )
        context = {
            "hearts": start.hearts,
            "exercises": start.exercises,
            "audio_quality": query.validated_data["audio_quality"],
        }
        return Response(SessionStartSerializer(start.session, context=context).data, status=status.HTTP_201_CREATED)


class LessonSessionDetailView(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("audio_quality", OpenApiTypes.STR, enum=["low", "medium", "high"])],
        responses={200: SessionDetailSerializer, **errors(400)},
    )
    def get(self, request, pk: int):
        """The session (a lesson's or a practice); an active one with its exercises, exactly as its start returned
        them (a reload)."""
        query = SessionStartQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        session = get_object_or_404(progress_selectors.session_list(user=request.user), pk=pk)
        active = session.status == LessonSession.Status.ACTIVE
        context = {
            "exercises": progress_selectors.session_exercises_for_play(session=session) if active else None,
            "audio_quality": query.validated_data["audio_quality"],
        }
        return Response(SessionDetailSerializer(session, context=context).data)


class LessonSessionAnswerView(APIView):
    @extend_schema(
        request=AnswerInputSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={
            200: AnswerResultSerializer,
            **errors(
                400,
                conflict=["session_finished", "exercise_already_answered"],
                unprocessable=["idempotency_key_reused"],
            ),
        },
    )
    def post(self, request, pk: int):
        """Answer one exercise of the session (400 naming `exercise` for one not in it): graded on the server; in a
        lesson a wrong answer costs a heart and the session fails at 0 hearts, in practice it costs nothing. The
        first answer to an exercise in a session updates the learner's memory of it. An answer of the wrong shape is
        a 400 that costs nothing."""
        data = AnswerInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        key = _idempotency_key(request)
        reply = answering.lesson_session_answer(
            user=request.user,
            session_id=pk,
            exercise_id=data.validated_data["exercise"],
            answer=data.validated_data["answer"],
            time_ms=data.validated_data.get("time_ms"),
            hints_used=data.validated_data["hints_used"],
            idempotency_key=key,
            fingerprint=request_fingerprint(method=request.method, path=request.path, body=request.data) if key else "",
            respond=lambda outcomes: AnswerResultSerializer(outcomes, many=True).data,
            request=request,
        )
        response = Response(reply.body, status=status.HTTP_200_OK)
        if reply.status == answering.REPLAYED:
            response["Idempotent-Replayed"] = "true"
        return response


class LessonSessionAnswerBatchView(APIView):
    @extend_schema(request=AnswerBatchInputSerializer, responses={200: AnswerBatchResultSerializer, **errors(400)})
    def post(self, request, pk: int):
        """Offline play: the answers of a session played without a connection, in the order given, graded as if
        sent one by one now (hearts included) under one lock. Each answer's idempotency_key is its Idempotency-Key:
        one recorded before (online or by an earlier batch) replays its result. Answers after the session ended,
        or refused for another reason, are listed with their code; a wrong shape refuses the batch (400)."""
        data = AnswerBatchInputSerializer(data=request.data)
        if not data.is_valid():
            raise ValidationError(flat_errors(data.errors, "")) from None
        # Each answer is the online request it stands for: same path, same body, so the same fingerprint.
        online_path = reverse(f"{request.resolver_match.namespace}:lesson-session-answer", kwargs={"pk": pk})
        items = []
        for sent, answer in zip(request.data["answers"], data.validated_data["answers"], strict=True):
            body = {name: value for name, value in sent.items() if name not in ("answered_at", "idempotency_key")}
            items.append(
                answering.AnswerInput(
                    exercise_id=answer["exercise"],
                    answer=answer["answer"],
                    time_ms=answer.get("time_ms"),
                    hints_used=answer["hints_used"],
                    answered_at=answer["answered_at"],
                    idempotency_key=answer["idempotency_key"],
                    fingerprint=request_fingerprint(method="POST", path=online_path, body=body),
                )
            )
        applied = answering.lesson_session_answers_sync(
            user=request.user,
            session_id=pk,
            items=items,
            respond=lambda outcomes: AnswerResultSerializer(outcomes, many=True).data,
            request=request,
        )
        return Response(AnswerBatchResultSerializer(applied).data)


class LessonSessionCompleteView(APIView):
    @extend_schema(
        request=None,
        parameters=[IDEMPOTENCY_KEY],
        responses={
            200: CompletionSerializer,
            # No body is expected, but one sent is read (for the Idempotency-Key's fingerprint).
            **errors(
                400,
                413,
                415,
                conflict=["session_finished", "lesson_incomplete"],
                unprocessable=["idempotency_key_reused"],
            ),
        },
    )
    def post(self, request, pk: int):
        """Finish the session once every required exercise (every item of a practice) is answered right: XP (a
        lesson's, or a practice's 10/5/0 by the day's count, and a heart back), score, streak, today's XP against
        the goal, achievements unlocked."""

        def produce():
            done = services.lesson_session_complete(user=request.user, session_id=pk, request=request)
            return status.HTTP_200_OK, CompletionSerializer(done).data

        return _idempotent_response(request, produce)


class MeStatsView(APIView):
    @extend_schema(responses={200: MeStatsSerializer})
    def get(self, request):
        """Total XP, streak (current, longest, freezes), hearts (count, max, next heart), today's XP and goal."""
        return Response(MeStatsSerializer(selectors.me_stats(user=request.user)).data)


class MeXpHistoryView(APIView):
    @extend_schema(parameters=[XpHistoryQuerySerializer], responses={200: XpHistorySerializer, **errors(400)})
    def get(self, request):
        query = XpHistoryQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        history = selectors.xp_history(user=request.user, days=query.validated_data["days"])
        return Response(XpHistorySerializer(history).data)


class MeAchievementsView(APIView):
    @extend_schema(responses=LearnerAchievementListSerializer)
    def get(self, request):
        """Every active achievement with the learner's progress and unlock time, and retired ones they earned."""
        items = selectors.achievement_list_for_learner(user=request.user)
        return Response(LearnerAchievementListSerializer({"results": items}).data)
