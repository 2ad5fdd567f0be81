"""What pages read: the workspace shown, and reports run on the store through Ibis.

A report opens its own Ibis backend and closes it when done: backends are
not shared between the threads that serve requests (SQLite connections are
bound to theirs), and opening one is cheap next to running the report.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from zoneinfo import ZoneInfo

from embudo.analytics.engines import open_backend
from embudo.analytics.params import ReportParams
from embudo.analytics.report import ReportResult, run_report
from embudo.analytics.reports import find_report
from embudo.store.workspaces import Workspace, open_workspace, workspace_names
from embudo.web import i18n
from embudo.web.formats import Formats
from embudo.web.report_cache import Cached, Visit, cache_key
from embudo.web.state import View


@dataclass(frozen=True, slots=True)
class Shown:
    """The workspace a page shows, the others one can switch to, and its formats."""

    workspace: Workspace
    names: list[str]
    formats: Formats

    @property
    def zone(self) -> ZoneInfo:
        return self.formats.zone

    def today(self, view: View) -> date:
        """Today in the workspace's time zone: where periods end."""
        return view.now.astimezone(self.zone).date()


def open_shown(view: View) -> Shown:
    """The request's workspace with its definition in force (a clear error when there is none)."""
    with view.state.engine.connect() as conn:
        workspace = open_workspace(conn, view.workspace)
        names = workspace_names(conn)
    zone = ZoneInfo(workspace.spec.timezone)
    return Shown(workspace, names, Formats(i18n.locale(view.language), zone))


def report(view: View, name: str, params: ReportParams) -> ReportResult:
    """Run the registered report `name` on the store for the request's workspace."""
    backend = open_backend(view.state.store_url)
    try:
        return run_report(find_report(name), backend, view.workspace, params, view.now)
    finally:
        backend.disconnect()


def cached_report(
    view: View,
    shown: Shown,
    name: str,
    params: ReportParams,
    visit: Visit,
    earlier: Sequence[ReportParams] = (),
) -> Cached:
    """`report`, served from the report cache (a `Cached` holding a `ReportResult`, or none
    yet); while it is first computed, the latest stored of the `earlier` parameters (the
    same period on past days) stands in for it."""
    workspace_id = shown.workspace.id
    key = cache_key(workspace_id, name, params.as_json())

    def compute() -> dict[str, object]:
        result = report(view, name, params)
        return {"columns": list(result.columns), "rows": result.rows}

    stand_ins = [cache_key(workspace_id, name, other.as_json()) for other in earlier]
    cached = view.state.reports.read(key, visit, compute, [k for k in stand_ins if k != key])
    if cached.value is None:
        return cached
    columns, rows = cached.value["columns"], cached.value["rows"]
    result = ReportResult(name, params, tuple(columns), rows)
    return replace(cached, value=result)
