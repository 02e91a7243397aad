"""Catalog permissions: reading the catalog needs no account; writing it needs staff holding the model permission."""

from rest_framework.permissions import SAFE_METHODS, DjangoModelPermissions


class PublicReadStaffWrite(DjangoModelPermissions):
    """Anyone reads (the catalog is public, under the anonymous rate limit); staff with the model's add, change or
    delete permission write."""

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return True
        user = request.user
        return bool(user and user.is_authenticated and user.is_staff and super().has_permission(request, view))


class SignedInReadStaffWrite(PublicReadStaffWrite):
    """A signed-in user reads (a lesson's play payload is for learners); staff with the model permission write."""

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return bool(request.user and request.user.is_authenticated)
        return super().has_permission(request, view)
