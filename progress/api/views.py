"""Enrollments (`enrollments/`, `enrollments/{id}/`) and the practice overview (`me/practice/`): the learner's own
only."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from progress import selectors, services
from progress.api.serializers import (
    EnrollmentCreateSerializer,
    EnrollmentDetailSerializer,
    EnrollmentSerializer,
    PracticeOverviewSerializer,
)
from progress.models import UserCourse


def _with_progress(user, enrollment: UserCourse) -> UserCourse:
    """The detail's learner side: lesson statuses, current lesson, unit strengths (constant queries)."""
    selectors.enrollments_progress(user=user, enrollments=[enrollment], include_archived=True)
    now = timezone.now()
    enrollment.unit_strength = selectors.unit_strengths(user=user, course_ids=[enrollment.course_id], now=now)[
        enrollment.course_id
    ]
    return enrollment


class EnrollmentViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    serializer_class = EnrollmentSerializer
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation, no learner
            return UserCourse.objects.none()
        return selectors.enrollment_list(user=self.request.user)

    def list(self, request, *args, **kwargs):
        """The learner's courses, each with XP, completion and the current lesson (the next to play)."""
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        selectors.enrollments_progress(user=request.user, enrollments=page)
        return self.get_paginated_response(EnrollmentSerializer(page, many=True).data)

    @extend_schema(responses=EnrollmentDetailSerializer)
    def retrieve(self, request, *args, **kwargs):
        """The enrollment with each lesson's status (locked, available, completed, archived), the current lesson,
        completion, XP and each unit's strength (mean predicted recall now): the learner's side of the public course
        tree."""
        enrollment = self.get_object()
        _with_progress(request.user, enrollment)
        return Response(EnrollmentDetailSerializer(enrollment).data)

    @extend_schema(
        request=EnrollmentCreateSerializer,
        responses={200: EnrollmentDetailSerializer, 201: EnrollmentDetailSerializer},
    )
    def create(self, request, *args, **kwargs):
        """Enroll in a published course: 201, or 200 with the enrollment that already exists."""
        serializer = EnrollmentCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        enrollment, created = services.user_course_enroll(
            user=request.user, course=serializer.validated_data["course"], request=request
        )
        enrollment = self.get_queryset().get(pk=enrollment.pk)
        _with_progress(request.user, enrollment)
        return Response(
            EnrollmentDetailSerializer(enrollment).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    def destroy(self, request, *args, **kwargs):
        """Leave the course: its active sessions are abandoned; the history stays for a later return."""
        return super().destroy(request, *args, **kwargs)

    def perform_destroy(self, instance):
        services.user_course_unenroll(enrollment=instance, request=self.request)


class MePracticeView(APIView):
    @extend_schema(responses={200: PracticeOverviewSerializer})
    def get(self, request):
        """What to practise: exercises due now and within 24 hours, when the next comes due, each enrolled course's
        units with their strength (mean predicted recall now, 0 to 1), and the weakest items."""
        overview = selectors.practice_overview(user=request.user, now=timezone.now())
        return Response(PracticeOverviewSerializer(overview).data)
