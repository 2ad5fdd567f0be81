"""Reading back the messages intake rejected."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Row, select

from embudo.store.tables import dead_letters


def recent_dead_letters(conn: Connection, workspace_id: int, limit: int) -> Sequence[Row[Any]]:
    """The newest `limit` dead letters of a workspace."""
    return conn.execute(
        select(dead_letters)
        .where(dead_letters.c.workspace_id == workspace_id)
        .order_by(dead_letters.c.id.desc())
        .limit(limit)
    ).all()
