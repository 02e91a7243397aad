from rest_framework.routers import SimpleRouter

from courses.api.views import CourseViewSet, LanguageViewSet

router = SimpleRouter()
router.register("languages", LanguageViewSet, basename="language")
router.register("courses", CourseViewSet, basename="course")

urlpatterns = router.urls
