"""One place where domain errors become HTTP answers (DESIGN.md: 400/404/409, never a 500)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class Conflict(exceptions.APIException):
    """A request that is valid but clashes with the current state (lesson locked, no hearts...)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the current state."
    default_code = "conflict"


class DomainError(Exception):
    """Raised by services for a rule the caller broke; `code` is machine-readable."""

    status_code = status.HTTP_409_CONFLICT

    def __init__(self, message: str, *, code: str = "conflict"):
        super().__init__(message)
        self.message = message
        self.code = code


class NotFound(DomainError):
    status_code = status.HTTP_404_NOT_FOUND

    def __init__(self, message: str = "Not found.", *, code: str = "not_found"):
        super().__init__(message, code=code)


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        return Response({"detail": exc.message, "code": exc.code}, status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            exc = exceptions.ValidationError(exc.message_dict)
        else:
            exc = exceptions.ValidationError({"non_field_errors": exc.messages})
    return drf_exception_handler(exc, context)
