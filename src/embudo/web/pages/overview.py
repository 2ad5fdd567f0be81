"""Overview: the funnel, the four health metrics against the period before, SLA, alerts.

The period (this month, last 30 days, this quarter, all) is chosen with a
form that htmx submits on change, swapping only `_overview_body.html`; the
same URL without htmx renders the whole page, so links and reloads work.
It opens on this quarter: long enough for B2B and admissions cycles to show
closes (a month often holds none), short enough to be about now.

Every figure comes through the report cache (`report_cache.py`): the page
says as of when, and while a newer result is being computed the body asks
for itself again (htmx) until it is fresh.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from embudo.analytics.params import Compare, ReportParams
from embudo.analytics.report import ReportResult
from embudo.analytics.reports import REPORTS
from embudo.web import charts
from embudo.web.access import ViewDep
from embudo.web.alerts import cached_alerts
from embudo.web.health_cards import health_cards
from embudo.web.page_route import PageRoute
from embudo.web.periods import LABELS, Period, parse_period, period_days
from embudo.web.reading import Shown, cached_report, open_shown
from embudo.web.report_cache import Cached
from embudo.web.state import View
from embudo.web.templating import render
from embudo.web.vocabulary import stage_name

router = APIRouter(route_class=PageRoute, include_in_schema=False)
SLA_REPORT = "sla"


@router.get("/", response_class=HTMLResponse, name="overview")
def overview(view: ViewDep, period: str | None = None) -> HTMLResponse:
    """The whole page, or its body for htmx."""
    shown = open_shown(view)
    chosen = parse_period(period, default=Period.QUARTER)
    version = view.state.reports.version()
    funnel = cached_report(view, shown, "funnel", _params(shown, view, chosen), version)
    compared = _params(shown, view, chosen, compare=True)
    health = cached_report(view, shown, "health", compared, version)
    sla = sla_status(view, shown, version)
    alerts = cached_alerts(view, shown.workspace, version)
    read = [part for part in (funnel, health, sla, alerts) if part is not None]
    context = {
        "section": "overview",
        "shown": shown,
        "period": chosen,
        "periods": LABELS,
        "funnel": funnel_steps(view, shown, funnel.value),
        "cards": health_cards(health.value.rows, shown.formats, shown.workspace.spec.currency),
        "sla": None if sla is None else sla.value,
        "alerts": alerts.value,
        "as_of": min(part.as_of for part in read),
        "refreshing": any(part.refreshing for part in read),
        "currency": shown.workspace.spec.currency,
        "partial": "_overview_body.html",
    }
    return render(view, "overview.html", context, shown.formats)


def _params(shown: Shown, view: View, period: Period, compare: bool = False) -> ReportParams:
    first, last = period_days(period, shown.today(view))
    wanted = Compare.PREVIOUS if compare and first is not None else None
    return ReportParams(from_=first, to=last, compare=wanted)


def funnel_steps(view: View, shown: Shown, result: ReportResult) -> dict[str, Any]:
    """The funnel report's stage rows (not its section rows) as a table and a chart."""
    spec = shown.workspace.spec
    keys = {stage.key for stage in spec.lifecycle.funnel}
    rows = [row for row in result.rows if row["stage"] in keys]
    named = [{**row, "name": stage_name(view.language, spec, row["stage"])} for row in rows]
    steps = [charts.Bar(row["name"], row["reached"], _step_text(row, shown)) for row in named]
    empty = not any(row["reached"] for row in rows)
    return {"rows": named, "chart": charts.funnel(steps), "empty": empty}


def _step_text(row: dict[str, Any], shown: Shown) -> str:
    """`495 · 16.5%`: reached, and the conversion from the stage before (none for the first)."""
    reached = shown.formats.number(row["reached"])
    rate = row["conversion"]
    return reached if rate is None else f"{reached} · {shown.formats.percent(rate)}"


def sla_status(view: View, shown: Shown, version: str) -> Cached | None:
    """The `sla` report for this month when the registry has one; None leaves its slot marked."""
    if SLA_REPORT not in REPORTS:
        return None
    return cached_report(view, shown, SLA_REPORT, _params(shown, view, Period.MONTH), version)
