"""Catalog endpoints: `languages/`, `courses/` and the course tree `courses/{id}/`."""

from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from courses import selectors, services
from courses.api.permissions import ReadOrStaffModelPermissions
from courses.api.serializers import CourseInputSerializer, CourseSerializer, CourseTreeSerializer, LanguageSerializer
from courses.models import Course, Language

MAX_ID = 2**63 - 1


def object_id(value: str) -> int:
    """A URL id as an int; ids no column can hold are simply not found (never a database error)."""
    number = int(value)
    if number > MAX_ID:
        raise NotFound("Not found.")
    return number


class CatalogViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Read for every signed-in user; create and change for staff with the model permissions."""

    permission_classes = [ReadOrStaffModelPermissions]
    lookup_value_regex = r"\d+"


class LanguageViewSet(CatalogViewSet):
    serializer_class = LanguageSerializer
    queryset = Language.objects.all()

    def get_queryset(self):
        include_inactive = self.action != "list" or self.request.user.is_staff
        return selectors.language_list(include_inactive=include_inactive)

    def perform_create(self, serializer):
        serializer.instance = services.language_create(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.language_update(
            language=serializer.instance, actor=self.request.user, **serializer.validated_data
        )


class CourseFilter(filters.FilterSet):
    from_language = filters.CharFilter(field_name="from_language__code", lookup_expr="iexact")
    to_language = filters.CharFilter(field_name="to_language__code", lookup_expr="iexact")

    class Meta:
        model = Course
        fields = ["from_language", "to_language"]


class CourseViewSet(CatalogViewSet):
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

    @extend_schema(responses=CourseTreeSerializer)
    def retrieve(self, request, *args, **kwargs):
        course_id = object_id(kwargs["pk"])
        try:
            tree = selectors.content_cached(
                "course-tree",
                course_id,
                build=lambda: CourseTreeSerializer(selectors.course_tree(course_id=course_id)).data,
            )
        except Course.DoesNotExist:
            raise NotFound("No such course.") from None
        if not tree["is_published"] and not selectors.user_sees_unpublished(request.user):
            raise NotFound("No such course.")
        return Response(selectors.tree_with_statuses(tree=tree, user=request.user))

    @extend_schema(request=CourseInputSerializer, responses={201: CourseSerializer})
    def create(self, request, *args, **kwargs):
        serializer = CourseInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        course = services.course_create(actor=request.user, **serializer.validated_data)
        return Response(CourseSerializer(course).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CourseInputSerializer, responses=CourseSerializer)
    def update(self, request, *args, **kwargs):
        course = self.get_object()
        serializer = CourseInputSerializer(course, data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        course = services.course_update(course=course, actor=request.user, **serializer.validated_data)
        return Response(CourseSerializer(course).data)
