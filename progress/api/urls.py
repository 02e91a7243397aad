from rest_framework.routers import SimpleRouter

from progress.api.views import EnrollmentViewSet

router = SimpleRouter()
router.register("enrollments", EnrollmentViewSet, basename="enrollment")

urlpatterns = router.urls
