"""Overview: the funnel, the four health metrics against the period before, SLA, alerts.

The period (this month, last 30 days, this quarter, all) is chosen with a
form that htmx submits on change, swapping only `_overview_body.html`; the
same URL without htmx renders the whole page, so links and reloads work.
It opens on this quarter: long enough for B2B and admissions cycles to show
closes (a month often holds none), short enough to be about now.

Every figure comes through the report cache (`report_cache.py`): the page
says as of when, and while a newer result is being computed the body asks
for itself again (htmx) until it is fresh. A figure computed for the first
time shows a placeholder (or an error, when its computation failed) in its
own place, unless the same period's figures of an earlier day (up to a week
back: the cache keeps what was read within `KEEP`) can stand in, as stale.
"""

from __future__ import annotations

from datetime import date
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
from embudo.web.periods import LABELS, Period, earlier_days, parse_period, period_days
from embudo.web.reading import Shown, cached_report, open_shown
from embudo.web.report_cache import KEEP, Cached, Visit
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
    visit = view.state.reports.visit(view.now)
    funnel = _cached(view, shown, "funnel", chosen, visit)
    health = _cached(view, shown, "health", chosen, visit, compare=True)
    sla = sla_status(view, shown, visit)
    alerts = cached_alerts(view, shown.workspace, visit)
    read = [part for part in (funnel, health, sla, alerts) if part is not None]
    moments = [part.as_of for part in read if part.value is not None and part.as_of is not None]
    currency = shown.workspace.spec.currency
    context = {
        "section": "overview",
        "shown": shown,
        "period": chosen,
        "periods": LABELS,
        "parts": {"funnel": funnel, "health": health, "sla": sla, "alerts": alerts},
        "funnel": None if funnel.value is None else funnel_steps(view, shown, funnel.value),
        "cards": None
        if health.value is None
        else health_cards(health.value.rows, shown.formats, currency),
        "sla": None if sla is None else sla.value,
        "alerts": alerts.value,
        "as_of": min(moments, default=None),
        "refreshing": any(part.refreshing for part in read),
        "currency": currency,
        "partial": "_overview_body.html",
    }
    return render(view, "overview.html", context, shown.formats)


def _cached(
    view: View, shown: Shown, name: str, period: Period, visit: Visit, compare: bool = False
) -> Cached:
    """Report `name` over `period` as of today, or, while that is first computed, as of the
    latest earlier day the cache still holds (so a new day does not empty the page)."""
    today = shown.today(view)
    earlier = [_params(period, day, compare) for day in earlier_days(period, today, KEEP.days)]
    return cached_report(view, shown, name, _params(period, today, compare), visit, earlier)


def _params(period: Period, today: date, compare: bool = False) -> ReportParams:
    first, last = period_days(period, today)
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


def sla_status(view: View, shown: Shown, visit: Visit) -> Cached | None:
    """The `sla` report for this month when the registry has one; None leaves its slot marked."""
    if SLA_REPORT not in REPORTS:
        return None
    return _cached(view, shown, SLA_REPORT, Period.MONTH, visit)
