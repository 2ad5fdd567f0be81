"""Applying one sales command of the demo through the engine's own API.

A dispatch table maps each command type to the engine call a person would
make: a lead move, an answer to an MQL, a logged call, a deal opened, moved,
won or lost. Commands name a deal by its contact and pipeline, so the deal
is looked up here: the contact's open deal in that pipeline, which a
playbook may have opened before the simulated rep got to it (then it is
reused, not doubled).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select

from embudo.demo.steps import (
    CallMade,
    Command,
    DealLost,
    DealMoved,
    DealOpened,
    DealStep,
    DealWon,
    LeadAnswer,
    LeadCommand,
)
from embudo.domain.deals import DealSource
from embudo.domain.errors import NotFound
from embudo.domain.sla import TaskKind
from embudo.domain.spec import MoveKind, PipelineStageKind
from embudo.engine.deals import create_deal, lose_deal, move_deal, win_deal
from embudo.engine.handoff import accept_lead, reject_lead
from embudo.engine.moves import move_contact
from embudo.engine.tasks import NewTask, add_task, complete_task
from embudo.store.contacts import find_contact
from embudo.store.tables import contacts, deals, users
from embudo.store.workspaces import Workspace

DEMO_ACTOR = "demo"
SOURCE = DealSource.IMPORT
"""Deals moved by the demo are recorded as imported, never as a person's CLI command."""
_KINDS = {"recycle": MoveKind.RECYCLE, "disqualify": MoveKind.DISQUALIFY}

Apply = Callable[[Connection, Workspace, Any, datetime], None]


def apply_command(conn: Connection, workspace: Workspace, command: Command, now: datetime) -> None:
    """Apply `command` in the caller's transaction; the engine's refusals propagate."""
    COMMANDS[type(command)](conn, workspace, command, now)


def command_kind(command: Command) -> str:
    """How a command is counted in the summary: recycle, accept, call, deal_won, ..."""
    match command:
        case LeadCommand(kind=kind) | LeadAnswer(kind=kind):
            return kind
    return _NAMES[type(command)]


def _lead_move(conn: Connection, ws: Workspace, command: LeadCommand, now: datetime) -> None:
    kind = _KINDS[command.kind]
    reason = command.reason
    move_contact(
        conn, ws, command.user_id, kind, at=command.at, actor=DEMO_ACTOR, reason=reason, now=now
    )


def _answer(conn: Connection, ws: Workspace, command: LeadAnswer, now: datetime) -> None:
    if command.kind == "accept":
        accept_lead(conn, ws, command.user_id, at=command.at, actor=DEMO_ACTOR, now=now)
        return
    reason = command.reason or ""
    reject_lead(conn, ws, command.user_id, reason=reason, at=command.at, actor=DEMO_ACTOR, now=now)


def _call(conn: Connection, ws: Workspace, command: CallMade, now: datetime) -> None:
    """A call logged as a task and completed at once: the rep's first touch."""
    task = NewTask("Call the new MQL", TaskKind.CALL, due_at=command.at, cause=DEMO_ACTOR)
    task_id = add_task(conn, ws, command.user_id, task, now=now)
    complete_task(conn, ws, task_id, outcome=command.outcome, at=command.at, now=now)


def _open(conn: Connection, ws: Workspace, command: DealOpened, now: datetime) -> None:
    """Open the deal, unless the contact has an open one in the pipeline (a playbook's)."""
    contact_id = find_contact(conn, ws.id, command.user_id)
    if _open_deal(conn, ws, contact_id, command.pipeline) is not None:
        return
    create_deal(
        conn,
        ws,
        command.user_id,
        pipeline=command.pipeline,
        stage=command.stage,
        amount=command.amount,
        owner_email=_owner_of(conn, contact_id),
        referred_by=command.referred_by,
        actor=DEMO_ACTOR,
        source=SOURCE,
        now=now,
        at=command.at,
    )


def _move(conn: Connection, ws: Workspace, command: DealMoved, now: datetime) -> None:
    deal_id = _deal_of(conn, ws, command)
    move_deal(
        conn, ws, deal_id, command.stage, actor=DEMO_ACTOR, source=SOURCE, now=now, at=command.at
    )


def _win(conn: Connection, ws: Workspace, command: DealWon, now: datetime) -> None:
    deal_id = _deal_of(conn, ws, command)
    win_deal(conn, ws, deal_id, actor=DEMO_ACTOR, source=SOURCE, now=now, at=command.at)


def _lose(conn: Connection, ws: Workspace, command: DealLost, now: datetime) -> None:
    lose_deal(
        conn,
        ws,
        _deal_of(conn, ws, command),
        command.reason,
        recycle=command.recycle,
        actor=DEMO_ACTOR,
        source=SOURCE,
        now=now,
        at=command.at,
    )


def _deal_of(conn: Connection, ws: Workspace, command: DealStep) -> int:
    """The contact's open deal in the command's pipeline, or why there is none."""
    contact_id = find_contact(conn, ws.id, command.user_id)
    found = _open_deal(conn, ws, contact_id, command.pipeline)
    if found is None:
        raise NotFound(f"contact '{command.user_id}' has no open deal in '{command.pipeline}'")
    return found


def _open_deal(conn: Connection, ws: Workspace, contact_id: int, pipeline: str) -> int | None:
    return conn.scalar(
        select(deals.c.id)
        .where(
            deals.c.workspace_id == ws.id,
            deals.c.contact_id == contact_id,
            deals.c.pipeline == pipeline,
            deals.c.status == PipelineStageKind.OPEN.value,
        )
        .order_by(deals.c.id.desc())
        .limit(1)
    )


def _owner_of(conn: Connection, contact_id: int) -> str | None:
    """The email of the contact's owner (the rep the hand-off assigned), if any."""
    query = select(users.c.email).join(contacts, contacts.c.owner_id == users.c.id)
    return conn.scalar(query.where(contacts.c.id == contact_id, users.c.active.is_(True)))


_NAMES: dict[type[Any], str] = {
    CallMade: "call",
    DealOpened: "deal_opened",
    DealMoved: "deal_moved",
    DealWon: "deal_won",
    DealLost: "deal_lost",
}

COMMANDS: dict[type[Any], Apply] = {
    LeadCommand: _lead_move,
    LeadAnswer: _answer,
    CallMade: _call,
    DealOpened: _open,
    DealMoved: _move,
    DealWon: _win,
    DealLost: _lose,
}
