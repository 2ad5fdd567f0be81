"""The `lifecycle_visits` cache: each lifecycle move with the contact's next move.

A visit starts with a move into a stage and ends with the contact's next
move (by occurred_at, then id), whatever it is; it also holds the contact's
first sales touch from its start until the next visit to the same stage (an
MQL entry's first touch, `domain.sla`). Pairing every move with the next one
is a window over all of a store's moves, sorted per contact: at millions of
moves that sort is most of what time-in-stage and the SLA cost on SQLite.
So the engine writes a contact's visits again, from all its moves and
touches, whenever it writes a move or a touch for it (`refresh_visits`), in
the same transaction: a late move, dated before others, ends the right visit
like any other.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Connection,
    Integer,
    Subquery,
    and_,
    cast,
    delete,
    extract,
    func,
    insert,
    or_,
    select,
    union_all,
)

from embudo.domain.sla import SALES_ACTIVITIES, SALES_MOVES
from embudo.store.sets import among
from embudo.store.tables import lifecycle_transitions, lifecycle_visits, tasks


def refresh_visits(conn: Connection, contact_ids: Collection[int]) -> None:
    """Write the visits of these contacts again, from all their moves and sales touches."""
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
    order = (t.c.occurred_at, t.c.id)
    after: dict[str, Any] = {"partition_by": t.c.contact_id, "order_by": order}
    again: dict[str, Any] = {"partition_by": (t.c.contact_id, t.c.to_stage), "order_by": order}
    paired = (
        select(
            t.c.id.label("transition_id"),
            t.c.workspace_id,
            t.c.contact_id,
            t.c.to_stage.label("stage"),
            t.c.occurred_at.label("entered_at"),
            func.lead(t.c.occurred_at).over(**after).label("left_at"),
            func.lead(t.c.move).over(**after).label("next_move"),
            func.lead(t.c.reason).over(**after).label("next_reason"),
            func.lead(t.c.occurred_at).over(**again).label("again_at"),
        )
        .where(moves_of)
        .subquery()
    )
    dialect = conn.dialect.name
    seconds = whole_seconds(dialect, paired.c.left_at) - whole_seconds(dialect, paired.c.entered_at)
    kept = ("transition_id", "workspace_id", "contact_id", "stage", "entered_at", "left_at")
    rows = select(
        *(paired.c[name] for name in kept),
        seconds.label("seconds"),
        paired.c.next_move,
        paired.c.next_reason,
        _first_touch(paired).label("touched_at"),
    )
    columns = [column.name for column in rows.selected_columns]
    conn.execute(insert(lifecycle_visits).from_select(columns, rows))


def _first_touch(visit: Subquery) -> ColumnElement[Any]:
    """The contact's first sales touch from the visit's start until its next visit to the same
    stage (`domain.sla`: a call, email or meeting done, an accept or a reject).

    A touch at the very moment of the next visit is that visit's, as the SLA
    counts it: an entry comes before a touch at the same instant.
    """

    def during(moment: ColumnElement[Any]) -> ColumnElement[bool]:
        return and_(
            moment >= visit.c.entered_at,
            or_(visit.c.again_at.is_(None), moment < visit.c.again_at),
        )

    t = tasks
    done = select(t.c.completed_at.label("at")).where(
        t.c.contact_id == visit.c.contact_id,
        t.c.kind.in_(sorted(kind.value for kind in SALES_ACTIVITIES)),
        during(t.c.completed_at),
    )
    m = lifecycle_transitions.alias("answers")
    answered = select(m.c.occurred_at.label("at")).where(
        m.c.contact_id == visit.c.contact_id,
        m.c.move.in_(sorted(move.value for move in SALES_MOVES)),
        during(m.c.occurred_at),
    )
    touches = union_all(done.correlate(visit), answered.correlate(visit)).subquery()
    return select(func.min(touches.c.at)).scalar_subquery()


def whole_seconds(dialect: str, moment: ColumnElement[Any]) -> ColumnElement[int]:
    """Whole seconds since 1970, floored, as the reports' `epoch_seconds` counts them.

    SQLite stores a moment as text: its first 19 characters are read, the
    fraction cut off rather than rounded.
    """
    if dialect == "sqlite":
        return cast(func.strftime("%s", func.substr(moment, 1, 19)), Integer)
    return cast(func.floor(extract("epoch", moment)), BigInteger)
