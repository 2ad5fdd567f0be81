"""Issuing and revoking API keys (Segment write keys are API keys with the `intake` role).

The secret is returned once, at creation; only its digest is stored, so a
lost key is revoked and replaced, never recovered.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, insert, select, update

from embudo.domain.access import Role
from embudo.domain.errors import InvalidInput, NotFound
from embudo.store.api_keys import digest
from embudo.store.tables import api_keys

KEY_PREFIX = "emb_"
MAX_NAME = 200


@dataclass(frozen=True, slots=True)
class IssuedKey:
    id: int
    name: str
    role: Role
    secret: str


def create_key(
    conn: Connection, workspace_id: int, name: str, role: Role, *, now: datetime
) -> IssuedKey:
    """A new key for the workspace; its secret is in the result and nowhere else."""
    name = name.strip()
    if not name or len(name) > MAX_NAME:
        raise InvalidInput(f"an API key needs a name of 1 to {MAX_NAME} characters")
    secret = KEY_PREFIX + secrets.token_urlsafe(32)
    key_id = conn.scalar(
        insert(api_keys)
        .values(
            workspace_id=workspace_id,
            name=name,
            key_hash=digest(secret),
            role=role.value,
            created_at=now,
        )
        .returning(api_keys.c.id)
    )
    assert key_id is not None
    return IssuedKey(key_id, name, role, secret)


def revoke_key(conn: Connection, workspace_id: int, key_id: int, *, now: datetime) -> bool:
    """Revoke a key of the workspace; False when it was already revoked."""
    found = conn.execute(
        select(api_keys.c.revoked_at).where(
            api_keys.c.workspace_id == workspace_id, api_keys.c.id == key_id
        )
    ).first()
    if found is None:
        raise NotFound(f"no API key {key_id} in this workspace — see: embudo apikey list")
    if found.revoked_at is not None:
        return False
    conn.execute(update(api_keys).where(api_keys.c.id == key_id).values(revoked_at=now))
    return True
