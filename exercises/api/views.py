"""Catalog endpoints of the exercises app: `exercise-types/` and `lessons/{id}/` (a lesson to play)."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from config.openapi import errors
from courses import selectors as course_selectors
from courses import services as course_services
from courses.api.permissions import SignedInReadStaffWrite
from courses.api.rendered import (
    CACHE_CONTROL_PRIVATE,
    RenderedContent,
    content_render,
    content_response,
    not_modified,
    validator_parameters,
)
from courses.api.views import REMOVAL_RESPONSES, CatalogViewSet, object_id, removal_response, staff_api
from courses.models import Lesson
from exercises import selectors
from exercises.api.serializers import (
    AudioQualitySerializer,
    ExerciseTypeSerializer,
    LessonInputSerializer,
    LessonPlaySerializer,
    lesson_play_data,
)
from exercises.models import ExerciseType


class ExerciseTypeViewSet(CatalogViewSet):
    serializer_class = ExerciseTypeSerializer
    queryset = ExerciseType.objects.all()

    def get_queryset(self):
        return selectors.exercise_types()


class LessonViewSet(
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """`lessons/{id}/`: the lesson with its exercises to play (no answers); staff may create, change and remove
    lessons (a lesson learners have history in is archived, not deleted)."""

    permission_classes = [SignedInReadStaffWrite]
    lookup_value_regex = r"\d+"
    queryset = Lesson.objects.all()
    serializer_class = LessonPlaySerializer

    def get_serializer_class(self):
        # The browsable API builds its forms from this (with the action of the form's method).
        return LessonInputSerializer if self.action in ("create", "update", "partial_update") else LessonPlaySerializer

    def _play_response(self, lesson, *, audio_quality="medium", status_code=status.HTTP_200_OK):
        return Response(lesson_play_data(lesson, audio_quality=audio_quality), status=status_code)

    def _lesson(self, pk) -> Lesson:
        try:
            return course_selectors.lesson_for_learner(lesson_id=object_id(pk), user=self.request.user)
        except Lesson.DoesNotExist:
            raise NotFound("No such lesson.") from None

    @extend_schema(
        parameters=[
            OpenApiParameter("audio_quality", str, enum=["low", "medium", "high"], default="medium"),
            *validator_parameters("the lesson"),
        ],
        responses={200: LessonPlaySerializer, 304: not_modified("the lesson"), **errors(400)},
    )
    def retrieve(self, request, *args, **kwargs):
        """A lesson with its exercises to play (never an answer), for a signed-in learner. The same for every
        learner, so it is rendered once per content revision and carries an ETag (304 on If-None-Match)."""
        query = AudioQualitySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        audio_quality = query.validated_data["audio_quality"]
        lesson_id = object_id(kwargs["pk"])

        def build() -> RenderedContent:
            lesson = Lesson.objects.select_related("unit__section__course").get(pk=lesson_id)
            data = lesson_play_data(lesson, audio_quality=audio_quality)
            return content_render(data, visible=course_selectors.lesson_is_visible(lesson))

        try:
            play = course_selectors.content_cached("lesson-play-rendered", lesson_id, audio_quality, build=build)
        except Lesson.DoesNotExist:
            raise NotFound("No such lesson.") from None
        if not play.visible and not course_selectors.user_sees_unpublished(request.user):
            raise NotFound("No such lesson.")
        # For signed-in users only: no shared cache may keep it.
        return content_response(request, play, cache_control=CACHE_CONTROL_PRIVATE)

    @extend_schema(request=LessonInputSerializer, responses={201: LessonPlaySerializer})
    def create(self, request, *args, **kwargs):
        serializer = LessonInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        lesson = course_services.lesson_create(by=staff_api(request), **serializer.validated_data)
        return self._play_response(self._lesson(lesson.pk), status_code=status.HTTP_201_CREATED)

    @extend_schema(request=LessonInputSerializer, responses=LessonPlaySerializer)
    def update(self, request, *args, **kwargs):
        lesson = self._lesson(kwargs["pk"])
        serializer = LessonInputSerializer(lesson, data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        lesson = course_services.lesson_update(lesson=lesson, by=staff_api(request), **serializer.validated_data)
        return self._play_response(self._lesson(lesson.pk))

    @extend_schema(request=None, responses=REMOVAL_RESPONSES)
    def destroy(self, request, *args, **kwargs):
        lesson = self._lesson(kwargs["pk"])
        return removal_response(course_services.tree_node_remove(node=lesson, by=staff_api(request)))
