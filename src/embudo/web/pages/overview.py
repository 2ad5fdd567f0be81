"""Overview: the funnel, the four health metrics against the period before, SLA, alerts.

The period (this month, last 30 days, this quarter, all) is chosen with a
form that htmx submits on change, swapping only `_overview_body.html`; the
same URL without htmx renders the whole page, so links and reloads work.
It opens on this quarter: long enough for B2B and admissions cycles to show
closes (a month often holds none), short enough to be about now.
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
from embudo.web.alerts import read_alerts
from embudo.web.health_cards import health_cards
from embudo.web.page_route import PageRoute
from embudo.web.periods import LABELS, Period, parse_period, period_days
from embudo.web.reading import Shown, open_shown, report
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
    context = {
        "section": "overview",
        "shown": shown,
        "period": chosen,
        "periods": LABELS,
        "funnel": funnel_steps(view, shown, chosen),
        "cards": _cards(view, shown, chosen),
        "sla": sla_status(view, shown),
        "alerts": read_alerts(view, shown.workspace),
        "currency": shown.workspace.spec.currency,
        "partial": "_overview_body.html",
    }
    return render(view, "overview.html", context, shown.formats)


def _params(shown: Shown, view: View, period: Period, compare: bool = False) -> ReportParams:
    first, last = period_days(period, shown.today(view))
    wanted = Compare.PREVIOUS if compare and first is not None else None
    return ReportParams(from_=first, to=last, compare=wanted)


def funnel_steps(view: View, shown: Shown, period: Period) -> dict[str, Any]:
    """The funnel report's stage rows (not its section rows) as a table and a chart."""
    result = report(view, "funnel", _params(shown, view, period))
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


def _cards(view: View, shown: Shown, period: Period) -> Any:
    result = report(view, "health", _params(shown, view, period, compare=True))
    return health_cards(result.rows, shown.formats, shown.workspace.spec.currency)


def sla_status(view: View, shown: Shown) -> ReportResult | None:
    """The `sla` report for this month when the registry has one; None leaves its slot marked."""
    if SLA_REPORT not in REPORTS:
        return None
    return report(view, SLA_REPORT, _params(shown, view, Period.MONTH))
