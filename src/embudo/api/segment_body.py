"""Reading a Segment HTTP Tracking API request body: size limits, gzip, JSON.

Segment's limits: 32 KB per message, 500 KB per batch request, measured on the
JSON itself, so a gzip body is measured after inflating (inflating stops one
byte past the limit: a small bomb cannot fill memory). Clients send
`Content-Encoding: gzip` (segment-analytics-python with `gzip=True`) and
analytics.js sends `Content-Type: text/plain` to spare the browser a CORS
preflight, so the body is read as JSON whatever its declared type.
"""

from __future__ import annotations

import json
import zlib
from typing import Any

from fastapi import Request

from embudo.api.problems import ProblemError
from embudo.domain.messages import MAX_MESSAGE_BYTES, holds_unstorable

MAX_BATCH_BYTES = 500 * 1024
UNSTORABLE = (
    "the body holds a NUL character (U+0000) or an unpaired surrogate (\\uD800-\\uDFFF), "
    "which cannot be stored: remove it"
)


async def segment_document(request: Request, limit: int) -> dict[str, Any]:
    """The request's JSON object, refused (413, 400, 415) when too large or unreadable."""
    raw = await request.body()
    encoding = request.headers.get("content-encoding", "identity").strip().lower()
    if encoding not in ("gzip", "identity"):
        raise ProblemError(
            415, "body.encoding", f"Content-Encoding {encoding!r}: send gzip or none"
        )
    text = _inflated(raw, limit) if encoding == "gzip" else raw
    if len(text) > limit:
        raise ProblemError(413, "body.too_large", f"the body is over the {limit} byte limit")
    return _object(text)


def _inflated(raw: bytes, limit: int) -> bytes:
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        text = inflater.decompress(raw, limit + 1)
    except zlib.error as error:
        raise ProblemError(400, "body.malformed", f"the gzip body is corrupt: {error}") from error
    if len(text) <= limit and not inflater.eof:
        raise ProblemError(400, "body.malformed", "the gzip body is truncated")
    return text


def _object(text: bytes) -> dict[str, Any]:
    try:
        document = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ProblemError(400, "body.malformed", f"the body is not valid JSON: {error}") from error
    if not isinstance(document, dict):
        raise ProblemError(400, "body.malformed", "the body must be a JSON object")
    if holds_unstorable(document):
        raise ProblemError(400, "body.malformed", UNSTORABLE)
    return document


async def one_message(request: Request) -> dict[str, Any]:
    """The body of `/v1/track` and the other single-message endpoints."""
    return await segment_document(request, MAX_MESSAGE_BYTES)


async def batch_request(request: Request) -> dict[str, Any]:
    """The body of `/v1/batch`."""
    return await segment_document(request, MAX_BATCH_BYTES)
