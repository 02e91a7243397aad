from django.urls import path

from audit.api import views

urlpatterns = [
    path("me/activity/", views.MeActivityView.as_view(), name="me-activity"),
]
