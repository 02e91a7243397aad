from django.urls import path
from rest_framework.routers import SimpleRouter

from progress.api.views import EnrollmentViewSet, MePracticeView

router = SimpleRouter()
router.register("enrollments", EnrollmentViewSet, basename="enrollment")

urlpatterns = [*router.urls, path("me/practice/", MePracticeView.as_view(), name="me-practice")]
