"""The API's OpenAPI conventions: every error an operation can answer, with its codes, and response bodies exactly
as the serializers write them.

- `ERROR_CODES` is the one list of error codes, each with its meaning (docs/api.md prints the same list; a test
  keeps the two equal). A code is added here before a service raises it.
- A view documents the refusals of its own rules with `errors(...)` in its `@extend_schema(responses=...)`:
  `errors(404, conflict=["lesson_locked", "no_hearts"], unprocessable=["idempotency_key_reused"])`. Each becomes a
  response whose body is the `Error` component (config/exceptions.py's `{"detail", "code"}`) with `code` narrowed
  to an enum of exactly those codes. A 400 is field errors (`FieldErrors`, `{"field": ["message", ...]}`) or a
  body that is not JSON (`parse_error`).
- `AutoSchema` adds what every operation shares: 401 (`authentication_failed` for an invalid token everywhere, and
  `not_authenticated` where signing in is required), 403 `permission_denied` for writes (a role's refusal, or a
  cookie session's missing CSRF token), 404 `not_found` for a path id or a page past the end, 400/413/415 for a
  request body, 400 for a list's filters, 429 `throttled`. It marks operations open to anonymous callers (security
  `{}`), lists every field of a response body as required (serializers write them all), and gives a blank-or-URL
  field `anyOf` (with `oneOf`, "" matches both branches for a validator that checks no formats, and is refused).
"""

from __future__ import annotations

from dataclasses import dataclass
from http import HTTPStatus
from types import SimpleNamespace
from typing import Any

from django.contrib.auth.models import AnonymousUser
from drf_spectacular import openapi
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.plumbing import get_doc
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.authentication import SessionAuthentication

ERROR_CODES: dict[str, str] = {
    # The framework's refusals (config/exceptions.py).
    "parse_error": "The body is not valid JSON (or is nested too deeply).",
    "not_authenticated": "No credentials: send an X-Session-Token header or the session cookie.",
    "authentication_failed": "The X-Session-Token names no live session (unknown, expired or signed out).",
    "permission_denied": "The caller's role may not do this, or a cookie session sent no valid CSRF token.",
    "not_found": "No such object, or not one the caller may see; also a page past the last.",
    "method_not_allowed": "The path does not take this HTTP method.",
    "not_acceptable": "No response format matches the Accept header.",
    "request_too_large": "The body is larger than DATA_UPLOAD_MAX_MEMORY_SIZE.",
    "unsupported_media_type": "The body's Content-Type is not one the operation reads (send application/json).",
    "throttled": "Too many requests; `wait` says in how many seconds to retry.",
    "server_error": "A fault on the server (never expected; reported to the operators).",
    # accounts
    "reauthentication_required": "Confirm the password (or sign in with the provider again) first.",
    # Lesson sessions (gamification.services, gamification.idempotency)
    "not_enrolled": "Enroll in the lesson's course before starting its lessons.",
    "course_unavailable": "The course is unpublished or archived: history stays readable, no new sessions.",
    "lesson_unavailable": "The lesson was archived: history stays readable, no new sessions.",
    "lesson_locked": "A prerequisite of the lesson is not completed yet.",
    "no_hearts": "No hearts left to start a lesson; one comes back every HEART_REGEN_SECONDS.",
    "lesson_empty": "The lesson has no exercises yet.",
    "session_finished": "The session is over (completed, failed, or abandoned after being idle).",
    "exercise_already_answered": "The exercise was already answered correctly in this session.",
    "lesson_incomplete": "Some required exercise is not answered correctly yet.",
    "nothing_due": "Nothing to practise in the course now: no exercise due for review, or no mistake to redo.",
    "idempotency_key_reused": "The Idempotency-Key was used before with a different request.",
}

STATUS_KEYWORDS = {
    "bad_request": HTTPStatus.BAD_REQUEST,
    "unauthorized": HTTPStatus.UNAUTHORIZED,
    "forbidden": HTTPStatus.FORBIDDEN,
    "not_found": HTTPStatus.NOT_FOUND,
    "conflict": HTTPStatus.CONFLICT,
    "unprocessable": HTTPStatus.UNPROCESSABLE_ENTITY,
}

# The codes of a status given without codes (`errors(404)`). A 400 given so is field errors or parse_error.
DEFAULT_CODES: dict[int, tuple[str, ...]] = {
    HTTPStatus.BAD_REQUEST: ("parse_error",),
    HTTPStatus.UNAUTHORIZED: ("not_authenticated", "authentication_failed"),
    HTTPStatus.FORBIDDEN: ("permission_denied",),
    HTTPStatus.NOT_FOUND: ("not_found",),
    HTTPStatus.REQUEST_ENTITY_TOO_LARGE: ("request_too_large",),
    HTTPStatus.UNSUPPORTED_MEDIA_TYPE: ("unsupported_media_type",),
    HTTPStatus.TOO_MANY_REQUESTS: ("throttled",),
}

# What any operation that reads a body may answer.
BODY_ERRORS = (HTTPStatus.BAD_REQUEST, HTTPStatus.REQUEST_ENTITY_TOO_LARGE, HTTPStatus.UNSUPPORTED_MEDIA_TYPE)

DESCRIPTIONS = {
    HTTPStatus.BAD_REQUEST: "Bad input: field errors ({field: [messages]}; non_field_errors for the whole body), "
    "or a body that is not JSON (parse_error).",
    HTTPStatus.UNAUTHORIZED: "Not signed in, or the session token is invalid or expired.",
    HTTPStatus.FORBIDDEN: "The caller's role may not do this (or a cookie session's CSRF token is missing).",
    HTTPStatus.NOT_FOUND: "No such object, or not one the caller may see.",
    HTTPStatus.CONFLICT: "The request clashes with the current state; `code` says how.",
    HTTPStatus.REQUEST_ENTITY_TOO_LARGE: "The body is too large.",
    HTTPStatus.UNSUPPORTED_MEDIA_TYPE: "The body's Content-Type is not JSON.",
    HTTPStatus.UNPROCESSABLE_ENTITY: "The request cannot be processed as sent; `code` says why.",
    HTTPStatus.TOO_MANY_REQUESTS: "Rate limited; retry after `wait` seconds.",
}


class ErrorSerializer(serializers.Serializer):
    """Every refusal: a message for people and a stable code for programs (each response narrows `code` to the
    codes it may carry)."""

    detail = serializers.CharField(help_text="What went wrong, for people.")
    code = serializers.CharField(help_text="What went wrong, for programs: stable, one of the codes listed.")


class ThrottledErrorSerializer(ErrorSerializer):
    wait = serializers.IntegerField(help_text="Seconds until a retry may succeed.")


class FieldErrorsSerializer(serializers.Serializer):
    """Bad input: each field's messages (`non_field_errors` for the whole body); a nested object or a list's
    items have their own field errors, keyed by name or position."""


class FieldErrorsExtension(OpenApiSerializerExtension):
    target_class = FieldErrorsSerializer

    def map_serializer(self, auto_schema, direction):
        itself = {"$ref": "#/components/schemas/FieldErrors"}
        return {
            "type": "object",
            "description": "Bad input: each field's messages (non_field_errors for the whole body); a nested object "
            "or a list's items have their own field errors, keyed by name or position.",
            "additionalProperties": {
                "oneOf": [{"type": "array", "items": {"oneOf": [{"type": "string"}, itself]}}, itself]
            },
        }


@dataclass(frozen=True)
class ErrorResponse:
    """A documented error response: its status and the codes its body may carry (plus other body shapes)."""

    status: int
    codes: tuple[str, ...]
    field_errors: bool = False
    others: tuple[type[serializers.Serializer], ...] = ()


def _error_response(status: int, value: Any = None) -> ErrorResponse:
    status = int(status)
    items = list(value) if isinstance(value, list | tuple) else [] if value is None else [value]
    codes = tuple(item for item in items if isinstance(item, str))
    others = tuple(item for item in items if not isinstance(item, str))
    field_errors = status == HTTPStatus.BAD_REQUEST and not codes
    if not codes and not others:
        codes = DEFAULT_CODES.get(status, ())
        if not codes:
            raise ValueError(f"Name the codes of a {status} response.")
    elif status == HTTPStatus.BAD_REQUEST and "parse_error" not in codes:
        codes = ("parse_error", *codes)
    unknown = [code for code in codes if code not in ERROR_CODES]
    if unknown:
        raise ValueError(f"Unknown error codes {unknown}: add them to config.openapi.ERROR_CODES.")
    return ErrorResponse(status=status, codes=codes, field_errors=field_errors, others=others)


def errors(*statuses: int, **by_status: list[str | type[serializers.Serializer]]) -> dict[int, ErrorResponse]:
    """The error responses of an operation's own rules, for `@extend_schema(responses={200: ..., **errors(...)})`.

    A status given alone carries its usual codes (404 `not_found`; 400 field errors or `parse_error`); a keyword
    (`conflict=`, `unprocessable=`, `not_found=`, ...) names the codes, and may add a serializer of another body
    shape for that status (the body is then one of them).
    """
    responses = {int(status): _error_response(status) for status in statuses}
    for keyword, value in by_status.items():
        status = STATUS_KEYWORDS[keyword]
        responses[int(status)] = _error_response(status, value)
    return responses


def _anonymous_may(view, method: str) -> bool:
    """Whether an anonymous caller passes the view's permissions for `method` (a public operation)."""
    request = SimpleNamespace(user=AnonymousUser(), method=method, auth=None)
    try:
        return all(permission.has_permission(request, view) for permission in view.get_permissions())
    except Exception:  # a permission that needs more of the request than this is not a public one
        return False


class AutoSchema(openapi.AutoSchema):
    def _is_public(self) -> bool:
        return _anonymous_may(self.view, self.method)

    def get_auth(self):
        auths = super().get_auth()
        if self._is_public() and {} not in auths:
            auths.append({})
        return auths

    def _default_errors(self) -> dict[int, ErrorResponse]:
        view, defaults = self.view, {}
        authenticators = view.get_authenticators()
        if authenticators:
            codes = ("authentication_failed",) if self._is_public() else DEFAULT_CODES[HTTPStatus.UNAUTHORIZED]
            defaults[HTTPStatus.UNAUTHORIZED] = _error_response(HTTPStatus.UNAUTHORIZED, list(codes))
        unsafe = self.method not in ("GET", "HEAD", "OPTIONS")
        if unsafe and any(isinstance(a, SessionAuthentication) for a in authenticators):
            defaults[HTTPStatus.FORBIDDEN] = _error_response(HTTPStatus.FORBIDDEN)
        if "{" in self.path or (self._is_list_view() and self._get_paginator() is not None):
            defaults[HTTPStatus.NOT_FOUND] = _error_response(HTTPStatus.NOT_FOUND)
        if unsafe and self.method != "DELETE" and self.get_request_serializer() is not None:
            for status in BODY_ERRORS:
                defaults[status] = _error_response(status)
        if self._is_list_view() and getattr(view, "filterset_class", None) is not None:
            defaults[HTTPStatus.BAD_REQUEST] = _error_response(HTTPStatus.BAD_REQUEST)  # a filter value refused
        if view.get_throttles():
            defaults[HTTPStatus.TOO_MANY_REQUESTS] = _error_response(HTTPStatus.TOO_MANY_REQUESTS)
        return defaults

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for status, error in self._default_errors().items():
            if str(status) not in responses:
                responses[str(status)] = self._get_response_for_code(error, str(status), direction=direction)
        return dict(sorted(responses.items()))

    def _get_response_for_code(self, serializer, status_code, media_types=None, direction="response"):
        if not isinstance(serializer, ErrorResponse):
            return super()._get_response_for_code(serializer, status_code, media_types, direction)
        return super()._get_response_for_code(
            OpenApiResponse(response=self._error_schema(serializer), description=self._error_description(serializer)),
            status_code,
            media_types,
            direction,
        )

    def _error_schema(self, error: ErrorResponse) -> dict[str, Any]:
        base = ThrottledErrorSerializer if error.status == HTTPStatus.TOO_MANY_REQUESTS else ErrorSerializer
        narrowed = {
            "allOf": [
                self.resolve_serializer(base, "response").ref,
                {"type": "object", "properties": {"code": {"type": "string", "enum": list(error.codes)}}},
            ]
        }
        shapes = [narrowed, *(self.resolve_serializer(other, "response").ref for other in error.others)]
        if error.field_errors:
            shapes.insert(0, self.resolve_serializer(FieldErrorsSerializer, "response").ref)
        return shapes[0] if len(shapes) == 1 else {"oneOf": shapes}

    def _error_description(self, error: ErrorResponse) -> str:
        lines = [f"- `{code}`: {ERROR_CODES[code]}" for code in error.codes]
        lines += [f"- {other.__name__.removesuffix('Serializer')}: {get_doc(other)}" for other in error.others]
        return f"{DESCRIPTIONS.get(error.status, HTTPStatus(error.status).phrase)}\n\n" + "\n".join(lines)

    def _map_basic_serializer(self, serializer, direction):
        schema = super()._map_basic_serializer(serializer, direction)
        if direction == "response" and schema.get("properties"):
            # A serializer writes every one of its fields, so a response holds them all.
            schema["required"] = sorted(schema["properties"])
        return schema

    def _insert_field_validators(self, field, schema):
        super()._insert_field_validators(field, schema)
        blank = {"type": "string", "maxLength": 0}
        if schema.get("oneOf", [None])[-1] == blank:
            # A format-constrained field that may be blank (a URL or ""): "" is both a string of at most 500 and
            # one of length 0 as far as a validator without format checks knows, which oneOf refuses.
            schema["anyOf"] = schema.pop("oneOf")
