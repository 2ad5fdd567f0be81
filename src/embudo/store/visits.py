"""The `lifecycle_visits` cache: each lifecycle move with the contact's next move.

A visit starts with a move into a stage and ends with the contact's next
move (by occurred_at, then id), whatever it is. Pairing every move with the
next one is a window over all of a store's moves, sorted per contact: at
millions of moves that sort is most of what time-in-stage and the SLA cost on
SQLite. So the engine writes a contact's visits again, from all its moves,
whenever it writes moves for it (`refresh_visits`), in the same transaction:
a late move, dated before others, ends the right visit like any other.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Connection,
    Integer,
    cast,
    delete,
    extract,
    func,
    insert,
    select,
)

from embudo.store.sets import among
from embudo.store.tables import lifecycle_transitions, lifecycle_visits


def refresh_visits(conn: Connection, contact_ids: Collection[int]) -> None:
    """Write the visits of these contacts again, from all their moves."""
    if not contact_ids:
        return
    conn.execute(
        delete(lifecycle_visits).where(among(conn, lifecycle_visits.c.contact_id, contact_ids))
    )
    _insert(conn, among(conn, lifecycle_transitions.c.contact_id, contact_ids))


def rebuild_visits(conn: Connection, workspace_id: int) -> None:
    """Write every visit of a workspace again (a store whose history was written directly)."""
    conn.execute(delete(lifecycle_visits).where(lifecycle_visits.c.workspace_id == workspace_id))
    _insert(conn, lifecycle_transitions.c.workspace_id == workspace_id)


def _insert(conn: Connection, moves_of: ColumnElement[bool]) -> None:
    t = lifecycle_transitions
    after: dict[str, Any] = {"partition_by": t.c.contact_id, "order_by": (t.c.occurred_at, t.c.id)}
    paired = (
        select(
            t.c.id,
            t.c.workspace_id,
            t.c.contact_id,
            t.c.to_stage,
            t.c.occurred_at,
            func.lead(t.c.occurred_at).over(**after).label("left_at"),
            func.lead(t.c.move).over(**after).label("next_move"),
            func.lead(t.c.reason).over(**after).label("next_reason"),
        )
        .where(moves_of)
        .subquery()
    )
    dialect = conn.dialect.name
    seconds = _whole_seconds(dialect, paired.c.left_at) - _whole_seconds(
        dialect, paired.c.occurred_at
    )
    columns = [
        "transition_id",
        "workspace_id",
        "contact_id",
        "stage",
        "entered_at",
        "left_at",
        "seconds",
        "next_move",
        "next_reason",
    ]
    rows = select(
        paired.c.id,
        paired.c.workspace_id,
        paired.c.contact_id,
        paired.c.to_stage,
        paired.c.occurred_at,
        paired.c.left_at,
        seconds,
        paired.c.next_move,
        paired.c.next_reason,
    )
    conn.execute(insert(lifecycle_visits).from_select(columns, rows))


def _whole_seconds(dialect: str, moment: ColumnElement[Any]) -> ColumnElement[int]:
    """Whole seconds since 1970, floored, as the reports' `epoch_seconds` counts them.

    SQLite stores a moment as text: its first 19 characters are read, the
    fraction cut off rather than rounded.
    """
    if dialect == "sqlite":
        return cast(func.strftime("%s", func.substr(moment, 1, 19)), Integer)
    return cast(func.floor(extract("epoch", moment)), BigInteger)
