"""`/api/v1/checks/…`: what time alone brings about, run on a schedule — SLA breaches, rot.

Nothing writes these as it happens (no event marks a deadline passing), so a
scheduler calls them, as it would `embudo sla check` and `embudo deal
rot-check`; each records a breach or a rot once, so a rerun does nothing new.
"""

from __future__ import annotations

from fastapi import APIRouter

from embudo.api.dependencies import NowDep, SessionDep, WritingDep
from embudo.api.problems import PROBLEMS
from embudo.api.schemas.leads import SlaChecked
from embudo.api.schemas.operations import PlaybookRun, RotCheck
from embudo.engine.rotting import check_rotting, rotted
from embudo.engine.sla import check_first_touch

router = APIRouter(prefix="/api/v1/checks", tags=["checks"], responses=PROBLEMS)


@router.post("/sla")
def sla(conn: SessionDep, workspace: WritingDep, now: NowDep) -> SlaChecked:
    """Record a breach for each MQL still untouched past its first-touch due time."""
    recorded = check_first_touch(conn, workspace, now)
    return SlaChecked(recorded=recorded, first_touch_hours=workspace.spec.sla.first_touch_hours)


@router.post("/deal-rot")
def deal_rot(conn: SessionDep, workspace: WritingDep, now: NowDep) -> RotCheck:
    """Run the `deal_rots` playbooks of open deals stalled past their stage's rotting_days
    (a deal rots once per stage entry)."""
    stalled = rotted(conn, workspace, now)
    runs = [
        PlaybookRun(
            playbook=ran.playbook, subject=ran.subject, trigger=ran.trigger_key,
            outcomes=list(ran.outcomes),
        )
        for ran in check_rotting(conn, workspace, now)
    ]  # fmt: skip
    return RotCheck(rotting=len(stalled), runs=runs)
