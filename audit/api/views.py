"""`me/activity/`: the learner's own activity log."""

import django_filters
from rest_framework.generics import ListAPIView

from audit.api.serializers import ActivitySerializer
from audit.models import UserActivityLog
from audit.selectors import user_activity_list


class ActivityFilter(django_filters.FilterSet):
    action = django_filters.MultipleChoiceFilter(choices=UserActivityLog.Action.choices)

    class Meta:
        model = UserActivityLog
        fields = ["action"]


class MeActivityView(ListAPIView):
    serializer_class = ActivitySerializer
    filterset_class = ActivityFilter

    def get(self, request, *args, **kwargs):
        """The learner's own activity log, newest first; `action` filters by one or more actions."""
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no learner
            return UserActivityLog.objects.none()
        return user_activity_list(user=self.request.user)
