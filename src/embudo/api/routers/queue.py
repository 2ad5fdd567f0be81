"""`/api/v1/queue`: MQLs waiting on sales."""

from __future__ import annotations

from fastapi import APIRouter

from embudo.analytics.queue import sales_queue
from embudo.api.dependencies import NowDep, ReadingDep, SessionDep
from embudo.api.problems import PROBLEMS
from embudo.api.schemas.leads import QueuedLead

router = APIRouter(prefix="/api/v1", tags=["leads"], responses=PROBLEMS)


@router.get("/queue")
def queue(conn: SessionDep, workspace: ReadingDep, now: NowDep) -> list[QueuedLead]:
    """MQLs unassigned or past their first-touch due time, the longest waiting first."""
    return [QueuedLead.model_validate(row) for row in sales_queue(conn, workspace, now)]
