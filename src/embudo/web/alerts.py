"""What needs someone's attention now: stalled deals and MQLs past their first-touch time.

Both come from existing read sides: `engine.rotting.rotted` (open deals left
in their stage past its `rotting_days`) and `analytics.queue.sales_queue`
(MQLs whose first touch is overdue: an SLA breach in the making or made).
The overview reads them through the report cache, as its reports
(`cached_alerts`): both read every open deal and every MQL.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import datetime
from typing import Any

from embudo.analytics.queue import sales_queue
from embudo.engine.rotting import rotted
from embudo.store.workspaces import Workspace
from embudo.web.report_cache import Cached, Visit, cache_key
from embudo.web.state import View

SHOWN = 8
"""Alerts listed per kind; the total is always shown."""
CACHED_AS = "alerts"


@dataclass(frozen=True, slots=True)
class StalledDeal:
    deal_id: int
    stage: str
    since: datetime


@dataclass(frozen=True, slots=True)
class Alerts:
    stalled: list[StalledDeal]
    stalled_total: int
    overdue: list[dict[str, Any]]
    overdue_total: int

    @property
    def empty(self) -> bool:
        return not (self.stalled_total or self.overdue_total)


def read_alerts(view: View, workspace: Workspace) -> Alerts:
    """Stalled deals (longest stalled first) and overdue MQLs (longest waiting first)."""
    with view.state.engine.connect() as conn:
        deals = rotted(conn, workspace, view.now)
        queue = sales_queue(conn, workspace, view.now)
    deals.sort(key=lambda deal: deal.at)
    overdue = [line for line in queue if "overdue" in line["status"]]
    stalled = [StalledDeal(deal.deal_id, _stage(workspace, deal.stage), deal.at) for deal in deals]
    return Alerts(stalled[:SHOWN], len(stalled), overdue[:SHOWN], len(overdue))


def _stage(workspace: Workspace, key: str) -> str:
    """A pipeline stage's label from the definition (pipelines are the workspace's own words)."""
    for pipeline in workspace.spec.pipelines.values():
        for stage in pipeline.stages:
            if stage.key == key and stage.label:
                return stage.label
    return key


def cached_alerts(view: View, workspace: Workspace, visit: Visit) -> Cached:
    """`read_alerts`, served from the report cache (a `Cached` holding `Alerts`, or none yet)."""

    def compute() -> dict[str, Any]:
        return asdict(read_alerts(view, workspace))

    key = cache_key(workspace.id, CACHED_AS, {})
    cached = view.state.reports.read(key, visit, compute)
    stored = cached.value
    if stored is None:
        return cached
    stalled = [StalledDeal(**deal) for deal in stored["stalled"]]
    alerts = Alerts(stalled, stored["stalled_total"], stored["overdue"], stored["overdue_total"])
    return replace(cached, value=alerts)
