"""Sales commands on deals: create, move, win, lose — each one transaction's worth of writes.

The rules are the domain's (`embudo.domain.deals`); this module reads the
deal under a row lock, asks the rules, and writes the outcome: the deal's
cached stage and status, one `deal_stage_history` row per move (its
creation included), and what the deal does to its contact's lifecycle
(`embudo.engine.deal_lifecycle`). A refused command raises before anything
is written, and the caller's transaction holds the rest together.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, insert, select, update

from embudo.domain.deals import (
    DealMove,
    DealPosition,
    DealSource,
    check_amount,
    check_currency,
    lose,
    move,
    opening,
    stage_on_opening,
    win,
)
from embudo.domain.errors import InvalidInput, NotFound
from embudo.domain.playbooks import DealEntered
from embudo.domain.spec import PipelineStageKind
from embudo.engine.deal_lifecycle import (
    ContactMoved,
    Mover,
    lift_to_opportunity,
    lock_contact,
    make_customer,
    recycle_contact,
)
from embudo.engine.playbooks import run_playbooks
from embudo.store.contacts import find_contact
from embudo.store.deal_visits import refresh_deal_visits
from embudo.store.deals import deal_ids_by_source_key
from embudo.store.tables import deal_stage_history, deals
from embudo.store.users import find_active_user
from embudo.store.workspaces import Workspace


@dataclass(frozen=True, slots=True)
class DealMoved:
    """A deal's move, and the contact's lifecycle move it caused, if any."""

    deal_id: int
    from_stage: str
    to_stage: str
    status: PipelineStageKind
    contact: ContactMoved | None = None


def create_deal(
    conn: Connection,
    workspace: Workspace,
    contact_ref: str | int,
    *,
    pipeline: str,
    stage: str | None = None,
    amount: Decimal,
    currency: str | None = None,
    owner_email: str | None = None,
    expected_close_on: date | None = None,
    title: str = "",
    referred_by: str | None = None,
    source_key: str | None = None,
    actor: str,
    source: DealSource,
    now: datetime,
    at: datetime | None = None,
) -> int:
    """Open a deal for a contact in a pipeline; returns its id.

    The deal inherits the contact's company and first-touch channel and
    campaign, so revenue traces back to where the lead came from. An int
    `contact_ref` is the contact's id (a playbook's), never read as a user id.
    `source_key` is the deal's id in the system it was imported from: one
    deal per key and workspace, which is what makes a re-import a no-op.
    """
    subject = f"contact {contact_ref}"
    planned = opening(workspace.spec, pipeline, stage, subject)
    _refuse_taken_key(conn, workspace, source_key)
    check_amount(amount, subject)
    money = check_currency(currency or workspace.spec.pipelines[pipeline].currency, subject)
    contact = lock_contact(conn, _contact_id(conn, workspace, contact_ref))
    stage_on_opening(workspace.spec, contact.stage, subject)
    values = {
        "contact_id": contact.id,
        "company_id": contact.company_id,
        "channel_id": contact.channel_id,
        "campaign_id": contact.campaign_id,
        "pipeline": pipeline,
        "amount": amount,
        "currency": money,
        "owner_id": _owner(conn, workspace, owner_email),
        "expected_close_on": expected_close_on,
        "referred_by_contact_id": _referrer(conn, workspace, referred_by, contact.id, subject),
        "title": title,
        "created_by": actor,
        "source_key": source_key,
    }
    mover = Mover(actor, at or now, now)
    deal_id = _insert(conn, workspace, values, planned, mover)
    _record(conn, workspace, (deal_id, contact.id), planned, source, None, mover)
    lift_to_opportunity(conn, workspace, contact.id, f"deal {deal_id}", mover)
    return deal_id


def move_deal(
    conn: Connection,
    workspace: Workspace,
    deal_id: int,
    stage: str,
    *,
    actor: str,
    source: DealSource,
    reason: str | None = None,
    now: datetime,
    at: datetime | None = None,
) -> DealMoved:
    """Move a deal to another open stage of its pipeline.

    Moving a lost deal reopens it, and lifts its contact back to the
    opportunity stage if a recycle (or anything else) took it lower.
    """
    deal = _lock_deal(conn, workspace, deal_id)
    planned = move(workspace.spec, _position(deal), stage)
    mover = Mover(actor, at or now, now)
    dated = _apply(conn, workspace, deal, planned, source, reason, None, mover)
    lifted = None
    if deal.status == PipelineStageKind.LOST:
        reopened = f"deal {deal_id} reopened"
        lifted = lift_to_opportunity(conn, workspace, deal.contact_id, reopened, dated)
    return DealMoved(deal_id, deal.stage, planned.to_stage, planned.status, lifted)


def win_deal(
    conn: Connection,
    workspace: Workspace,
    deal_id: int,
    *,
    stage: str | None = None,
    actor: str,
    source: DealSource,
    now: datetime,
    at: datetime | None = None,
) -> DealMoved:
    """Close an open deal as won; the contact's first won deal makes it a customer."""
    deal = _lock_deal(conn, workspace, deal_id)
    planned = win(workspace.spec, _position(deal), stage)
    mover = Mover(actor, at or now, now)
    dated = _apply(conn, workspace, deal, planned, source, None, None, mover)
    customer = make_customer(conn, workspace, deal.contact_id, deal_id, dated)
    return DealMoved(deal_id, deal.stage, planned.to_stage, planned.status, customer)


def lose_deal(
    conn: Connection,
    workspace: Workspace,
    deal_id: int,
    reason: str,
    *,
    stage: str | None = None,
    recycle: bool = False,
    actor: str,
    source: DealSource,
    now: datetime,
    at: datetime | None = None,
) -> DealMoved:
    """Close an open deal as lost with a reason; `recycle` sends its contact to nurture."""
    deal = _lock_deal(conn, workspace, deal_id)
    planned = lose(workspace.spec, _position(deal), reason, stage)
    mover = Mover(actor, at or now, now)
    dated = _apply(conn, workspace, deal, planned, source, reason, reason, mover)
    recycled = None
    if recycle:
        recycled = recycle_contact(conn, workspace, deal.contact_id, deal_id, reason, dated)
    return DealMoved(deal_id, deal.stage, planned.to_stage, planned.status, recycled)


def _refuse_taken_key(conn: Connection, workspace: Workspace, key: str | None) -> None:
    """One deal per source key: a second one would count the same sale twice."""
    if key is None:
        return
    taken = deal_ids_by_source_key(conn, workspace.id, [key])
    if key in taken:
        raise InvalidInput(
            f"source key '{key}' is deal {taken[key].id}'s already — "
            "a deal is imported once; move or close the existing one"
        )


def _contact_id(conn: Connection, workspace: Workspace, reference: str | int) -> int:
    if isinstance(reference, int):
        return reference
    return find_contact(conn, workspace.id, reference)


def _lock_deal(conn: Connection, workspace: Workspace, deal_id: int) -> Any:
    query = select(deals).where(deals.c.workspace_id == workspace.id, deals.c.id == deal_id)
    if conn.dialect.name == "postgresql":
        query = query.with_for_update()
    found = conn.execute(query).first()
    if found is None:
        raise NotFound(
            f"no deal {deal_id} in workspace '{workspace.name}' — list them with: embudo deal list"
        )
    return found


def _position(deal: Any) -> DealPosition:
    return DealPosition(deal.id, deal.pipeline, deal.stage, PipelineStageKind(deal.status))


def _owner(conn: Connection, workspace: Workspace, email: str | None) -> int | None:
    return None if email is None else find_active_user(conn, workspace.id, email)


def _referrer(
    conn: Connection, workspace: Workspace, reference: str | None, contact_id: int, subject: str
) -> int | None:
    """The contact who referred this one (a promoter); nobody refers themselves."""
    if reference is None:
        return None
    referrer = find_contact(conn, workspace.id, reference)
    if referrer == contact_id:
        raise InvalidInput(f"{subject}: a contact cannot be referred by themselves")
    return referrer


def _insert(
    conn: Connection,
    workspace: Workspace,
    values: dict[str, Any],
    planned: DealMove,
    mover: Mover,
) -> int:
    row = insert(deals).values(
        workspace_id=workspace.id,
        stage=planned.to_stage,
        status=planned.status.value,
        stage_at=mover.at,
        created_at=mover.now,
        updated_at=mover.now,
        **values,
    )
    return int(conn.execute(row.returning(deals.c.id)).scalar_one())


def _apply(
    conn: Connection,
    workspace: Workspace,
    deal: Any,
    planned: DealMove,
    source: DealSource,
    reason: str | None,
    loss_reason: str | None,
    mover: Mover,
) -> Mover:
    """Write the move: the deal's caches, then its history row, never dated before the last."""
    at = max(mover.at, deal.stage_at)
    closed = planned.status is not PipelineStageKind.OPEN
    conn.execute(
        update(deals)
        .where(deals.c.id == deal.id)
        .values(
            stage=planned.to_stage,
            status=planned.status.value,
            stage_at=at,
            closed_at=at if closed else None,
            loss_reason=loss_reason,
            updated_at=mover.now,
        )
    )
    dated = Mover(mover.actor, at, mover.now)
    _record(conn, workspace, (deal.id, deal.contact_id), planned, source, reason, dated)
    return dated


def _record(
    conn: Connection,
    workspace: Workspace,
    deal: tuple[int, int],
    planned: DealMove,
    source: DealSource,
    reason: str | None,
    mover: Mover,
) -> None:
    """Append the move to the deal's history and run the playbooks of the stage it entered."""
    deal_id, contact_id = deal
    conn.execute(
        insert(deal_stage_history).values(
            workspace_id=workspace.id,
            deal_id=deal_id,
            from_stage=planned.from_stage,
            to_stage=planned.to_stage,
            occurred_at=mover.at,
            actor=mover.actor,
            source=source.value,
            reason=reason,
            spec_version_id=workspace.spec_version_id,
            recorded_at=mover.now,
        )
    )
    refresh_deal_visits(conn, [deal_id])
    entered = DealEntered(deal_id, contact_id, planned.to_stage, mover.at)
    run_playbooks(conn, workspace, [entered], now=mover.now)
