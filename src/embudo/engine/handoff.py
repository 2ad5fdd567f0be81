"""Sales answers an MQL: accept it (SAL) or reject it back to marketing with a reason.

Both are lifecycle moves made by a person (`engine.moves.record_move`) and
both are a sales touch, so a late answer is recorded as a first-touch SLA
breach in the same transaction. A rejection is a backward move: only what the
contact does afterwards can make it an MQL again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection

from embudo.domain.handoff import accepted_stage, rejected_stage, rejection_reason
from embudo.domain.lifecycle import MoveType
from embudo.domain.spec import FunnelSpec
from embudo.engine.moves import move_by_person
from embudo.engine.sla import record_touch
from embudo.store.workspaces import Workspace


@dataclass(frozen=True, slots=True)
class Answered:
    """What sales' answer did: the move, when, and whether it breached the first-touch SLA."""

    contact_id: int
    from_stage: str
    to_stage: str
    at: datetime
    late: bool


def accept_lead(
    conn: Connection,
    workspace: Workspace,
    reference: str,
    *,
    at: datetime,
    actor: str,
    now: datetime,
) -> Answered:
    """Sales takes the MQL: it becomes sales-accepted (SAL)."""
    return _answer(
        conn, workspace, reference, accepted_stage, MoveType.ACCEPT, at, actor, None, now
    )


def reject_lead(
    conn: Connection,
    workspace: Workspace,
    reference: str,
    *,
    reason: str,
    at: datetime,
    actor: str,
    now: datetime,
) -> Answered:
    """Sales hands the MQL back to marketing nurture, with one of the rejection reasons."""
    rejection_reason(workspace.spec, reason)
    return _answer(
        conn, workspace, reference, rejected_stage, MoveType.REJECT, at, actor, reason, now
    )


def _answer(
    conn: Connection,
    workspace: Workspace,
    reference: str,
    target_of: Callable[[FunnelSpec, str, str], str],
    move: MoveType,
    at: datetime,
    actor: str,
    reason: str | None,
    now: datetime,
) -> Answered:
    moved = move_by_person(
        conn,
        workspace,
        reference,
        lambda stage: target_of(workspace.spec, reference, stage),
        move,
        at=at,
        actor=actor,
        reason=reason,
        now=now,
    )
    late = record_touch(conn, workspace, moved.contact_id, moved.at, now)
    return Answered(moved.contact_id, moved.from_stage, moved.to_stage, moved.at, late)
