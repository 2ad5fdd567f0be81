"""Tasks as a rep reads them: open, overdue, or everything, by owner."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select

from embudo.store.keyset import Mark, Ordering
from embudo.store.tables import contacts, tasks, users


@dataclass(frozen=True, slots=True)
class TaskFilter:
    owner: str | None = None
    open_only: bool = False
    overdue: bool = False
    """Open and past their due time (implies open)."""
    limit: int = 100
    offset: int = 0
    contact_id: int | None = None
    after: Mark | None = None
    """Only the tasks after this place (a cursor's: due time and id), raw as it came."""


DUE = Ordering(tasks.c.due_at, tasks.c.id)
"""Soonest due first, undated last, then by id."""


def list_tasks(
    conn: Connection, workspace_id: int, wanted: TaskFilter, now: datetime
) -> list[dict[str, Any]]:
    """Tasks matching the filter, soonest due first (undated last), then by id."""
    query = (
        select(
            tasks.c.id,
            tasks.c.kind,
            tasks.c.title,
            tasks.c.contact_id,
            contacts.c.email.label("contact"),
            users.c.email.label("owner"),
            tasks.c.due_at,
            tasks.c.completed_at,
            tasks.c.outcome,
        )
        .outerjoin(contacts, contacts.c.id == tasks.c.contact_id)
        .outerjoin(users, users.c.id == tasks.c.owner_id)
        .where(tasks.c.workspace_id == workspace_id)
        .order_by(*DUE.order_by())
        .limit(wanted.limit)
        .offset(wanted.offset)
    )
    if wanted.owner is not None:
        query = query.where(users.c.email == wanted.owner.strip().lower())
    if wanted.open_only or wanted.overdue:
        query = query.where(tasks.c.completed_at.is_(None))
    if wanted.overdue:
        query = query.where(tasks.c.due_at < now)
    if wanted.contact_id is not None:
        query = query.where(tasks.c.contact_id == wanted.contact_id)
    if wanted.after is not None:
        query = query.where(DUE.after(DUE.resume(wanted.after)))
    return [dict(row._mapping) for row in conn.execute(query)]
