"""One place where errors become HTTP answers, in one shape (docs/api.md, "Errors"; their schema: config/openapi.py).

Every refusal is `{"detail": "<message for people>", "code": "<stable machine code>"}` (a 429 adds `wait`, the
seconds until a retry may succeed); bad input is a 400 of field errors, `{"field": ["message", ...]}`, with
`non_field_errors` for errors of the whole body.

- In DRF views: `exception_handler` (domain errors raised by services, DRF's own refusals, Django's Http404,
  PermissionDenied and ValidationError). No message names an internal model.
- Errors Django answers itself (no such URL, a body over DATA_UPLOAD_MAX_MEMORY_SIZE, an unhandled exception):
  the handler400/404/500 views, JSON under the API prefixes (/api/, /_allauth/), Django's pages elsewhere;
  with DEBUG on, `DebugPagesMiddleware` gives the API prefixes the same JSON instead of Django's debug pages.
- A JSON body nested too deeply for Python's json module: `JSONNestingMiddleware`.
"""

import math
from http import HTTPStatus

from django.conf import settings
from django.core.exceptions import BadRequest, RequestDataTooBig
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.views import csrf, defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

API_PREFIXES = ("/api/", "/_allauth/")


class DomainError(Exception):
    """Raised by services for a rule the caller broke (409 unless a subclass says otherwise); `code` is
    machine-readable and listed, with its meaning, in config.openapi.ERROR_CODES."""

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
    if isinstance(exc, Http404):
        # Django's message names the model ("No LessonSession matches the given query.").
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            exc = exceptions.ValidationError(exc.message_dict)
        else:
            exc = exceptions.ValidationError({"non_field_errors": exc.messages})
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        if not isinstance(response.data, dict):  # raised with a message or a list, not per field
            response.data = {"non_field_errors": response.data}
        return response
    if isinstance(exc.detail, str):
        response.data = {"detail": str(exc.detail), "code": exc.detail.code or exc.default_code}
        if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
            response.data["wait"] = math.ceil(exc.wait)
    return response


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


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: a browser client without a valid CSRF token gets JSON under the API prefixes."""
    if not _is_api(request):
        return csrf.csrf_failure(request, reason)
    return _error(f"CSRF Failed: {reason}", "permission_denied", HTTPStatus.FORBIDDEN)


class DebugPagesMiddleware:
    """With DEBUG on, Django answers a missing URL, a bad request and an uncaught exception with its debug pages
    (HTML) before the handler views above get a say. Under the API prefixes clients get the production JSON
    instead; the traceback still goes to the log. The admin and other pages keep Django's debug pages."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not settings.DEBUG or not _is_api(request) or not _is_debug_page(response):
            return response
        if response.status_code == HTTPStatus.NOT_FOUND:
            return page_not_found(request, Http404())
        if response.status_code == HTTPStatus.BAD_REQUEST:
            too_big = int(request.META.get("CONTENT_LENGTH") or 0) > (settings.DATA_UPLOAD_MAX_MEMORY_SIZE or math.inf)
            return bad_request(request, RequestDataTooBig() if too_big else BadRequest())
        return server_error(request)


def _is_debug_page(response) -> bool:
    # Django's debug pages are plain HttpResponses; DRF's (browsable) answers and JSON answers stay as they are.
    return (
        response.status_code in (HTTPStatus.BAD_REQUEST, HTTPStatus.NOT_FOUND, HTTPStatus.INTERNAL_SERVER_ERROR)
        and not isinstance(response, Response | JsonResponse)
        and response.get("Content-Type", "").startswith(("text/html", "text/plain"))
    )


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
