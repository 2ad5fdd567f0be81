"""Secrets the app makes once per database, such as the key that signs session cookies.

Several uvicorn workers on one database must sign alike, so a secret is
stored, not kept in memory: the first worker to need it writes it, and one
that loses the race to write reads the winner's.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import Engine, insert, select
from sqlalchemy.exc import IntegrityError

from embudo.store.tables import site_secrets


def site_secret(engine: Engine, name: str, *, now: datetime) -> str:
    """The secret called `name`, made (64 random bytes, URL-safe) the first time it is asked."""
    found = _read(engine, name)
    if found is not None:
        return found
    try:
        with engine.begin() as conn:
            made = secrets.token_urlsafe(64)
            conn.execute(insert(site_secrets).values(name=name, value=made, created_at=now))
            return made
    except IntegrityError:
        written = _read(engine, name)
        assert written is not None, "a secret refused as a duplicate is there"
        return written


def _read(engine: Engine, name: str) -> str | None:
    with engine.connect() as conn:
        value = conn.scalar(select(site_secrets.c.value).where(site_secrets.c.name == name))
    return None if value is None else str(value)
