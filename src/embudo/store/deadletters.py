"""Reading back the messages intake rejected."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Row, select

from embudo.store.keyset import Mark, Ordering
from embudo.store.tables import dead_letters

NEWEST = Ordering(dead_letters.c.id, dead_letters.c.id, descending=True)


def recent_dead_letters(
    conn: Connection, workspace_id: int, limit: int, offset: int = 0, after: Mark | None = None
) -> Sequence[Row[Any]]:
    """A workspace's dead letters, newest first: `limit` of them, past `offset` or `after`
    (a cursor's place, raw as it came)."""
    query = (
        select(dead_letters)
        .where(dead_letters.c.workspace_id == workspace_id)
        .order_by(*NEWEST.order_by())
        .limit(limit)
        .offset(offset)
    )
    if after is not None:
        query = query.where(NEWEST.after(NEWEST.resume(after)))
    return conn.execute(query).all()
