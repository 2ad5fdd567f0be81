"""`/api/v1/queue` and `/api/v1/sla/check`: MQLs waiting on sales, and recording SLA breaches."""

from __future__ import annotations

from fastapi import APIRouter

from embudo.analytics.queue import sales_queue
from embudo.api.dependencies import NowDep, ReadingDep, SessionDep, WritingDep
from embudo.api.problems import PROBLEMS
from embudo.api.schemas.leads import QueuedLead, SlaChecked
from embudo.engine.sla import check_first_touch

router = APIRouter(prefix="/api/v1", tags=["leads"], responses=PROBLEMS)


@router.get("/queue")
def queue(conn: SessionDep, workspace: ReadingDep, now: NowDep) -> list[QueuedLead]:
    """MQLs unassigned or past their first-touch due time, the longest waiting first."""
    return [QueuedLead.model_validate(row) for row in sales_queue(conn, workspace, now)]


@router.post("/sla/check")
def sla_check(conn: SessionDep, workspace: WritingDep, now: NowDep) -> SlaChecked:
    """Record a breach for each MQL still untouched past its first-touch due time (run it
    on a schedule; a rerun records nothing twice)."""
    recorded = check_first_touch(conn, workspace, now)
    return SlaChecked(recorded=recorded, first_touch_hours=workspace.spec.sla.first_touch_hours)
