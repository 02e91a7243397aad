"""One place where errors become HTTP answers (DESIGN.md: 400/404/409, never a 500).

- Domain errors raised by services, in DRF views: `exception_handler`.
- Errors Django answers itself (no such URL, a body over DATA_UPLOAD_MAX_MEMORY_SIZE, an unhandled exception):
  the handler400/404/500 views, JSON under the API prefixes (/api/, /_allauth/), Django's pages elsewhere.
- A JSON body nested too deeply for Python's json module: `JSONNestingMiddleware`.
"""

from http import HTTPStatus

from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import JsonResponse
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

API_PREFIXES = ("/api/", "/_allauth/")


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


def _error(detail: str, code: str, status_code: int) -> JsonResponse:
    return JsonResponse({"detail": detail, "code": code}, status=status_code)


def _is_api(request) -> bool:
    return request.path.startswith(API_PREFIXES)


def bad_request(request, exception, template_name=defaults.ERROR_400_TEMPLATE_NAME):
    if not _is_api(request):
        return defaults.bad_request(request, exception, template_name)
    if isinstance(exception, RequestDataTooBig):
        return _error("The request body is too large.", "request_too_large", HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
    return _error("Bad request.", "bad_request", HTTPStatus.BAD_REQUEST)


def page_not_found(request, exception, template_name=defaults.ERROR_404_TEMPLATE_NAME):
    if not _is_api(request):
        return defaults.page_not_found(request, exception, template_name)
    return _error("Not found.", "not_found", HTTPStatus.NOT_FOUND)


def server_error(request, template_name=defaults.ERROR_500_TEMPLATE_NAME):
    if not _is_api(request):
        return defaults.server_error(request, template_name)
    return _error("Server error.", "server_error", HTTPStatus.INTERNAL_SERVER_ERROR)


def _raised_in_json_module(exception: BaseException) -> bool:
    frame = exception.__traceback__
    while frame is not None and frame.tb_next is not None:
        frame = frame.tb_next
    return frame is not None and frame.tb_frame.f_globals.get("__name__", "").split(".")[0] == "json"


class JSONNestingMiddleware:
    """A JSON body nested deeper than Python's recursion limit is a malformed request, not a server error.

    Python's json module raises RecursionError on it (DRF's JSONParser and allauth's headless views both parse
    bodies with it), which would be a 500. Only a RecursionError raised inside the json module is answered 400,
    so a recursion bug anywhere else still surfaces as one.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, RecursionError) and _raised_in_json_module(exception):
            return _error("JSON parse error - nested too deeply.", "parse_error", HTTPStatus.BAD_REQUEST)
        return None
