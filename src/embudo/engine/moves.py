"""Explicit lifecycle moves made by people: recycle, disqualify, reopen.

These are the non-linear moves of the funnel. Each is allowed only where the
funnel definition's `lifecycle.moves` allows it, is recorded as a transition
naming who made it and why, and resets what counts for re-qualification:
only events after the move can move the contact forward again.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, insert, select, update

from embudo.domain.lifecycle import MoveType, user_move
from embudo.domain.spec import MoveKind
from embudo.store.contacts import find_contact
from embudo.store.tables import contacts, lifecycle_transitions
from embudo.store.workspaces import Workspace

_MOVE_TYPES = {
    MoveKind.RECYCLE: MoveType.RECYCLE,
    MoveKind.DISQUALIFY: MoveType.DISQUALIFY,
    MoveKind.REOPEN: MoveType.REOPEN,
}


def move_contact(
    conn: Connection,
    workspace: Workspace,
    reference: str,
    kind: MoveKind,
    *,
    at: datetime,
    actor: str,
    reason: str | None,
    now: datetime,
) -> tuple[str, str]:
    """Make an explicit move; returns (from stage, to stage)."""
    contact_id = find_contact(conn, workspace.id, reference)
    query = select(contacts.c.stage, contacts.c.stage_at).where(contacts.c.id == contact_id)
    if conn.dialect.name == "postgresql":
        query = query.with_for_update()
    current = conn.execute(query).one()
    target = user_move(workspace.spec, kind, current.stage)
    at = max(at, current.stage_at)
    conn.execute(
        insert(lifecycle_transitions).values(
            workspace_id=workspace.id,
            contact_id=contact_id,
            from_stage=current.stage,
            to_stage=target,
            move=_MOVE_TYPES[kind].value,
            occurred_at=at,
            cause="user",
            spec_version_id=workspace.spec_version_id,
            actor=actor,
            reason=reason,
            recorded_at=now,
        )
    )
    conn.execute(
        update(contacts).where(contacts.c.id == contact_id).values(stage=target, stage_at=at)
    )
    return current.stage, target
