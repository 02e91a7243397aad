"""The learner's own account: `me/` and `me/export/`."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import services
from accounts.api.serializers import ProfileSerializer, ReauthenticationRequiredSerializer
from accounts.export import export_serializer
from accounts.reauthentication import reauthentication_required, recently_authenticated
from config.openapi import errors


class MeView(APIView):
    serializer_class = ProfileSerializer

    def get(self, request):
        return Response(ProfileSerializer(request.user).data)

    @extend_schema(request=ProfileSerializer, responses=ProfileSerializer)
    def patch(self, request):
        serializer = ProfileSerializer(request.user, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        user = services.user_profile_update(user=request.user, data=serializer.validated_data, request=request)
        return Response(ProfileSerializer(user).data)

    @extend_schema(
        request=None,
        responses={
            204: None,
            **errors(unauthorized=["not_authenticated", "authentication_failed", ReauthenticationRequiredSerializer]),
        },
    )
    def delete(self, request):
        """Delete the account and its personal data. Needs a recent re-authentication: without one, 401
        reauthentication_required, whose data.flows says how (allauth's headless shape)."""
        if not recently_authenticated(request):
            refusal = reauthentication_required(request, action="delete your account")
            return Response(
                ReauthenticationRequiredSerializer(refusal).data,
                status=status.HTTP_401_UNAUTHORIZED,
                headers={"WWW-Authenticate": "X-Session-Token"},
            )
        services.user_delete(user=request.user, request=request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeExportView(APIView):
    @extend_schema(responses={200: export_serializer()})
    def get(self, request):
        """Everything held about the learner, one section per kind of record, as a JSON download."""
        data = services.user_export(user=request.user, request=request)
        response = Response(export_serializer()(data).data)
        response["Content-Disposition"] = 'attachment; filename="lingo-export.json"'
        return response
