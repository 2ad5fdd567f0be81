"""The transactional outbox: external effects written in the caller's transaction.

A message leaves only if what caused it commits, because both are rows of
the same transaction; a worker (a later issue) delivers each at least once
and marks it delivered. Nothing here talks to the network.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert

from embudo.store.tables import outbox


def enqueue(
    conn: Connection, workspace_id: int, topic: str, payload: dict[str, Any], *, now: datetime
) -> int:
    """Queue a message on `topic`, due for delivery at once; returns its id."""
    row = insert(outbox).values(
        workspace_id=workspace_id,
        topic=topic,
        payload=payload,
        created_at=now,
        attempts=0,
        next_attempt_at=now,
    )
    return int(conn.execute(row.returning(outbox.c.id)).scalar_one())
