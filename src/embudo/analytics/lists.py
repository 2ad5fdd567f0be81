"""A list as marketing reads it: who is on it now, since when, and why."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from embudo.domain.errors import NotFound
from embudo.store.tables import contacts, list_memberships, lists


def list_members(conn: Connection, workspace_id: int, key: str) -> list[dict[str, Any]]:
    """The open memberships of list `key`, oldest first; removed members are history."""
    list_id = conn.scalar(
        select(lists.c.id).where(lists.c.workspace_id == workspace_id, lists.c.key == key)
    )
    if list_id is None:
        raise NotFound(f"no list '{key}' in this workspace — a playbook creates it on first use")
    m = list_memberships
    rows = conn.execute(
        select(m.c.contact_id, contacts.c.email, contacts.c.stage, m.c.added_at, m.c.cause)
        .join(contacts, contacts.c.id == m.c.contact_id)
        .where(m.c.list_id == list_id, m.c.removed_at.is_(None))
        .order_by(m.c.added_at, m.c.id)
    )
    return [dict(row._mapping) for row in rows]
