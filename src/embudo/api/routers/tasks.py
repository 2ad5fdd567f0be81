"""`/api/v1/tasks`: follow-ups; a completed call, meeting or email is a sales touch."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query

from embudo.analytics.tasks import TaskFilter, list_tasks
from embudo.api.dependencies import NowDep, ReadingDep, SessionDep, WritingDep
from embudo.api.problems import PROBLEMS, named_in_body
from embudo.api.schemas.common import PAGED, Page, PagingDep
from embudo.api.schemas.tasks import Done, NewTask, Task, TaskCreated, TaskDone
from embudo.engine import tasks as engine_tasks

DUE_SORT = "due_at"
"""The one order of tasks, as their cursors name it."""
router = APIRouter(prefix="/api/v1/tasks", tags=["tasks"], responses=PROBLEMS)


@router.get("", responses=PAGED)
def list_all(
    conn: SessionDep,
    workspace: ReadingDep,
    now: NowDep,
    paging: PagingDep,
    owner: Annotated[str | None, Query(description="The owner's email")] = None,
    status: Literal["open", "overdue", "all"] = "open",
) -> Page[Task]:
    """Tasks, soonest due first (undated last); a page at a time, by offset or cursor."""
    wanted = TaskFilter(
        owner,
        status == "open",
        status == "overdue",
        paging.limit + 1,
        paging.offset,
        after=paging.after(DUE_SORT),
    )
    rows = list_tasks(conn, workspace.id, wanted, now)
    found = [Task.model_validate(row) for row in rows[: paging.limit]]
    return paging.page(found, len(rows) > paging.limit, DUE_SORT)


@router.post("", status_code=201)
def create(conn: SessionDep, workspace: WritingDep, now: NowDep, body: NewTask) -> TaskCreated:
    """Add an open task about a contact."""
    task = engine_tasks.NewTask(body.title, body.kind, body.due_at, body.owner)
    with named_in_body():
        task_id = engine_tasks.add_task(conn, workspace, body.contact, task, now=now)
    return TaskCreated(id=task_id)


@router.post("/{task_id}/done")
def done(
    conn: SessionDep,
    workspace: WritingDep,
    now: NowDep,
    task_id: Annotated[int, Path(ge=1, le=2**62)],
    body: Done,
) -> TaskDone:
    """Complete a task with its outcome (once)."""
    completed = engine_tasks.complete_task(
        conn, workspace, task_id, outcome=body.outcome, at=now, now=now
    )
    return TaskDone(
        id=completed.task_id,
        kind=completed.kind,
        contact_id=completed.contact_id,
        late_first_touch=completed.late,
    )
