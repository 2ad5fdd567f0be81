"""Segment write keys: an API key sent as the HTTP basic-auth user name, or as `writeKey`.

Segment's clients put the key in `Authorization: Basic base64(key:)`; some
(and hand-written calls) put it in the body as `writeKey`. Either is accepted.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from sqlalchemy import Engine

from embudo.api.dependencies import unauthorized
from embudo.api.problems import ProblemError
from embudo.domain.access import Permission, allows
from embudo.store.api_keys import ApiKey, find_key
from embudo.store.session import for_reading

SCHEME = 'Basic realm="embudo"'


def presented_key(authorization: str | None, body: dict[str, Any]) -> str | None:
    """The write key of a request: the basic-auth user, else the body's `writeKey`."""
    scheme, _, value = (authorization or "").partition(" ")
    if scheme.lower() == "basic" and value:
        try:
            user = base64.b64decode(value.strip(), validate=True).decode().partition(":")[0]
        except (binascii.Error, UnicodeDecodeError):
            user = ""
        if user:
            return user
    written = body.get("writeKey")
    return written if isinstance(written, str) and written else None


def intake_key(engine: Engine, authorization: str | None, body: dict[str, Any]) -> ApiKey:
    """The live key allowed to send events, or a 401 / 403 problem."""
    secret = presented_key(authorization, body)
    if secret is None:
        raise unauthorized("send the write key as the basic-auth user name", SCHEME)
    with for_reading(engine).connect() as conn:
        key = find_key(conn, secret)
    if key is None:
        raise unauthorized("the write key is unknown or revoked", SCHEME)
    if not allows(key.role, Permission.INGEST):
        raise ProblemError(403, "auth.forbidden", f"a {key.role} key cannot send events")
    return key
