"""Flows: where contacts move (a Sankey with recycling and disqualification), and conversion
by channel and by month.

Three reports over one period: `flow`, `funnel --by channel` and
`funnel --by month` (cohort mode: the contacts created in the period, and how
far each got).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from embudo.analytics.params import ReportParams, parse_dimension
from embudo.web import charts
from embudo.web.access import ViewDep
from embudo.web.conversions import channel_label, conversion_series, pivot
from embudo.web.flow_chart import sankey
from embudo.web.page_route import PageRoute
from embudo.web.periods import LABELS, Period, parse_period, period_days
from embudo.web.reading import Shown, open_shown, report
from embudo.web.state import View
from embudo.web.templating import render

router = APIRouter(route_class=PageRoute, include_in_schema=False)


@router.get("/flows", response_class=HTMLResponse, name="flows")
def flows(view: ViewDep, period: str | None = None) -> HTMLResponse:
    """The whole page, or its body for htmx."""
    shown = open_shown(view)
    chosen = parse_period(period, default=Period.ALL)
    context = {
        "section": "flows",
        "shown": shown,
        "period": chosen,
        "periods": LABELS,
        "moves": _moves(view, shown, chosen),
        "by_channel": _conversions(view, shown, chosen, "channel"),
        "by_month": _conversions(view, shown, chosen, "month"),
        "partial": "_flows_body.html",
    }
    return render(view, "flows.html", context, shown.formats)


def _params(view: View, shown: Shown, period: Period, by: str | None = None) -> ReportParams:
    first, last = period_days(period, shown.today(view))
    return ReportParams(from_=first, to=last, by=None if by is None else parse_dimension(by))


def _moves(view: View, shown: Shown, period: Period) -> dict[str, Any]:
    result = report(view, "flow", _params(view, shown, period))
    chart = sankey(result.rows, shown.workspace.spec, view.language)
    return {"result": result, "chart": chart, "empty": not result.rows}


def _conversions(view: View, shown: Shown, period: Period, by: str) -> dict[str, Any]:
    result = report(view, "funnel", _params(view, shown, period, by))
    spec = shown.workspace.spec
    label = shown.formats.month if by == "month" else channel_label(spec)
    table = pivot(result.rows, by, spec, view.language, label)
    draw = charts.lines if by == "month" else charts.bars
    chart = draw(table.groups, conversion_series(table), percent=True)
    return {"table": table, "chart": chart, "empty": not table.groups}
