"""Enrollments: `enrollments/` and `enrollments/{id}/`, the learner's own only."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response

from progress import selectors, services
from progress.api.serializers import EnrollmentCreateSerializer, EnrollmentDetailSerializer, EnrollmentSerializer
from progress.models import UserCourse


class EnrollmentViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    serializer_class = EnrollmentSerializer
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation, no learner
            return UserCourse.objects.none()
        return selectors.enrollment_list(user=self.request.user)

    def retrieve(self, request, *args, **kwargs):
        enrollment = self.get_object()
        statuses = selectors.lesson_statuses(user=request.user, course=enrollment.course, include_archived=True)
        context = {
            "lesson_statuses": statuses,
            "next_lesson": None
            if selectors.course_unavailable_reason(enrollment.course)
            else selectors.next_lesson_id(statuses),
        }
        return Response(EnrollmentDetailSerializer(enrollment, context=context).data)

    @extend_schema(request=EnrollmentCreateSerializer, responses={200: EnrollmentSerializer, 201: EnrollmentSerializer})
    def create(self, request, *args, **kwargs):
        serializer = EnrollmentCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        enrollment, created = services.user_course_enroll(
            user=request.user, course=serializer.validated_data["course"], request=request
        )
        enrollment = self.get_queryset().get(pk=enrollment.pk)
        return Response(
            EnrollmentSerializer(enrollment).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )

    def perform_destroy(self, instance):
        services.user_course_unenroll(enrollment=instance, request=self.request)
