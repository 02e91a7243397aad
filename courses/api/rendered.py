"""Catalog responses kept as rendered bytes under the content revision, sent with HTTP validators.

The course tree and a lesson's play payload are the same for every learner, so each is serialized and rendered
once per content revision (courses.selectors.content_cached) and kept as the response body itself, with an ETag
(a digest of those bytes) and whether learners may see it. A request then costs the content revision read and a
cache read: no serializer, no renderer. A client sending the current ETag as `If-None-Match` gets `304` before
any body is touched.

`Cache-Control: no-cache` lets a client (or, for the public tree, a shared cache) keep the body but makes it ask
again before every use, so a content write is seen on the very next request, as the content cache guarantees;
a max-age would trade that for one round trip, and the 304 already makes that round trip cheap.

The cache kinds are named `*-rendered`: a value of another shape under an older kind's key (a process of the
previous release during a deploy) is never read as one of these.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import orjson
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.http import parse_etags, quote_etag
from drf_orjson_renderer.renderers import ORJSONRenderer
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework.response import Response

# Public content any cache may keep; content for one signed-in user (a lesson) or for staff (a draft) only theirs.
CACHE_CONTROL_PUBLIC = "public, no-cache"
CACHE_CONTROL_PRIVATE = "private, no-cache"


@dataclass(frozen=True)
class RenderedContent:
    """A cached catalog response: the JSON body as the API renders it, its ETag, and whether learners see it."""

    body: bytes
    etag: str
    visible: bool


def content_render(data, *, visible: bool) -> RenderedContent:
    """Render serializer output once with the API's own JSON renderer (same bytes as a DRF response)."""
    body = ORJSONRenderer().render(data)
    return RenderedContent(body=body, etag=quote_etag(hashlib.sha256(body).hexdigest()[:32]), visible=visible)


def etag_matches(etag: str, if_none_match: str | None) -> bool:
    """If-None-Match's weak comparison (RFC 9110): any listed tag, or *, names this representation."""
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    return etag.removeprefix("W/") in {tag.removeprefix("W/") for tag in parse_etags(if_none_match)}


def content_response(request, content: RenderedContent, *, cache_control: str):
    """304 when the client holds this body (If-None-Match), else the cached bytes; both carry the validators.

    The browsable API (a browser asking for HTML) gets the body decoded again and rendered as a page.
    """
    headers = {"ETag": content.etag, "Cache-Control": cache_control}
    if etag_matches(content.etag, request.headers.get("If-None-Match")):
        return HttpResponseNotModified(headers=headers)
    if request.accepted_renderer.format != "json":
        return Response(orjson.loads(content.body), headers=headers)
    return HttpResponse(content.body, content_type="application/json", headers=headers)


def validator_parameters(thing: str) -> list[OpenApiParameter]:
    """The OpenAPI description of If-None-Match and of the ETag and Cache-Control a cached response carries."""
    return [
        OpenApiParameter(
            "If-None-Match",
            str,
            OpenApiParameter.HEADER,
            description=f"The ETag of {thing} the client holds: 304 without a body while it is current.",
        ),
        OpenApiParameter(
            "ETag",
            str,
            OpenApiParameter.HEADER,
            response=[200, 304],
            description=f"The version of {thing}: send it back as If-None-Match.",
        ),
        OpenApiParameter(
            "Cache-Control",
            str,
            OpenApiParameter.HEADER,
            response=[200, 304],
            description="no-cache: a client may keep the body but must revalidate it (If-None-Match) before each "
            "use, so a content change is seen on the next request.",
        ),
    ]


def not_modified(thing: str) -> OpenApiResponse:
    return OpenApiResponse(description=f"Not modified: {thing} the client holds (If-None-Match) is current.")
