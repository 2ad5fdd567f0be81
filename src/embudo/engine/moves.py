"""Explicit lifecycle moves made by people: recycle, disqualify, reopen.

These are the non-linear moves of the funnel. Each is allowed only where the
funnel definition's `lifecycle.moves` allows it, is recorded as a transition
naming who made it and why, and resets what counts for re-qualification:
only events after the move can move the contact forward again.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, insert, select, update

from embudo.domain.errors import NotFound
from embudo.domain.lifecycle import MoveType, user_move
from embudo.domain.spec import MoveKind
from embudo.engine.workspaces import Workspace
from embudo.store.tables import contacts, identities, lifecycle_transitions

_MOVE_TYPES = {
    MoveKind.RECYCLE: MoveType.RECYCLE,
    MoveKind.DISQUALIFY: MoveType.DISQUALIFY,
    MoveKind.REOPEN: MoveType.REOPEN,
}


def find_contact(conn: Connection, workspace_id: int, reference: str) -> int:
    """A contact by id, user id, email or anonymous id; merged contacts lead to their survivor."""
    by_identity = select(identities.c.contact_id).where(
        identities.c.workspace_id == workspace_id,
        identities.c.value.in_([reference, reference.strip().lower()]),
    )
    found = conn.scalar(by_identity.limit(1))
    if found is None and reference.isdigit():
        found = conn.scalar(
            select(contacts.c.id).where(
                contacts.c.workspace_id == workspace_id, contacts.c.id == int(reference)
            )
        )
    if found is None:
        raise NotFound(f"no contact '{reference}' — give a contact id, user id or email")
    survivor = conn.scalar(select(contacts.c.merged_into_id).where(contacts.c.id == found))
    return int(survivor or found)


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
    conn.execute(update(contacts).where(contacts.c.id == contact_id).values(stage=target, stage_at=at))
    return current.stage, target



