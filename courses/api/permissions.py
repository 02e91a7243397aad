"""Catalog permissions: any signed-in user reads; staff holding the model permission write."""

from rest_framework.permissions import SAFE_METHODS, DjangoModelPermissions


class ReadOrStaffModelPermissions(DjangoModelPermissions):
    def has_permission(self, request, view) -> bool:
        user = request.user
        if not user or not user.is_authenticated:
            return False
        if request.method in SAFE_METHODS:
            return True
        return user.is_staff and super().has_permission(request, view)
