"""Reading back the outbox: messages waiting to leave, and those delivered."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from embudo.store.keyset import Mark, Ordering
from embudo.store.tables import outbox

NEWEST = Ordering(outbox.c.id, outbox.c.id, descending=True)


def recent_outbox(
    conn: Connection,
    workspace_id: int,
    limit: int,
    *,
    pending_only: bool = False,
    offset: int = 0,
    after: Mark | None = None,
) -> list[dict[str, Any]]:
    """A workspace's outbox messages, newest first, only the undelivered if `pending_only`:
    `limit` of them, past `offset` or `after` (a cursor's place, raw as it came)."""
    query = (
        select(
            outbox.c.id,
            outbox.c.topic,
            outbox.c.created_at,
            outbox.c.attempts,
            outbox.c.next_attempt_at,
            outbox.c.delivered_at,
            outbox.c.payload,
        )
        .where(outbox.c.workspace_id == workspace_id)
        .order_by(*NEWEST.order_by())
        .limit(limit)
        .offset(offset)
    )
    if pending_only:
        query = query.where(outbox.c.delivered_at.is_(None))
    if after is not None:
        query = query.where(NEWEST.after(NEWEST.resume(after)))
    return [dict(row._mapping) for row in conn.execute(query)]
