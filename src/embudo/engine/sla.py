"""Recording first-touch SLA breaches, when the late touch happens and by a sweep.

A breach is kept once per MQL entry (the transition into the hand-off stage;
a unique key on it makes both ways of finding it idempotent). The owner is
whoever held the contact when the touch fell due, so reassigning a neglected
lead does not move the blame to the person who finally called.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, insert, select, update

from embudo.domain.playbooks import SlaBreached
from embudo.domain.sla import (
    BREACH_FIRST_TOUCH,
    SALES_ACTIVITIES,
    SALES_MOVES,
    due_at,
    first_touch,
    is_breach,
)
from embudo.engine.playbooks import run_playbooks
from embudo.store.tables import (
    contacts,
    lifecycle_transitions,
    owner_assignments,
    sla_breaches,
    tasks,
)
from embudo.store.workspaces import Workspace


def record_touch(
    conn: Connection, workspace: Workspace, contact_id: int, at: datetime, now: datetime
) -> bool:
    """After a sales touch at `at` (already written): record the breach if it came late.

    Returns whether this touch was the entry's first, and late; a touch after
    a first one (on time or not) changes nothing.
    """
    hours = workspace.spec.sla.first_touch_hours
    entry = _entry_before(conn, workspace, contact_id, at)
    if hours is None or entry is None:
        return False
    due = due_at(entry.occurred_at, hours)
    touched = first_touch(entry.occurred_at, _touches(conn, [contact_id])[contact_id])
    if touched is None or not is_breach(due, touched, now):
        return False
    _save(conn, workspace, contact_id, entry.id, due, touched, now)
    return touched == at


def check_first_touch(conn: Connection, workspace: Workspace, now: datetime) -> int:
    """Record a breach for each MQL still untouched past its due time; returns how many new.

    Running it again finds the same MQLs already recorded and adds nothing.
    """
    hours = workspace.spec.sla.first_touch_hours
    if hours is None:
        return 0
    waiting = _waiting(conn, workspace, now - timedelta(hours=hours))
    touches = _touches(conn, waiting.keys())
    recorded = _recorded(conn, [entry.id for entry in waiting.values()])
    found = 0
    for contact_id, entry in waiting.items():
        due = due_at(entry.occurred_at, hours)
        untouched = first_touch(entry.occurred_at, touches[contact_id]) is None
        if entry.id not in recorded and untouched and is_breach(due, None, now):
            _save(conn, workspace, contact_id, entry.id, due, None, now)
            found += 1
    return found


def _entry_before(conn: Connection, workspace: Workspace, contact_id: int, at: datetime) -> Any:
    """The contact's latest entry into the hand-off stage at or before `at`."""
    t = lifecycle_transitions
    return conn.execute(
        select(t.c.id, t.c.occurred_at)
        .where(
            t.c.contact_id == contact_id,
            t.c.to_stage == workspace.spec.handoff.stage,
            t.c.occurred_at <= at,
        )
        .order_by(t.c.occurred_at.desc(), t.c.id.desc())
        .limit(1)
    ).first()


def _waiting(conn: Connection, workspace: Workspace, entered_by: datetime) -> dict[int, Any]:
    """Contacts in the hand-off stage since `entered_by` or earlier, with that entry."""
    t = lifecycle_transitions
    stage = workspace.spec.handoff.stage
    ids = select(contacts.c.id).where(
        contacts.c.workspace_id == workspace.id,
        contacts.c.stage == stage,
        contacts.c.stage_at <= entered_by,
        contacts.c.merged_into_id.is_(None),
    )
    rows = conn.execute(
        select(t.c.id, t.c.contact_id, t.c.occurred_at)
        .where(t.c.contact_id.in_(ids), t.c.to_stage == stage)
        .order_by(t.c.contact_id, t.c.occurred_at, t.c.id)
    )
    return {row.contact_id: row for row in rows}


def _touches(conn: Connection, contact_ids: Collection[int]) -> dict[int, list[datetime]]:
    """When sales touched each contact: completed call/meeting/email tasks, accepts, rejects."""
    found: dict[int, list[datetime]] = defaultdict(list)
    done = conn.execute(
        select(tasks.c.contact_id, tasks.c.completed_at).where(
            tasks.c.contact_id.in_(contact_ids),
            tasks.c.completed_at.is_not(None),
            tasks.c.kind.in_([kind.value for kind in SALES_ACTIVITIES]),
        )
    )
    t = lifecycle_transitions
    moves = conn.execute(
        select(t.c.contact_id, t.c.occurred_at).where(
            t.c.contact_id.in_(contact_ids), t.c.move.in_([move.value for move in SALES_MOVES])
        )
    )
    for contact_id, moment in [*done, *moves]:
        found[contact_id].append(moment)
    return found


def _recorded(conn: Connection, transition_ids: list[int]) -> set[int]:
    query = select(sla_breaches.c.transition_id).where(
        sla_breaches.c.transition_id.in_(transition_ids),
        sla_breaches.c.kind == BREACH_FIRST_TOUCH,
    )
    return set(conn.scalars(query))


def _save(
    conn: Connection,
    workspace: Workspace,
    contact_id: int,
    transition_id: int,
    due: datetime,
    touched: datetime | None,
    now: datetime,
) -> None:
    """Insert the entry's breach, or fill in the touch of one the sweep found untouched.

    A new breach runs the `sla_breached` playbooks, dated when the touch fell due.
    """
    b = sla_breaches
    key = (b.c.transition_id == transition_id) & (b.c.kind == BREACH_FIRST_TOUCH)
    found = conn.execute(select(b.c.id, b.c.touched_at).where(key)).first()
    if found is not None:
        if found.touched_at is None and touched is not None:
            conn.execute(update(b).where(b.c.id == found.id).values(touched_at=touched))
        return
    conn.execute(
        insert(b).values(
            workspace_id=workspace.id,
            contact_id=contact_id,
            transition_id=transition_id,
            owner_id=_owner_at(conn, contact_id, due),
            kind=BREACH_FIRST_TOUCH,
            due_at=due,
            touched_at=touched,
            detected_at=now,
        )
    )
    run_playbooks(conn, workspace, [SlaBreached(contact_id, due)], now=now)


def _owner_at(conn: Connection, contact_id: int, moment: datetime) -> int | None:
    """Who held the contact at `moment`: its latest assignment made by then."""
    a = owner_assignments
    return conn.scalar(
        select(a.c.owner_id)
        .where(a.c.contact_id == contact_id, a.c.assigned_at <= moment)
        .order_by(a.c.assigned_at.desc(), a.c.id.desc())
        .limit(1)
    )
