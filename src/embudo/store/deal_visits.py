"""The `deal_visits` cache: each deal move with the deal's next move, in the deal's pipeline.

A visit starts with a move into a stage and ends with the deal's next move
(by occurred_at, then id). Pairing every move with the next one, and looking
each deal's pipeline up, is a window and a join over all of a store's deal
moves: at 680,000 moves that was most of what time-in-stage cost on SQLite.
So the engine writes a deal's visits again whenever it writes a move for it
(`refresh_deal_visits`), in the same transaction, like `store.visits` does
for contacts.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import ColumnElement, Connection, delete, func, insert, select

from embudo.store.sets import among
from embudo.store.tables import deal_stage_history, deal_visits, deals
from embudo.store.visits import whole_seconds


def refresh_deal_visits(conn: Connection, deal_ids: Collection[int]) -> None:
    """Write the visits of these deals again, from all their moves."""
    if not deal_ids:
        return
    conn.execute(delete(deal_visits).where(among(conn, deal_visits.c.deal_id, deal_ids)))
    _insert(conn, among(conn, deal_stage_history.c.deal_id, deal_ids))


def rebuild_deal_visits(conn: Connection, workspace_id: int) -> None:
    """Write every deal visit of a workspace again (a store whose history was written
    directly)."""
    conn.execute(delete(deal_visits).where(deal_visits.c.workspace_id == workspace_id))
    _insert(conn, deal_stage_history.c.workspace_id == workspace_id)


def _insert(conn: Connection, moves_of: ColumnElement[bool]) -> None:
    h = deal_stage_history
    after: dict[str, Any] = {"partition_by": h.c.deal_id, "order_by": (h.c.occurred_at, h.c.id)}
    paired = (
        select(
            h.c.id.label("history_id"),
            h.c.workspace_id,
            h.c.deal_id,
            deals.c.pipeline,
            h.c.to_stage.label("stage"),
            h.c.occurred_at.label("entered_at"),
            func.lead(h.c.occurred_at).over(**after).label("left_at"),
        )
        .join_from(h, deals, deals.c.id == h.c.deal_id)
        .where(moves_of)
        .subquery()
    )
    dialect = conn.dialect.name
    seconds = whole_seconds(dialect, paired.c.left_at) - whole_seconds(dialect, paired.c.entered_at)
    rows = select(*paired.c, seconds.label("seconds"))
    columns = [column.name for column in rows.selected_columns]
    conn.execute(insert(deal_visits).from_select(columns, rows))
