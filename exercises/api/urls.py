from rest_framework.routers import SimpleRouter

from exercises.api.views import ExerciseTypeViewSet, LessonViewSet

router = SimpleRouter()
router.register("exercise-types", ExerciseTypeViewSet, basename="exercise-type")
router.register("lessons", LessonViewSet, basename="lesson")

urlpatterns = router.urls
