"""Follow-up tasks: created by hand or by playbooks, completed with an outcome.

Completing a call, meeting or email task about a contact is a sales touch:
when it is the first one after the contact became an MQL and it came late,
the first-touch breach is recorded in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from embudo.domain.errors import InvalidInput, NotFound
from embudo.domain.sla import SALES_ACTIVITIES, TaskKind
from embudo.engine.sla import record_touch
from embudo.store.contacts import find_contact
from embudo.store.tables import contacts, tasks
from embudo.store.users import find_active_user
from embudo.store.visits import refresh_visits
from embudo.store.workspaces import Workspace

TITLE_LENGTH = 300
OUTCOME_LENGTH = 200


@dataclass(frozen=True, slots=True)
class NewTask:
    """What a task is about and for whom; `owner` is an email, else the contact's owner."""

    title: str
    kind: TaskKind
    due_at: datetime | None = None
    owner: str | None = None
    cause: str = "user"


def add_task(
    conn: Connection, workspace: Workspace, reference: str, task: NewTask, *, now: datetime
) -> int:
    """Create an open task about a contact; returns its id."""
    title = _text("--title", task.title, TITLE_LENGTH)
    contact_id = find_contact(conn, workspace.id, reference)
    owner_id: int | None
    if task.owner is not None:
        owner_id = find_active_user(conn, workspace.id, task.owner)
    else:
        owner_id = conn.scalar(select(contacts.c.owner_id).where(contacts.c.id == contact_id))
    row = insert(tasks).values(
        workspace_id=workspace.id,
        contact_id=contact_id,
        owner_id=owner_id,
        kind=TaskKind(task.kind).value,
        title=title,
        due_at=task.due_at,
        cause=task.cause,
        created_at=now,
    )
    return int(conn.execute(row.returning(tasks.c.id)).scalar_one())


@dataclass(frozen=True, slots=True)
class Completed:
    """A completed task, and whether it was a late first touch."""

    task_id: int
    kind: TaskKind
    contact_id: int | None
    late: bool


def complete_task(
    conn: Connection,
    workspace: Workspace,
    task_id: int,
    *,
    outcome: str,
    at: datetime,
    now: datetime,
) -> Completed:
    """Mark a task done at `at` with its outcome; a task is completed once."""
    outcome = _text("--outcome", outcome, OUTCOME_LENGTH)
    task = _open_task(conn, workspace.id, task_id)
    conn.execute(
        update(tasks).where(tasks.c.id == task_id).values(completed_at=at, outcome=outcome)
    )
    kind = TaskKind(task.kind)
    late = False
    if kind in SALES_ACTIVITIES and task.contact_id is not None:
        refresh_visits(conn, [task.contact_id])  # a sales touch: a visit's first, maybe
        late = record_touch(conn, workspace, task.contact_id, at, now)
    return Completed(task_id, kind, task.contact_id, late)


def _open_task(conn: Connection, workspace_id: int, task_id: int) -> Any:
    query = select(tasks).where(tasks.c.workspace_id == workspace_id, tasks.c.id == task_id)
    if conn.dialect.name == "postgresql":
        query = query.with_for_update()
    task = conn.execute(query).first()
    if task is None:
        raise NotFound(f"no task {task_id} in this workspace — see: embudo task list")
    if task.completed_at is not None:
        raise InvalidInput(
            f"task {task_id} was already completed on {task.completed_at:%Y-%m-%d %H:%M} "
            f"(outcome: {task.outcome}) — add a new task for a new follow-up"
        )
    return task


def _text(option: str, value: str, limit: int) -> str:
    text = value.strip()
    if not text or len(text) > limit:
        raise InvalidInput(f"{option}: give between 1 and {limit} characters")
    return text
