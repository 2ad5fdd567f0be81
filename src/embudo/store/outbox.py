"""Reading back the outbox: messages waiting to leave, and those delivered."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from embudo.store.tables import outbox


def recent_outbox(conn: Connection, workspace_id: int, limit: int) -> list[dict[str, Any]]:
    """The newest `limit` outbox messages of a workspace, newest first."""
    rows = conn.execute(
        select(
            outbox.c.id,
            outbox.c.topic,
            outbox.c.created_at,
            outbox.c.attempts,
            outbox.c.delivered_at,
            outbox.c.payload,
        )
        .where(outbox.c.workspace_id == workspace_id)
        .order_by(outbox.c.id.desc())
        .limit(limit)
    )
    return [dict(row._mapping) for row in rows]
