"""`/api/v1/dead-letters` and `/api/v1/outbox`: what intake kept aside, what waits to leave."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter

from embudo.api.dependencies import ReadingDep, SessionDep
from embudo.api.problems import PROBLEMS
from embudo.api.schemas.common import PAGED, Page, PagingDep
from embudo.api.schemas.operations import DeadLetter, OutboxMessage
from embudo.store.deadletters import recent_dead_letters
from embudo.store.outbox import recent_outbox

router = APIRouter(prefix="/api/v1", tags=["operations"], responses=PROBLEMS)


@router.get("/dead-letters", responses=PAGED)
def dead_letters(conn: SessionDep, workspace: ReadingDep, paging: PagingDep) -> Page[DeadLetter]:
    """Messages intake refused, newest first, with the payload as received and the reason;
    a page at a time, by offset or cursor."""
    rows = recent_dead_letters(
        conn, workspace.id, paging.limit + 1, paging.offset, paging.after("-id")
    )
    found = [DeadLetter.model_validate(row._mapping) for row in rows[: paging.limit]]
    return paging.page(found, len(rows) > paging.limit, "-id")


@router.get("/outbox", responses=PAGED)
def outbox(
    conn: SessionDep,
    workspace: ReadingDep,
    paging: PagingDep,
    status: Literal["pending", "all"] = "pending",
) -> Page[OutboxMessage]:
    """Notifications playbooks queued, newest first: those not yet delivered, or all;
    a page at a time, by offset or cursor."""
    rows = recent_outbox(
        conn,
        workspace.id,
        paging.limit + 1,
        pending_only=status == "pending",
        offset=paging.offset,
        after=paging.after("-id"),
    )
    found = [OutboxMessage.model_validate(row) for row in rows[: paging.limit]]
    return paging.page(found, len(rows) > paging.limit, "-id")
