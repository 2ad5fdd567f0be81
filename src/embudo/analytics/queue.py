"""The sales queue: MQLs nobody owns yet, and MQLs whose first touch is overdue.

This is where the seeds' leak shows ("los vendedores dejan de darle
seguimiento"): a lead handed to sales that nobody picked up, or that its owner
has not called within the agreed first-touch time.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, exists, select

from embudo.domain.sla import SALES_ACTIVITIES, due_at, is_breach
from embudo.store.tables import contacts, tasks, users
from embudo.store.workspaces import Workspace


def sales_queue(conn: Connection, workspace: Workspace, now: datetime) -> list[dict[str, Any]]:
    """Unassigned or overdue MQLs, the longest waiting first, with owner and age in hours."""
    hours = workspace.spec.sla.first_touch_hours
    found = []
    for row in conn.execute(_mqls(workspace)):
        due = due_at(row.mql_since, hours) if hours is not None else None
        overdue = due is not None and not row.touched and is_breach(due, None, now)
        if row.owner is None or overdue:
            found.append(_line(row, due, overdue, now))
    return found


def _mqls(workspace: Workspace) -> Any:
    touched = exists().where(
        tasks.c.contact_id == contacts.c.id,
        tasks.c.completed_at >= contacts.c.stage_at,
        tasks.c.kind.in_([kind.value for kind in SALES_ACTIVITIES]),
    )
    return (
        select(
            contacts.c.id,
            contacts.c.email,
            users.c.email.label("owner"),
            contacts.c.stage_at.label("mql_since"),
            touched.label("touched"),
        )
        .outerjoin(users, users.c.id == contacts.c.owner_id)
        .where(
            contacts.c.workspace_id == workspace.id,
            contacts.c.stage == workspace.spec.handoff.stage,
            contacts.c.merged_into_id.is_(None),
        )
        .order_by(contacts.c.stage_at, contacts.c.id)
    )


def _line(row: Any, due: datetime | None, overdue: bool, now: datetime) -> dict[str, Any]:
    waiting = [] if row.owner is not None else ["unassigned"]
    return {
        "contact": row.id,
        "email": row.email,
        "owner": row.owner,
        "mql_since": row.mql_since,
        "age_hours": round((now - row.mql_since).total_seconds() / 3600, 1),
        "due_at": due,
        "status": ", ".join([*waiting, *(["overdue"] if overdue else [])]),
    }
