"""Contact lists: memberships opened and closed, never deleted.

A membership is open while `removed_at` is empty; adding a contact that is
already a member changes nothing, and removing one closes the open
membership, so the rows are the history of who was on which list when.
A list is created the first time something puts a contact on it; a list is a
marketing list unless someone marks it otherwise, and a marketing list never
takes a contact who unsubscribed (the seeds' consent rule).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from embudo.store.tables import contacts, list_memberships, lists

ADDED = "added"
ALREADY_MEMBER = "already a member"
UNSUBSCRIBED = "skipped: unsubscribed"
REMOVED = "removed"
NOT_MEMBER = "not a member"


def add_member(
    conn: Connection,
    workspace_id: int,
    contact_id: int,
    key: str,
    *,
    at: datetime,
    cause: str,
    needs_consent: bool,
) -> str:
    """Put a contact on list `key` (created on first use); returns what happened."""
    list_id, marketing = _list(conn, workspace_id, key)
    if needs_consent and marketing and _unsubscribed(conn, contact_id):
        return UNSUBSCRIBED
    if _open_membership(conn, list_id, contact_id) is not None:
        return ALREADY_MEMBER
    conn.execute(
        insert(list_memberships).values(
            workspace_id=workspace_id,
            list_id=list_id,
            contact_id=contact_id,
            added_at=at,
            cause=cause,
        )
    )
    return ADDED


def remove_member(
    conn: Connection, workspace_id: int, contact_id: int, key: str, *, at: datetime
) -> str:
    """Close the contact's open membership of list `key`, never dated before it opened."""
    list_id = conn.scalar(
        select(lists.c.id).where(lists.c.workspace_id == workspace_id, lists.c.key == key)
    )
    found = None if list_id is None else _open_membership(conn, list_id, contact_id)
    if found is None:
        return NOT_MEMBER
    m = list_memberships
    conn.execute(update(m).where(m.c.id == found.id).values(removed_at=max(at, found.added_at)))
    return REMOVED


def _list(conn: Connection, workspace_id: int, key: str) -> tuple[int, bool]:
    """The list's id and whether it is a marketing list; a new list is one."""
    where = (lists.c.workspace_id == workspace_id) & (lists.c.key == key)
    found = conn.execute(select(lists.c.id, lists.c.marketing).where(where)).first()
    if found is not None:
        return int(found.id), bool(found.marketing)
    row = insert(lists).values(workspace_id=workspace_id, key=key, label=key, marketing=True)
    return int(conn.execute(row.returning(lists.c.id)).scalar_one()), True


def _open_membership(conn: Connection, list_id: int, contact_id: int) -> Any:
    m = list_memberships
    return conn.execute(
        select(m.c.id, m.c.added_at).where(
            m.c.list_id == list_id, m.c.contact_id == contact_id, m.c.removed_at.is_(None)
        )
    ).first()


def _unsubscribed(conn: Connection, contact_id: int) -> bool:
    return bool(conn.scalar(select(contacts.c.unsubscribed).where(contacts.c.id == contact_id)))
