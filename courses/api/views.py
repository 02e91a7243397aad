"""Catalog endpoints: `languages/`, `courses/` and the course tree `courses/{id}/`."""

from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from audit.models import SystemAuditLog
from audit.services import AuditContext
from courses import selectors, services
from courses.api.permissions import PublicReadStaffWrite
from courses.api.rendered import (
    CACHE_CONTROL_PRIVATE,
    CACHE_CONTROL_PUBLIC,
    RenderedContent,
    content_render,
    content_response,
    not_modified,
    validator_parameters,
)
from courses.api.serializers import (
    CourseInputSerializer,
    CourseSerializer,
    CourseTreeSerializer,
    LanguageSerializer,
    RemovalSerializer,
)
from courses.content import Removal
from courses.models import Course, Language

MAX_ID = 2**63 - 1


def staff_api(request) -> AuditContext:
    """Who writes content through the staff API (services take this, never the request)."""
    return AuditContext.from_request(request, source=SystemAuditLog.Source.API)


def removal_response(removal: Removal) -> Response:
    """204 when the row was deleted; 200 saying so when it was archived because learners have history in it."""
    if not removal.archived:
        return Response(status=status.HTTP_204_NO_CONTENT)
    return Response(RemovalSerializer(removal).data, status=status.HTTP_200_OK)


REMOVAL_RESPONSES = {200: RemovalSerializer, 204: None}


def object_id(value: str) -> int:
    """A URL id as an int; ids no column can hold are simply not found (never a database error)."""
    number = int(value)
    if number > MAX_ID:
        raise NotFound("Not found.")
    return number


def course_tree_rendered(course_id: int) -> RenderedContent:
    """The tree rendered once per content revision; learners see it when it is published and not archived."""
    tree = CourseTreeSerializer(selectors.course_tree(course_id=course_id)).data
    return content_render(tree, visible=tree["is_published"] and tree["archived_at"] is None)


class CatalogViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Read by anyone (the public catalog); create and change for staff with the model permissions."""

    permission_classes = [PublicReadStaffWrite]
    lookup_value_regex = r"\d+"


class LanguageViewSet(CatalogViewSet):
    serializer_class = LanguageSerializer
    queryset = Language.objects.all()

    def get_queryset(self):
        include_inactive = self.action != "list" or self.request.user.is_staff
        return selectors.language_list(include_inactive=include_inactive)

    def perform_create(self, serializer):
        serializer.instance = services.language_create(by=staff_api(self.request), **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.language_update(
            language=serializer.instance, by=staff_api(self.request), **serializer.validated_data
        )


class CourseFilter(filters.FilterSet):
    from_language = filters.CharFilter(field_name="from_language__code", lookup_expr="iexact")
    to_language = filters.CharFilter(field_name="to_language__code", lookup_expr="iexact")

    class Meta:
        model = Course
        fields = ["from_language", "to_language"]


class CourseViewSet(mixins.DestroyModelMixin, CatalogViewSet):
    queryset = Course.objects.all()
    filterset_class = CourseFilter

    def get_queryset(self):
        return selectors.course_list(user=self.request.user)

    def get_serializer_class(self):
        if self.action in ("create", "update", "partial_update"):
            return CourseInputSerializer
        return CourseTreeSerializer if self.action == "retrieve" else CourseSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("from_language", str, description="Code of the language taught in, e.g. en."),
            OpenApiParameter("to_language", str, description="Code of the language learnt, e.g. es."),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(
        parameters=validator_parameters("the tree"),
        responses={200: CourseTreeSerializer, 304: not_modified("the tree")},
    )
    def retrieve(self, request, *args, **kwargs):
        """The course tree: sections, units, lessons with their XP and prerequisites. Public and the same for
        everyone (no learner data: a learner's lesson statuses come from enrollments/{id}/), so it is cached once
        per content revision and carries an ETag."""
        course_id = object_id(kwargs["pk"])
        try:
            tree = selectors.content_cached(
                "course-tree-rendered", course_id, build=lambda: course_tree_rendered(course_id)
            )
        except Course.DoesNotExist:
            raise NotFound("No such course.") from None
        if tree.visible:
            return content_response(request, tree, cache_control=CACHE_CONTROL_PUBLIC)
        if not selectors.user_sees_unpublished(request.user):
            raise NotFound("No such course.")
        return content_response(request, tree, cache_control=CACHE_CONTROL_PRIVATE)

    @extend_schema(request=CourseInputSerializer, responses={201: CourseSerializer})
    def create(self, request, *args, **kwargs):
        serializer = CourseInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        course = services.course_create(by=staff_api(request), **serializer.validated_data)
        return Response(CourseSerializer(course).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CourseInputSerializer, responses=CourseSerializer)
    def update(self, request, *args, **kwargs):
        course = self.get_object()
        serializer = CourseInputSerializer(course, data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        course = services.course_update(course=course, by=staff_api(request), **serializer.validated_data)
        return Response(CourseSerializer(course).data)

    @extend_schema(request=None, responses=REMOVAL_RESPONSES)
    def destroy(self, request, *args, **kwargs):
        """Staff: delete a course nobody used; a course learners have history in is archived instead."""
        return removal_response(services.course_remove(course=self.get_object(), by=staff_api(request)))
