"""Explicit lifecycle moves made by people: recycle, disqualify, reopen (and the hand-off's).

These are the non-linear moves of the funnel. Each is allowed only where the
funnel definition's `lifecycle.moves` allows it, is recorded as a transition
naming who made it and why, and resets what counts for re-qualification:
only events after the move can move the contact forward again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from embudo.domain.lifecycle import MoveType, user_move
from embudo.domain.playbooks import on_move
from embudo.domain.spec import MoveKind
from embudo.engine.playbooks import run_playbooks
from embudo.store.contacts import find_contact
from embudo.store.tables import contacts, lifecycle_transitions
from embudo.store.visits import refresh_visits
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
    moved = move_by_person(
        conn,
        workspace,
        reference,
        lambda stage: user_move(workspace.spec, kind, stage),
        _MOVE_TYPES[kind],
        at=at,
        actor=actor,
        reason=reason,
        now=now,
    )
    return moved.from_stage, moved.to_stage


@dataclass(frozen=True, slots=True)
class PersonMoved:
    contact_id: int
    from_stage: str
    to_stage: str
    at: datetime


def move_by_person(
    conn: Connection,
    workspace: Workspace,
    reference: str,
    target: Callable[[str], str],
    move: MoveType,
    *,
    at: datetime,
    actor: str,
    reason: str | None,
    now: datetime,
) -> PersonMoved:
    """Find the contact, ask `target` where its current stage may go (it raises when
    nowhere), and record the move, never dated before the contact's last one."""
    contact_id = find_contact(conn, workspace.id, reference)
    current = current_stage(conn, contact_id)
    to_stage = target(current.stage)
    at = max(at, current.stage_at)
    record_move(
        conn,
        workspace,
        contact_id,
        current.stage,
        to_stage,
        move,
        at=at,
        actor=actor,
        reason=reason,
        now=now,
    )
    return PersonMoved(contact_id, current.stage, to_stage, at)


def current_stage(conn: Connection, contact_id: int) -> Any:
    """The contact's stage and since when (`stage`, `stage_at`), its row locked where possible.

    The lock (PostgreSQL) keeps a concurrent ingester or person from moving the
    contact between this read and the move written from it.
    """
    query = select(contacts.c.stage, contacts.c.stage_at).where(contacts.c.id == contact_id)
    if conn.dialect.name == "postgresql":
        query = query.with_for_update()
    return conn.execute(query).one()


def record_move(
    conn: Connection,
    workspace: Workspace,
    contact_id: int,
    from_stage: str,
    to_stage: str,
    move: MoveType,
    *,
    at: datetime,
    actor: str,
    reason: str | None,
    now: datetime,
) -> None:
    """Append a move made by a person and bring the contact's cached stage in line.

    `at` must not be before the contact's current `stage_at` (callers take the
    later of the two), so the history stays in order. The playbooks of leaving
    the old stage and entering the new one run in the same transaction.
    """
    conn.execute(
        insert(lifecycle_transitions).values(
            workspace_id=workspace.id,
            contact_id=contact_id,
            from_stage=from_stage,
            to_stage=to_stage,
            move=move.value,
            occurred_at=at,
            cause="user",
            spec_version_id=workspace.spec_version_id,
            actor=actor,
            reason=reason,
            recorded_at=now,
        )
    )
    refresh_visits(conn, [contact_id])
    conn.execute(
        update(contacts).where(contacts.c.id == contact_id).values(stage=to_stage, stage_at=at)
    )
    run_playbooks(conn, workspace, on_move(contact_id, from_stage, to_stage, at), now=now)
