"""The rot check: open deals left in their stage past its `rotting_days` run `deal_rots`.

Time alone makes a deal rot, so nothing writes this trigger as it happens;
`embudo deal rot-check` (run it on a schedule) finds the deals and runs the
playbooks, dated at the moment each deal rotted. A rot belongs to one stage
entry (`playbook_runs` keys it so), so a rerun fires nothing new, and a deal
moved on and left to stall again in a later stage rots anew.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, select

from embudo.domain.deals import rots_at
from embudo.domain.playbooks import DealRotted
from embudo.engine.playbooks import Ran, run_playbooks
from embudo.store.tables import deals
from embudo.store.workspaces import Workspace


def check_rotting(conn: Connection, workspace: Workspace, now: datetime) -> list[Ran]:
    """Run the `deal_rots` playbooks of every open deal rotted by `now`; returns the new runs."""
    return run_playbooks(conn, workspace, rotted(conn, workspace, now), now=now)


def rotted(conn: Connection, workspace: Workspace, now: datetime) -> list[DealRotted]:
    """The open deals whose time in their stage reached its rotting limit by `now`."""
    rows = conn.execute(
        select(deals.c.id, deals.c.contact_id, deals.c.pipeline, deals.c.stage, deals.c.stage_at)
        .where(deals.c.workspace_id == workspace.id, deals.c.status == "open")
        .order_by(deals.c.id)
    )
    found = []
    for row in rows:
        moment = rots_at(workspace.spec, row.pipeline, row.stage, row.stage_at)
        if moment is not None and moment <= now:
            found.append(DealRotted(row.id, row.contact_id, row.stage, row.stage_at, moment))
    return found
