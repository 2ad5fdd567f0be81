"""What a deal does to its contact's lifecycle, written as lifecycle transitions.

The funnel (the buyer's journey) and the pipeline (the rep's actions) are two
views of the same sale, so they must agree: a new deal lifts its contact to
the opportunity stage, the first won deal makes it a customer (later won
deals are repeat purchases and move nothing), and a lost deal may send the
contact back to marketing nurture through the funnel's own recycle move.
Each is a transition caused by the person who moved the deal, naming the
deal in its reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select

from embudo.domain.deals import stage_on_opening, stage_on_winning
from embudo.domain.errors import MoveNotAllowed
from embudo.domain.lifecycle import MoveType, user_move
from embudo.domain.spec import MoveKind
from embudo.engine.moves import record_move
from embudo.store.tables import contacts
from embudo.store.workspaces import Workspace


@dataclass(frozen=True, slots=True)
class Mover:
    """Who moved the deal, when it happened and when it was recorded."""

    actor: str
    at: datetime
    now: datetime


@dataclass(frozen=True, slots=True)
class ContactMoved:
    contact_id: int
    from_stage: str
    to_stage: str


def lock_contact(conn: Connection, contact_id: int) -> Any:
    """The live contact row (a merged one leads to its survivor), locked on PostgreSQL."""
    survivor = conn.scalar(select(contacts.c.merged_into_id).where(contacts.c.id == contact_id))
    query = select(contacts).where(contacts.c.id == (survivor or contact_id))
    if conn.dialect.name == "postgresql":
        query = query.with_for_update()
    return conn.execute(query).one()


def lift_to_opportunity(
    conn: Connection, workspace: Workspace, contact_id: int, reason: str, move: Mover
) -> ContactMoved | None:
    """An open deal (new or reopened) makes a contact below the opportunity stage one."""
    contact = lock_contact(conn, contact_id)
    target = stage_on_opening(workspace.spec, contact.stage, f"contact {contact.id}")
    if target is None:
        return None
    return _transition(conn, workspace, contact, target, MoveType.DEAL, reason, move)


def make_customer(
    conn: Connection, workspace: Workspace, contact_id: int, deal_id: int, move: Mover
) -> ContactMoved | None:
    """The first won deal makes its contact a customer; a repeat purchase moves nothing."""
    contact = lock_contact(conn, contact_id)
    target = stage_on_winning(workspace.spec, contact.stage)
    if target is None:
        return None
    reason = f"deal {deal_id} won"
    return _transition(conn, workspace, contact, target, MoveType.WON, reason, move)


def recycle_contact(
    conn: Connection,
    workspace: Workspace,
    contact_id: int,
    deal_id: int,
    loss_reason: str,
    move: Mover,
) -> ContactMoved:
    """Send a lost deal's contact back to nurture, where the funnel allows a recycle."""
    contact = lock_contact(conn, contact_id)
    try:
        target = user_move(workspace.spec, MoveKind.RECYCLE, contact.stage)
    except MoveNotAllowed as refused:
        raise MoveNotAllowed(
            f"deal {deal_id}: {refused} — lose the deal without recycling its contact"
        ) from None
    reason = f"deal {deal_id} lost: {loss_reason}"
    return _transition(conn, workspace, contact, target, MoveType.RECYCLE, reason, move)


def _transition(
    conn: Connection,
    workspace: Workspace,
    contact: Any,
    target: str,
    kind: MoveType,
    reason: str,
    move: Mover,
) -> ContactMoved:
    at = max(move.at, contact.stage_at)
    record_move(
        conn,
        workspace,
        contact.id,
        contact.stage,
        target,
        kind,
        at=at,
        actor=move.actor,
        reason=reason,
        now=move.now,
    )
    return ContactMoved(contact.id, contact.stage, target)
