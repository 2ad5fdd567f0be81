"""Signing in with the attempt limit: refuse before hashing when a subject failed too often."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection

from embudo.domain.errors import TooManyAttempts
from embudo.domain.sign_in_limit import WINDOW, Subject, blocked_until, minutes_until, subjects
from embudo.engine.users import authenticate
from embudo.store.sign_in_attempts import failures_since, forget, prune, record_failure
from embudo.store.users import User


def sign_in(
    conn: Connection,
    workspace_id: int,
    email: str,
    password: str,
    *,
    client: str | None,
    now: datetime,
) -> User | None:
    """The user these are the email and password of, or None (and one more failure counted).

    Raises `TooManyAttempts` — before any hashing, counting nothing — while
    the email or the client address is over its limit (`domain.sign_in_limit`).
    """
    counted = subjects(email, client)
    _refuse_when_over(conn, workspace_id, counted, now)
    user = authenticate(conn, workspace_id, email, password)
    if user is None:
        prune(conn, now - WINDOW)
        record_failure(conn, workspace_id, [subject.key for subject in counted], now)
        return None
    forget(conn, workspace_id, counted[0].key)
    return user


def _refuse_when_over(
    conn: Connection, workspace_id: int, counted: tuple[Subject, ...], now: datetime
) -> None:
    since = now - WINDOW
    free_at = [
        blocked_until(failures_since(conn, workspace_id, subject.key, since), subject.limit)
        for subject in counted
    ]
    latest = max((moment for moment in free_at if moment is not None), default=None)
    if latest is not None and latest > now:
        raise TooManyAttempts(minutes_until(latest, now))
