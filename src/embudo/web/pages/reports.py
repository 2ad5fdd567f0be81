"""Reports: every report in the registry, with its parameters, table, chart and downloads.

`/reports` lists `analytics.reports.REPORTS` (a report added there appears
by itself); `/reports/NAME` runs one with the form's parameters (htmx swaps
the result when they change); `/reports/NAME/download?format=csv|xlsx` with
the same parameters gives the same table as a file.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Response
from fastapi.responses import HTMLResponse

from embudo.analytics.report import Report, ReportResult
from embudo.analytics.reports import REPORTS
from embudo.domain.errors import InvalidInput, NotFound
from embudo.web.access import ViewDep
from embudo.web.page_route import PageRoute
from embudo.web.reading import Shown, open_shown, report
from embudo.web.report_charts import ChartContext, chart_for
from embudo.web.report_files import download, download_format
from embudo.web.report_form import Asked, ReportForm, form_params, read_form
from embudo.web.report_names import summary, title
from embudo.web.state import View
from embudo.web.templating import render

router = APIRouter(route_class=PageRoute, include_in_schema=False)


def asked_form(
    period: str | None = None,
    by: str | None = None,
    property_name: Annotated[str | None, Query(alias="property")] = None,
    mode: str | None = None,
    compare: str | None = None,
) -> Asked:
    """The form's fields from the query string."""
    return Asked(period, by, property_name, mode, compare)


AskedDep = Annotated[Asked, Depends(asked_form)]


@router.get("/reports", response_class=HTMLResponse, name="reports")
def reports(view: ViewDep) -> HTMLResponse:
    """Every registered report, by name, with what it answers."""
    shown = open_shown(view)
    listed = [
        {"name": name, "title": title(view.language, one), "summary": summary(view.language, one)}
        for name, one in sorted(REPORTS.items())
    ]
    context = {"section": "reports", "shown": shown, "reports": listed}
    return render(view, "reports.html", context, shown.formats)


@router.get("/reports/{name}", response_class=HTMLResponse, name="report")
def one_report(view: ViewDep, name: str, asked: AskedDep) -> HTMLResponse:
    """One report run with the form's parameters: the page, or its result for htmx.

    A form with a wrong field is sent back with the message beside it (422), nothing run.
    """
    shown = open_shown(view)
    chosen = _find(name)
    form = read_form(chosen, asked)
    context = {
        "section": "reports",
        "shown": shown,
        "report": chosen,
        "title": title(view.language, chosen),
        "summary": summary(view.language, chosen),
        "form": form,
        "partial": "_report_body.html",
        "errors": {"report": form.errors or {}},
        "result": None,
        "chart": None,
    }
    if form.errors:
        return render(view, "report.html", context, shown.formats, status=422)
    result = _run(view, shown, name, form)
    context |= {
        "result": result,
        "chart": chart_for(
            result, ChartContext(shown.workspace.spec, view.language, shown.formats)
        ),
        "download_url": lambda kind: download_url(name, form, kind),
    }
    return render(view, "report.html", context, shown.formats)


def download_url(name: str, form: ReportForm, kind: str) -> str:
    """The download of what the page shows: the same parameters, as a file of `kind`."""
    return f"/reports/{name}/download?{urlencode({**form.query(), 'format': kind})}"


@router.get("/reports/{name}/download", name="report_download")
def report_download(
    view: ViewDep,
    name: str,
    asked: AskedDep,
    kind: Annotated[str, Query(alias="format")] = "csv",
) -> Response:
    """The report's table as CSV or XLSX, with the page's parameters."""
    wanted = download_format(kind)
    shown = open_shown(view)
    form = read_form(_find(name), asked)
    if form.errors:
        raise InvalidInput(
            f"property={form.property_name} is not the name of a contact property — start "
            "with a letter or _, then letters, digits, _, . or -, e.g. property=country"
        )
    return download(_run(view, shown, name, form), wanted)


def _find(name: str) -> Report:
    """The registered report `name`; a page that does not exist is a 404, listing the others."""
    if name not in REPORTS:
        raise NotFound(f"no report {name!r} — the reports are: {', '.join(sorted(REPORTS))}")
    return REPORTS[name]


def _run(view: View, shown: Shown, name: str, form: ReportForm) -> ReportResult:
    return report(view, name, form_params(form, shown.today(view)))
