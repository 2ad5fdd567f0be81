"""The dashboard's session: a signed cookie saying who signed in to which workspace.

The cookie holds, per workspace, the user's id and a stamp of their password
hash, signed with itsdangerous (HMAC-SHA1 over the payload and a timestamp)
under the secret from `EMBUDO_SECRET_KEY` or, when unset, one stored in the
database. Nothing in it is secret, only unforgeable; it is HttpOnly (no script
reads it), SameSite=Lax (no other site's form posts it) and Secure when the
page came over https. A password change voids it, since the stamp no longer
matches; it expires after `MAX_AGE`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer

from embudo.store.users import User

COOKIE = "embudo_session"
MAX_AGE = 14 * 24 * 3600
SALT = "embudo.web.session"
SECRET_NAME = "web_session"
"""The name of the stored secret used when `EMBUDO_SECRET_KEY` is not set."""

Signed = dict[str, tuple[int, str]]
"""Workspace name → (user id, password stamp)."""


@dataclass(slots=True)
class SessionKeys:
    """The cookie's signer, built on first use: the stored secret needs a migrated database."""

    secret: Callable[[], str]
    _serializer: URLSafeTimedSerializer | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def serializer(self) -> URLSafeTimedSerializer:
        with self._lock:
            if self._serializer is None:
                self._serializer = URLSafeTimedSerializer(self.secret(), salt=SALT)
            return self._serializer


def read(keys: SessionKeys, request: Request) -> Signed:
    """Who signed in where, from the request's cookie; empty when missing, forged or expired."""
    text = request.cookies.get(COOKIE)
    if not text:
        return {}
    try:
        loaded = keys.serializer().loads(text, max_age=MAX_AGE)
    except BadSignature:
        return {}
    return _signed(loaded)


def _signed(loaded: Any) -> Signed:
    if not isinstance(loaded, dict):
        return {}
    return {
        str(name): (int(entry[0]), str(entry[1]))
        for name, entry in loaded.items()
        if isinstance(entry, list) and len(entry) == 2 and isinstance(entry[0], int)
    }


def sign_in(keys: SessionKeys, request: Request, response: Response, user: User) -> None:
    """Add `user` for their workspace to the request's session, on `response`."""
    signed = {**read(keys, request), user.workspace: (user.id, user.stamp)}
    value = keys.serializer().dumps({name: list(entry) for name, entry in signed.items()})
    response.set_cookie(
        COOKIE,
        value,
        max_age=MAX_AGE,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )


def sign_out(request: Request, response: Response) -> None:
    """End the session in every workspace."""
    response.delete_cookie(
        COOKIE, httponly=True, samesite="lax", secure=request.url.scheme == "https"
    )
