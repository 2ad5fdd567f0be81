"""Carrying out one planned playbook action, in the caller's transaction.

Each action returns a short outcome (`added`, `skipped: unsubscribed`,
`deal 12 opened`, ...) that the run records, so `playbook_runs` explains what
every playbook did and did not do, and why. An action that would break a
rule of the funnel is skipped with its reason instead of failing the
transaction that triggered it (an ingest batch, a deal move): a contact that
already has an active owner keeps them, a contact with an open deal in the
pipeline gets no second one, a disqualified contact gets no deal.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, insert, select

from embudo.domain.deals import DealSource, stage_on_opening
from embudo.domain.errors import MoveNotAllowed
from embudo.domain.handoff import Route, round_robin
from embudo.domain.playbooks import PlannedAction, describe, subject_of
from embudo.domain.spec import (
    AddToList,
    AssignOwner,
    CreateDeal,
    CreateTask,
    Notify,
    RemoveFromList,
    SetProperty,
)
from embudo.engine.assignment import assign_unowned
from embudo.engine.lists import add_member, remove_member
from embudo.engine.outbox import enqueue
from embudo.engine.properties import set_trait
from embudo.store.sets import among
from embudo.store.tables import contacts, deals, tasks, users
from embudo.store.workspaces import Workspace


@dataclass(frozen=True, slots=True)
class Step:
    """Where an action stands: its run, its place in the playbook, the time it is recorded."""

    run_id: int
    index: int
    now: datetime


def perform(conn: Connection, workspace: Workspace, planned: PlannedAction, step: Step) -> str:
    """Carry out one action for the trigger's contact; returns what happened."""
    cause = _cause(planned)
    contact_id = planned.trigger.contact_id
    match planned.action:
        case AddToList(add_to_list=key):
            return add_member(
                conn,
                workspace.id,
                contact_id,
                key,
                at=planned.at,
                cause=cause,
                needs_consent=planned.needs_consent,
            )
        case RemoveFromList(remove_from_list=key):
            return remove_member(conn, workspace.id, contact_id, key, at=planned.at)
        case SetProperty(set_property=name, value=value):
            message_id = f"embudo:playbook-run:{step.run_id}:{step.index}"
            set_trait(
                conn,
                workspace.id,
                contact_id,
                name,
                value,
                message_id=message_id,
                at=planned.at,
                now=step.now,
            )
            return f"set {name}"
        case AssignOwner() as action:
            return _assign(conn, workspace, contact_id, action, planned, cause)
        case CreateTask() as action:
            return _task(conn, workspace.id, contact_id, planned, step.now)
        case CreateDeal() as action:
            return _deal(conn, workspace, contact_id, action, planned, cause, step.now)
        case Notify(notify=topic):
            payload = _payload(workspace, planned)
            return f"queued outbox {enqueue(conn, workspace.id, topic, payload, now=step.now)}"


def _assign(
    conn: Connection,
    workspace: Workspace,
    contact_id: int,
    action: AssignOwner,
    planned: PlannedAction,
    cause: str,
) -> str:
    team = action.team or workspace.spec.handoff.team
    if action.assign_owner == "round_robin":
        chosen = round_robin(team)
    else:
        chosen = Route(rule=cause, owner=action.assign_owner.strip().lower(), team=team)
    found = assign_unowned(conn, workspace, contact_id, chosen, at=planned.at, actor=cause)
    if found is None:
        return "skipped: has an active owner, or no active user to assign"
    return f"assigned to {found.owner_email}"


def _task(
    conn: Connection, workspace_id: int, contact_id: int, planned: PlannedAction, now: datetime
) -> str:
    """A follow-up for the contact's owner (none yet: it waits in the unassigned tasks)."""
    owner_id = conn.scalar(select(contacts.c.owner_id).where(contacts.c.id == contact_id))
    row = _task_row(workspace_id, owner_id, planned, now)
    return f"task {conn.execute(insert(tasks).returning(tasks.c.id), row).scalar_one()} created"


def create_tasks(
    conn: Connection, workspace_id: int, planned: Sequence[PlannedAction], now: datetime
) -> list[str]:
    """Many `create_task` actions at once, in order: one read of the owners, one insert.

    The same as performing each in turn, as long as nothing between them
    changes an owner (no `assign_owner` among them).
    """
    if not planned:
        return []
    contact_ids = {item.trigger.contact_id for item in planned}
    query = select(contacts.c.id, contacts.c.owner_id).where(
        among(conn, contacts.c.id, contact_ids)
    )
    owners: dict[int, int | None] = dict(conn.execute(query).all())
    rows = [
        _task_row(workspace_id, owners.get(item.trigger.contact_id), item, now) for item in planned
    ]
    statement = insert(tasks).returning(tasks.c.id, sort_by_parameter_order=True)
    return [f"task {task_id} created" for task_id in conn.execute(statement, rows).scalars()]


def _cause(planned: PlannedAction) -> str:
    return f"playbook:{planned.playbook}"


def _task_row(
    workspace_id: int, owner_id: int | None, planned: PlannedAction, now: datetime
) -> dict[str, Any]:
    action = planned.action
    assert isinstance(action, CreateTask)
    return {
        "workspace_id": workspace_id,
        "contact_id": planned.trigger.contact_id,
        "owner_id": owner_id,
        "kind": action.kind,
        "title": action.create_task,
        "due_at": planned.at + timedelta(hours=action.due_hours),
        "cause": _cause(planned),
        "created_at": now,
    }


def _deal(
    conn: Connection,
    workspace: Workspace,
    contact_id: int,
    action: CreateDeal,
    planned: PlannedAction,
    cause: str,
    now: datetime,
) -> str:
    """Open a deal (its spec amount, owned by the contact's active owner) unless one is open."""
    from embudo.engine.deals import create_deal  # deals fire playbooks: import at call time

    contact = conn.execute(
        select(contacts.c.id, contacts.c.stage, contacts.c.owner_id).where(
            contacts.c.id == contact_id
        )
    ).one()
    if _open_deal(conn, contact.id, action.create_deal) is not None:
        return f"skipped: an open deal in pipeline '{action.create_deal}'"
    try:
        stage_on_opening(workspace.spec, contact.stage, f"contact {contact.id}")
    except MoveNotAllowed:
        return f"skipped: contact is {contact.stage}"
    deal_id = create_deal(
        conn,
        workspace,
        int(contact.id),
        pipeline=action.create_deal,
        stage=action.stage,
        amount=action.amount,
        owner_email=_active_email(conn, contact.owner_id),
        actor=cause,
        source=DealSource.PLAYBOOK,
        now=now,
        at=planned.at,
    )
    return f"deal {deal_id} opened"


def _open_deal(conn: Connection, contact_id: int, pipeline: str) -> Any:
    return conn.scalar(
        select(deals.c.id).where(
            deals.c.contact_id == contact_id,
            deals.c.pipeline == pipeline,
            deals.c.status == "open",
        )
    )


def _active_email(conn: Connection, user_id: int | None) -> str | None:
    if user_id is None:
        return None
    return conn.scalar(select(users.c.email).where(users.c.id == user_id, users.c.active.is_(True)))


def _payload(workspace: Workspace, planned: PlannedAction) -> dict[str, Any]:
    """What a notification says: where, which playbook, about whom, and what happened."""
    kind, subject_id = subject_of(planned.trigger)
    return {
        "workspace": workspace.name,
        "playbook": planned.playbook,
        "subject": {"kind": kind.value, "id": subject_id},
        "trigger": describe(planned.trigger),
    }
