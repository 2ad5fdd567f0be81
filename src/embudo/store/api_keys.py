"""Reading API keys: the one a request presents, and a workspace's list.

Only a SHA-256 digest of each key is stored. A key is 32 random bytes, so an
unsalted fast hash is enough: there is no dictionary to try against it, and
the digest can be looked up directly (a salted, slow hash could not be).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select

from embudo.domain.access import Role
from embudo.store.tables import api_keys, workspaces


@dataclass(frozen=True, slots=True)
class ApiKey:
    """A live key: whose it is and what it may do."""

    id: int
    name: str
    role: Role
    workspace_id: int
    workspace: str


def digest(secret: str) -> str:
    """The stored form of a key."""
    return hashlib.sha256(secret.encode()).hexdigest()


def find_key(conn: Connection, secret: str) -> ApiKey | None:
    """The unrevoked key `secret` is, with its workspace; None for any other string."""
    row = conn.execute(
        select(api_keys.c.id, api_keys.c.name, api_keys.c.role, api_keys.c.workspace_id)
        .add_columns(workspaces.c.name.label("workspace"))
        .join(workspaces, workspaces.c.id == api_keys.c.workspace_id)
        .where(api_keys.c.key_hash == digest(secret), api_keys.c.revoked_at.is_(None))
    ).first()
    if row is None:
        return None
    return ApiKey(row.id, row.name, Role(row.role), row.workspace_id, row.workspace)


def list_keys(conn: Connection, workspace_id: int) -> list[dict[str, Any]]:
    """Every key of a workspace, revoked ones too, oldest first (never the secret)."""
    rows = conn.execute(
        select(
            api_keys.c.id,
            api_keys.c.name,
            api_keys.c.role,
            api_keys.c.created_at,
            api_keys.c.revoked_at,
        )
        .where(api_keys.c.workspace_id == workspace_id)
        .order_by(api_keys.c.id)
    )
    return [dict(row._mapping) for row in rows]
